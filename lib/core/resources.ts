import { IConstruct } from 'constructs';
import { k8s } from 'cdk8s-plus-27';
import { checkQuantity } from './quantity';
import { check } from './validation';

/** CPU and memory for one container, as Kubernetes quantities. */
export interface ComputeResources {
  /** What the scheduler reserves, e.g. `{ cpu: '250m', memory: '1Gi' }`. */
  readonly requests: { readonly cpu: string; readonly memory: string };
  /** The hard ceiling, e.g. `{ cpu: '1', memory: '1Gi' }`. Memory limit drives the JVM heap. */
  readonly limits: { readonly cpu: string; readonly memory: string };
}

/** Validates every quantity and that each request fits within its limit. */
export function checkResources(scope: IConstruct, prop: string, resources: ComputeResources): ComputeResources {
  for (const kind of ['cpu', 'memory'] as const) {
    const request = checkQuantity(scope, `${prop}.requests.${kind}`, resources.requests?.[kind]);
    const limit = checkQuantity(scope, `${prop}.limits.${kind}`, resources.limits?.[kind]);
    check(request <= limit, scope, `${prop}.requests.${kind}`, resources.requests[kind],
      `must not exceed ${prop}.limits.${kind} (${resources.limits[kind]})`);
  }
  return resources;
}

/** The L1 `resources` block for a container. */
export function toResourceRequirements(resources: ComputeResources): k8s.ResourceRequirements {
  return {
    requests: {
      cpu: k8s.Quantity.fromString(resources.requests.cpu),
      memory: k8s.Quantity.fromString(resources.requests.memory),
    },
    limits: {
      cpu: k8s.Quantity.fromString(resources.limits.cpu),
      memory: k8s.Quantity.fromString(resources.limits.memory),
    },
  };
}
