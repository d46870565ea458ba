import { SECURITY_EXCEPTION_ANNOTATION } from '../core/security';
import { isPinnedImage } from '../core/validation';
import { ManifestIndex, namespaceOf, violation } from './objects';
import { containersOf, describeContainer, PodTemplate, podTemplatesOf } from './pod-templates';
import { levelAllowed, PodSecurityLevelName, podSecurityLevel, POD_SECURITY_LEVELS } from './pod-security';
import { clusterScopedCustomKinds, isClusterScoped } from './scope';
import { selectorMatches } from './selectors';
import { isBoundServiceAccount, mountsToken, serviceAccountOf } from './service-accounts';
import { Manifest, Violation } from './types';

/**
 * Production policy over synthesized manifests (SPEC §10.3).
 *
 * Rules:
 * - `policy/resources`: a container (not init) lacks a cpu or memory request or limit.
 * - `policy/probes`: a container (not init) lacks a readiness or liveness probe.
 * - `policy/pinned-image`: a container (init included) uses an untagged or `latest` image.
 * - `policy/privilege-escalation`: a container does not set `allowPrivilegeEscalation: false`, or is
 *   privileged (exempt from that setting) outside a namespace that enforces `privileged`.
 * - `policy/namespace-missing`: a pod's Namespace object is not among the manifests.
 * - `policy/pod-security`: a pod's Pod Security level exceeds its namespace's `enforce` label (or there is no such label).
 * - `policy/security-exception`: a pod that is not `restricted` lacks the security-exception annotation.
 * - `policy/rbac-wildcard`: a Role or ClusterRole rule uses `*` in verbs, resources or apiGroups.
 * - `policy/default-sa-token`: a pod mounts the token of the `default` ServiceAccount.
 * - `policy/token-without-rbac`: a pod mounts a token of a ServiceAccount that no binding grants anything.
 * - `policy/pdb-missing`: a multi-replica Deployment/StatefulSet (replicas or HPA minReplicas > 1) has no PodDisruptionBudget.
 * - `policy/namespace-scope`: a cluster-scoped object has a namespace, or a namespaced object has none.
 * - `policy/subject-namespace`: a (Cluster)RoleBinding ServiceAccount subject has no namespace.
 */
export function checkPolicy(manifests: Manifest[]): Violation[] {
  const index = new ManifestIndex(manifests);
  const templates = podTemplatesOf(manifests);
  return [
    ...templates.flatMap((t) => containerRules(t, index)),
    ...templates.flatMap((t) => podSecurityRules(t, index)),
    ...templates.flatMap((t) => tokenRules(t, index)),
    ...rbacWildcards(index),
    ...missingDisruptionBudgets(index, templates),
    ...namespaceScope(manifests),
    ...subjectNamespaces(index),
  ];
}

const ENFORCE_LABEL = 'pod-security.kubernetes.io/enforce';

/** The level a namespace enforces, or undefined when the Namespace or its label is missing. */
function enforcedLevel(index: ManifestIndex, namespace: string): PodSecurityLevelName | undefined {
  const level = index.namespaceLabels(namespace)?.[ENFORCE_LABEL];
  return (POD_SECURITY_LEVELS as readonly string[]).includes(level ?? '') ? level as PodSecurityLevelName : undefined;
}

/** Resources, probes, pinned images and privilege escalation, container by container. */
function containerRules(t: PodTemplate, index: ManifestIndex): Violation[] {
  const out: Violation[] = [];
  for (const ref of containersOf(t.spec)) {
    const c = ref.container ?? {};
    const who = describeContainer(ref);
    if (ref.type === 'containers') {
      const missing = ['requests', 'limits'].flatMap((kind) => ['cpu', 'memory']
        .filter((resource) => c.resources?.[kind]?.[resource] === undefined).map((resource) => `${kind}.${resource}`));
      if (missing.length > 0) {
        out.push(violation('policy/resources', t.resource, `${who} has no ${missing.join(', ')}`,
          'set resources.requests and resources.limits for both cpu and memory'));
      }
      const probes = ['readinessProbe', 'livenessProbe'].filter((p) => !c[p]);
      if (probes.length > 0) {
        out.push(violation('policy/probes', t.resource, `${who} has no ${probes.join(' and ')}`,
          'add a readinessProbe (gates traffic) and a livenessProbe (restarts a hung process)'));
      }
    }
    if (!isPinnedImage(c.image)) {
      out.push(violation('policy/pinned-image', t.resource, `${who} image ${JSON.stringify(c.image)} is not pinned`,
        'use an explicit tag or digest ("repo/name:1.2.3" or "repo/name@sha256:..."), never "latest"'));
    }
    out.push(...privilegeEscalation(t, index, who, c.securityContext ?? {}));
  }
  return out;
}

