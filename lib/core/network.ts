import { Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { k8s } from 'cdk8s-plus-27';
import type * as kplus from 'cdk8s-plus-27';
import { check, checkDnsLabel, checkLabels } from './validation';

/** Label every namespace carries since Kubernetes 1.22, set by the API server. */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** Pods that may open connections to a workload, for its NetworkPolicy. */
export interface NetworkPeer {
  /** Labels of the client pods (their stable selector labels). */
  readonly podLabels: Record<string, string>;
  /** Namespace of the client pods. @default - the workload's own namespace */
  readonly namespace?: string;
  /** Short name of the client in flow descriptions (`<name> -> kafka broker port`). @default - its `app.kubernetes.io/name` or `app` label, else `client` */
  readonly name?: string;
}

/**
 * A client a workload admits (`allowClient`, `allowFrom`): a plain label selector
 * ({@link NetworkPeer}), a cdk8s-plus-27 workload or pod selector (`Deployment`, `StatefulSet`,
 * `DaemonSet`, `Job`, `Pod`, `Pods.select(...)`: anything with `toPodSelectorConfig()`), a
 * cdk8s-plus-27 network policy peer that is a pod selector, or one of this library's constructs
 * (`KafkaCluster`, `ZookeeperEnsemble`, `WebApp`, ...).
 */
export type ClientPeer = NetworkPeer | kplus.IPodSelector | kplus.INetworkPolicyPeer;

/** A client resolved to labels and a namespace (undefined: the admitting workload's own namespace). */
export interface ResolvedPeer extends NetworkPeer {
  readonly name: string;
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

/** Something that names its pods directly: this library's constructs (`selectorLabels` + `namespace`). */
interface LabelledPods {
  readonly namespace: string;
  readonly selectorLabels: Record<string, string>;
  readonly flowName?: string;
}

function isLabelledPods(value: any): value is LabelledPods {
  return typeof value?.namespace === 'string' && typeof value?.selectorLabels === 'object' && value.selectorLabels !== null;
}

/**
 * Resolves a {@link ClientPeer} of the workload `scope` (in namespace `ownNamespace`) to label
 * selectors, one per namespace, validating them: `prop` names the argument in errors. The
 * namespace is left out when it is the workload's own (so the policy peer has no namespace
 * selector). Empty labels admit every pod of the namespace. Rejects what a flow check cannot
 * resolve to pods: label expressions, namespaces chosen by labels, IP blocks.
 */
export function resolveClientPeers(scope: IConstruct, prop: string, peer: ClientPeer, ownNamespace: string): ResolvedPeer[] {
  check(typeof peer === 'object' && peer !== null, scope, prop, String(peer),
    'must be a label selector { podLabels, namespace? }, a cdk8s-plus-27 workload or pod selector, or a construct of this library');
  const own = (ns: string | undefined) => (ns === undefined || ns === ownNamespace ? undefined : ns);
  const anyPeer = peer as any;

  if (isLabelledPods(anyPeer)) {
    const name = anyPeer.flowName ?? nameFromLabels(anyPeer.selectorLabels);
    return [{ podLabels: { ...anyPeer.selectorLabels }, namespace: own(anyPeer.namespace), name }];
  }

  let selector: kplus.IPodSelector | undefined;
  if (typeof anyPeer.toPodSelectorConfig === 'function') {
    selector = anyPeer as kplus.IPodSelector;
  } else if (typeof anyPeer.toNetworkPolicyPeerConfig === 'function') {
    selector = (anyPeer as kplus.INetworkPolicyPeer).toPodSelector();
    check(selector !== undefined, scope, prop, (anyPeer as IConstruct).node?.path ?? String(peer),
      'is not a pod selector (an IP block?): a client must be pods, so the flow check can find them');
  }
  if (selector) return fromPodSelector(scope, prop, selector, own);

  check(typeof anyPeer.podLabels === 'object' && anyPeer.podLabels !== null, scope, `${prop}.podLabels`, JSON.stringify(anyPeer.podLabels),
    'must be a map of labels (or pass a cdk8s-plus-27 workload or a construct of this library)');
  const plain = anyPeer as NetworkPeer;
  checkLabels(scope, `${prop}.podLabels`, plain.podLabels);
  if (plain.namespace !== undefined) checkDnsLabel(scope, `${prop}.namespace`, plain.namespace);
  if (plain.name !== undefined) check(typeof plain.name === 'string' && plain.name.trim().length > 0, scope, `${prop}.name`, plain.name, 'must be a non-empty description');
  return [{ podLabels: { ...plain.podLabels }, namespace: own(plain.namespace), name: plain.name ?? nameFromLabels(plain.podLabels) }];
}

function fromPodSelector(scope: IConstruct, prop: string, selector: kplus.IPodSelector, own: (ns: string | undefined) => string | undefined): ResolvedPeer[] {
  const path = selector.node.path;
  const config = selector.toPodSelectorConfig();
  const kube = config.labelSelector._toKube();
  check(!kube.matchExpressions || kube.matchExpressions.length === 0, scope, prop, path,
    'selects pods with label expressions, which the flow check cannot resolve: select them by labels');
  const labels = { ...(kube.matchLabels ?? {}) };
  check(!config.namespaces?.labelSelector || config.namespaces.labelSelector.isEmpty(), scope, prop, path,
    'selects namespaces by labels: select them by name, so the flow check knows where the pods are');
  const name = (selector as { name?: unknown }).name;
  const flowName = typeof name === 'string' && name.length > 0 ? name : selector.node.id;
  const names = config.namespaces?.names ?? [Chart.of(selector).namespace];
  return names.map((ns) => ({ podLabels: labels, namespace: own(ns), name: flowName }));
}

function nameFromLabels(labels: Record<string, string>): string {
  return labels['app.kubernetes.io/name'] ?? labels.app ?? 'client';
}
