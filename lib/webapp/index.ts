export * from './web-app';
export * from './demo';
