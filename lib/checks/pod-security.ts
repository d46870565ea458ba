import { PodSecurityLevel, POD_SECURITY_LEVELS } from '../core/pod-security';
import { containersOf, describeContainer } from './pod-templates';

/**
 * The Pod Security Standards (v1.27) as a pure function over a pod spec: which of the three levels
 * a pod meets, and why it misses the stricter ones. Mirrors the checks of the Pod Security admission
 * controller (k8s.io/pod-security-admission, policy version v1.27).
 * https://kubernetes.io/docs/concepts/security/pod-security-standards/
 */

/** Pod Security Standard levels, from strictest to most permissive (the one type of lib/core). */
export type PodSecurityLevelName = PodSecurityLevel;

/** Strictest first: a namespace enforcing level L admits pods whose level rank is <= rank(L). */
export { POD_SECURITY_LEVELS };

/** The level a pod meets and the reasons it misses the stricter ones (`baseline: ...`, `restricted: ...`). */
export interface PodSecurityResult {
  level: PodSecurityLevelName;
  reasons: string[];
}

/** Capabilities the baseline level lets a container add (the container runtime's defaults). */
export const BASELINE_CAPABILITIES: ReadonlySet<string> = new Set([
  'AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE',
  'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT',
]);

/** Namespaced, isolated sysctls the baseline level allows (v1.27 added ip_local_reserved_ports). */
export const SAFE_SYSCTLS: ReadonlySet<string> = new Set([
  'kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range', 'net.ipv4.ip_local_reserved_ports',
]);

/** Volume types the restricted level allows. */
export const RESTRICTED_VOLUME_TYPES: ReadonlySet<string> = new Set([
  'configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret',
]);

const SELINUX_TYPES = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t']);
const APPARMOR_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';

/**
 * The Pod Security level `podSpec` meets. Pass the pod (template) metadata too so the AppArmor
 * annotations are checked.
 */
export function podSecurityLevel(podSpec: any, podMetadata?: { annotations?: Record<string, string> }): PodSecurityResult {
  const baseline = baselineViolations(podSpec ?? {}, podMetadata?.annotations ?? {});
  const restricted = restrictedViolations(podSpec ?? {});
  const reasons = [...baseline.map((r) => `baseline: ${r}`), ...restricted.map((r) => `restricted: ${r}`)];
  const level: PodSecurityLevelName = baseline.length > 0 ? 'privileged' : restricted.length > 0 ? 'baseline' : 'restricted';
  return { level, reasons };
}

/** True when a namespace enforcing `enforced` admits a pod of level `level`. */
export function levelAllowed(level: PodSecurityLevelName, enforced: PodSecurityLevelName): boolean {
  return POD_SECURITY_LEVELS.indexOf(level) <= POD_SECURITY_LEVELS.indexOf(enforced);
}

