import type { Flow, OpenPort, PodRef } from '../core/flows';
import { NAMESPACE_NAME_LABEL } from '../core/network';
import { ManifestIndex, namespaceOf, violation } from './objects';
import { operatorPodTemplates } from './operator-pods';
import { PodTemplate, podTemplatesOf } from './pod-templates';
import { containerPortsOf, resolveNamedPort } from './ports';
import { hasLabels, LabelSelector, selectorMatches } from './selectors';
import { Manifest, Violation } from './types';

/**
 * NetworkPolicy semantics over synthesized manifests: would a connection be allowed?
 *
 * - A pod no policy selects for a direction (Ingress on the target, Egress on the source) is open
 *   in that direction; once selected, some rule of some selecting policy must allow the peer and port.
 * - A peer's `namespaceSelector` matches Namespace labels, including the implicit
 *   `kubernetes.io/metadata.name`; a `podSelector` without `namespaceSelector` means the policy's namespace;
 *   absent `from`/`to` or `ports` mean everything.
 * - Host-network pods are outside NetworkPolicies: connections to or from them are not filtered.
 * - `ipBlock` peers never match pods (CNIs differ on pod IPs in ipBlocks; rely on selectors).
 * - Named ports resolve through the target pod templates' container ports (matching `to.labels`).
 */

export type { Flow, PodRef } from '../core/flows';

/** Where cluster DNS runs (CoreDNS keeps the kube-dns labels). */
export const KUBE_DNS: PodRef = { namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } };

/** Precomputed lookups shared by every flow of one check run. */
class FlowContext {
  public readonly index: ManifestIndex;
  public readonly policies: Manifest[];
  public readonly templates: PodTemplate[];

  constructor(manifests: Manifest[]) {
    this.index = new ManifestIndex(manifests);
    this.policies = this.index.ofKind('NetworkPolicy');
    // The Prometheus and Alertmanager pods the operator creates are flow endpoints too.
    this.templates = [...podTemplatesOf(manifests), ...operatorPodTemplates(manifests)];
  }

  /** Namespace labels, with the implicit name label the API server adds. */
  public namespaceLabels(namespace: string): Record<string, string> {
    return { ...(this.index.namespaceLabels(namespace) ?? {}), [NAMESPACE_NAME_LABEL]: namespace };
  }

  /** True when every pod template of `pod` uses the host network: NetworkPolicies do not apply to it. */
  public onHostNetwork(pod: PodRef): boolean {
    const templates = this.templatesOf(pod);
    return templates.length > 0 && templates.every((t) => t.spec?.hostNetwork === true);
  }

  /** Pod templates of `pod` (its namespace, labels including `pod.labels`). */
  public templatesOf(pod: PodRef): PodTemplate[] {
    return this.templates.filter((t) => t.namespace === pod.namespace && hasLabels(pod.labels, t.labels));
  }
}

type Direction = 'Ingress' | 'Egress';

/** The policy types of a NetworkPolicy (default: Ingress, plus Egress when it has egress rules). */
function policyTypes(policy: Manifest): Direction[] {
  const declared = policy.spec?.policyTypes;
  if (Array.isArray(declared) && declared.length > 0) return declared;
  return policy.spec?.egress ? ['Ingress', 'Egress'] : ['Ingress'];
}

/** Policies of `direction` that select `pod`. */
function selectingPolicies(ctx: FlowContext, pod: PodRef, direction: Direction): Manifest[] {
  return ctx.policies.filter((p) => namespaceOf(p) === pod.namespace
    && policyTypes(p).includes(direction)
    && selectorMatches(p.spec?.podSelector ?? {}, pod.labels));
}

/** Does a policy peer (from/to entry) match `pod`? */
function peerMatches(ctx: FlowContext, policy: Manifest, peer: { podSelector?: LabelSelector; namespaceSelector?: LabelSelector; ipBlock?: unknown }, pod: PodRef): boolean {
  if (peer.namespaceSelector) {
    return selectorMatches(peer.namespaceSelector, ctx.namespaceLabels(pod.namespace))
      && (peer.podSelector ? selectorMatches(peer.podSelector, pod.labels) : true);
  }
  if (peer.podSelector) return pod.namespace === namespaceOf(policy) && selectorMatches(peer.podSelector, pod.labels);
  return false;
}

