export * from './elastic-stack';
export * from './elasticsearch-config';
export * from './elasticsearch';
export * from './fluentd-config';
export * from './fluentd';
export * from './kibana';
export * from './log-retention';
export * from './efk-stack';
