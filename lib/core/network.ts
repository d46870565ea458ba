import { k8s } from 'cdk8s-plus-27';

/** Label every namespace carries since Kubernetes 1.22, set by the API server. */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** Pods that may open connections to a workload, for its NetworkPolicy. */
export interface NetworkPeer {
  /** Labels of the client pods (their stable selector labels). */
  readonly podLabels: Record<string, string>;
  /** Namespace of the client pods. @default - the workload's own namespace */
  readonly namespace?: string;
}

/** Every pod in a namespace (e.g. the monitoring namespace where Prometheus runs). */
export function namespacePeer(namespace: string): k8s.NetworkPolicyPeer {
  return { namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: namespace } } };
}

/** The NetworkPolicy peer for `peer`; a namespace selector is added only when it is given. */
export function toPolicyPeer(peer: NetworkPeer): k8s.NetworkPolicyPeer {
  return {
    podSelector: { matchLabels: { ...peer.podLabels } },
    ...(peer.namespace ? { namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: peer.namespace } } } : {}),
  };
}

/** `{ port, protocol: TCP }` for a NetworkPolicy rule. */
export function tcpPort(port: number): k8s.NetworkPolicyPort {
  return { port: k8s.IntOrString.fromNumber(port), protocol: 'TCP' };
}

/** A Service port that targets the container port of the same name (names survive port renumbering). */
export function namedServicePort(name: string, port: number): k8s.ServicePort {
  return { name, port, targetPort: k8s.IntOrString.fromString(name) };
}
