import { ApiObject, Chart, ChartProps } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { k8s } from 'cdk8s-plus-27';
import { DeclaredFlow, declaresFlows, Flow, flowKey, IDeclaresFlows } from '../core/flows';
import { contentHash } from '../core/hash';
import { MANAGED_BY } from '../core/labels';
import { NAMESPACE_NAME_LABEL } from '../core/network';
import { intOrString } from '../core/probes';
import { derivedDnsLabels } from '../core/names';
import { checkUniqueObjectNames } from '../core/unique-names';
import { check, checkCidr, checkDnsLabel, checkLabels, checkOneOf, checkPort } from '../core/validation';

/** Protocols a NetworkPolicy port may name, exactly as Kubernetes spells them. */
export const NETWORK_PROTOCOLS = ['TCP', 'UDP', 'SCTP'] as const;

/** Namespaces every cluster has, which flows may name without any chart defining them. */
export const BUILTIN_NAMESPACES: readonly string[] = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/** Longest flow-derived policy name (`egress-` + 50), kept so existing policy names never change. */
const FLOW_POLICY_NAME_MAX = 57;

/** Cluster DNS: CoreDNS keeps the `k8s-app: kube-dns` label in `kube-system`. */
const KUBE_DNS_PEER: k8s.NetworkPolicyPeer = {
  namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: 'kube-system' } },
  podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
};

/** Egress to something that is not a pod (the Kubernetes API server, an external service). */
export interface ExternalEgress {
  /** Stable policy name suffix, e.g. `fluentd-apiserver`. */
  readonly name: string;
  readonly namespace: string;
  /** Labels of the source pods. */
  readonly podLabels: Record<string, string>;
  /** Destination CIDR. */
  readonly cidr: string;
  readonly ports: number[];
}

/** Props of {@link NetworkChart}. */
export interface NetworkChartProps extends Omit<ChartProps, 'namespace'> {
  /** Namespaces that get default-deny (ingress and egress) and DNS egress. */
  readonly defaultDenyNamespaces: string[];
  /**
   * Pod-to-pod connections to allow out of their source namespaces (egress side; each target
   * admits them itself), written by hand. Prefer `constructs`. @default []
   */
  readonly flows?: Flow[];
  /**
   * Constructs whose declared flows this chart opens (see {@link NetworkChart.addFlowsOf}): the
   * egress half of every flow whose source namespace is in `defaultDenyNamespaces`. @default []
   */
  readonly constructs?: IDeclaresFlows[];
  /** Connections to non-pod destinations. @default [] */
  readonly externalEgress?: ExternalEgress[];
  /**
   * Namespaces that exist in the cluster without any chart of this app defining them (e.g. where
   * an existing Prometheus runs). Once the app defines namespaces (Namespace objects or charts
   * with a namespace), every namespace a flow or external egress names must be one of those, one
   * of these, or built in (`default`, `kube-system`, `kube-public`, `kube-node-lease`): a typo would
   * otherwise give a policy that never matches (`to`) or fails to apply (`from`). @default []
   */
  readonly externalNamespaces?: string[];
}

/** {@link NetworkChart}'s props, checked. */
interface ResolvedNetwork {
  readonly deny: readonly string[];
  readonly flows: readonly Flow[];
  readonly external: readonly ExternalEgress[];
  readonly externalNamespaces: readonly string[];
  /** Policy name of each hand-written flow, by {@link policyKey}. */
  readonly policyNames: ReadonlyMap<string, string>;
  readonly constructs: readonly IDeclaresFlows[];
}

/** Key of a flow's egress policy name: its source namespace and its name. */
function policyKey(flow: Flow): string {
  return `${flow.from.namespace}\u0000${flow.name}`;
}

/**
 * Policy names of hand-written flows: `egress-<slug of the flow name>`; two different names with
 * the same slug in one namespace get a hash suffix instead of being refused.
 */
function flowPolicyNames(flows: readonly Flow[]): Map<string, string> {
  const policyNames = new Map<string, string>();
  for (const namespace of new Set(flows.map((f) => f.from.namespace))) {
    const inNamespace = flows.filter((f) => f.from.namespace === namespace).map((f) => f.name);
    for (const [flowName, policy] of derivedDnsLabels(inNamespace, { prefix: 'egress-', maxLength: FLOW_POLICY_NAME_MAX, fallback: 'flow' })) {
      policyNames.set(`${namespace}\u0000${flowName}`, policy);
    }
  }
  return policyNames;
}

