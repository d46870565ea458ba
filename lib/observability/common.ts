import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-27';
import { makeClusterScoped } from '../core/escape-hatches';
import { IpEgress } from '../core/ip-egress';
import { namespacePeer, tcpPort } from '../core/network';
import { PodDisruptionBudget } from '../core/pod-disruption-budget';
import { ComputeResources } from '../core/resources';

/**
 * Building blocks shared by the observability constructs: the Deployment skeleton of the
 * stateless components (Grafana, Jaeger, kube-state-metrics, metrics-server, the operator), a
 * ClusterRole bound to one ServiceAccount, and what Prometheus and Alertmanager need around the
 * pods the operator creates (Service, PodDisruptionBudget, anti-affinity, resources).
 */

/** Props of {@link stackDeployment}. */
export interface StackDeploymentProps {
  /** `metadata.name`. */
  readonly name: string;
  /** Labels of the Deployment and its pods. */
  readonly labels: Record<string, string>;
  /** The stable selector (a subset of `labels`). */
  readonly selectorLabels: Record<string, string>;
  readonly replicas: number;
  /**
   * `surge` (default): RollingUpdate with `maxSurge: 1, maxUnavailable: 0` (never fewer ready
   * pods). `recreate`: the old pod stops before the new one starts (one controller at a time).
   */
  readonly strategy?: 'surge' | 'recreate';
  /** @default 10 */
  readonly revisionHistoryLimit?: number;
  /** Pod template annotations. @default - none */
  readonly podAnnotations?: Record<string, string>;
  /**
   * The pod spec; `enableServiceLinks: false` and the Linux node selector are added (no component
   * reads Service environment variables; every image is Linux-only).
   */
  readonly pod: k8s.PodSpec & { readonly serviceAccountName: string; readonly automountServiceAccountToken: boolean };
}

/** The Deployment of one stateless stack component (see {@link StackDeploymentProps}), construct id `Resource`. */
export function stackDeployment(scope: Construct, props: StackDeploymentProps): k8s.KubeDeployment {
  const strategy: k8s.DeploymentStrategy = props.strategy === 'recreate'
    ? { type: 'Recreate' }
    : { type: 'RollingUpdate', rollingUpdate: { maxSurge: k8s.IntOrString.fromNumber(1), maxUnavailable: k8s.IntOrString.fromNumber(0) } };
  return new k8s.KubeDeployment(scope, 'Resource', {
    metadata: { name: props.name, labels: props.labels },
    spec: {
      replicas: props.replicas,
      revisionHistoryLimit: props.revisionHistoryLimit ?? 10,
      strategy,
      selector: { matchLabels: props.selectorLabels },
      template: {
        metadata: { labels: props.labels, annotations: props.podAnnotations },
        spec: { enableServiceLinks: false, nodeSelector: { 'kubernetes.io/os': 'linux' }, ...props.pod },
      },
    },
  });
}

/** Props of {@link bindClusterRole}. */
export interface BoundClusterRoleProps {
  /** Name of the ClusterRole and of its ClusterRoleBinding. */
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly rules: k8s.PolicyRule[];
  /** The ServiceAccount granted the role. */
  readonly serviceAccount: { readonly name: string; readonly namespace: string };
}

/** A ClusterRole and the ClusterRoleBinding that grants it to one ServiceAccount (construct ids `ClusterRole`, `ClusterRoleBinding`). */
export function bindClusterRole(scope: Construct, props: BoundClusterRoleProps): { clusterRole: k8s.KubeClusterRole; binding: k8s.KubeClusterRoleBinding } {
  const clusterRole = new k8s.KubeClusterRole(scope, 'ClusterRole', { metadata: { name: props.name, labels: props.labels }, rules: props.rules });
  makeClusterScoped(clusterRole);
  const binding = new k8s.KubeClusterRoleBinding(scope, 'ClusterRoleBinding', {
    metadata: { name: props.name, labels: props.labels },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: clusterRole.name },
    subjects: [{ kind: 'ServiceAccount', name: props.serviceAccount.name, namespace: props.serviceAccount.namespace }],
  });
  makeClusterScoped(binding);
  return { clusterRole, binding };
}

/** Props of {@link operatorPodService}. */
export interface OperatorPodServiceProps {
  /** Name of the Service and the PodDisruptionBudget. */
  readonly name: string;
  readonly labels: Record<string, string>;
  /** Labels the operator gives the pods. */
  readonly podSelector: Record<string, string>;
  /** Service ports, each targeting the container port of the same name. */
  readonly ports: ReadonlyArray<readonly [name: string, port: number]>;
  readonly replicas: number;
}

