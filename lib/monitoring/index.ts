export * from './promql';
export * from './alert-rules';
export * from './alert-catalogue';
export * from './metrics-monitor';
export * from './platform-monitoring';
export * from './monitoring-chart';
