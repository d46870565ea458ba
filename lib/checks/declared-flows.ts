import { DeclaredFlow, Flow, flowKey, FLOWS_ANNOTATION, OpenPort, parseFlowDeclarations, PodRef } from '../core/flows';
import { MANAGED_BY } from '../core/labels';
import { violation } from './objects';
import { checkFlows, checkOnlyDeclaredFlows } from './network-flows';
import { operatorPodTemplates } from './operator-pods';
import { podTemplatesOf } from './pod-templates';
import { hasLabels } from './selectors';
import { Manifest, Violation } from './types';

/**
 * The flow check of any composition (SPEC §10.9), from the manifests alone: the constructs carry
 * what they declare in the `platform.cdk8s.io/flows` annotation of their workloads.
 */

/** The declarations found in a manifest set. */
export interface ManifestFlows {
  /** Every declared flow, each once (by source, target, port and protocol). */
  readonly flows: DeclaredFlow[];
  /** Every declared open port. */
  readonly open: OpenPort[];
  /** `flows/bad-declaration` for annotations that cannot be read. */
  readonly violations: Violation[];
}

/** Reads every {@link FLOWS_ANNOTATION} of `manifests`. */
export function declaredFlowsOf(manifests: Manifest[]): ManifestFlows {
  const flows = new Map<string, DeclaredFlow>();
  const open: OpenPort[] = [];
  const violations: Violation[] = [];
  for (const m of manifests) {
    const value = m?.metadata?.annotations?.[FLOWS_ANNOTATION];
    if (value === undefined) continue;
    try {
      const set = parseFlowDeclarations(value);
      for (const flow of set.flows) {
        const key = flowKey(flow);
        const seen = flows.get(key);
        // The same connection declared by both ends: keep the first, remember it is a client's.
        if (!seen) flows.set(key, flow);
        else if (flow.client && !seen.client) flows.set(key, { ...seen, client: true, declaredBy: flow.declaredBy });
      }
      open.push(...set.open);
    } catch (e) {
      violations.push(violation('flows/bad-declaration', m, `annotation ${FLOWS_ANNOTATION} is malformed: ${(e as Error).message}`,
        'leave the annotation to the construct that writes it'));
    }
  }
  return { flows: [...flows.values()], open, violations };
}

/** A pod in a namespace no declaration names, standing for "any other pod of the cluster". */
export const OUTSIDER: PodRef = { namespace: 'flow-check-outsider', labels: { 'platform.cdk8s.io/flow-check': 'outsider' } };

/**
 * `flows/peer-matches-nothing`: a client admitted with `allowClient` (or `allowFrom`) whose
 * selector matches no pod template in the output; the policy would admit nobody (a typo in the
 * labels or the namespace). Namespace-wide peers (no labels) are not judged: their pods may be
 * installed outside the app.
 */
export function checkClientPeers(manifests: Manifest[], flows: DeclaredFlow[]): Violation[] {
  const templates = [...podTemplatesOf(manifests), ...operatorPodTemplates(manifests)];
  return flows.filter((f) => f.client && Object.keys(f.from.labels).length > 0)
    .filter((f) => !templates.some((t) => t.namespace === f.from.namespace && hasLabels(f.from.labels, t.labels)))
    .map((f) => violation('flows/peer-matches-nothing', f.declaredBy,
      `allowClient peer ${f.from.namespace} ${JSON.stringify(f.from.labels)} (flow ${f.name}) matches no pod template in the output`,
      'pass the client workload itself (allowClient(deployment)) or fix the labels and namespace of the selector'));
}

/**
 * Every flow check over one manifest set, with the flows the constructs declared in their
 * annotations plus `extraFlows` (e.g. Prometheus' scrapes by its own labels):
 *
 * - `flows/blocked`, `flows/dns`, `flows/unknown-target`: each declared flow is allowed
 *   ({@link checkFlows});
 * - `flows/peer-matches-nothing`: each client peer matches a pod ({@link checkClientPeers});
 * - `flows/undeclared`: nothing else reaches the declaring constructs' pods, from any pod of the
 *   output, from the namespaces the declarations name, or from a pod anywhere else
 *   ({@link OUTSIDER}). Ingress that a NetworkPolicy not written by this library admits (the
 *   user's own, e.g. cdk8s-plus-27 `connections`) counts as declared by the user;
 * - `flows/bad-declaration`: an annotation that cannot be read.
 *
 * Nothing is checked when nothing is declared.
 */
export function checkDeclaredFlows(manifests: Manifest[], extraFlows: Flow[] = []): Violation[] {
  const declared = declaredFlowsOf(manifests);
  if (declared.flows.length === 0 && declared.open.length === 0 && extraFlows.length === 0) return declared.violations;
  const keys = new Set(declared.flows.map(flowKey));
  const flows: Flow[] = [...declared.flows, ...extraFlows.filter((f) => !keys.has(flowKey(f)))];
  const targets = [...flows.map((f) => f.to), ...declared.open.map((o) => o.to)].filter((to) => Object.keys(to.labels).length > 0);
  const namespaceWide = new Map<string, PodRef>();
  for (const f of flows) {
    if (Object.keys(f.from.labels).length === 0) namespaceWide.set(f.from.namespace, { namespace: f.from.namespace, labels: {} });
  }
  const foreign = (policy: Manifest) => policy.metadata?.labels?.['app.kubernetes.io/managed-by'] !== MANAGED_BY;
  return [
    ...declared.violations,
    ...checkFlows(manifests, flows),
    ...checkClientPeers(manifests, declared.flows),
    ...checkOnlyDeclaredFlows(manifests, flows, [...namespaceWide.values(), OUTSIDER], {
      open: declared.open,
      targets: (t) => targets.some((to) => to.namespace === t.namespace && hasLabels(to.labels, t.labels)),
      declaringPolicies: foreign,
    }),
  ];
}
