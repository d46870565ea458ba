import { ManifestIndex, namespaceOf, violation } from './objects';
import { operatorPodTemplates } from './operator-pods';
import { PodTemplate, podTemplatesOf } from './pod-templates';
import { declaresPort } from './ports';
import { configReferences, serviceAccountReference, volumeReferences } from './references';
import { podMonitorTargets, serviceMonitorTargets } from './monitors';
import { hasLabels, selectorMatches } from './selectors';
import { subjectNamespace } from './service-accounts';
import { Manifest, Violation } from './types';

export { EXTERNAL_SECRETS_ANNOTATION } from './references';

/**
 * Objects that refer to each other must fit together (SPEC §10.4).
 *
 * Rules:
 * - `wiring/service-selector`: a Service selector matches no pod template in its namespace.
 * - `wiring/service-port`: a Service targetPort (number or name; default: port) is not a container port of every matched pod.
 * - `wiring/pdb-selector`: a PodDisruptionBudget selects no pod template in its namespace.
 * - `wiring/configmap-ref`, `wiring/secret-ref`: a referenced ConfigMap/Secret (or key) does not exist
 *   (optional refs and Secrets listed in `platform.cdk8s.io/external-secrets` are exempt).
 * - `wiring/service-account`: a named ServiceAccount does not exist, or a pod mounts the implicit default's token.
 * - `wiring/volume-mount`: a volumeMount names no volume or volumeClaimTemplate.
 * - `wiring/pvc-ref`: a persistentVolumeClaim volume names no PVC and no claim template.
 * - `wiring/statefulset-service`: a StatefulSet's serviceName is not a headless Service in its namespace.
 * - `wiring/role-ref`: a binding's roleRef does not exist (built-in ClusterRoles such as `view` do).
 * - `wiring/binding-subject`: a binding's ServiceAccount subject does not exist.
 * - `wiring/hpa-target`: a HorizontalPodAutoscaler's scaleTargetRef does not exist.
 * - `wiring/service-monitor`, `wiring/pod-monitor`: a monitor selects nothing, or nothing with its port names.
 */
export function checkWiring(manifests: Manifest[]): Violation[] {
  const index = new ManifestIndex(manifests);
  const templates = podTemplatesOf(manifests);
  return [
    // Services and PDBs may also select the pods the Prometheus Operator creates (operator-pods.ts).
    ...serviceTargets(index, [...templates, ...operatorPodTemplates(manifests)]),
    ...disruptionBudgetTargets(index, [...templates, ...operatorPodTemplates(manifests)]),
    ...templates.flatMap((t) => [...configReferences(t, index), ...serviceAccountReference(t, index), ...volumeReferences(t, index)]),
    ...statefulSetServices(index),
    ...bindingReferences(index),
    ...autoscalerTargets(index),
    ...serviceMonitorTargets(index),
    ...podMonitorTargets(index, templates),
  ];
}

/** Services select pods in their namespace, and every target port exists on those pods. */
function serviceTargets(index: ManifestIndex, templates: PodTemplate[]): Violation[] {
  const out: Violation[] = [];
  for (const svc of index.ofKind('Service')) {
    const selector: Record<string, string> | undefined = svc.spec?.selector;
    if (!selector || Object.keys(selector).length === 0 || svc.spec?.type === 'ExternalName') continue;
    const matched = templates.filter((t) => t.namespace === namespaceOf(svc) && hasLabels(selector, t.labels));
    if (matched.length === 0) {
      out.push(violation('wiring/service-selector', svc, `selector ${JSON.stringify(selector)} matches no pod template in namespace ${namespaceOf(svc)}`,
        'use the workload\'s stable selector labels (the Service would have no endpoints)'));
      continue;
    }
    for (const port of svc.spec?.ports ?? []) {
      const target = port?.targetPort ?? port?.port;
      const protocol = port?.protocol ?? 'TCP';
      const lacking = matched.filter((t) => !declaresPort(t, target, protocol));
      if (lacking.length > 0) {
        out.push(violation('wiring/service-port', svc,
          `port ${port?.name ?? port?.port}: targetPort ${JSON.stringify(target)} is not a ${protocol} container port of ${lacking.map((t) => t.resource).join(', ')}`,
          'set targetPort to a containerPort number or name that the selected containers declare'));
      }
    }
  }
  return out;
}