function privilegeEscalation(t: PodTemplate, index: ManifestIndex, who: string, sc: any): Violation[] {
  if (sc.privileged === true) {
    return enforcedLevel(index, t.namespace) === 'privileged' ? [] : [violation('policy/privilege-escalation', t.resource,
      `${who} is privileged but namespace ${t.namespace} does not enforce Pod Security "privileged"`,
      'drop privileged: true, or move the workload to a namespace labelled pod-security.kubernetes.io/enforce=privileged')];
  }
  return sc.allowPrivilegeEscalation === false ? [] : [violation('policy/privilege-escalation', t.resource,
    `${who} does not set securityContext.allowPrivilegeEscalation: false`,
    'set securityContext.allowPrivilegeEscalation: false on the container')];
}

/** The pod's Pod Security level against its namespace, and the exception annotation. */
function podSecurityRules(t: PodTemplate, index: ManifestIndex): Violation[] {
  const out: Violation[] = [];
  const { level, reasons } = podSecurityLevel(t.spec, { annotations: t.annotations });
  const labels = index.namespaceLabels(t.namespace);
  if (!labels) {
    out.push(violation('policy/namespace-missing', t.resource, `namespace ${t.namespace} is not among the manifests, so its Pod Security level is unknown`,
      `add the Namespace ${t.namespace} (e.g. with NamespacesChart) to the app`));
  } else {
    const enforced = enforcedLevel(index, t.namespace);
    if (!enforced) {
      out.push(violation('policy/pod-security', t.resource, `namespace ${t.namespace} has no valid ${ENFORCE_LABEL} label`,
        `label namespace ${t.namespace} with ${ENFORCE_LABEL}=restricted (or the level its pods need)`));
    } else if (!levelAllowed(level, enforced)) {
      out.push(violation('policy/pod-security', t.resource,
        `pod needs Pod Security "${level}" but namespace ${t.namespace} enforces "${enforced}" (${reasons.join('; ')})`,
        `make the pod meet "${enforced}", or move it to a namespace labelled for "${level}" and say why`));
    }
  }
  if (level !== 'restricted' && !t.annotations[SECURITY_EXCEPTION_ANNOTATION]?.trim()) {
    out.push(violation('policy/security-exception', t.resource, `pod is "${level}", not "restricted" (${reasons.join('; ')}), and does not say why`,
      `annotate the pod template with ${SECURITY_EXCEPTION_ANNOTATION}: <reason> (see securityExceptionAnnotations)`));
  }
  return out;
}

/** Tokens only for ServiceAccounts with RBAC, never for `default`. */
function tokenRules(t: PodTemplate, index: ManifestIndex): Violation[] {
  const sa = serviceAccountOf(t.spec);
  if (!mountsToken(t.spec, index.find('ServiceAccount', t.namespace, sa.name))) return [];
  if (sa.name === 'default') {
    return [violation('policy/default-sa-token', t.resource, 'pod mounts a token of the namespace\'s default ServiceAccount',
      'set automountServiceAccountToken: false, or run under a dedicated ServiceAccount bound to the Role it needs')];
  }
  if (!isBoundServiceAccount(index, t.namespace, sa.name)) {
    return [violation('policy/token-without-rbac', t.resource, `pod mounts a token of ServiceAccount ${sa.name}, which no RoleBinding or ClusterRoleBinding names`,
      `set automountServiceAccountToken: false (pod or ServiceAccount), or bind ServiceAccount ${sa.name} to the Role it needs`)];
  }
  return [];
}

