export * from './kafka-config';
export * from './kafka-rollout';
export * from './kafka-cluster';