/**
 * Around the pods the Prometheus Operator creates for a Prometheus or Alertmanager: a Service
 * (queries of one client stick to one replica, `sessionAffinity: ClientIP`: replicas do not share
 * data) and, with more than one replica, a PodDisruptionBudget (`maxUnavailable: 1`).
 */
export function operatorPodService(scope: Construct, props: OperatorPodServiceProps): { service: k8s.KubeService; podDisruptionBudget?: PodDisruptionBudget } {
  const service = new k8s.KubeService(scope, 'Service', {
    metadata: { name: props.name, labels: props.labels },
    spec: {
      selector: props.podSelector,
      sessionAffinity: 'ClientIP',
      ports: props.ports.map(([name, port]) => ({ name, port, targetPort: k8s.IntOrString.fromString(name), protocol: 'TCP' })),
    },
  });
  const podDisruptionBudget = props.replicas > 1
    ? new PodDisruptionBudget(scope, 'PodDisruptionBudget', { name: props.name, labels: props.labels, selector: props.podSelector, maxUnavailable: 1 })
    : undefined;
  return { service, podDisruptionBudget };
}

/** `required`: replicas on separate nodes (hard anti-affinity); `none`: no constraint. */
export type OperatorPodAntiAffinity = 'required' | 'none';

/** Every {@link OperatorPodAntiAffinity}. */
export const OPERATOR_POD_ANTI_AFFINITIES: readonly OperatorPodAntiAffinity[] = ['required', 'none'];

/** uid, gid and fsGroup of the Prometheus and Alertmanager pods (the operator's documented non-root identity). */
export const OPERATOR_POD_UID = 1000;
export const OPERATOR_POD_FS_GROUP = 2000;

/** The pod security context of a Prometheus or Alertmanager resource (Pod Security `restricted`). */
export function operatorPodSecurityContext(): { runAsNonRoot: boolean; runAsUser: number; runAsGroup: number; fsGroup: number; seccompProfile: { type: string } } {
  return { runAsNonRoot: true, runAsUser: OPERATOR_POD_UID, runAsGroup: OPERATOR_POD_FS_GROUP, fsGroup: OPERATOR_POD_FS_GROUP, seccompProfile: { type: 'RuntimeDefault' } };
}

/**
 * Anti-affinity of the pods the operator creates (it adds none of its own): with `required` and
 * several replicas, hard anti-affinity over `podSelector` by node; nothing otherwise.
 */
export function operatorPodAntiAffinity(replicas: number, antiAffinity: OperatorPodAntiAffinity, podSelector: Record<string, string>) {
  return replicas > 1 && antiAffinity === 'required' ? {
    podAntiAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: podSelector } }],
    },
  } : undefined;
}

/** A quantity class of the imported CRD types (`PrometheusSpecResourcesRequests`, ...). */
interface QuantityClass<T> {
  fromString(value: string): T;
}

/** `resources` in the typed form of a custom resource's `spec.resources`. */
export function operatorPodResources<R, L>(resources: ComputeResources, requests: QuantityClass<R>, limits: QuantityClass<L>) {
  return {
    requests: { cpu: requests.fromString(resources.requests.cpu), memory: requests.fromString(resources.requests.memory) },
    limits: { cpu: limits.fromString(resources.limits.cpu), memory: limits.fromString(resources.limits.memory) },
  };
}

/** Props of {@link metricsIngressPolicy}. */
export interface MetricsIngressPolicyProps {
  /** `metadata.name` of the NetworkPolicy. */
  readonly name: string;
  readonly labels: Record<string, string>;
  /** The pods it selects. */
  readonly selectorLabels: Record<string, string>;
  /** Namespace of Prometheus. */
  readonly monitoringNamespace: string;
  /** Metrics ports. */
  readonly ports: number[];
}

/** An ingress NetworkPolicy that admits only the monitoring namespace, on the metrics ports (construct id `NetworkPolicy`). */
export function metricsIngressPolicy(scope: Construct, props: MetricsIngressPolicyProps): k8s.KubeNetworkPolicy {
  return new k8s.KubeNetworkPolicy(scope, 'NetworkPolicy', {
    metadata: { name: props.name, labels: props.labels },
    spec: {
      podSelector: { matchLabels: props.selectorLabels },
      policyTypes: ['Ingress'],
      ingress: [{ from: [namespacePeer(props.monitoringNamespace)], ports: props.ports.map(tcpPort) }],
    },
  });
}

export { apiServerEgress } from '../core/ip-egress';
export type { ApiClientPods } from '../core/ip-egress';

/** Copies of `egress` (callers may not change a construct's declarations). */
export function copyIpEgress(egress: readonly IpEgress[]): IpEgress[] {
  return egress.map((e) => ({ ...e, podLabels: { ...e.podLabels }, ports: [...e.ports] }));
}
