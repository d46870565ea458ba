import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-27';
import { makeClusterScoped } from '../core/escape-hatches';
import { MANAGED_BY } from '../core/labels';
import { namespaceOf } from '../core/namespace';
import { checkUniqueObjectNames } from '../core/unique-names';
import { checkDnsLabel } from '../core/validation';

/** The built-in aggregated ClusterRole a viewer is bound to: read most objects, never Secrets, no writes. */
export const VIEWER_CLUSTER_ROLE = 'view';

/** Props of {@link ReadOnlyViewer}. */
export interface ReadOnlyViewerProps {
  /** Name of the ServiceAccount (the ClusterRoleBinding is `<namespace>-<name>`). @default 'viewer' */
  readonly name?: string;
}

/**
 * Read-only cluster access (SPEC §12), replacing the origin's Dashboard account bound to
 * cluster-admin: a ServiceAccount bound (ClusterRoleBinding) to the built-in `view` ClusterRole,
 * which reads workloads, Services, ConfigMaps, events and logs (and, through aggregation,
 * `metrics.k8s.io` for `kubectl top`), but never Secrets and never writes. No long-lived token
 * Secret is created; a person asks for a short-lived token when needed:
 *
 * ```sh
 * kubectl -n monitoring create token viewer --duration=1h
 * ```
 */
export class ReadOnlyViewer extends Construct {
  public readonly name: string;
  public readonly namespace: string;
  public readonly serviceAccount: k8s.KubeServiceAccount;
  public readonly clusterRoleBinding: k8s.KubeClusterRoleBinding;
  /** The command that issues a token for this identity. */
  public readonly tokenCommand: string;

  constructor(scope: Construct, id: string, props: ReadOnlyViewerProps = {}) {
    super(scope, id);
    checkUniqueObjectNames(this);
    this.name = checkDnsLabel(this, 'name', props.name ?? 'viewer');
    this.namespace = namespaceOf(this);
    const labels = {
      'app.kubernetes.io/name': 'viewer',
      'app.kubernetes.io/instance': this.name,
      'app.kubernetes.io/component': 'read-only-access',
      'app.kubernetes.io/managed-by': MANAGED_BY,
    };
    this.serviceAccount = new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: { name: this.name, labels },
      // A person uses it through `kubectl create token`; no pod runs as it.
      automountServiceAccountToken: false,
    });
    this.clusterRoleBinding = new k8s.KubeClusterRoleBinding(this, 'ClusterRoleBinding', {
      metadata: { name: `${this.namespace}-${this.name}`, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: VIEWER_CLUSTER_ROLE },
      subjects: [{ kind: 'ServiceAccount', name: this.name, namespace: this.namespace }],
    });
    makeClusterScoped(this.clusterRoleBinding);
    this.tokenCommand = `kubectl -n ${this.namespace} create token ${this.name} --duration=1h`;
  }
}
