import { Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-27';
import { MANAGED_BY } from '../core/labels';
import { makeClusterScoped } from '../core/escape-hatches';
import { checkUniqueObjectNames } from '../core/unique-names';
import { check, checkDnsLabel, checkOneOf } from '../core/validation';
import { NamespaceSpec, PodSecurityLevel, POD_SECURITY_LEVELS } from '../core/pod-security';

// Shared with the constructs that declare the level their namespace needs, so they live in lib/core.
export type { NamespaceSpec, PodSecurityLevel };
export { POD_SECURITY_LEVELS };

/** Version of the Pod Security Standards the labels pin: the cluster's API level. */
export const POD_SECURITY_VERSION = 'v1.27';

/** The Pod Security admission labels for `level`. */
export function podSecurityLabels(level: PodSecurityLevel): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const mode of ['enforce', 'audit', 'warn']) {
    labels[`pod-security.kubernetes.io/${mode}`] = level;
    labels[`pod-security.kubernetes.io/${mode}-version`] = POD_SECURITY_VERSION;
  }
  return labels;
}

/** Annotation on a namespace that records why it allows more than `restricted`. */
export const NAMESPACE_SECURITY_REASON_ANNOTATION = 'platform.cdk8s.io/pod-security-reason';

/** Props of {@link NamespacesChart}. */
export interface NamespacesChartProps extends Omit<ChartProps, 'namespace'> {
  readonly namespaces: NamespaceSpec[];
}

/**
 * The chart applied first: every namespace of the platform, each labelled with the Pod Security
 * level its pods need (`restricted` wherever possible; `privileged` only for node agents, with the
 * reason recorded as an annotation).
 */
export class NamespacesChart extends Chart {
  public readonly namespaces: Record<string, k8s.KubeNamespace> = {};

  constructor(scope: Construct, id: string, props: NamespacesChartProps) {
    super(scope, id, props);
    checkUniqueObjectNames(this);
    check(Array.isArray(props.namespaces), this, 'namespaces', String(props.namespaces), 'must be a list of namespace specs');
    for (const spec of props.namespaces) this.addNamespace(spec);
  }

  /** Adds a namespace; its name must be unique in the chart. */
  public addNamespace(spec: NamespaceSpec): k8s.KubeNamespace {
    const name = checkDnsLabel(this, 'namespaces[].name', spec.name);
    check(!this.namespaces[name], this, 'namespaces[].name', name, 'must be unique');
    checkOneOf(this, `namespaces[${name}].podSecurity`, spec.podSecurity, POD_SECURITY_LEVELS);
    check(spec.reason === undefined || typeof spec.reason === 'string', this, `namespaces[${name}].reason`, String(spec.reason), 'must be a text');
    check(spec.podSecurity === 'restricted' || (spec.reason ?? '').trim().length >= 10, this, `namespaces[${name}].reason`, spec.reason ?? '',
      `namespace ${name} asks for Pod Security "${spec.podSecurity}": say why in at least 10 characters`);
    const ns = new k8s.KubeNamespace(this, name, {
      metadata: {
        name,
        labels: { ...podSecurityLabels(spec.podSecurity), 'app.kubernetes.io/managed-by': MANAGED_BY },
        annotations: spec.reason ? { [NAMESPACE_SECURITY_REASON_ANNOTATION]: spec.reason.trim() } : undefined,
      },
    });
    makeClusterScoped(ns);
    this.namespaces[name] = ns;
    return ns;
  }
}
