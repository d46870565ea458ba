import { App, Chart, Testing } from 'cdk8s';
import { EfkStack, EfkStackProps } from '../../lib/logging';
import { stableName } from '../support/manifests';

export type Obj = Record<string, any>;

export { find } from '../support/manifests';

/** `Kind/name` of every object, sorted. */
export function kindsAndNames(objects: Obj[]): string[] {
  return objects.map((o) => `${o.kind}/${stableName(o)}`).sort();
}

/** The container `name` of a workload's pod template (init containers included). */
export function container(workload: Obj, name: string): Obj {
  const spec = workload.spec.template.spec;
  const found = [...spec.containers, ...(spec.initContainers ?? [])].find((c: Obj) => c.name === name);
  if (!found) throw new Error(`no container ${name} in ${workload.kind}/${workload.metadata.name}`);
  return found;
}

/** A simple `key: value` YAML document (the generated elasticsearch.yml / kibana.yml) as a map; lists as arrays. */
export function parseFlatYaml(text: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let listKey: string | undefined;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const item = /^ {2}- (.*)$/.exec(line);
    if (item && listKey) {
      (out[listKey] as unknown[]).push(JSON.parse(item[1]));
      continue;
    }
    const colon = line.indexOf(': ');
    const key = colon < 0 ? line.replace(/:$/, '') : line.slice(0, colon);
    if (colon < 0) {
      listKey = key;
      out[key] = [];
      continue;
    }
    listKey = undefined;
    out[key] = JSON.parse(line.slice(colon + 2));
  }
  return out;
}

/** A logging chart, an agents chart and an EfkStack spanning both. */
export function synthStack(props: Partial<EfkStackProps> = {}): { app: App; efk: EfkStack; logging: Obj[]; agents: Obj[] } {
  const app = Testing.app();
  const loggingChart = new Chart(app, 'logging', { namespace: 'logging' });
  const agentsChart = new Chart(app, 'logging-agents', { namespace: 'logging-agents' });
  const efk = new EfkStack(loggingChart, 'efk', { agentScope: agentsChart, ...props });
  return { app, efk, logging: Testing.synth(loggingChart), agents: Testing.synth(agentsChart) };
}

/** One section of a Fluentd configuration: `<name arg>` with its parameters and nested sections. */
export interface FluentSection {
  readonly name: string;
  readonly arg: string;
  readonly params: Record<string, string>;
  readonly children: FluentSection[];
}

/**
 * Parses Fluentd's configuration syntax (directives, `key value` parameters, `#` comments) into
 * sections, failing on anything unbalanced or malformed.
 */
export function parseFluentConf(text: string): FluentSection[] {
  const root: FluentSection = { name: '<root>', arg: '', params: {}, children: [] };
  const stack: FluentSection[] = [root];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const open = /^<([a-z_]+)(?:\s+([^>]*))?>$/.exec(line);
    const close = /^<\/([a-z_]+)>$/.exec(line);
    const top = stack[stack.length - 1];
    if (open) {
      const section: FluentSection = { name: open[1], arg: (open[2] ?? '').trim(), params: {}, children: [] };
      top.children.push(section);
      stack.push(section);
    } else if (close) {
      if (close[1] !== top.name) throw new Error(`line ${i + 1}: </${close[1]}> closes <${top.name}>`);
      stack.pop();
    } else {
      const m = /^(@?[a-z0-9_]+)\s+(.+)$/.exec(line);
      if (!m) throw new Error(`line ${i + 1}: not a "key value" parameter: ${line}`);
      if (m[1] in top.params) throw new Error(`line ${i + 1}: duplicate parameter ${m[1]} in <${top.name}>`);
      top.params[m[1]] = m[2];
    }
  });
  if (stack.length !== 1) throw new Error(`unclosed <${stack[stack.length - 1].name}>`);
  return root.children;
}
