import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-27';
import { PodDisruptionBudget } from '../core/pod-disruption-budget';
import { ComputeResources } from '../core/resources';

/**
 * What Prometheus and Alertmanager need around the pods the Prometheus Operator creates for them:
 * Service and PodDisruptionBudget, security context, anti-affinity, typed resources.
 */

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