function disruptionBudgetTargets(index: ManifestIndex, templates: PodTemplate[]): Violation[] {
  return index.ofKind('PodDisruptionBudget')
    .filter((pdb) => !templates.some((t) => t.namespace === namespaceOf(pdb) && selectorMatches(pdb.spec?.selector, t.labels)))
    .map((pdb) => violation('wiring/pdb-selector', pdb, `selector matches no pod template in namespace ${namespaceOf(pdb)}`,
      'use the workload\'s stable selector labels in spec.selector.matchLabels'));
}

function statefulSetServices(index: ManifestIndex): Violation[] {
  const out: Violation[] = [];
  for (const sts of index.ofKind('StatefulSet')) {
    const name = sts.spec?.serviceName;
    if (typeof name !== 'string' || name === '') continue;
    const svc = index.find('Service', namespaceOf(sts), name);
    if (!svc) {
      out.push(violation('wiring/statefulset-service', sts, `serviceName ${name} is not a Service in namespace ${namespaceOf(sts)}`,
        `create a headless Service ${name} (clusterIP: None) selecting the StatefulSet's pods`));
    } else if (svc.spec?.clusterIP !== 'None') {
      out.push(violation('wiring/statefulset-service', sts, `serviceName ${name} is not headless (clusterIP is ${svc.spec?.clusterIP ?? 'allocated'})`,
        `set clusterIP: None on Service ${name}, so each pod gets a stable DNS name`));
    }
  }
  return out;
}

/** ClusterRoles every cluster has: the user-facing ones and the `system:` ones. */
export function isBuiltInClusterRole(name: string): boolean {
  return ['cluster-admin', 'admin', 'edit', 'view'].includes(name) || name.startsWith('system:');
}

/** Roles every cluster has (bootstrap RBAC): `kube-system/extension-apiserver-authentication-reader`, the `system:` ones. */
export function isBuiltInRole(namespace: string, name: string): boolean {
  return namespace === 'kube-system' && (name === 'extension-apiserver-authentication-reader' || name.startsWith('system:'));
}

function bindingReferences(index: ManifestIndex): Violation[] {
  const out: Violation[] = [];
  for (const binding of [...index.ofKind('RoleBinding'), ...index.ofKind('ClusterRoleBinding')]) {
    const ref = binding.roleRef ?? {};
    const exists = ref.kind === 'ClusterRole'
      ? !!index.find('ClusterRole', undefined, ref.name) || isBuiltInClusterRole(ref.name)
      : ref.kind === 'Role' && binding.kind === 'RoleBinding'
        && (!!index.find('Role', namespaceOf(binding), ref.name) || isBuiltInRole(namespaceOf(binding), ref.name));
    if (!exists) {
      out.push(violation('wiring/role-ref', binding, `roleRef ${ref.kind} ${ref.name} does not exist${ref.kind === 'Role' ? ` in namespace ${namespaceOf(binding)}` : ''}`,
        'create the Role/ClusterRole, or fix roleRef (a ClusterRoleBinding can only refer to a ClusterRole)'));
    }
    for (const subject of binding.subjects ?? []) {
      const ns = subjectNamespace(binding, subject);
      if (subject?.kind !== 'ServiceAccount' || !ns || subject.name === 'default') continue;
      if (!index.find('ServiceAccount', ns, subject.name)) {
        out.push(violation('wiring/binding-subject', binding, `subject ServiceAccount ${ns}/${subject.name} does not exist`,
          `create ServiceAccount ${subject.name} in ${ns}, or fix the subject`));
      }
    }
  }
  return out;
}

function autoscalerTargets(index: ManifestIndex): Violation[] {
  return index.ofKind('HorizontalPodAutoscaler')
    .filter((hpa) => {
      const ref = hpa.spec?.scaleTargetRef ?? {};
      return !index.find(ref.kind, namespaceOf(hpa), ref.name);
    })
    .map((hpa) => violation('wiring/hpa-target', hpa,
      `scaleTargetRef ${hpa.spec?.scaleTargetRef?.kind} ${hpa.spec?.scaleTargetRef?.name} is not in namespace ${namespaceOf(hpa)}`,
      'point scaleTargetRef at the Deployment/StatefulSet (kind and metadata.name) it scales'));
}