/** Does a rule port match `port`/`protocol` on the destination pod `target`? */
function portMatches(ctx: FlowContext, rulePort: any, target: PodRef, port: number, protocol: string): boolean {
  if ((rulePort?.protocol ?? 'TCP') !== protocol) return false;
  const p = rulePort?.port;
  if (p === undefined || p === null) return true;
  if (typeof p === 'number') return rulePort.endPort ? port >= p && port <= rulePort.endPort : port === p;
  return ctx.templatesOf(target).some((t) => resolveNamedPort(t, String(p), protocol).includes(port));
}

/** Does a list of ingress/egress rules allow `peer` on `port` of `target`? */
function rulesAllow(ctx: FlowContext, policy: Manifest, rules: any[], peerKey: 'from' | 'to', peer: PodRef, target: PodRef, port: number, protocol: string): boolean {
  return rules.some((rule) => {
    const peers: any[] | undefined = rule?.[peerKey];
    const ports: any[] | undefined = rule?.ports;
    const peerOk = !peers || peers.length === 0 || peers.some((p) => peerMatches(ctx, policy, p ?? {}, peer));
    const portOk = !ports || ports.length === 0 || ports.some((p) => portMatches(ctx, p, target, port, protocol));
    return peerOk && portOk;
  });
}

function ingressAllowed(ctx: FlowContext, from: PodRef, to: PodRef, port: number, protocol: string): boolean {
  if (ctx.onHostNetwork(to)) return true;
  const policies = selectingPolicies(ctx, to, 'Ingress');
  return policies.length === 0 || policies.some((p) => rulesAllow(ctx, p, p.spec?.ingress ?? [], 'from', from, to, port, protocol));
}

function egressAllowed(ctx: FlowContext, from: PodRef, to: PodRef, port: number, protocol: string): boolean {
  if (ctx.onHostNetwork(from)) return true;
  const policies = selectingPolicies(ctx, from, 'Egress');
  return policies.length === 0 || policies.some((p) => rulesAllow(ctx, p, p.spec?.egress ?? [], 'to', to, to, port, protocol));
}

/** True when the NetworkPolicies among `manifests` let `from` open a connection to `to` on `port`. */
export function networkAllows(manifests: Manifest[], from: PodRef, to: PodRef, port: number, protocol = 'TCP'): boolean {
  return allows(new FlowContext(manifests), from, to, port, protocol);
}

function allows(ctx: FlowContext, from: PodRef, to: PodRef, port: number, protocol: string): boolean {
  return egressAllowed(ctx, from, to, port, protocol) && ingressAllowed(ctx, from, to, port, protocol);
}

/** True when `from` may resolve names: UDP and TCP 53 to kube-dns in kube-system (or egress is unrestricted). */
export function egressAllowsDns(manifests: Manifest[], from: PodRef): boolean {
  return dnsAllowed(new FlowContext(manifests), from);
}

function dnsAllowed(ctx: FlowContext, from: PodRef): boolean {
  return ['UDP', 'TCP'].every((protocol) => egressAllowed(ctx, from, KUBE_DNS, 53, protocol));
}

/**
 * Checks declared flows. Rules:
 * - `flows/unknown-target`: no pod template matches the flow's `to` (the check would pass vacuously).
 * - `flows/blocked`: the NetworkPolicies do not allow the flow (egress of the source or ingress of the target).
 * - `flows/dns`: the source cannot reach cluster DNS (so it could not resolve the target's name).
 */
export function checkFlows(manifests: Manifest[], flows: Flow[]): Violation[] {
  const ctx = new FlowContext(manifests);
  const out: Violation[] = [];
  for (const flow of flows) {
    const protocol = flow.protocol ?? 'TCP';
    const resource = `Flow ${flow.name}`;
    const target = `${flow.to.namespace} ${JSON.stringify(flow.to.labels)}`;
    if (ctx.templatesOf(flow.to).length === 0) {
      out.push(violation('flows/unknown-target', resource, `no pod template in namespace ${flow.to.namespace} carries labels ${JSON.stringify(flow.to.labels)}`,
        'use the target workload\'s selector labels and namespace'));
      continue;
    }
    if (!egressAllowed(ctx, flow.from, flow.to, flow.port, protocol)) {
      out.push(violation('flows/blocked', resource, `egress from ${flow.from.namespace} ${JSON.stringify(flow.from.labels)} to ${target} ${protocol}/${flow.port} is denied`,
        'add an egress rule to the source\'s NetworkPolicy for this peer and port'));
    }
    if (!ingressAllowed(ctx, flow.from, flow.to, flow.port, protocol)) {
      out.push(violation('flows/blocked', resource, `ingress to ${target} ${protocol}/${flow.port} from ${flow.from.namespace} ${JSON.stringify(flow.from.labels)} is denied`,
        'allow the source in the target\'s NetworkPolicy (e.g. allowClient) for this port'));
    }
    if (!dnsAllowed(ctx, flow.from)) {
      out.push(violation('flows/dns', resource, `source in ${flow.from.namespace} cannot reach kube-dns on UDP and TCP 53`,
        'allow egress to kube-system pods labelled k8s-app=kube-dns on port 53 (UDP and TCP)'));
    }
  }
  return out;
}

