import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import { parse, parseAllDocuments } from 'yaml';
import { isAllowedApiVersion } from '../../lib/checks';
import { ALERTMANAGER_SPEC_FIELDS, PROMETHEUS_SPEC_FIELDS } from '../../lib/checks/operator-schemas';
import { synthApp } from '../../lib/core/synth';
import {
  CRD_INSTALL_COMMANDS, LAST_APPLIED_ANNOTATION_LIMIT, PROMETHEUS_OPERATOR_CRDS, PrometheusOperatorCrds, PrometheusStack, vendoredCrdDirectory,
} from '../../lib/observability';
import { NamespacesChart } from '../../lib/platform/namespaces';

/**
 * The vendored Prometheus Operator CRDs: the table in lib/observability/crds.ts matches the
 * files, synth copies them byte for byte into `<outdir>/crds/` (never through the YAML library),
 * and the documented install sequence works on a simulated API server: server-side apply of the
 * CRDs, wait for Established, then every other file, each custom resource's kind served by then.
 */

const root = path.join(__dirname, '..', '..');
const dir = vendoredCrdDirectory();
/** Every CRD parsed once (about 3 s for 4.3 MB: the reason synth never parses them). */
const parsed: Record<string, any> = Object.fromEntries(PROMETHEUS_OPERATOR_CRDS.map((c) => [c.file, parse(fs.readFileSync(path.join(dir, c.file), 'utf8'))]));

describe('the vendored files', () => {
  test('the table names every file of the directory once, with its name, kind, plural and served versions', () => {
    const files = fs.readdirSync(dir).filter((f) => f.endsWith('CustomResourceDefinition.yaml')).sort();
    expect(PROMETHEUS_OPERATOR_CRDS.map((c) => c.file).sort()).toEqual(files);
    for (const c of PROMETHEUS_OPERATOR_CRDS) {
      const doc = parsed[c.file];
      expect({ kind: doc.kind, name: doc.metadata.name, group: doc.spec.group, k: doc.spec.names.kind, plural: doc.spec.names.plural,
        versions: doc.spec.versions.filter((v: any) => v.served).map((v: any) => v.name), operator: doc.metadata.annotations['operator.prometheus.io/version'] })
        .toEqual({ kind: 'CustomResourceDefinition', name: c.name, group: c.group, k: c.kind, plural: c.plural, versions: [...c.versions], operator: '0.93.0' });
    }
  });

  test('SOURCES.md records where they come from', () => {
    const sources = fs.readFileSync(path.join(root, 'vendor', 'crds', 'SOURCES.md'), 'utf8');
    expect(sources).toMatch(/kube-prometheus/);
    expect(sources).toContain('CustomResourceDefinition.yaml');
  });

  test.each([['Prometheus', 'prometheusCustomResourceDefinition.yaml', PROMETHEUS_SPEC_FIELDS], ['Alertmanager', 'alertmanagerCustomResourceDefinition.yaml', ALERTMANAGER_SPEC_FIELDS]] as const)(
    'the schema check knows exactly the %s spec fields of the vendored CRD', (_kind, file, fields) => {
      const spec = parsed[file].spec.versions[0].schema.openAPIV3Schema.properties.spec;
      expect([...fields].sort()).toEqual(Object.keys(spec.properties).sort());
    });

  test('several CRDs exceed what client-side apply can store (the reason for server-side apply)', () => {
    const big = PROMETHEUS_OPERATOR_CRDS.filter((c) => JSON.stringify(parsed[c.file]).length > LAST_APPLIED_ANNOTATION_LIMIT).map((c) => c.plural);
    expect(big.length).toBeGreaterThanOrEqual(5);
    expect(big).toEqual(expect.arrayContaining(['prometheuses', 'alertmanagers']));
  });
});

/** A synthesized stack with namespaces, in a fresh output directory. */
function synthesized(): { outdir: string; files: string[] } {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'crds-'));
  const app = new App({ recordConstructMetadata: false, outdir });
  new NamespacesChart(app, 'namespaces', { namespaces: [{ name: 'monitoring', podSecurity: 'restricted' }] });
  const chart = new Chart(app, 'monitoring', { namespace: 'monitoring' });
  chart.addDependency(app.charts[0]);
  new PrometheusStack(chart, 'stack', { clusterName: 'test' });
  return { outdir, files: synthApp(app) };
}

