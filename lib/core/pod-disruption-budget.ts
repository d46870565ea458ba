import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-27';
import { check, checkDnsSubdomain, checkInteger, checkLabels } from './validation';

/** Props of {@link PodDisruptionBudget}. */
export interface PodDisruptionBudgetProps {
  /** `metadata.name`, e.g. `zk-pdb`. */
  readonly name: string;
  /** Labels on the object itself. @default - none */
  readonly labels?: Record<string, string>;
  /** The workload's stable selector labels (never a version label). */
  readonly selector: Record<string, string>;
  /** How many pods a voluntary disruption (drain, eviction) may take down at once. */
  readonly maxUnavailable: number;
}

/**
 * A `policy/v1` PodDisruptionBudget (cdk8s-plus-27 has no class for it).
 *
 * Uses `maxUnavailable`, which keeps working when the workload is scaled, and
 * `unhealthyPodEvictionPolicy: AlwaysAllow` so a crash-looping pod never blocks a node drain.
 */
export class PodDisruptionBudget extends Construct {
  public readonly name: string;
  public readonly maxUnavailable: number;
  public readonly apiObject: k8s.KubePodDisruptionBudget;

  constructor(scope: Construct, id: string, props: PodDisruptionBudgetProps) {
    super(scope, id);
    this.name = checkDnsSubdomain(this, 'name', props.name);
    this.maxUnavailable = checkInteger(this, 'maxUnavailable', props.maxUnavailable, 1);
    check(Object.keys(props.selector).length > 0, this, 'selector', '{}', 'must hold at least one label, or the budget would select every pod in the namespace');
    checkLabels(this, 'selector', props.selector);
    this.apiObject = new k8s.KubePodDisruptionBudget(this, 'Resource', {
      metadata: { name: this.name, labels: props.labels },
      spec: {
        maxUnavailable: k8s.IntOrString.fromNumber(this.maxUnavailable),
        selector: { matchLabels: { ...props.selector } },
        unhealthyPodEvictionPolicy: 'AlwaysAllow',
      },
    });
  }
}