/**
 * The platform's network baseline, applied right after the namespaces: every platform namespace
 * denies all ingress and egress by default, then allows DNS and exactly the declared flows. The
 * ingress half of each flow lives with the target workload (e.g. `ZookeeperEnsemble.allowClient`);
 * this chart opens the egress half from the source, one policy per flow with a stable name.
 *
 * The monitoring namespace is default-denied like the others: Prometheus' egress to its scrape
 * targets comes from the flows the scraped constructs declare.
 *
 * The flows come from the constructs themselves (`constructs`, {@link addFlowsOf}): each declares
 * what it needs and admits, clients added later with `allowClient` included.
 */
export class NetworkChart extends Chart {
  private readonly denied: Set<string> = new Set();
  /** Flow identities with an egress policy. */
  private readonly opened = new Set<string>();
  /** Policy names in use, per namespace. */
  private readonly policyNamesIn = new Map<string, Set<string>>();
  /** Namespaces named by props and later additions, checked against the app's namespaces at synth. */
  private readonly named: Array<[string, string]> = [];

  constructor(scope: Construct, id: string, props: NetworkChartProps) {
    super(scope, id, props);
    checkUniqueObjectNames(this);
    const r = this.resolve(props);
    for (const namespace of r.deny) this.denyByDefault(namespace);
    for (const flow of r.flows) this.egressFor(flow, r.policyNames.get(policyKey(flow))!);
    for (const e of r.external) this.externalPolicy(e);

    // After the whole app is built: every namespace named here must be one the app defines.
    this.named.push(
      ...r.deny.map((ns): [string, string] => ['defaultDenyNamespaces[]', ns]),
      ...r.flows.flatMap((f, i): Array<[string, string]> => [[`flows[${i}].from.namespace`, f.from.namespace], [`flows[${i}].to.namespace`, f.to.namespace]]),
      ...r.external.map((e, i): [string, string] => [`externalEgress[${i}].namespace`, e.namespace]),
    );
    this.node.addValidation({ validate: () => this.unknownNamespaces(this.named, r.externalNamespaces) });
    this.addFlowsOf(...r.constructs);
  }

  /** Every prop checked, and the policy name of every hand-written flow, before any object exists. */
  private resolve(props: NetworkChartProps): ResolvedNetwork {
    const deny = props.defaultDenyNamespaces ?? [];
    check(Array.isArray(deny), this, 'defaultDenyNamespaces', String(deny), 'must be a list of namespaces');
    deny.forEach((namespace, i) => {
      checkDnsLabel(this, 'defaultDenyNamespaces[]', namespace);
      check(deny.indexOf(namespace) === i, this, 'defaultDenyNamespaces[]', namespace, 'must be unique');
    });
    const flows = this.checkFlows(props.flows ?? []);
    const external = this.checkExternalEgress(props.externalEgress ?? []);
    const externalNamespaces = props.externalNamespaces ?? [];
    check(Array.isArray(externalNamespaces), this, 'externalNamespaces', String(externalNamespaces), 'must be a list of namespaces');
    externalNamespaces.forEach((namespace) => checkDnsLabel(this, 'externalNamespaces[]', namespace));
    const policyNames = flowPolicyNames(flows);
    external.forEach((e, i) => {
      const clash = flows.find((f) => f.from.namespace === e.namespace && policyNames.get(policyKey(f)) === `egress-${e.name}`);
      check(!clash, this, `externalEgress[${i}].name`, e.name, `must not give the policy name of flow ${JSON.stringify(clash?.name)} (egress-${e.name}) in namespace ${e.namespace}`);
      const twin = external.findIndex((o) => o.namespace === e.namespace && o.name === e.name);
      check(twin === i, this, `externalEgress[${i}].name`, e.name, 'must be unique per namespace');
    });
    const constructs = props.constructs ?? [];
    check(Array.isArray(constructs), this, 'constructs', String(constructs), 'must be a list of constructs that declare flows');
    return { deny, flows, external, externalNamespaces, policyNames, constructs };
  }

  /**
   * Adds one more namespace to the default-deny set (as in `defaultDenyNamespaces`): policies
   * `default-deny` and `allow-dns` there, and egress for the declared flows out of it that
   * {@link addFlowsOf} sees from now on (call this before `addFlowsOf` for its sources).
   */
  public addDefaultDeny(namespace: string): void {
    checkDnsLabel(this, 'defaultDenyNamespaces[]', namespace);
    check(!this.denied.has(namespace), this, 'defaultDenyNamespaces[]', namespace, 'must be unique');
    this.denyByDefault(namespace);
    this.named.push(['defaultDenyNamespaces[]', namespace]);
  }

