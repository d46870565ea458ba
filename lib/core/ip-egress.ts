import { IConstruct } from 'constructs';

/**
 * Egress to addresses outside the pod network, which NetworkPolicies can only name by CIDR: the
 * Kubernetes API server, the kubelets, an alert receiver on the internet. Flows between pods are
 * declared as {@link ./flows.DeclaredFlow}s; these complete them for a namespace that
 * default-denies egress. Same shape as `NetworkChart`'s `externalEgress` entries, so a construct's
 * list can be handed over as is.
 */
export interface IpEgress {
  /** Stable policy name suffix (the policy is `egress-<name>`), e.g. `prometheus-operator-apiserver`. */
  readonly name: string;
  /** Namespace of the source pods. */
  readonly namespace: string;
  /** Selector labels of the source pods. */
  readonly podLabels: Record<string, string>;
  /** Destination CIDR. */
  readonly cidr: string;
  /** Destination TCP ports. */
  readonly ports: number[];
}

/** A construct whose pods need {@link IpEgress}. */
export interface IDeclaresIpEgress extends IConstruct {
  /** Every egress to addresses outside the pod network the construct's pods need. */
  ipEgress(): IpEgress[];
}


/**
 * Ports a pod reaches the Kubernetes API server on: 443 (the `kubernetes` Service) and 6443 (the
 * API server endpoints behind it on most distributions; policies see the translated address).
 */
export const API_SERVER_PORTS: readonly number[] = [443, 6443];

/** Default destination of API server and kubelet egress: any address (narrow it to the control plane's or the nodes' CIDR when known). */
export const ANY_IPV4 = '0.0.0.0/0';

/** Pods that call the API server: a name for the policy, their namespace and selector labels. */
export interface ApiClientPods {
  readonly name: string;
  readonly namespace: string;
  readonly selectorLabels: Record<string, string>;
}

/** Egress `<name>-apiserver` from `pods` to the API server ({@link API_SERVER_PORTS}) at `cidr`. */
export function apiServerEgress(pods: ApiClientPods, cidr: string): IpEgress {
  return { name: `${pods.name}-apiserver`, namespace: pods.namespace, podLabels: { ...pods.selectorLabels }, cidr, ports: [...API_SERVER_PORTS] };
}
