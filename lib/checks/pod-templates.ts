import { namespaceOf, resourceId } from './objects';
import { Manifest } from './types';

/** Kinds whose objects carry a pod template (or are a pod). */
export const POD_TEMPLATE_KINDS: ReadonlySet<string> = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'ReplicaSet', 'Pod']);

/** The pod a workload runs, with what the checks need to know about its owner. */
export interface PodTemplate {
  /** The workload (or Pod) object. */
  readonly owner: Manifest;
  /** `Kind namespace/name` of the owner, for violations. */
  readonly resource: string;
  readonly namespace: string;
  /** Pod template labels. */
  readonly labels: Record<string, string>;
  /** Pod template annotations. */
  readonly annotations: Record<string, string>;
  /** The pod spec (`containers`, `volumes`, `securityContext`, ...). */
  readonly spec: any;
  /** Names of a StatefulSet's volumeClaimTemplates (empty for other kinds). */
  readonly claimTemplates: string[];
}

/** Which list of the pod spec a container comes from. */
export type ContainerType = 'containers' | 'initContainers' | 'ephemeralContainers';

/** A container and where it sits in the pod spec. */
export interface ContainerRef {
  readonly container: any;
  readonly type: ContainerType;
}

/** The pod template of a workload, or undefined for other kinds (or a template-less object). */
export function podTemplateOf(m: Manifest): PodTemplate | undefined {
  if (!POD_TEMPLATE_KINDS.has(m.kind)) return undefined;
  const template = m.kind === 'Pod' ? { metadata: m.metadata, spec: m.spec }
    : m.kind === 'CronJob' ? m.spec?.jobTemplate?.spec?.template
      : m.spec?.template;
  if (!template?.spec) return undefined;
  return {
    owner: m,
    resource: resourceId(m),
    namespace: namespaceOf(m),
    labels: { ...(template.metadata?.labels ?? {}) },
    annotations: { ...(template.metadata?.annotations ?? {}) },
    spec: template.spec,
    claimTemplates: m.kind === 'StatefulSet'
      ? (m.spec?.volumeClaimTemplates ?? []).map((t: any) => t?.metadata?.name).filter((n: unknown): n is string => typeof n === 'string')
      : [],
  };
}

/** Every pod template among `manifests`. */
export function podTemplatesOf(manifests: Manifest[]): PodTemplate[] {
  const out: PodTemplate[] = [];
  for (const m of manifests) {
    const t = podTemplateOf(m);
    if (t) out.push(t);
  }
  return out;
}

/** Every container of a pod spec: regular, init and ephemeral, in that order. */
export function containersOf(spec: any, types: ContainerType[] = ['containers', 'initContainers', 'ephemeralContainers']): ContainerRef[] {
  const out: ContainerRef[] = [];
  for (const type of types) {
    for (const container of spec?.[type] ?? []) out.push({ container, type });
  }
  return out;
}

/** `container zk` / `initContainer sysctl` / `ephemeralContainer debug`, for messages. */
export function describeContainer(ref: ContainerRef): string {
  return `${ref.type.replace(/s$/, '')} ${ref.container?.name ?? '<unnamed>'}`;
}
