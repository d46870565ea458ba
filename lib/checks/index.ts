import { App } from 'cdk8s';
import { appManifests } from '../core/synth';
import { checkCollisions } from './collisions';
import { checkDeclaredFlows } from './declared-flows';
import type { Flow } from './network-flows';
import { checkPolicy } from './policy';
import { checkSchema } from './schema';
import { Manifest, Violation } from './types';
import { checkWiring } from './wiring';

export * from './types';
export * from './schema';
export * from './pod-security';
export * from './policy';
export * from './wiring';
export * from './network-flows';
export { checkClientPeers, checkDeclaredFlows, declaredFlowsOf, OUTSIDER } from './declared-flows';
export type { ManifestFlows } from './declared-flows';
export { FLOWS_ANNOTATION } from '../core/flows';
export type { DeclaredFlow, OpenPort } from '../core/flows';
export { checkCollisions } from './collisions';
export { monitorFlows } from './monitors';
export type { Scraper, ScrapeFlow } from './monitors';
export { allowedApiVersions, isAllowedApiVersion, MONITORING_API_VERSION, MONITORING_KINDS } from './api-versions';
export { makeStrict } from './strict-schema';
export { ManifestIndex, resourceId } from './objects';
export type { PodTemplate } from './pod-templates';
export { podTemplateOf, podTemplatesOf, POD_TEMPLATE_KINDS } from './pod-templates';
export type { LabelSelector } from './selectors';
export { hasLabels, selectorMatches } from './selectors';
export { CLUSTER_SCOPED_KINDS, isClusterScoped } from './scope';

/** Options of {@link runAllChecks}. */
export interface RunAllChecksOptions {
  /**
   * Connections the NetworkPolicies must allow (SPEC §10.4) besides those the constructs declare
   * in their manifests (e.g. scrapes by Prometheus' own labels). @default - none
   */
  readonly flows?: Flow[];
}

/**
 * Schema, policy, wiring, collision and flow checks over one manifest set. The flows are those the
 * constructs declare in their manifests (`platform.cdk8s.io/flows`) plus `opts.flows`
 * ({@link checkDeclaredFlows}), so any composition is checked without being told its flows.
 */
export function runAllChecks(manifests: Manifest[], opts: RunAllChecksOptions = {}): Violation[] {
  return [
    ...checkSchema(manifests),
    ...checkPolicy(manifests),
    ...checkWiring(manifests),
    ...checkCollisions(manifests),
    ...checkDeclaredFlows(manifests, opts.flows ?? []),
  ];
}

/** One line per violation: `[rule] resource: message (fix: ...)`; empty string for none. */
export function formatViolations(violations: Violation[]): string {
  return violations.map((v) => `[${v.rule}] ${v.resource}: ${v.message} (fix: ${v.fix})`).join('\n');
}

/** Every resolved object of every chart of `app`, as plain JSON. */
export function manifestsOf(app: App): Manifest[] {
  return appManifests(app).flatMap((chart) => chart.objects as Manifest[]);
}

/** The whole app as one multi-document YAML string (for determinism tests). */
export function synthYamlOf(app: App): string {
  return app.synthYaml();
}