/** What keeps a pod from the baseline level (empty when it meets it). */
export function baselineViolations(spec: any, annotations: Record<string, string> = {}): string[] {
  const out: string[] = [];
  for (const field of ['hostNetwork', 'hostPID', 'hostIPC']) {
    if (spec[field] === true) out.push(`${field} is true`);
  }
  if (spec.securityContext?.windowsOptions?.hostProcess === true) out.push('pod securityContext.windowsOptions.hostProcess is true');
  out.push(...seLinuxViolations('pod', spec.securityContext?.seLinuxOptions));
  if (spec.securityContext?.seccompProfile?.type === 'Unconfined') out.push('pod seccompProfile is Unconfined');
  for (const sysctl of spec.securityContext?.sysctls ?? []) {
    if (!SAFE_SYSCTLS.has(sysctl?.name)) out.push(`sysctl ${sysctl?.name} is not in the safe set`);
  }
  for (const volume of spec.volumes ?? []) {
    if (volume?.hostPath) out.push(`volume ${volume.name} is a hostPath`);
  }
  for (const [key, value] of Object.entries(annotations)) {
    if (key.startsWith(APPARMOR_PREFIX) && value !== 'runtime/default' && !value.startsWith('localhost/')) {
      out.push(`AppArmor profile ${value} for ${key.slice(APPARMOR_PREFIX.length)}`);
    }
  }
  for (const ref of containersOf(spec)) {
    const c = ref.container ?? {};
    const sc = c.securityContext ?? {};
    const who = describeContainer(ref);
    if (sc.privileged === true) out.push(`${who} is privileged`);
    if (sc.windowsOptions?.hostProcess === true) out.push(`${who} is a Windows HostProcess container`);
    const extraCaps = (sc.capabilities?.add ?? []).filter((cap: string) => !BASELINE_CAPABILITIES.has(cap));
    if (extraCaps.length > 0) out.push(`${who} adds capabilities ${extraCaps.join(',')}`);
    for (const port of c.ports ?? []) {
      if (port?.hostPort) out.push(`${who} uses hostPort ${port.hostPort}`);
    }
    out.push(...seLinuxViolations(who, sc.seLinuxOptions));
    if (sc.procMount !== undefined && sc.procMount !== 'Default') out.push(`${who} procMount is ${sc.procMount}`);
    if (sc.seccompProfile?.type === 'Unconfined') out.push(`${who} seccompProfile is Unconfined`);
  }
  return out;
}

function seLinuxViolations(who: string, options: any): string[] {
  if (!options) return [];
  const out: string[] = [];
  if (!SELINUX_TYPES.has(options.type ?? '')) out.push(`${who} seLinuxOptions.type is ${options.type}`);
  if (options.user) out.push(`${who} seLinuxOptions.user is set`);
  if (options.role) out.push(`${who} seLinuxOptions.role is set`);
  return out;
}

/** What keeps a pod from the restricted level on top of baseline (empty when it meets it). */
export function restrictedViolations(spec: any): string[] {
  const out: string[] = [];
  const podSc = spec.securityContext ?? {};
  const windows = spec.os?.name === 'windows';
  for (const volume of spec.volumes ?? []) {
    const type = Object.keys(volume ?? {}).find((key) => key !== 'name');
    if (type && !RESTRICTED_VOLUME_TYPES.has(type)) out.push(`volume ${volume.name} has type ${type}`);
  }
  if (podSc.runAsUser === 0) out.push('pod runAsUser is 0');
  if (podSc.runAsNonRoot === false) out.push('pod runAsNonRoot is false');
  const podSeccompOk = isConfinedSeccomp(podSc.seccompProfile?.type);
  for (const ref of containersOf(spec)) {
    const sc = ref.container?.securityContext ?? {};
    const who = describeContainer(ref);
    if (sc.allowPrivilegeEscalation !== false) out.push(`${who} does not set allowPrivilegeEscalation: false`);
    if (sc.runAsNonRoot === false || (sc.runAsNonRoot !== true && podSc.runAsNonRoot !== true)) out.push(`${who} does not run with runAsNonRoot: true`);
    if (sc.runAsUser === 0) out.push(`${who} runAsUser is 0`);
    if (!windows) {
      const type = sc.seccompProfile?.type;
      if (type !== undefined ? !isConfinedSeccomp(type) : !podSeccompOk) out.push(`${who} has no RuntimeDefault or Localhost seccomp profile`);
      const drop: string[] = sc.capabilities?.drop ?? [];
      if (!drop.includes('ALL')) out.push(`${who} does not drop ALL capabilities`);
      const added = (sc.capabilities?.add ?? []).filter((cap: string) => cap !== 'NET_BIND_SERVICE');
      if (added.length > 0) out.push(`${who} adds capabilities ${added.join(',')} (only NET_BIND_SERVICE is allowed)`);
    }
  }
  return out;
}

function isConfinedSeccomp(type: string | undefined): boolean {
  return type === 'RuntimeDefault' || type === 'Localhost';
}
