import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdk8s';
import { stringify } from 'yaml';
import { buildPlatform, PROFILES } from '../../lib';
import { manifestsOf } from '../../lib/checks';

/**
 * Support of the promtool tests (SPEC §17): the synthesized platform seen the way Prometheus sees
 * it. Scrape targets and their labels are derived from the real ServiceMonitor/PodMonitor objects
 * and the Services and workloads they select (the labels the Prometheus Operator's generated
 * scrape configuration attaches), so an alert that matches these series matches real targets.
 */

export type Labels = Record<string, string>;
type Obj = Record<string, any>;

/** One rule as synthesized into the PrometheusRule. */
export interface SynthesizedRule {
  readonly group: string;
  readonly alert: string;
  readonly expr: string;
  readonly for: string;
  readonly labels: Labels;
  readonly annotations: Labels;
}

/** A workload a monitor scrapes, as kube-state-metrics names it. */
export interface ScrapedWorkload {
  readonly kind: 'StatefulSet' | 'DaemonSet' | 'Deployment';
  readonly name: string;
  readonly namespace: string;
}

/** Labels of kube-state-metrics' own target, kept on its series next to the honored ones (honorLabels: true). */
export const KSM_TARGET_LABELS: Labels = {
  container: 'kube-state-metrics',
  endpoint: 'http',
  instance: '10.244.0.5:8080',
  job: 'kube-state-metrics',
  pod: 'kube-state-metrics-6c5b8d7f9-x2x7q',
  service: 'kube-state-metrics',
};

/** Nodes a DaemonSet runs on in these tests. */
export const NODES = ['node-a', 'node-b', 'node-c'];

/** The synthesized platform of one profile, with what Prometheus would scrape from it. */
export class PlatformUnderTest {
  public readonly manifests: Obj[];
  /** `spec` of every PrometheusRule, by `metadata.name`. */
  public readonly ruleSpecs: Record<string, Obj>;
  /** Every alerting rule, in output order. */
  public readonly rules: SynthesizedRule[];

  constructor(public readonly profile: keyof typeof PROFILES) {
    const app = new App({ recordConstructMetadata: false });
    buildPlatform(app, { profile: PROFILES[profile] });
    this.manifests = manifestsOf(app) as Obj[];
    // The observability stack's own alerts (PrometheusRule monitoring-stack-alerts) have their firing
    // and silent cases in test/observability/stack-alerts.promtool.test.ts, which test/platform/
    // observability.test.ts proves are exactly the rules the platform emits.
    const prometheusRules = this.manifests.filter((o) => o.kind === 'PrometheusRule' && o.metadata.name !== 'monitoring-stack-alerts');
    if (prometheusRules.length === 0) throw new Error(`the ${profile} platform emits no PrometheusRule`);
    this.ruleSpecs = Object.fromEntries(prometheusRules.map((o) => [o.metadata.name, o.spec]));
    this.rules = prometheusRules.flatMap((o) => (o.spec.groups as Obj[]).flatMap((g) => (g.rules as Obj[])
      .filter((r) => r.alert !== undefined)
      .map((r) => ({ group: g.name, alert: r.alert, expr: r.expr, for: r.for, labels: r.labels ?? {}, annotations: r.annotations ?? {} }))));
  }

  /** The rule named `alert`; throws when the platform does not emit it. */
  public rule(alert: string): SynthesizedRule {
    const found = this.rules.find((r) => r.alert === alert);
    if (!found) throw new Error(`the ${this.profile} platform emits no alert ${alert} (it emits ${this.rules.map((r) => r.alert).join(', ')})`);
    return found;
  }

  /** The monitor (ServiceMonitor or PodMonitor) of a component: its `metadata.name` is the component id. */
  public monitor(component: string): Obj {
    const found = this.manifests.find((o) => (o.kind === 'ServiceMonitor' || o.kind === 'PodMonitor') && o.metadata.name === component);
    if (!found) throw new Error(`no ServiceMonitor/PodMonitor named ${component}`);
    return found;
  }

