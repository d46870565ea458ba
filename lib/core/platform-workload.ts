import { Construct } from 'constructs';
import * as kplus from 'cdk8s-plus-27';
import { DeclaredFlow, FlowDeclarations, IDeclaresFlows, OpenPort, PodRef } from './flows';
import { ClientAccess, ClientAccessOptions } from './client-access';
import { ClientPeer, ResolvedPeer, resolveClientPeers } from './network';

/**
 * Base of this library's workload constructs (ZooKeeper, Kafka, Elasticsearch, Kibana, Fluentd,
 * WebApp): pods selected by stable `selectorLabels` in `namespace`, which
 *
 * - cdk8s-plus-27 can select: the construct is an `IPodSelector` and an `INetworkPolicyPeer`, so
 *   `new kplus.NetworkPolicy(scope, id, { selector: kafka })` and
 *   `deployment.connections.allowTo(kafka, { ports: [kplus.NetworkPolicyPort.tcp(9093)] })` work;
 * - other constructs accept as a client (`zookeeper.allowClient(kafka)`);
 * - declare their flows as data ({@link IDeclaresFlows}): `NetworkChart` opens their egress halves
 *   and `runAllChecks` proves them from the `platform.cdk8s.io/flows` annotation.
 */
export abstract class PlatformWorkload extends Construct implements kplus.IPodSelector, kplus.INetworkPolicyPeer, IDeclaresFlows {
  /** Namespace of the pods. */
  public abstract readonly namespace: string;
  /** Labels that select the pods; stable across upgrades. */
  public abstract readonly selectorLabels: Record<string, string>;
  /** The flows and open ports this construct declares. */
  protected readonly flowDeclarations: FlowDeclarations = new FlowDeclarations(this);

  /** The pods as a flow endpoint. */
  public get podRef(): PodRef {
    return { namespace: this.namespace, labels: { ...this.selectorLabels } };
  }

  /** The name of these pods in flow descriptions: their `app.kubernetes.io/name` label. */
  public get flowName(): string {
    return this.selectorLabels['app.kubernetes.io/name'] ?? this.node.id;
  }

  /** @see kplus.IPodSelector.toPodSelectorConfig: these pods, in their namespace. */
  public toPodSelectorConfig(): kplus.PodSelectorConfig {
    return { labelSelector: kplus.LabelSelector.of({ labels: { ...this.selectorLabels } }), namespaces: { names: [this.namespace] } };
  }

  /** @see kplus.INetworkPolicyPeer.toNetworkPolicyPeerConfig */
  public toNetworkPolicyPeerConfig(): kplus.NetworkPolicyPeerConfig {
    return { podSelector: this.toPodSelectorConfig() };
  }

  /** @see kplus.INetworkPolicyPeer.toPodSelector */
  public toPodSelector(): kplus.IPodSelector {
    return this;
  }

  /** @see IDeclaresFlows.declaredFlows */
  public declaredFlows(): DeclaredFlow[] {
    return this.flowDeclarations.list();
  }

  /** @see IDeclaresFlows.openPorts */
  public openPorts(): OpenPort[] {
    return this.flowDeclarations.openPorts();
  }

  /** @see IDeclaresFlows.onFlow */
  public onFlow(listener: (flow: DeclaredFlow) => void): void {
    this.flowDeclarations.onFlow(listener);
  }

  /**
   * Resolves `peer` (see {@link ClientPeer}) and declares one client flow per resolved selector:
   * `<client> -> <target>` on `port`. Returns the selectors for the NetworkPolicy.
   */
  protected admitClient(prop: string, peer: ClientPeer, port: number, target: string): ResolvedPeer[] {
    const peers = resolveClientPeers(this, prop, peer, this.namespace);
    for (const p of peers) {
      this.flowDeclarations.add({
        name: `${p.name} -> ${target}`,
        from: { namespace: p.namespace ?? this.namespace, labels: p.podLabels },
        to: this.podRef,
        port,
        client: true,
      });
    }
    return peers;
  }

  /**
   * The clients of a set of this workload's ports (the one client mechanism): `admit()` declares
   * their flows, `rule()` is their ingress rule for {@link lazyIngressPolicy}. When the ports are
   * open (`any-pod`, `anywhere`) they are also declared as open ports.
   */
  protected clientAccess(options: ClientAccessOptions): ClientAccess {
    const access = new ClientAccess((prop, peer, port, target) => this.admitClient(prop, peer, port, target), options);
    if (access.open !== 'none') {
      for (const port of access.ports) this.flowDeclarations.addOpen({ name: access.targetOf(port), to: this.podRef, port, ...(options.protocol === 'UDP' ? { protocol: 'UDP' } : {}) });
    }
    return access;
  }

  /** Declares that every pod of `namespace` (Prometheus' namespace) scrapes `port`. */
  protected declareScrape(namespace: string, port: number, to: PodRef = this.podRef, what = `${this.flowName} metrics`): void {
    this.flowDeclarations.add({ name: `monitoring -> ${what}`, from: { namespace, labels: {} }, to, port });
  }
}
