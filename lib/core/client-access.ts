import { Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-27';
import { ClientPeer, namespacePeer, ResolvedPeer, toPolicyPeer } from './network';

/**
 * The one client mechanism of the library's workloads: who may open connections to a set of a
 * workload's ports ({@link ClientAccess}), and the NetworkPolicy that admits them, rendered at
 * synth time so clients admitted after the workload was created are included
 * ({@link lazyIngressPolicy}). `PlatformWorkload.clientAccess()` creates one per port set.
 */

/**
 * Who reaches the ports before any client is admitted.
 * - `none`: only admitted clients (no rule while there are none).
 * - `any-pod`: every pod of the cluster (`namespaceSelector: {}`); admitted clients add flows, not rules.
 * - `anywhere`: every source, in the cluster or outside it (a rule without `from`, e.g. a NodePort).
 */
export type ClientOpenness = 'none' | 'any-pod' | 'anywhere';

/** How a workload admits clients on a set of its ports. */
export interface ClientAccessOptions {
  /** The ports clients reach; each admitted client declares one flow per port. */
  readonly ports: readonly number[];
  /** Description of the target port in flow names (`<client> -> <target>`), e.g. `kafka broker port`. */
  readonly target: string | ((port: number) => string);
  /** @default 'none' */
  readonly open?: ClientOpenness;
  /** @default 'TCP' */
  readonly protocol?: 'TCP' | 'UDP';
}

/** Declares one client flow (`PlatformWorkload.admitClient`): resolves `peer`, returns its selectors. */
export type AdmitClient = (prop: string, peer: ClientPeer, port: number, target: string) => ResolvedPeer[];

/**
 * The clients of one port set of a workload: `admit()` resolves a peer (a label selector, a
 * cdk8s-plus workload, a construct of this library), declares its flows, and, unless the ports are
 * open anyway, adds it to the ingress {@link rule}.
 */
export class ClientAccess {
  public readonly ports: readonly number[];
  public readonly open: ClientOpenness;
  private readonly admitted: ResolvedPeer[] = [];

  constructor(private readonly admitClient: AdmitClient, private readonly options: ClientAccessOptions) {
    this.ports = [...options.ports];
    this.open = options.open ?? 'none';
  }

  /** The flow target description of `port`. */
  public targetOf(port: number): string {
    const t = this.options.target;
    return typeof t === 'function' ? t(port) : t;
  }

  /** Admits `peer` (`prop` names it in errors); returns the resolved selectors. */
  public admit(prop: string, peer: ClientPeer): ResolvedPeer[] {
    const [first, ...rest] = this.ports;
    const resolved = this.admitClient(prop, peer, first, this.targetOf(first));
    for (const port of rest) this.admitClient(prop, peer, port, this.targetOf(port));
    if (this.open === 'none') this.admitted.push(...resolved);
    return resolved;
  }

  /** The clients admitted so far (none recorded when the ports are open). */
  public get clients(): readonly ResolvedPeer[] {
    return [...this.admitted];
  }

  /** The ingress rule for the ports, as of now; undefined while nobody is admitted. */
  public rule(): k8s.NetworkPolicyIngressRule | undefined {
    const ports = this.ports.map((p) => policyPort(p, this.options.protocol));
    switch (this.open) {
      case 'anywhere': return { ports };
      case 'any-pod': return { from: [{ namespaceSelector: {} }], ports };
      default: return this.admitted.length === 0 ? undefined : { from: this.admitted.map(toPolicyPeer), ports };
    }
  }
}

/** `{ port, protocol }` for a NetworkPolicy rule. */
export function policyPort(port: number, protocol: 'TCP' | 'UDP' = 'TCP'): k8s.NetworkPolicyPort {
  return { port: k8s.IntOrString.fromNumber(port), protocol };
}

/** The rule admitting every pod of `namespace` (e.g. Prometheus' namespace) on `ports`. */
export function namespaceIngressRule(namespace: string, ports: readonly number[]): k8s.NetworkPolicyIngressRule {
  return { from: [namespacePeer(namespace)], ports: ports.map((p) => policyPort(p)) };
}

/** The rule admitting the pods selected by `labels` (in the policy's namespace) on `ports`. */
export function podsIngressRule(labels: readonly Record<string, string>[], ports: readonly number[]): k8s.NetworkPolicyIngressRule {
  return { from: labels.map((l) => ({ podSelector: { matchLabels: { ...l } } })), ports: ports.map((p) => policyPort(p)) };
}

/** Props of {@link lazyIngressPolicy}. */
export interface LazyIngressPolicyProps {
  /** `metadata.name`. */
  readonly name: string;
  readonly labels: Record<string, string>;
  /** The pods the policy selects. */
  readonly selectorLabels: Record<string, string>;
  /**
   * The ingress rules, read at synth time; `undefined` entries (a {@link ClientAccess} nobody was
   * admitted to) are left out.
   */
  readonly rules: () => ReadonlyArray<k8s.NetworkPolicyIngressRule | undefined>;
}

/** An ingress-only NetworkPolicy whose rules are rendered at synth time. */
export function lazyIngressPolicy(scope: Construct, id: string, props: LazyIngressPolicyProps): k8s.KubeNetworkPolicy {
  const ingress: k8s.NetworkPolicyIngressRule[] = Lazy.any({
    produce: () => props.rules().filter((r): r is k8s.NetworkPolicyIngressRule => r !== undefined),
  });
  return new k8s.KubeNetworkPolicy(scope, id, {
    metadata: { name: props.name, labels: props.labels },
    spec: { podSelector: { matchLabels: props.selectorLabels }, policyTypes: ['Ingress'], ingress },
  });
}