/** `*` in verbs, resources or apiGroups of a Role or ClusterRole. */
function rbacWildcards(index: ManifestIndex): Violation[] {
  const out: Violation[] = [];
  for (const role of [...index.ofKind('Role'), ...index.ofKind('ClusterRole')]) {
    (role.rules ?? []).forEach((rule: any, i: number) => {
      for (const field of ['verbs', 'resources', 'apiGroups']) {
        const wild = (rule?.[field] ?? []).filter((v: unknown) => typeof v === 'string' && v.includes('*'));
        if (wild.length > 0) {
          out.push(violation('policy/rbac-wildcard', role, `rules[${i}].${field} contains ${wild.map((w: string) => JSON.stringify(w)).join(', ')}`,
            `list the exact ${field} the workload needs`));
        }
      }
    });
  }
  return out;
}

/** Minimum replicas of a Deployment/StatefulSet: its replicas, raised by any HPA targeting it. */
function minReplicas(index: ManifestIndex, workload: Manifest): number {
  const hpaMin = index.inNamespace('HorizontalPodAutoscaler', namespaceOf(workload))
    .filter((h) => h.spec?.scaleTargetRef?.kind === workload.kind && h.spec?.scaleTargetRef?.name === workload.metadata?.name)
    .map((h) => h.spec?.minReplicas ?? 1);
  return Math.max(workload.spec?.replicas ?? 1, ...hpaMin);
}

function missingDisruptionBudgets(index: ManifestIndex, templates: PodTemplate[]): Violation[] {
  return templates
    .filter((t) => (t.owner.kind === 'Deployment' || t.owner.kind === 'StatefulSet') && minReplicas(index, t.owner) > 1)
    .filter((t) => !index.inNamespace('PodDisruptionBudget', t.namespace).some((pdb) => selectorMatches(pdb.spec?.selector, t.labels)))
    .map((t) => violation('policy/pdb-missing', t.resource, `${minReplicas(index, t.owner)} replicas but no PodDisruptionBudget in ${t.namespace} selects its pods`,
      'add a PodDisruptionBudget (maxUnavailable: 1) whose selector matches the pod template labels'));
}

/** Cluster-scoped kinds carry no namespace; namespaced ones carry one. */
function namespaceScope(manifests: Manifest[]): Violation[] {
  const customClusterKinds = clusterScopedCustomKinds(manifests);
  const out: Violation[] = [];
  for (const m of manifests) {
    const clusterScoped = isClusterScoped(m.kind, customClusterKinds);
    if (clusterScoped && m.metadata?.namespace) {
      out.push(violation('policy/namespace-scope', m, `${m.kind} is cluster-scoped but has metadata.namespace ${m.metadata.namespace}`,
        'remove metadata.namespace (makeClusterScoped in lib/core/escape-hatches.ts): cdk8s stamps the chart namespace on every object'));
    } else if (!clusterScoped && !m.metadata?.namespace) {
      out.push(violation('policy/namespace-scope', m, `${m.kind} is namespaced but has no metadata.namespace`,
        'create the chart with { namespace: "<name>" } or set metadata.namespace, so it does not land in whatever namespace kubectl uses'));
    }
  }
  return out;
}

/** ServiceAccount subjects name their namespace. */
function subjectNamespaces(index: ManifestIndex): Violation[] {
  return [...index.ofKind('RoleBinding'), ...index.ofKind('ClusterRoleBinding')].flatMap((binding) => (binding.subjects ?? [])
    .filter((s: any) => s?.kind === 'ServiceAccount' && !s.namespace)
    .map((s: any) => violation('policy/subject-namespace', binding, `ServiceAccount subject ${s.name} has no namespace`,
      'set subjects[].namespace to the ServiceAccount\'s namespace (the API server rejects it in a ClusterRoleBinding)')));
}
