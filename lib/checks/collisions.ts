import { namespaceOf, violation } from './objects';
import { containersOf, PodTemplate, podTemplatesOf } from './pod-templates';
import { clusterScopedCustomKinds, isClusterScoped } from './scope';
import { Manifest, Violation } from './types';

/**
 * Nothing in the output may collide (SPEC §10.8, §13), across files, charts and tenants.
 *
 * Rules:
 * - `collisions/duplicate-object`: two objects with the same API group, kind, namespace and name
 *   (cluster-scoped kinds, custom ones included, have no namespace): `kubectl apply` keeps only
 *   the last, so one workload silently loses its Service, ConfigMap, RBAC, ...
 * - `collisions/host-port`: two workloads that publish the same host port and protocol (a
 *   `hostPort`, or any container port of a `hostNetwork` pod): they cannot run on one node, so a
 *   DaemonSet's pods stay Pending wherever the other runs.
 * - `collisions/host-path`: two DaemonSets that mount the same host directory writable (or one
 *   inside the other): both write the same files on every node (position files, buffers).
 */
export function checkCollisions(manifests: Manifest[]): Violation[] {
  const objects = manifests.filter((m) => m && typeof m === 'object' && typeof m.kind === 'string');
  const templates = podTemplatesOf(objects);
  return [...duplicateObjects(objects), ...hostPortClashes(templates), ...hostPathClashes(templates)];
}

function duplicateObjects(manifests: Manifest[]): Violation[] {
  const customClusterKinds = clusterScopedCustomKinds(manifests);
  const seen = new Map<string, Manifest[]>();
  for (const m of manifests) {
    const apiVersion = typeof m.apiVersion === 'string' ? m.apiVersion : '';
    const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
    const namespace = isClusterScoped(m.kind, customClusterKinds) ? '' : namespaceOf(m);
    const key = `${group}\u0000${m.kind}\u0000${namespace}\u0000${m.metadata?.name ?? ''}`;
    seen.set(key, [...(seen.get(key) ?? []), m]);
  }
  return [...seen.values()].filter((list) => list.length > 1).map((list) => {
    const versions = [...new Set(list.map((m) => m.apiVersion))];
    return violation('collisions/duplicate-object', list[0],
      `emitted ${list.length} times${versions.length > 1 ? ` (as ${versions.join(' and ')})` : ''}: Kubernetes keeps one object per kind, namespace and name, so the last applied silently replaces the others`,
      'give each construct its own name (or put the copies in different namespaces); cluster-scoped names must be unique in the whole output, e.g. prefixed with the namespace');
  });
}

/** Host ports a pod template occupies on its node: `<port>/<protocol>`. */
function hostPortsOf(t: PodTemplate): Set<string> {
  const ports = new Set<string>();
  for (const { container } of containersOf(t.spec, ['containers', 'initContainers'])) {
    for (const p of container?.ports ?? []) {
      const port = p?.hostPort ?? (t.spec?.hostNetwork === true ? p?.containerPort : undefined);
      if (typeof port === 'number') ports.add(`${port}/${p?.protocol ?? 'TCP'}`);
    }
  }
  return ports;
}

function hostPortClashes(templates: PodTemplate[]): Violation[] {
  const users = new Map<string, PodTemplate[]>();
  for (const t of templates) for (const port of hostPortsOf(t)) users.set(port, [...(users.get(port) ?? []), t]);
  return [...users.entries()].filter(([, list]) => list.length > 1).map(([port, list]) =>
    violation('collisions/host-port', list[0].resource,
      `host port ${port} is also published by ${list.slice(1).map((t) => t.resource).join(', ')}: two pods cannot bind one host port on a node, so one of them stays Pending there`,
      'run the node agent once per cluster, or give each copy its own port'));
}

/** Host directories a DaemonSet mounts writable. */
function writableHostPaths(t: PodTemplate): string[] {
  const hostPathVolumes = new Map<string, string>();
  for (const v of t.spec?.volumes ?? []) {
    if (typeof v?.hostPath?.path === 'string') hostPathVolumes.set(v.name, normalizePath(v.hostPath.path));
  }
  const paths = new Set<string>();
  for (const { container } of containersOf(t.spec, ['containers', 'initContainers'])) {
    for (const mount of container?.volumeMounts ?? []) {
      const path = hostPathVolumes.get(mount?.name);
      if (path !== undefined && mount.readOnly !== true) paths.add(mount.subPath ? normalizePath(`${path}/${mount.subPath}`) : path);
    }
  }
  return [...paths];
}

function normalizePath(path: string): string {
  return `/${path.split('/').filter((s) => s !== '' && s !== '.').join('/')}`;
}

function overlaps(a: string, b: string): boolean {
  const inside = (child: string, parent: string) => parent === '/' || child === parent || child.startsWith(`${parent}/`);
  return inside(a, b) || inside(b, a);
}

function hostPathClashes(templates: PodTemplate[]): Violation[] {
  const daemonSets = templates.filter((t) => t.owner.kind === 'DaemonSet').map((t) => ({ t, paths: writableHostPaths(t) }));
  const out: Violation[] = [];
  daemonSets.forEach(({ t, paths }, i) => {
    for (const other of daemonSets.slice(i + 1)) {
      for (const path of paths) {
        const clash = other.paths.find((p) => overlaps(path, p));
        if (clash === undefined) continue;
        out.push(violation('collisions/host-path', t.resource,
          `writes host directory ${path}, which ${other.t.resource} also writes (${clash}): both would write the same files on every node`,
          'give each DaemonSet its own host directory (e.g. include the namespace), or run the agent once per cluster'));
      }
    }
  });
  return out;
}
