import { ManifestIndex, violation } from './objects';
import { containersOf, describeContainer, PodTemplate } from './pod-templates';
import { mountsToken, serviceAccountOf } from './service-accounts';
import { Violation } from './types';

/**
 * What a pod template refers to by name (ConfigMaps, Secrets, its ServiceAccount, volumes, PVCs),
 * checked against the manifests. Part of {@link checkWiring}.
 */

import { EXTERNAL_SECRETS_ANNOTATION } from '../core/external-secrets';

export { EXTERNAL_SECRETS_ANNOTATION };

/** A ConfigMap or Secret a pod needs. */
interface ConfigRef {
  readonly kind: 'ConfigMap' | 'Secret';
  readonly name: string;
  readonly optional: boolean;
  /** Keys it reads (empty: the whole object). */
  readonly keys: string[];
  /** Where the reference is, for messages: `volume config`, `container zk env ZK_PASS`. */
  readonly where: string;
}

function itemKeys(items: any[] | undefined): string[] {
  return (items ?? []).map((i) => i?.key).filter((k): k is string => typeof k === 'string');
}

/** Every ConfigMap and Secret the pod spec refers to: volumes (projected too), env, envFrom, imagePullSecrets. */
export function configRefsOf(spec: any): ConfigRef[] {
  const refs: ConfigRef[] = [];
  const add = (kind: ConfigRef['kind'], name: unknown, optional: unknown, keys: string[], where: string): void => {
    if (typeof name === 'string') refs.push({ kind, name, optional: optional === true, keys, where });
  };
  for (const v of spec?.volumes ?? []) {
    add('ConfigMap', v?.configMap?.name, v?.configMap?.optional, itemKeys(v?.configMap?.items), `volume ${v?.name}`);
    add('Secret', v?.secret?.secretName, v?.secret?.optional, itemKeys(v?.secret?.items), `volume ${v?.name}`);
    for (const source of v?.projected?.sources ?? []) {
      add('ConfigMap', source?.configMap?.name, source?.configMap?.optional, itemKeys(source?.configMap?.items), `projected volume ${v?.name}`);
      add('Secret', source?.secret?.name, source?.secret?.optional, itemKeys(source?.secret?.items), `projected volume ${v?.name}`);
    }
  }
  for (const ref of containersOf(spec)) {
    const who = describeContainer(ref);
    for (const env of ref.container?.env ?? []) {
      const cm = env?.valueFrom?.configMapKeyRef;
      const secret = env?.valueFrom?.secretKeyRef;
      add('ConfigMap', cm?.name, cm?.optional, cm?.key ? [cm.key] : [], `${who} env ${env?.name}`);
      add('Secret', secret?.name, secret?.optional, secret?.key ? [secret.key] : [], `${who} env ${env?.name}`);
    }
    for (const from of ref.container?.envFrom ?? []) {
      add('ConfigMap', from?.configMapRef?.name, from?.configMapRef?.optional, [], `${who} envFrom`);
      add('Secret', from?.secretRef?.name, from?.secretRef?.optional, [], `${who} envFrom`);
    }
  }
  for (const pull of spec?.imagePullSecrets ?? []) add('Secret', pull?.name, false, [], 'imagePullSecrets');
  return refs;
}

function externalSecrets(t: PodTemplate): Set<string> {
  return new Set((t.annotations[EXTERNAL_SECRETS_ANNOTATION] ?? '').split(',').map((s) => s.trim()).filter(Boolean));
}