  /**
   * The targets Prometheus discovers from a component's monitor, each with the labels the
   * Prometheus Operator's scrape configuration gives it: `container`, `endpoint` (port name),
   * `instance` (pod IP and container port), `job` (the monitor's job relabeling), `namespace`,
   * `pod`, `service` (ServiceMonitor only) and `node` (the monitor's node relabeling). Pod IPs and
   * DaemonSet/Deployment pod name suffixes are made up; everything else comes from the manifests.
   */
  public targets(component: string): Labels[] {
    const monitor = this.monitor(component);
    const isService = monitor.kind === 'ServiceMonitor';
    const endpoint = (isService ? monitor.spec.endpoints : monitor.spec.podMetricsEndpoints)[0];
    const namespaces: string[] = monitor.spec.namespaceSelector.matchNames;
    const select: Labels = monitor.spec.selector.matchLabels;
    const job = relabeledJob(endpoint.relabelings) ?? (isService ? undefined : `${monitor.metadata.namespace}/${monitor.metadata.name}`);
    const hasNodeLabel = (endpoint.relabelings ?? []).some((r: Obj) => r.targetLabel === 'node' && r.sourceLabels?.includes('__meta_kubernetes_pod_node_name'));
    const targets: Labels[] = [];
    for (const namespace of namespaces) {
      const groups: { service?: Obj; podSelector: Labels; port: (container: Obj) => Obj | undefined }[] = isService
        ? this.inNamespace('Service', namespace)
          .filter((svc) => matches(svc.metadata.labels, select))
          .flatMap((svc) => {
            const servicePort = (svc.spec.ports as Obj[]).find((p) => p.name === endpoint.port);
            if (!servicePort) return [];
            const targetPort = servicePort.targetPort ?? servicePort.port;
            return [{
              service: svc,
              podSelector: svc.spec.selector as Labels,
              port: (c: Obj) => (c.ports ?? []).find((p: Obj) => (typeof targetPort === 'number' ? p.containerPort === targetPort : p.name === targetPort)),
            }];
          })
        : [{ podSelector: select, port: (c: Obj) => (c.ports ?? []).find((p: Obj) => p.name === endpoint.port) }];
      for (const group of groups) {
        for (const workload of this.workloadsIn(namespace).filter((w) => matches(w.spec.template.metadata.labels, group.podSelector))) {
          const containers: Obj[] = workload.spec.template.spec.containers;
          const container = containers.find((c) => group.port(c));
          if (!container) continue;
          const containerPort = group.port(container)!.containerPort;
          podNames(workload).forEach((pod, i) => {
            targets.push({
              container: container.name,
              endpoint: endpoint.port,
              instance: `10.244.${i}.${10 + targets.length}:${containerPort}`,
              ...(job ? { job } : {}),
              namespace,
              ...(hasNodeLabel ? { node: NODES[i % NODES.length] } : {}),
              pod,
              ...(group.service ? { service: group.service.metadata.name } : {}),
            });
          });
        }
      }
    }
    if (targets.length === 0) throw new Error(`monitor ${component} discovers no target in the ${this.profile} platform`);
    return targets;
  }

  /** The workload whose pods a component's monitor scrapes (exactly one in this platform). */
  public workload(component: string): ScrapedWorkload {
    const pods = new Set(this.targets(component).map((t) => `${t.namespace}/${t.pod}`));
    const found = this.manifests.filter((o) => ['StatefulSet', 'DaemonSet', 'Deployment'].includes(o.kind)
      && podNames(o).some((p) => pods.has(`${o.metadata.namespace}/${p}`)));
    if (found.length !== 1) throw new Error(`component ${component} is served by ${found.length} workloads`);
    return { kind: found[0].kind, name: found[0].metadata.name, namespace: found[0].metadata.namespace };
  }

  /** Labels of kube-state-metrics series about a component's workload (`namespace` plus `statefulset`/`daemonset`/`deployment`). */
  public ksmLabels(component: string): Labels {
    const w = this.workload(component);
    return { ...KSM_TARGET_LABELS, namespace: w.namespace, [w.kind.toLowerCase()]: w.name };
  }

  private inNamespace(kind: string, namespace: string): Obj[] {
    return this.manifests.filter((o) => o.kind === kind && o.metadata.namespace === namespace);
  }

  private workloadsIn(namespace: string): Obj[] {
    return this.manifests.filter((o) => ['StatefulSet', 'DaemonSet', 'Deployment'].includes(o.kind) && o.metadata.namespace === namespace);
  }
}

function relabeledJob(relabelings: Obj[] | undefined): string | undefined {
  return (relabelings ?? []).find((r) => r.targetLabel === 'job' && (r.action ?? 'replace') === 'replace' && r.sourceLabels === undefined)?.replacement;
}

