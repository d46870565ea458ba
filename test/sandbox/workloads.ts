import { posix } from 'path';

/** One synthesized Kubernetes object. */
export type Obj = Record<string, any>;

/** A workload's pod template and the pods it makes. */
export interface PodTemplate {
  /** The workload object (StatefulSet, Deployment, DaemonSet, Job, CronJob, ReplicaSet or Pod). */
  readonly workload: Obj;
  /** `Kind/namespace/name` of the workload. */
  readonly id: string;
  readonly namespace: string;
  /** The pod template (`metadata` + `spec`). */
  readonly template: Obj;
  /**
   * The pods' names (= hostnames): `<statefulset>-<ordinal>` for every ordinal of a StatefulSet,
   * one representative name otherwise.
   */
  readonly podNames: readonly string[];
}

/** Every pod template among `manifests`, in manifest order. */
export function podTemplates(manifests: readonly Obj[]): PodTemplate[] {
  const result: PodTemplate[] = [];
  for (const o of manifests) {
    const template = o.kind === 'Pod' ? { metadata: o.metadata, spec: o.spec }
      : o.kind === 'CronJob' ? o.spec?.jobTemplate?.spec?.template
        : ['StatefulSet', 'Deployment', 'DaemonSet', 'ReplicaSet', 'Job'].includes(o.kind) ? o.spec?.template : undefined;
    if (!template?.spec) continue;
    const name: string = o.metadata.name;
    const podNames = o.kind === 'StatefulSet' ? Array.from({ length: o.spec.replicas ?? 1 }, (_, i) => `${name}-${i}`)
      : o.kind === 'Pod' ? [name]
        : o.kind === 'DaemonSet' ? [`${name}-x7k2p`]
          : [`${name}-5d8f7c9b6-x7k2p`];
    result.push({ workload: o, id: `${o.kind}/${o.metadata.namespace ?? 'default'}/${name}`, namespace: o.metadata.namespace ?? 'default', template, podNames });
  }
  return result;
}

/** How a container runs a shell script. */
export interface ShellScript {
  /** `inline` (`sh -c '...'`) or `file` (`sh /etc/app/start.sh`, or the script path executed directly). */
  readonly form: 'inline' | 'file';
  /** The script text (inline form). */
  readonly text?: string;
  /** The script path inside the container (file form). */
  readonly path?: string;
}

const SHELLS = new Set(['sh', 'bash', 'dash', 'ash', 'ksh', 'zsh']);
/** Init wrappers that exec the rest of argv after their options and `--`. */
const WRAPPERS = new Set(['tini', 'tini-static', 'dumb-init']);

/** The process argv of a container as written in the pod spec (`command` then `args`), without the image's entrypoint. */
export function specArgv(container: Obj): string[] {
  return [...(container.command ?? []), ...(container.args ?? [])];
}

/**
 * The shell script a container runs, if it runs one: `command` (or, without `command`, `args`)
 * starting with a shell (`sh -c <text>`, `sh -eu <file>`, `bash -ec <text>`), possibly behind an
 * init wrapper (`tini --`) or `env NAME=value`, or a file of a ConfigMap/Secret mount executed
 * directly. The image's own programs and scripts (`/opt/kafka/bin/kafka-server-start.sh ...`)
 * are not generated scripts.
 */
export function shellScriptOf(container: Obj, volumes: readonly Obj[] = []): ShellScript | undefined {
  let argv = container.command?.length ? [...container.command, ...(container.args ?? [])] : [...(container.args ?? [])];
  for (;;) {
    const base = posix.basename(argv[0] ?? '');
    if (WRAPPERS.has(base)) {
      const dashDash = argv.indexOf('--');
      if (dashDash >= 0) {
        argv = argv.slice(dashDash + 1);
      } else {
        argv = argv.slice(1);
        while (argv.length > 0 && argv[0].startsWith('-')) argv = argv.slice(1);
      }
    } else if (base === 'env') {
      argv = argv.slice(1);
      while (argv.length > 0 && (/^[A-Za-z_][A-Za-z0-9_]*=/.test(argv[0]) || argv[0].startsWith('-'))) argv = argv.slice(1);
    } else {
      break;
    }
  }
  if (argv.length === 0) return undefined;
  const base = posix.basename(argv[0]);
  if (SHELLS.has(base)) {
    let i = 1;
    let inline = false;
    while (i < argv.length && /^[-+][A-Za-z]+$/.test(argv[i])) {
      if (argv[i] === '-o' || argv[i] === '+o') i++;
      else if (argv[i].startsWith('-') && argv[i].includes('c')) inline = true;
      i++;
    }
    if (inline) return { form: 'inline', text: argv[i] ?? '' };
    return argv[i] !== undefined ? { form: 'file', path: argv[i] } : undefined;
  }
  const configMounts = (container.volumeMounts ?? []).filter((m: Obj) => {
    const volume = volumes.find((v) => v.name === m.name);
    return volume?.configMap || volume?.secret || volume?.projected;
  });
  const inConfig = configMounts.some((m: Obj) => argv[0] === m.mountPath || argv[0].startsWith(`${m.mountPath.replace(/\/$/, '')}/`));
  if (inConfig) return { form: 'file', path: argv[0] };
  return undefined;
}

/** A container (or init container) of a pod template that runs a shell script. */
export interface ScriptContainer {
  readonly pod: PodTemplate;
  readonly container: Obj;
  readonly init: boolean;
  readonly script: ShellScript;
  /** `<workload name>/<container name>` with `init:` for init containers: how reports name it. */
  readonly label: string;
}

/** Every container and init container of every pod template that runs a shell script. */
export function scriptContainers(manifests: readonly Obj[]): ScriptContainer[] {
  const found: ScriptContainer[] = [];
  for (const pod of podTemplates(manifests)) {
    const volumes: Obj[] = pod.template.spec.volumes ?? [];
    for (const [init, list] of [[true, pod.template.spec.initContainers ?? []], [false, pod.template.spec.containers ?? []]] as const) {
      for (const container of list as Obj[]) {
        const script = shellScriptOf(container, volumes);
        if (script) found.push({ pod, container, init, script, label: `${pod.workload.metadata.name}/${init ? 'init:' : ''}${container.name}` });
      }
    }
  }
  return found;
}
