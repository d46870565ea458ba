import { k8s } from 'cdk8s-plus-27';

/**
 * Pod-template annotation that records why a pod needs more than Pod Security `restricted`.
 * The policy check requires it on every pod that is not `restricted`.
 */
export const SECURITY_EXCEPTION_ANNOTATION = 'platform.cdk8s.io/security-exception';

/** Unprivileged user of most images (`nobody`). */
export const NOBODY = 65534;

/** Who the pod's processes run as. */
export interface PodIdentityOptions {
  /** @default 65534 (nobody) */
  readonly runAsUser?: number;
  /** @default - same as runAsUser */
  readonly runAsGroup?: number;
  /** Group that owns mounted volumes. @default - same as runAsGroup */
  readonly fsGroup?: number;
}

/** Pod-level baseline: non-root, `RuntimeDefault` seccomp, volume ownership fixed only when needed. */
export function restrictedPodSecurityContext(opts: PodIdentityOptions = {}): k8s.PodSecurityContext {
  const runAsUser = opts.runAsUser ?? NOBODY;
  const runAsGroup = opts.runAsGroup ?? runAsUser;
  return {
    runAsNonRoot: true,
    runAsUser,
    runAsGroup,
    fsGroup: opts.fsGroup ?? runAsGroup,
    fsGroupChangePolicy: 'OnRootMismatch',
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/**
 * Container-level baseline that meets Pod Security `restricted`: no privilege escalation,
 * read-only root filesystem (writable paths must be explicit mounts), every capability dropped.
 */
export function restrictedContainerSecurityContext(): k8s.SecurityContext {
  return {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    privileged: false,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/**
 * An explicit, documented departure from the baseline. `reason` is mandatory and ends up in the
 * pod template's `platform.cdk8s.io/security-exception` annotation, so reviewers see why.
 */
export interface SecurityRelaxation {
  /** Why the workload cannot run under the baseline. */
  readonly reason: string;
  /** Run as uid 0 (e.g. to read root-owned host logs). @default false */
  readonly runAsRoot?: boolean;
  /** Capabilities to add back, in Kubernetes spelling (`SYS_TIME`, not `CAP_SYS_TIME`). @default [] */
  readonly addCapabilities?: string[];
  /** A privileged container (e.g. an init container that sets a node sysctl). @default false */
  readonly privileged?: boolean;
}

/** The baseline container context with the relaxation applied. Throws on a missing reason or a `CAP_` name. */
export function relaxedContainerSecurityContext(relaxation: SecurityRelaxation): k8s.SecurityContext {
  if (!relaxation.reason || relaxation.reason.trim().length < 10) {
    throw new Error('relaxedContainerSecurityContext: a security relaxation needs a reason (at least 10 characters) that says why');
  }
  const badCapability = (relaxation.addCapabilities ?? []).find((c) => !/^[A-Z][A-Z_]*$/.test(c) || c.startsWith('CAP_'));
  if (badCapability) {
    throw new Error(`relaxedContainerSecurityContext: capability "${badCapability}" must use the Kubernetes spelling without CAP_ (e.g. SYS_TIME)`);
  }
  const base = restrictedContainerSecurityContext();
  return {
    ...base,
    ...(relaxation.runAsRoot ? { runAsNonRoot: false, runAsUser: 0, runAsGroup: 0 } : {}),
    ...(relaxation.privileged ? { privileged: true, allowPrivilegeEscalation: true } : {}),
    capabilities: {
      drop: ['ALL'],
      ...(relaxation.addCapabilities?.length ? { add: [...relaxation.addCapabilities] } : {}),
    },
  };
}

/** Pod-template annotations recording the relaxations in force (none when the list is empty). */
export function securityExceptionAnnotations(relaxations: SecurityRelaxation[]): Record<string, string> {
  if (relaxations.length === 0) return {};
  return { [SECURITY_EXCEPTION_ANNOTATION]: relaxations.map((r) => r.reason.trim()).join(' | ') };
}
