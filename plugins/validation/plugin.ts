import { readFileSync, rmSync } from 'fs';
import { dirname, join, resolve } from 'path';
import type { Validation, ValidationViolation } from 'cdk8s-cli/lib/plugins';
import { parseAllDocuments } from 'yaml';
import { Manifest, resourceId, runAllChecks, Violation } from '../../lib/checks';
import { formatSummary } from '../../lib/plan/format';
import { isRawManifestFile, readManifestDir } from '../../lib/plan/manifest-files';
import { planChanges, planViolations } from '../../lib/plan/plan';
import type { PlanIssue, PlanSummary } from '../../lib/plan/types';
import { describeKnownRules, ignoreRuleProblem } from './rules';

/**
 * The project's verification harness (lib/checks) as a cdk8s-cli validation plugin: `cdk8s synth`
 * runs the schema, policy and wiring checks (SPEC §10.2–10.4) on every manifest the app wrote and
 * fails (exit 2) on any violation. Network flows are app-specific and stay in the app's tests.
 * Given a `baseline` directory (the manifests currently applied), it also runs the day-2 gate of
 * `npm run plan` (lib/plan): every plan error (a change the API server refuses, or one that breaks a
 * running quorum) is a violation whose fix is the safe procedure; plan warnings are logged.
 *
 * The CLI loads `plugins/validation/index.js`, which bundles this file with esbuild; see there.
 */

/** The file the CLI reads construct paths from; `kubectl apply -f dist/` cannot parse it. */
export const CONSTRUCT_METADATA_FILE = 'construct-metadata.json';

/** `properties:` of the plugin's entry in cdk8s.yaml. */
export interface PlatformChecksProperties {
  /**
   * Rule ids (`policy/pdb-missing`) or rule groups ending in `/` (`policy/`) not to report. An
   * unknown id or group is an error that lists the known ones (rules.ts), so a typo cannot
   * silently ignore nothing.
   * @default - every rule is reported
   */
  readonly ignoreRules?: string[];
  /**
   * Keep the `construct-metadata.json` the CLI asks the app to write next to the manifests.
   * @default false - it is deleted, so the output directory holds only manifests
   */
  readonly keepConstructMetadata?: boolean;
  /**
   * Directory of the manifests currently applied (e.g. `dist-applied/`, relative to the directory
   * `cdk8s synth` runs in). When set, the synthesized manifests are planned against it as
   * `npm run plan` does, and every plan error is a violation (rules `plan/...`).
   * @default - no plan gate
   */
  readonly baseline?: string;
}

/** The part of cdk8s-cli's `ValidationContext` the plugin uses (tests pass a fake). */
export interface PluginContext {
  /** Paths of the synthesized manifest files. */
  readonly manifests: readonly string[];
  readonly report: {
    addViolation(violation: ValidationViolation): void;
    submit(status: 'success' | 'failure', metadata?: { readonly [key: string]: string }): void;
  };
  readonly logger: { log(message: string): void };
}

/** One harness violation with the file(s) its object is in. */
export interface LocatedViolation extends Violation {
  readonly file: string;
}

const KNOWN_PROPERTIES = new Set(['ignoreRules', 'keepConstructMetadata', 'baseline']);

/** What {@link PlatformChecksValidation.check} found. */
export interface CheckResult {
  readonly violations: LocatedViolation[];
  readonly objects: number;
  /** With a `baseline`: the plan's counts and its warnings (errors are among the violations). */
  readonly plan?: { readonly summary: PlanSummary; readonly warnings: PlanIssue[] };
}

export class PlatformChecksValidation implements Validation {
  private readonly ignoreRules: readonly string[];
  private readonly keepConstructMetadata: boolean;
  private readonly baseline?: string;

  constructor(properties: PlatformChecksProperties = {}) {
    const unknown = Object.keys(properties ?? {}).filter((k) => !KNOWN_PROPERTIES.has(k));
    if (unknown.length) {
      throw new Error(`PlatformChecksValidation: unknown properties ${unknown.join(', ')} (allowed: ${[...KNOWN_PROPERTIES].join(', ')})`);
    }
    const ignore = properties?.ignoreRules ?? [];
    if (!Array.isArray(ignore) || ignore.some((r) => typeof r !== 'string' || !r)) {
      throw new Error('PlatformChecksValidation: ignoreRules must be a list of rule ids, e.g. [policy/pdb-missing, wiring/]');
    }
    const problems = ignore.map(ignoreRuleProblem).filter((p): p is string => p !== undefined);
    if (problems.length) {
      throw new Error(`PlatformChecksValidation: ignoreRules: ${problems.join('; ')}. Known rule groups and ids: ${describeKnownRules()}`);
    }
    this.ignoreRules = ignore;
    this.keepConstructMetadata = properties?.keepConstructMetadata === true;
    const baseline = properties?.baseline;
    if (baseline !== undefined && (typeof baseline !== 'string' || !baseline)) {
      throw new Error('PlatformChecksValidation: baseline must be the path of a directory of applied manifests, e.g. dist-applied/');
    }
    this.baseline = baseline;
  }

