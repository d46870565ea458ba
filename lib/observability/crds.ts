import * as fs from 'fs';
import * as path from 'path';
import { Construct } from 'constructs';
import { RawManifestFile, RawManifests } from '../core/raw-manifests';
import { check } from '../core/validation';

/** One vendored CustomResourceDefinition. */
export interface VendoredCrd {
  /** File in `vendor/crds/prometheus-operator/` (kube-prometheus' name, unmodified upstream copy). */
  readonly file: string;
  /** `metadata.name`: `<plural>.<group>`. */
  readonly name: string;
  readonly group: string;
  readonly kind: string;
  readonly plural: string;
  /** Served versions. */
  readonly versions: readonly string[];
}

const crd = (file: string, kind: string, plural: string, versions: string[]): VendoredCrd =>
  ({ file: `${file}CustomResourceDefinition.yaml`, name: `${plural}.monitoring.coreos.com`, group: 'monitoring.coreos.com', kind, plural, versions });

/**
 * The ten Prometheus Operator CRDs (v0.93.0, from kube-prometheus `manifests/setup/`, see
 * vendor/crds/SOURCES.md). A test proves this table matches the files.
 */
export const PROMETHEUS_OPERATOR_CRDS: readonly VendoredCrd[] = [
  crd('alertmanagerConfig', 'AlertmanagerConfig', 'alertmanagerconfigs', ['v1alpha1']),
  crd('alertmanager', 'Alertmanager', 'alertmanagers', ['v1']),
  crd('podmonitor', 'PodMonitor', 'podmonitors', ['v1']),
  crd('probe', 'Probe', 'probes', ['v1']),
  crd('prometheus', 'Prometheus', 'prometheuses', ['v1']),
  crd('prometheusagent', 'PrometheusAgent', 'prometheusagents', ['v1alpha1']),
  crd('prometheusrule', 'PrometheusRule', 'prometheusrules', ['v1']),
  crd('scrapeconfig', 'ScrapeConfig', 'scrapeconfigs', ['v1alpha1']),
  crd('servicemonitor', 'ServiceMonitor', 'servicemonitors', ['v1']),
  crd('thanosruler', 'ThanosRuler', 'thanosrulers', ['v1']),
];

/** The output directory (under the synth output, e.g. `dist/crds/`) the CRDs are copied into. */
export const DEFAULT_CRD_DIRECTORY = 'crds';

/** Client-side `kubectl apply` stores the whole object in an annotation limited to this many bytes. */
export const LAST_APPLIED_ANNOTATION_LIMIT = 262144;

/**
 * `vendor/crds/prometheus-operator`, found from this file upwards, so it resolves from lib/
 * (ts-jest, ts-node), build/lib/ (the npm package) and the esbuild bundle in .build/.
 */
export function vendoredCrdDirectory(): string {
  let dir = __dirname;
  for (;;) {
    const candidate = path.join(dir, 'vendor', 'crds', 'prometheus-operator');
    if (fs.existsSync(candidate)) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`vendor/crds/prometheus-operator not found above ${__dirname}: the package must ship vendor/crds`);
    dir = parent;
  }
}

/** Props of {@link PrometheusOperatorCrds}. */
export interface PrometheusOperatorCrdsProps {
  /** Directory under the output the CRD files are written to. @default 'crds' */
  readonly directory?: string;
}

/**
 * The Prometheus Operator's CRDs, emitted FIRST: copied byte for byte (never parsed: 4.3 MB of
 * YAML costs the YAML library over 3 s, the whole synth budget several times over) into
 * `<outdir>/crds/`, one file per CRD, by `synthApp`. They are applied before `dist/` itself, as
 * {@link CRD_INSTALL_COMMANDS} lists: several exceed the 256 KiB that client-side apply can keep in
 * its `last-applied-configuration` annotation, so server-side apply; then wait until they are
 * Established; only then the rest (whose custom resources need the new kinds).
 *
 * `kubectl apply -f dist/` (without `-R`) does not descend into `dist/crds/`, and the checks
 * (`appManifests`) do not see these files: the tests check them instead
 * (test/observability/crds.test.ts).
 */
export class PrometheusOperatorCrds extends RawManifests {
  public readonly directory: string;
  public readonly crds: readonly VendoredCrd[] = PROMETHEUS_OPERATOR_CRDS;

  constructor(scope: Construct, id: string, props: PrometheusOperatorCrdsProps = {}) {
    super(scope, id);
    this.directory = props.directory ?? DEFAULT_CRD_DIRECTORY;
    check(/^[a-z0-9][-a-z0-9_.]*(\/[a-z0-9][-a-z0-9_.]*)*$/.test(this.directory), this, 'directory', this.directory,
      'must be a relative directory of lowercase letters, digits, "-", "_" or "."');
  }

  /** Kinds (`apiVersion kind`) the CRDs make the API server serve. */
  public get servedKinds(): string[] {
    return this.crds.flatMap((c) => c.versions.map((v) => `${c.group}/${v} ${c.kind}`));
  }

  public rawFiles(): RawManifestFile[] {
    const source = vendoredCrdDirectory();
    return this.crds.map((c) => ({ outputPath: `${this.directory}/${c.name}.yaml`, sourcePath: path.join(source, c.file) }));
  }
}

/**
 * The install sequence for a fresh cluster (README "Install"), `<dist>` being the synth output:
 * CRDs first by server-side apply, wait for them to be Established, then everything else.
 */
export const CRD_INSTALL_COMMANDS: readonly string[] = [
  'kubectl apply --server-side -f <dist>/crds/',
  'kubectl wait --for condition=Established --timeout=120s -f <dist>/crds/',
  'kubectl apply --server-side -f <dist>/',
];