  /** Adds one connection to a non-pod destination (as in `externalEgress`): policy `egress-<name>` in its namespace. */
  public addExternalEgress(egress: ExternalEgress): void {
    const [e] = this.checkExternalEgress([egress]);
    check(!this.policyNamesIn.get(e.namespace)?.has(`egress-${e.name}`), this, 'externalEgress[].name', e.name,
      `must not give a policy name already used in namespace ${e.namespace} (egress-${e.name})`);
    this.externalPolicy(e);
    this.named.push(['externalEgress[].namespace', e.namespace]);
  }

  /**
   * Opens the egress half of every flow `sources` declare, now and later (a client added with
   * `allowClient` after this call is included): one policy `egress-<flow name>` per flow whose
   * source namespace this chart default-denies, in that namespace. Sources elsewhere are left
   * alone: their egress is not restricted by this chart, and an egress policy would isolate them.
   * A flow equal to one already opened (same source, target, port, protocol) is skipped; a name
   * already taken in the namespace gets a hash suffix.
   */
  public addFlowsOf(...sources: IDeclaresFlows[]): void {
    sources.forEach((source, i) => {
      check(declaresFlows(source), this, `constructs[${i}]`, String((source as IConstruct | undefined)?.node?.path ?? source),
        'must declare its flows (a construct of this library: ZookeeperEnsemble, KafkaCluster, EfkStack, WebApp, ...)');
      source.onFlow((flow) => this.derivedEgress(flow));
    });
  }

  private derivedEgress(flow: DeclaredFlow): void {
    if (!this.denied.has(flow.from.namespace) || this.opened.has(flowKey(flow))) return;
    const plain = derivedDnsLabels([flow.name], { prefix: 'egress-', maxLength: FLOW_POLICY_NAME_MAX, fallback: 'flow' }).get(flow.name)!;
    const taken = this.policyNamesIn.get(flow.from.namespace);
    const name = taken?.has(plain)
      ? `${plain.slice(0, FLOW_POLICY_NAME_MAX - 11).replace(/-+$/, '')}-${contentHash(flowKey(flow)).slice(0, 10)}`
      : plain;
    this.egressFor(flow, name);
  }

