export * from './core/labels';
export * from './core/security';
export * from './core/quantity';
export * from './core/resources';
export * from './core/validation';
export * from './core/network';
export * from './core/escape-hatches';
export * from './core/pod-disruption-budget';