/** True when `flow` covers a connection from `from` to `to` on `port`/`protocol`. */
function declares(flow: Flow, from: PodRef, to: PodRef, port: number, protocol: string): boolean {
  return flow.from.namespace === from.namespace && hasLabels(flow.from.labels, from.labels)
    && flow.to.namespace === to.namespace && hasLabels(flow.to.labels, to.labels)
    && flow.port === port && (flow.protocol ?? 'TCP') === protocol;
}

/** True when `open` covers connections from anywhere to `to` on `port`/`protocol`. */
function declaresOpen(open: OpenPort, to: PodRef, port: number, protocol: string): boolean {
  return open.to.namespace === to.namespace && hasLabels(open.to.labels, to.labels) && open.port === port && (open.protocol ?? 'TCP') === protocol;
}

/** Options of {@link checkOnlyDeclaredFlows}. */
export interface OnlyDeclaredFlowsOptions {
  /** Ports open to every pod (user-facing services): any source may reach them. @default [] */
  readonly open?: OpenPort[];
  /** Which pod templates to check as targets. @default - every pod template */
  readonly targets?: (template: PodTemplate) => boolean;
  /**
   * NetworkPolicies whose ingress rules count as declarations of their own (e.g. the user's
   * cdk8s-plus-27 `connections.allowTo(kafka)`): a connection one of them admits is not reported.
   * @default - none
   */
  readonly declaringPolicies?: (policy: Manifest) => boolean;
}

/**
 * `flows/undeclared`: nothing is open that was not declared. For every source (each pod template,
 * plus `extraSources` such as Prometheus or a pod in an unrelated namespace) and every port every
 * pod template declares, a connection the NetworkPolicies allow must be covered by a declared flow
 * (or an open port). Host-network pods are skipped: NetworkPolicies do not apply to them.
 */
export function checkOnlyDeclaredFlows(manifests: Manifest[], declared: Flow[], extraSources: PodRef[] = [], options: OnlyDeclaredFlowsOptions = {}): Violation[] {
  const ctx = new FlowContext(manifests);
  const podNetwork = ctx.templates.filter((t) => t.spec?.hostNetwork !== true);
  const sources: PodRef[] = [...podNetwork.map((t) => ({ namespace: t.namespace, labels: t.labels })), ...extraSources];
  const open = options.open ?? [];
  const declaring = options.declaringPolicies ? ctx.policies.filter(options.declaringPolicies) : [];
  const out: Violation[] = [];
  for (const target of podNetwork.filter(options.targets ?? (() => true))) {
    const to = { namespace: target.namespace, labels: target.labels };
    for (const { containerPort, protocol } of containerPortsOf(target)) {
      if (open.some((o) => declaresOpen(o, to, containerPort, protocol))) continue;
      const admitting = declaring.filter((p) => namespaceOf(p) === to.namespace && policyTypes(p).includes('Ingress')
        && selectorMatches(p.spec?.podSelector ?? {}, to.labels));
      for (const from of sources) {
        if (!allows(ctx, from, to, containerPort, protocol)) continue;
        if (declared.some((flow) => declares(flow, from, to, containerPort, protocol))) continue;
        if (admitting.some((p) => rulesAllow(ctx, p, p.spec?.ingress ?? [], 'from', from, to, containerPort, protocol))) continue;
        out.push(violation('flows/undeclared', target.resource,
          `${protocol}/${containerPort} is open to ${from.namespace} ${JSON.stringify(from.labels)}, which no declared flow needs`,
          'narrow the NetworkPolicies (default-deny plus declared flows) or declare the flow'));
      }
    }
  }
  return out;
}