function matches(labels: Labels | undefined, selector: Labels): boolean {
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

/** Pod names of a workload: `<sts>-<ordinal>`, `<ds>-<5 chars>` per node, `<deploy>-<hash>-<5 chars>`. */
function podNames(workload: Obj): string[] {
  const name = workload.metadata.name;
  const suffixes = ['x7k2p', 'b9q4m', 'r3t8w', 'h6n1z', 'c2v5d'];
  switch (workload.kind) {
    case 'StatefulSet': return Array.from({ length: workload.spec.replicas ?? 1 }, (_, i) => `${name}-${i}`);
    case 'DaemonSet': return NODES.map((_, i) => `${name}-${suffixes[i]}`);
    default: return Array.from({ length: workload.spec.replicas ?? 1 }, (_, i) => `${name}-5d8f7c9b4-${suffixes[i]}`);
  }
}

/** A PromQL series selector with every label: `metric{a="x",b="y"}`, labels sorted. */
export function seriesOf(metric: string, labels: Labels): string {
  const body = Object.keys(labels).sort().map((k) => `${k}=${JSON.stringify(labels[k])}`).join(',');
  return `${metric}{${body}}`;
}

/** A labels-only selector as promtool's `exp_samples` expects it: `{a="x",b="y"}`. */
export function labelsOf(labels: Labels): string {
  return seriesOf('', labels);
}

/** Result of running a program. */
export interface ProgramResult {
  readonly status: number | null;
  readonly output: string;
}

/** Runs promtool with `args` in `cwd`, stdout and stderr merged in the order promtool wrote them. */
export function promtool(args: string[], cwd: string): ProgramResult {
  const result = spawnSync('sh', ['-c', 'exec promtool "$@" 2>&1', 'promtool', ...args], { cwd, encoding: 'utf8', timeout: 60_000 });
  if (result.error) throw result.error;
  return { status: result.status, output: result.stdout ?? '' };
}

/**
 * The report of `promtool test rules` split per test file: `Unit Testing:  <file>` starts the
 * section of each file, followed by `SUCCESS` or its `FAILED:` blocks.
 */
export function promtoolSections(output: string): Record<string, string> {
  const sections: Record<string, string> = {};
  const parts = output.split(/^Unit Testing: +(\S+)\s*$/m);
  for (let i = 1; i < parts.length; i += 2) sections[parts[i]] = parts[i + 1].trim();
  return sections;
}

/** A fresh temporary directory, removed by `cleanup` unless `KEEP_PROMTOOL_DIR=1` (to rerun promtool by hand). */
export function tempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return {
    dir,
    cleanup: () => {
      if (process.env.KEEP_PROMTOOL_DIR === '1') process.stderr.write(`promtool files kept in ${dir}\n`);
      else fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Writes `value` as YAML to `dir/file` and returns the file name. */
export function writeYaml(dir: string, file: string, value: unknown): string {
  fs.writeFileSync(path.join(dir, file), stringify(value, { lineWidth: 0 }));
  return file;
}

/**
 * The anchor GitHub gives a Markdown heading: lowercase, punctuation other than `-` and `_`
 * removed, spaces to `-`.
 */
export function headingAnchor(heading: string): string {
  return heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
}

/** Anchors of the `##` headings of a Markdown text. */
export function level2Anchors(markdown: string): string[] {
  return [...markdown.matchAll(/^## +(.+?)\s*$/gm)].map((m) => headingAnchor(m[1]));
}

/**
 * The `plugin_id` and `type` labels fluent-plugin-prometheus gives the outputs of a component's
 * Fluentd: the `<match>` blocks with an `@id` in the configuration file the DaemonSet mounts
 * (found through the pod template's ConfigMap volumes, never by a fixed ConfigMap name).
 */
export function fluentdOutputs(p: PlatformUnderTest, component: string): Labels[] {
  const w = p.workload(component);
  const workload = p.manifests.find((o) => o.kind === w.kind && o.metadata.name === w.name && o.metadata.namespace === w.namespace)!;
  const configMaps = (workload.spec.template.spec.volumes as Obj[]).filter((v) => v.configMap).map((v) => v.configMap.name);
  const texts = p.manifests.filter((o) => o.kind === 'ConfigMap' && o.metadata.namespace === w.namespace && configMaps.includes(o.metadata.name))
    .flatMap((o) => Object.values(o.data ?? {}) as string[]);
  const outputs: Labels[] = [];
  for (const text of texts) {
    for (const block of text.matchAll(/<match [^>]*>([\s\S]*?)<\/match>/g)) {
      const type = /^\s*@type\s+(\S+)/m.exec(block[1])?.[1];
      const id = /^\s*@id\s+(\S+)/m.exec(block[1])?.[1];
      if (type && id) outputs.push({ plugin_id: id, type });
    }
  }
  if (outputs.length === 0) throw new Error(`no Fluentd output with an @id in the ConfigMaps ${configMaps.join(', ')} of ${w.kind} ${w.name}`);
  return outputs;
}