  private egressFor(flow: Flow, name: string): void {
    this.opened.add(flowKey(flow));
    this.takeName(flow.from.namespace, name);
    this.policy(flow.from.namespace, name, flow.from.labels, [{
      to: [{
        namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: flow.to.namespace } },
        podSelector: { matchLabels: { ...flow.to.labels } },
      }],
      ports: [{ protocol: flow.protocol ?? 'TCP', port: intOrString(flow.port) }],
    }]);
  }

  private denyByDefault(namespace: string): void {
    this.denied.add(namespace);
    this.addBaseline(namespace);
  }

  private externalPolicy(e: ExternalEgress): void {
    this.takeName(e.namespace, `egress-${e.name}`);
    this.policy(e.namespace, `egress-${e.name}`, e.podLabels, [{
      to: [{ ipBlock: { cidr: e.cidr } }],
      ports: e.ports.map((port) => ({ protocol: 'TCP', port: intOrString(port) })),
    }]);
  }

  private takeName(namespace: string, name: string): void {
    const names = this.policyNamesIn.get(namespace) ?? new Set<string>();
    names.add(name);
    this.policyNamesIn.set(namespace, names);
  }

  /**
   * Namespaces named by the props that no chart of the app defines (as a Namespace object or as a
   * chart namespace), none when the app defines no namespace at all (then nothing is knowable).
   */
  private unknownNamespaces(named: Array<[string, string]>, externalNamespaces: readonly string[]): string[] {
    const defined = definedNamespaces(this.node.root, this);
    if (defined.size === 0) return [];
    const known = new Set([...defined, ...BUILTIN_NAMESPACES, ...externalNamespaces]);
    return named.filter(([, ns]) => !known.has(ns)).map(([prop, ns]) =>
      `invalid ${prop} ${JSON.stringify(ns)}: no chart of the app defines this namespace (defined: ${[...defined].sort().join(', ')}); `
      + 'fix the name, or list a namespace that exists outside the app in externalNamespaces');
  }

  private checkFlows(flows: Flow[]): Flow[] {
    check(Array.isArray(flows), this, 'flows', String(flows), 'must be a list of flows');
    const seen = new Set<string>();
    flows.forEach((flow, i) => {
      check(typeof flow === 'object' && flow !== null, this, `flows[${i}]`, String(flow), 'must be a flow { name, from, to, port }');
      check(typeof flow.name === 'string' && flow.name.trim().length > 0, this, `flows[${i}].name`, flow.name, 'must be a non-empty description');
      check(!seen.has(`${flow.from?.namespace}\u0000${flow.name}`), this, 'flows[].name', flow.name, 'must be unique per source namespace');
      seen.add(`${flow.from?.namespace}\u0000${flow.name}`);
      for (const end of ['from', 'to'] as const) {
        const pod = flow[end];
        check(typeof pod === 'object' && pod !== null, this, `flows[${i}].${end}`, String(pod), 'must be a pod reference { namespace, labels }');
        checkDnsLabel(this, `flows[${i}].${end}.namespace`, pod.namespace);
        check(typeof pod.labels === 'object' && pod.labels !== null && Object.keys(pod.labels).length > 0, this, `flows[${i}].${end}.labels`, JSON.stringify(pod.labels),
          'must hold at least one label: an empty selector would select every pod of the namespace');
        checkLabels(this, `flows[${i}].${end}.labels`, pod.labels);
      }
      checkPort(this, `flows[${i}].port`, flow.port);
      if (flow.protocol !== undefined) checkOneOf(this, `flows[${i}].protocol`, flow.protocol, NETWORK_PROTOCOLS);
    });
    return flows;
  }

  private checkExternalEgress(external: ExternalEgress[]): ExternalEgress[] {
    check(Array.isArray(external), this, 'externalEgress', String(external), 'must be a list');
    external.forEach((e, i) => {
      check(typeof e === 'object' && e !== null, this, `externalEgress[${i}]`, String(e), 'must be { name, namespace, podLabels, cidr, ports }');
      // `egress-<name>` is the policy name: a DNS label.
      checkDnsLabel(this, 'externalEgress[].name', e.name, 63 - 'egress-'.length);
      checkDnsLabel(this, `externalEgress[${i}].namespace`, e.namespace);
      check(typeof e.podLabels === 'object' && e.podLabels !== null, this, `externalEgress[${i}].podLabels`, String(e.podLabels), 'must be a map of labels');
      checkLabels(this, `externalEgress[${i}].podLabels`, e.podLabels);
      checkCidr(this, `externalEgress[${i}].cidr`, e.cidr);
      check(Array.isArray(e.ports) && e.ports.length > 0, this, `externalEgress[${i}].ports`, String(e.ports), 'must list at least one port');
      e.ports.forEach((port) => checkPort(this, `externalEgress[${i}].ports[]`, port));
    });
    return external;
  }

  private addBaseline(namespace: string): void {
    this.object(namespace, 'default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    this.policy(namespace, 'allow-dns', {}, [{
      to: [KUBE_DNS_PEER],
      ports: [{ protocol: 'UDP', port: intOrString(53) }, { protocol: 'TCP', port: intOrString(53) }],
    }]);
  }

  private policy(namespace: string, name: string, podLabels: Record<string, string>, egress: k8s.NetworkPolicyEgressRule[]): void {
    this.object(namespace, name, { podSelector: { matchLabels: { ...podLabels } }, policyTypes: ['Egress'], egress });
  }

  private object(namespace: string, name: string, spec: k8s.NetworkPolicySpec): void {
    new k8s.KubeNetworkPolicy(this, `${namespace}-${name}`, {
      metadata: { name, namespace, labels: { 'app.kubernetes.io/managed-by': MANAGED_BY } },
      spec,
    });
  }
}

/**
 * Namespaces the app defines: names of its Namespace objects and namespaces of its charts (other
 * than `except`, whose objects name their namespaces themselves).
 */
function definedNamespaces(root: IConstruct, except: Chart): Set<string> {
  const defined = new Set<string>();
  for (const c of root.node.findAll()) {
    if (Chart.isChart(c) && c !== except && c.namespace) defined.add(c.namespace);
    else if (ApiObject.isApiObject(c) && c.kind === 'Namespace' && c.apiVersion === 'v1') defined.add(c.name);
  }
  return defined;
}
