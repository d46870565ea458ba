// Which kinds are cluster-scoped is needed below the checks too (synth-time duplicate names), so it lives in lib/core.
export { CLUSTER_SCOPED_KINDS, clusterScopedCustomKinds, isClusterScoped } from '../core/scope';
