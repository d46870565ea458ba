import { appendFileSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { stringify } from 'yaml';
import { PrometheusOperatorCrds } from '../../lib/observability/crds';
import { planChanges, RAW_DIGEST_ANNOTATION, readManifestDir } from '../../lib/plan';
import { App, Chart } from 'cdk8s';
import { configMap } from './helpers';

/**
 * `npm run plan` reads two synth outputs; `dist/crds/` holds the Prometheus Operator CRDs copied
 * byte for byte (4.3 MB). They are compared by digest, never parsed (parsing costs over 3 s).
 */
describe('readManifestDir: the raw CRD copies in crds/', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  /** A synth output: one ConfigMap and the vendored CRDs as synthApp writes them. */
  function output(): string {
    const dir = mkdtempSync(join(tmpdir(), 'plan-raw-'));
    dirs.push(dir);
    writeFileSync(join(dir, '0000-app.k8s.yaml'), stringify(configMap('one', { x: '1' })));
    const crds = new PrometheusOperatorCrds(new Chart(new App(), 'crds'), 'crds');
    for (const file of crds.rawFiles()) {
      mkdirSync(join(dir, 'crds'), { recursive: true });
      copyFileSync(file.sourcePath, join(dir, file.outputPath));
    }
    return dir;
  }

  test('each CRD file is one digest object named after the CRD, read without parsing the file', () => {
    const dir = output();
    const started = process.hrtime.bigint();
    const manifests = readManifestDir(dir);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    const crds = manifests.filter((m) => m.kind === 'CustomResourceDefinition');
    expect(crds.map((m) => m.metadata.name)).toEqual([
      'alertmanagerconfigs.monitoring.coreos.com', 'alertmanagers.monitoring.coreos.com', 'podmonitors.monitoring.coreos.com',
      'probes.monitoring.coreos.com', 'prometheusagents.monitoring.coreos.com', 'prometheuses.monitoring.coreos.com',
      'prometheusrules.monitoring.coreos.com', 'scrapeconfigs.monitoring.coreos.com', 'servicemonitors.monitoring.coreos.com',
      'thanosrulers.monitoring.coreos.com',
    ]);
    expect(crds.every((m) => /^[0-9a-f]{64}$/.test(m.metadata.annotations?.[RAW_DIGEST_ANNOTATION] ?? '') && m.spec === undefined)).toBe(true);
    expect(manifests.filter((m) => m.kind === 'ConfigMap').map((m) => m.metadata.name)).toEqual(['one']);
    // Parsing 4.3 MB of YAML takes seconds; hashing takes milliseconds.
    expect(ms).toBeLessThan(500);
  });

  test('two outputs compare per CRD: unchanged, or changed when the bytes differ (an operator upgrade)', () => {
    const before = output();
    const after = output();
    expect(planChanges(readManifestDir(before), readManifestDir(after)).summary).toMatchObject({ changed: 0, created: 0, deleted: 0 });
    appendFileSync(join(after, 'crds', 'prometheuses.monitoring.coreos.com.yaml'), '# a newer release\n');
    const changed = planChanges(readManifestDir(before), readManifestDir(after)).objects.filter((o) => o.change !== 'unchanged');
    expect(changed.map((o) => `${o.change} ${o.id}`)).toEqual(['changed CustomResourceDefinition prometheuses.monitoring.coreos.com']);
  });

  test('skip: against an app\'s objects (which never hold the raw copies) they are left out', () => {
    expect(readManifestDir(output(), { raw: 'skip' }).map((m) => m.kind)).toEqual(['ConfigMap']);
  });
});
