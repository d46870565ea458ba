import { IConstruct } from 'constructs';
import { k8s } from 'cdk8s-plus-27';
import { checkOneOf, describeChoices } from './validation';

/**
 * How strictly replicas are kept on separate nodes. `required` (production) never co-locates two
 * replicas, so a node failure costs at most one; `preferred` (dev, small clusters) spreads when it can.
 */
export type AntiAffinityMode = 'required' | 'preferred';

/** Every {@link AntiAffinityMode}, exactly as spelled. */
export const ANTI_AFFINITY_MODES: readonly AntiAffinityMode[] = ['required', 'preferred'];

/** An anti-affinity mode, exactly `required` or `preferred` (a capitalised value is not silently soft). */
export function checkAntiAffinity(scope: IConstruct, prop: string, value: unknown): AntiAffinityMode {
  return checkOneOf(scope, prop, value, ANTI_AFFINITY_MODES);
}

export const HOSTNAME_TOPOLOGY = 'kubernetes.io/hostname';
export const ZONE_TOPOLOGY = 'topology.kubernetes.io/zone';

/**
 * Pod anti-affinity over the workload's own selector labels, across nodes. Throws on any mode
 * other than the two exact values (constructs check it first with {@link checkAntiAffinity}).
 */
export function podAntiAffinity(selector: Record<string, string>, mode: AntiAffinityMode): k8s.Affinity {
  if (!ANTI_AFFINITY_MODES.includes(mode)) {
    throw new Error(`podAntiAffinity: invalid mode ${JSON.stringify(mode)}: must be ${describeChoices(ANTI_AFFINITY_MODES)}`);
  }
  const term: k8s.PodAffinityTerm = { labelSelector: { matchLabels: { ...selector } }, topologyKey: HOSTNAME_TOPOLOGY };
  return {
    podAntiAffinity: mode === 'required'
      ? { requiredDuringSchedulingIgnoredDuringExecution: [term] }
      : { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: term }] },
  };
}

/** Spreads replicas evenly over zones when the cluster has them (never blocks scheduling). */
export function zoneSpread(selector: Record<string, string>): k8s.TopologySpreadConstraint[] {
  return [{
    maxSkew: 1,
    topologyKey: ZONE_TOPOLOGY,
    whenUnsatisfiable: 'ScheduleAnyway',
    labelSelector: { matchLabels: { ...selector } },
  }];
}

/** Tolerates every taint, so a node agent runs on every node (control plane, tainted pools). */
export function tolerateEverything(): k8s.Toleration[] {
  return [{ operator: 'Exists' }];
}
