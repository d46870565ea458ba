/**
 * Pod Security Standard levels, shared by every construct that tells its namespace which level its
 * pods need and by the chart that labels the namespaces (lib/platform).
 * https://kubernetes.io/docs/concepts/security/pod-security-standards/
 */

/** Pod Security Standard levels (https://kubernetes.io/docs/concepts/security/pod-security-standards/). */
export type PodSecurityLevel = 'restricted' | 'baseline' | 'privileged';

/**
 * Every {@link PodSecurityLevel}, exactly as the admission controller spells it, strictest first:
 * a namespace enforcing level L admits pods whose level comes at or before L.
 */
export const POD_SECURITY_LEVELS: readonly PodSecurityLevel[] = ['restricted', 'baseline', 'privileged'];

/** One namespace of the platform and the Pod Security level its pods need. */
export interface NamespaceSpec {
  /** Namespace name (DNS label). */
  readonly name: string;
  /** Level enforced (and audited, and warned) by the Pod Security admission controller. */
  readonly podSecurity: PodSecurityLevel;
  /** Why the namespace needs more than `restricted`. Required unless the level is `restricted`. */
  readonly reason?: string;
}