/** `wiring/configmap-ref` and `wiring/secret-ref`: each referenced object (and key) exists in the pod's namespace. */
export function configReferences(t: PodTemplate, index: ManifestIndex): Violation[] {
  const external = externalSecrets(t);
  const out: Violation[] = [];
  for (const ref of configRefsOf(t.spec)) {
    const rule = ref.kind === 'ConfigMap' ? 'wiring/configmap-ref' : 'wiring/secret-ref';
    if (ref.optional || (ref.kind === 'Secret' && external.has(ref.name))) continue;
    const target = index.find(ref.kind, t.namespace, ref.name);
    if (!target) {
      out.push(violation(rule, t.resource, `${ref.where} refers to ${ref.kind} ${ref.name}, which is not in namespace ${t.namespace}`,
        ref.kind === 'Secret'
          ? `create Secret ${ref.name} in ${t.namespace}, or list it in the pod template annotation ${EXTERNAL_SECRETS_ANNOTATION} if it is managed outside the app`
          : `create ConfigMap ${ref.name} in ${t.namespace}, or fix the name`));
      continue;
    }
    const present = new Set([...Object.keys(target.data ?? {}), ...Object.keys(target.binaryData ?? {}), ...Object.keys(target.stringData ?? {})]);
    const missing = ref.keys.filter((k) => !present.has(k));
    if (missing.length > 0) {
      out.push(violation(rule, t.resource, `${ref.where} reads key(s) ${missing.join(', ')} that ${ref.kind} ${ref.name} does not have`,
        `add the key(s) to ${ref.kind} ${ref.name} or fix the key name`));
    }
  }
  return out;
}

/**
 * `wiring/service-account`: an explicitly named ServiceAccount (even `default`) must be among the
 * manifests; a pod on the implicit default ServiceAccount is flagged only when it mounts its token.
 */
export function serviceAccountReference(t: PodTemplate, index: ManifestIndex): Violation[] {
  const sa = serviceAccountOf(t.spec);
  if (sa.explicit) {
    return index.find('ServiceAccount', t.namespace, sa.name) ? [] : [violation('wiring/service-account', t.resource,
      `serviceAccountName ${sa.name} is not a ServiceAccount in namespace ${t.namespace}`,
      `create ServiceAccount ${sa.name} in ${t.namespace}, or fix serviceAccountName`)];
  }
  return mountsToken(t.spec, undefined) ? [violation('wiring/service-account', t.resource,
    'pod runs as the implicit default ServiceAccount and mounts its token',
    'set automountServiceAccountToken: false, or give the pod a dedicated ServiceAccount')] : [];
}

/** `wiring/volume-mount` and `wiring/pvc-ref`: mounts name volumes (or claim templates), PVC volumes name PVCs. */
export function volumeReferences(t: PodTemplate, index: ManifestIndex): Violation[] {
  const out: Violation[] = [];
  const volumes: any[] = t.spec.volumes ?? [];
  const names = new Set([...volumes.map((v) => v?.name), ...t.claimTemplates]);
  for (const ref of containersOf(t.spec)) {
    for (const mount of [...(ref.container?.volumeMounts ?? []), ...(ref.container?.volumeDevices ?? [])]) {
      if (!names.has(mount?.name)) {
        out.push(violation('wiring/volume-mount', t.resource, `${describeContainer(ref)} mounts ${mount?.name}, which is neither a volume nor a volumeClaimTemplate`,
          `add a volume named ${mount?.name} to the pod (or a volumeClaimTemplate to the StatefulSet), or fix the mount name`));
      }
    }
  }
  for (const v of volumes) {
    const claim = v?.persistentVolumeClaim?.claimName;
    if (typeof claim !== 'string' || index.find('PersistentVolumeClaim', t.namespace, claim) || coveredByClaimTemplate(t, v.name, claim)) continue;
    out.push(violation('wiring/pvc-ref', t.resource, `volume ${v.name} claims PersistentVolumeClaim ${claim}, which is not in namespace ${t.namespace}`,
      `create PersistentVolumeClaim ${claim}, or use a StatefulSet volumeClaimTemplate`));
  }
  return out;
}

/** A StatefulSet claim template replaces a same-named volume; its claims are `<template>-<sts>-<ordinal>`. */
function coveredByClaimTemplate(t: PodTemplate, volumeName: string, claim: string): boolean {
  const sts = t.owner.metadata?.name ?? '';
  return t.claimTemplates.some((tmpl) => tmpl === volumeName || new RegExp(`^${escapeRegExp(`${tmpl}-${sts}-`)}\\d+$`).test(claim));
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