describe('synth', () => {
  const { outdir, files } = synthesized();
  afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

  test('copies every CRD byte for byte into crds/', () => {
    const crdFiles = files.filter((f) => f.startsWith('crds/'));
    expect(crdFiles.sort()).toEqual(PROMETHEUS_OPERATOR_CRDS.map((c) => `crds/${c.name}.yaml`).sort());
    for (const c of PROMETHEUS_OPERATOR_CRDS) {
      expect(fs.readFileSync(path.join(outdir, 'crds', `${c.name}.yaml`)).equals(fs.readFileSync(path.join(dir, c.file)))).toBe(true);
    }
  });

  test('two CRD constructs writing the same files are refused', () => {
    const app = new App({ recordConstructMetadata: false, outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'crds-dup-')) });
    const chart = new Chart(app, 'a');
    new PrometheusOperatorCrds(chart, 'one');
    new PrometheusOperatorCrds(chart, 'two');
    expect(() => synthApp(app)).toThrow(/both write crds\/alertmanagerconfigs\.monitoring\.coreos\.com\.yaml/);
    fs.rmSync(app.outdir, { recursive: true, force: true });
  });

  test('a bad directory is refused', () => {
    expect(() => new PrometheusOperatorCrds(new Chart(new App(), 'c'), 'crds', { directory: '../up' })).toThrow(/directory/);
  });

  /**
   * A simulated API server: kinds served = the 1.27 allow-list without the monitoring group +
   * CRDs once Established. Client-side apply refuses objects whose last-applied annotation would
   * exceed 256 KiB; a custom resource of a kind not (yet) served is refused.
   */
  /** A copied CRD file, parsed (from the parse above: the copies are byte-identical, proven by the first test). */
  function crdOf(file: string): any {
    const c = PROMETHEUS_OPERATOR_CRDS.find((x) => `${x.name}.yaml` === path.basename(file));
    return c ? parsed[c.file] : parse(fs.readFileSync(file, 'utf8'));
  }

  function simulate(commands: readonly string[]): string[] {
    const errors: string[] = [];
    const registered = new Map<string, any>();
    const established = new Set<string>();
    const served = (apiVersion: string, kind: string) => (apiVersion.startsWith('monitoring.coreos.com/')
      ? established.has(`${apiVersion} ${kind}`) : isAllowedApiVersion(apiVersion, kind));
    const filesOf = (target: string) => {
      const p = path.join(outdir, target);
      return fs.statSync(p).isDirectory()
        ? fs.readdirSync(p).filter((f) => f.endsWith('.yaml')).sort().map((f) => path.join(p, f)) // no -R: subdirectories are skipped
        : [p];
    };
    for (const command of commands) {
      const target = /-f <dist>\/(\S*)/.exec(command)![1];
      if (command.startsWith('kubectl wait --for condition=Established')) {
        for (const file of filesOf(target)) {
          const crd = crdOf(file);
          if (!registered.has(crd.metadata.name)) errors.push(`wait: ${crd.metadata.name} not found`);
          else for (const v of crd.spec.versions) if (v.served) established.add(`${crd.spec.group}/${v.name} ${crd.spec.names.kind}`);
        }
        continue;
      }
      const serverSide = command.includes('--server-side');
      for (const file of filesOf(target)) {
        const docs = file.includes(`${path.sep}crds${path.sep}`) ? [crdOf(file)] : parseAllDocuments(fs.readFileSync(file, 'utf8')).map((d) => d.toJSON()).filter(Boolean);
        for (const obj of docs) {
          if (!serverSide && JSON.stringify(obj).length > LAST_APPLIED_ANNOTATION_LIMIT) {
            errors.push(`${path.basename(file)}: metadata.annotations: Too long: must have at most ${LAST_APPLIED_ANNOTATION_LIMIT} bytes`);
          } else if (obj.kind === 'CustomResourceDefinition') {
            registered.set(obj.metadata.name, obj);
          } else if (!served(obj.apiVersion, obj.kind)) {
            errors.push(`${path.basename(file)}: no matches for kind "${obj.kind}" in version "${obj.apiVersion}"`);
          }
        }
      }
    }
    return errors;
  }

  test('the documented install sequence installs everything', () => {
    expect(simulate(CRD_INSTALL_COMMANDS)).toEqual([]);
  });

  test('without waiting for Established, the custom resources fail', () => {
    expect(simulate([CRD_INSTALL_COMMANDS[0], CRD_INSTALL_COMMANDS[2]])).toEqual(expect.arrayContaining([expect.stringMatching(/no matches for kind "Prometheus"/)]));
  });

  test('client-side apply of the CRDs fails on the annotation limit', () => {
    expect(simulate(['kubectl apply -f <dist>/crds/']).length).toBeGreaterThanOrEqual(5);
  });

  test('plain `kubectl apply -f dist/` without the CRD steps fails only on custom resources', () => {
    const errors = simulate(['kubectl apply --server-side -f <dist>/']);
    expect(errors.length).toBeGreaterThan(0);
    for (const e of errors) expect(e).toMatch(/no matches for kind "(Prometheus|Alertmanager|ServiceMonitor|PrometheusRule)"/);
  });
});