  public async validate(context: PluginContext): Promise<void> {
    // The CLI has already read the metadata into the context before calling any plugin.
    if (!this.keepConstructMetadata) removeConstructMetadata(context.manifests);

    const { violations, objects, plan } = this.check(context.manifests);
    for (const v of violations) {
      context.report.addViolation({
        ruleName: v.rule,
        recommendation: v.message,
        fix: v.fix,
        violatingResources: [{ resourceName: v.resource, manifestPath: v.file, locations: [v.message] }],
      });
    }
    if (violations.length) {
      context.logger.log(`Platform checks: ${violations.length} violation(s)`);
      for (const v of violations) context.logger.log(formatLocatedViolation(v));
    }
    for (const w of plan?.warnings ?? []) context.logger.log(`[${w.rule}] warning: ${w.resource}: ${w.message} (procedure: ${w.procedure})`);
    context.report.submit(violations.length ? 'failure' : 'success', {
      Files: String(context.manifests.length),
      Objects: String(objects),
      Violations: String(violations.length),
      Checks: 'Kubernetes 1.27 strict schema, policy, wiring',
      ...(this.ignoreRules.length ? { Ignored: this.ignoreRules.join(', ') } : {}),
      ...(plan ? { Baseline: this.baseline!, Plan: formatSummary(plan.summary) } : {}),
    });
  }

  /**
   * Runs the harness on the objects of `files`. Each violation names the file its object is in;
   * violations of ignored rules are dropped.
   */
  public check(files: readonly string[]): CheckResult {
    // The vendored CRDs copied into <outdir>/crds/ are upstream files, not this app's objects: not parsed, not judged.
    const { manifests, fileOf, problems } = readManifests(files.filter((f) => !isRawManifestFile(f)));
    let found: Violation[];
    try {
      found = runAllChecks(manifests);
    } catch (e) {
      found = [{ rule: 'plugin/error', resource: '<all>', message: `the checks failed: ${(e as Error)?.stack ?? e}`,
        fix: 'report this as a bug of lib/checks, with the manifests' }];
    }
    const gate = this.baseline !== undefined ? this.plan(manifests) : undefined;
    const located = (v: Violation) => ({ ...v, file: fileOf.get(v.resource)?.join(', ') ?? gate?.baselineFile ?? 'N/A' });
    const violations = [...problems, ...found.map(located), ...(gate?.violations ?? []).map(located)]
      .filter((v) => !this.ignored(v.rule));
    return { violations, objects: manifests.length, ...(gate?.plan ? { plan: gate.plan } : {}) };
  }

  /** The plan gate: the synthesized `manifests` against the baseline directory. */
  private plan(manifests: Manifest[]): { violations: Violation[]; plan?: CheckResult['plan']; baselineFile: string } {
    const dir = resolve(this.baseline!);
    let baseline: Manifest[];
    try {
      // The app's objects never include the raw CRD copies (dist/crds/): leave them out of the baseline too.
      baseline = readManifestDir(dir, { raw: 'skip' });
    } catch (e) {
      return {
        violations: [{ rule: 'plan/baseline', resource: '<baseline>', message: `cannot read the baseline: ${(e as Error).message}`,
          fix: `point baseline at the directory of the manifests currently applied (the previous dist/), or remove the property` }],
        baselineFile: dir,
      };
    }
    const plan = planChanges(baseline, manifests);
    return { violations: planViolations(plan), plan: { summary: plan.summary, warnings: plan.warnings.filter((w) => !this.ignored(w.rule)) }, baselineFile: dir };
  }

  private ignored(rule: string): boolean {
    return this.ignoreRules.some((r) => (r.endsWith('/') ? rule.startsWith(r) : rule === r));
  }
}

/** `[rule] resource (file): message (fix: ...)`, the harness's format plus the file. */
export function formatLocatedViolation(v: LocatedViolation): string {
  return `[${v.rule}] ${v.resource} (${v.file}): ${v.message} (fix: ${v.fix})`;
}

/** Parses every YAML document of `files`; unparsable files become `plugin/yaml` violations. */
export function readManifests(files: readonly string[]): { manifests: Manifest[]; fileOf: Map<string, string[]>; problems: LocatedViolation[] } {
  const manifests: Manifest[] = [];
  const fileOf = new Map<string, string[]>();
  const problems: LocatedViolation[] = [];
  for (const file of files) {
    let docs;
    try {
      docs = parseAllDocuments(readFileSync(file, 'utf-8'));
    } catch (e) {
      problems.push({ rule: 'plugin/yaml', resource: '<file>', file, message: `cannot read: ${(e as Error).message}`, fix: 'check the output directory' });
      continue;
    }
    for (const doc of docs) {
      if (doc.errors.length) {
        problems.push({ rule: 'plugin/yaml', resource: '<file>', file, message: `invalid YAML: ${doc.errors[0].message}`,
          fix: 'synthesized files must be valid YAML; do not edit the output directory by hand' });
        continue;
      }
      const m = doc.toJS();
      if (m === null || m === undefined) continue; // empty document
      manifests.push(m);
      const list = fileOf.get(idOf(m)) ?? [];
      if (!list.includes(file)) list.push(file);
      fileOf.set(idOf(m), list);
    }
  }
  return { manifests, fileOf, problems };
}

/** The resource id the harness gives `m` (`<unknown kind> name` for an object without a kind, as checkSchema does). */
function idOf(m: any): string {
  return typeof m === 'object' && typeof m.kind === 'string' ? resourceId(m) : `<unknown kind> ${m?.metadata?.name ?? '<unnamed>'}`;
}

/** Deletes `construct-metadata.json` from every directory the manifests are in. */
export function removeConstructMetadata(files: readonly string[]): void {
  for (const dir of new Set(files.map((f) => dirname(f)))) rmSync(join(dir, CONSTRUCT_METADATA_FILE), { force: true });
}
