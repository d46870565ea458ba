import { execFileSync } from 'child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Chart, Testing } from 'cdk8s';
import { KafkaCluster, KafkaClusterProps, KAFKA_PATHS } from '../../lib/kafka';
import { ZookeeperEnsemble, ZookeeperEnsembleProps } from '../../lib/zookeeper/zookeeper-ensemble';
import { find, stableName } from '../support/manifests';

export type Obj = Record<string, any>;

export const CLUSTER_ID = 'MkU3OEVBNTcwNTJENDM2Qg';

export interface Synth {
  readonly kafka: KafkaCluster;
  readonly zk?: ZookeeperEnsemble;
  readonly chart: Chart;
  readonly objects: Obj[];
}

/** A ZooKeeper-mode cluster next to a default ensemble in the `streaming` namespace. */
export function synthZk(props: Partial<KafkaClusterProps> = {}, zkProps: ZookeeperEnsembleProps = {}, chroot?: string): Synth {
  const chart = new Chart(Testing.app(), 'streaming', { namespace: 'streaming' });
  const zk = new ZookeeperEnsemble(chart, 'zk', zkProps);
  const kafka = new KafkaCluster(chart, 'kafka', { mode: { type: 'zookeeper', ensemble: zk, chroot }, ...props });
  return { kafka, zk, chart, objects: Testing.synth(chart) };
}

/** A KRaft cluster (combined unless `controllers` is given) in the `streaming` namespace. */
export function synthKraft(props: Partial<KafkaClusterProps> = {}, controllers?: NonNullable<Extract<KafkaClusterProps['mode'], { type: 'kraft' }>['controllers']>): Synth {
  const chart = new Chart(Testing.app(), 'streaming', { namespace: 'streaming' });
  const kafka = new KafkaCluster(chart, 'kafka', { mode: { type: 'kraft', clusterId: CLUSTER_ID, controllers }, ...props });
  return { kafka, chart, objects: Testing.synth(chart) };
}

export { find } from '../support/manifests';

export function ids(objects: Obj[]): string[] {
  return objects.map((o) => `${o.kind}/${stableName(o)}`).sort();
}

/** Parses a Java properties file (no continuation lines) into key/values; duplicate keys are an error. */
export function parseProperties(text: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const line of text.split('\n')) {
    if (line.trim() === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) throw new Error(`not a property line: ${line}`);
    const key = line.slice(0, eq);
    if (key in result) throw new Error(`duplicate property ${key}`);
    result[key] = line.slice(eq + 1);
  }
  return result;
}

export function serverProperties(objects: Obj[], configMap = 'kafka-config'): Record<string, string> {
  return parseProperties(find(objects, 'ConfigMap', configMap).data['server.properties']);
}

export function container(objects: Obj[], sts: string, name = 'kafka'): Obj {
  return find(objects, 'StatefulSet', sts).spec.template.spec.containers.find((c: Obj) => c.name === name);
}

/** What running a node's start script as pod `hostname` did. */
export interface StartRun {
  /** The effective server.properties the server was started with. */
  readonly properties: Record<string, string>;
  /** Arguments given to kafka-storage.sh (undefined when it was not run). */
  readonly format?: string;
  /** KAFKA_JMX_OPTS seen by kafka-storage.sh. */
  readonly formatJmxOpts?: string;
  /** Environment seen by kafka-server-start.sh. */
  readonly serverEnv: Record<string, string>;
}

/**
 * Runs the generated start script with /bin/sh as pod `hostname`, in a temporary directory that
 * stands in for the container paths, with fake kafka-storage.sh / kafka-server-start.sh that record
 * what they were given.
 */
export function runStartScript(objects: Obj[], configMap: string, hostname: string): StartRun {
  const root = mkdtempSync(join(tmpdir(), 'kafka-start-'));
  try {
  const paths = Object.fromEntries(Object.entries(KAFKA_PATHS).map(([k, v]) => [k, join(root, v)])) as Record<keyof typeof KAFKA_PATHS, string>;
  for (const dir of [paths.config, paths.runtime, `${paths.home}/bin`, paths.data, paths.logs]) mkdirSync(dir, { recursive: true });
  const data = find(objects, 'ConfigMap', configMap).data as Record<string, string>;
  let script = data['start.sh'];
  // One pass, longest paths first, so each container path is rewritten exactly once.
  const byPath = new Map(Object.entries(KAFKA_PATHS).map(([k, v]) => [v as string, paths[k as keyof typeof KAFKA_PATHS]]));
  const alternatives = [...byPath.keys()].sort((a, b) => b.length - a.length).map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  script = script.replace(new RegExp(alternatives.join('|'), 'g'), (p) => byPath.get(p)!);
  writeFileSync(join(paths.config, 'server.properties'), data['server.properties']);
  writeFileSync(join(root, 'start.sh'), script);
  const fake = (name: string, body: string) => {
    writeFileSync(join(paths.home, 'bin', name), `#!/bin/sh\n${body}\n`);
    chmodSync(join(paths.home, 'bin', name), 0o755);
  };
  fake('kafka-storage.sh', `echo "$*" > ${root}/format.args; echo "\${KAFKA_JMX_OPTS:-unset}" > ${root}/format.jmx`);
  fake('kafka-server-start.sh', `cp "$1" ${root}/effective.properties; env > ${root}/server.env`);
  execFileSync('/bin/sh', [join(root, 'start.sh')], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOSTNAME: hostname } });
  const read = (file: string) => { try { return readFileSync(join(root, file), 'utf8').trim(); } catch { return undefined; } };
  const serverEnv = Object.fromEntries((read('server.env') ?? '').split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1).split(root).join('')]));
  const format = read('format.args')?.split(root).join('');
  return { properties: parseProperties(read('effective.properties')!), format, formatJmxOpts: read('format.jmx'), serverEnv };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
