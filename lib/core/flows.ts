import { ApiObject, Lazy } from 'cdk8s';
import { IConstruct } from 'constructs';

/**
 * Network flows as data (SPEC §10.9): every construct declares the pod-to-pod connections it needs
 * and admits; `NetworkChart` derives the egress halves from them, and the checks prove each one is
 * allowed and nothing else is open. The declarations travel in the synthesized manifests (an
 * annotation on each workload), so the checks run on any composition, from manifests alone.
 */

/** A pod population, by namespace and labels (`{}`: every pod of the namespace). */
export interface PodRef {
  namespace: string;
  labels: Record<string, string>;
}

/** A connection the platform needs, e.g. Kafka -> ZooKeeper 2181. */
export interface Flow {
  /** Short description, used in policy names and violations, e.g. `kafka -> zookeeper client port`. */
  name: string;
  from: PodRef;
  to: PodRef;
  port: number;
  /** @default 'TCP' */
  protocol?: string;
}

/** A flow as a construct declares it. */
export interface DeclaredFlow extends Flow {
  /** Construct path of the declaring construct, for violations (e.g. `team-a/kafka`). */
  readonly declaredBy: string;
  /** True when the flow comes from `allowClient` (or `allowFrom`): its source must match a pod. */
  readonly client?: boolean;
}

/**
 * A port open to every pod of the cluster (a user-facing service such as Kibana's UI or a web app
 * without `allowFrom`); connections to it need no flow of their own.
 */
export interface OpenPort {
  readonly name: string;
  readonly to: PodRef;
  readonly port: number;
  /** @default 'TCP' */
  readonly protocol?: string;
}

/** What a construct declares: its flows and its open ports. */
export interface FlowDeclarationSet {
  readonly flows: DeclaredFlow[];
  readonly open: OpenPort[];
}

/**
 * Annotation on each workload of a flow-declaring construct: its {@link FlowDeclarationSet} as
 * JSON (keys in a fixed order, flows in declaration order: deterministic). `runAllChecks` reads it.
 */
export const FLOWS_ANNOTATION = 'platform.cdk8s.io/flows';

/** A construct that declares the flows it needs and admits. */
export interface IDeclaresFlows extends IConstruct {
  /** Every flow declared so far (including clients added with `allowClient`). */
  declaredFlows(): DeclaredFlow[];
  /** Ports open to any pod. */
  openPorts(): OpenPort[];
  /** Calls `listener` with every flow declared so far, then with each one declared later. */
  onFlow(listener: (flow: DeclaredFlow) => void): void;
}

/** True when `value` declares flows (duck-typed, so copies of this library interoperate). */
export function declaresFlows(value: unknown): value is IDeclaresFlows {
  const v = value as Partial<IDeclaresFlows> | undefined;
  return typeof v?.declaredFlows === 'function' && typeof v.openPorts === 'function' && typeof v.onFlow === 'function';
}

/** Identity of a flow: source, target, port and protocol (names are only descriptions). */
export function flowKey(flow: Flow): string {
  return JSON.stringify([flow.from.namespace, sortedLabels(flow.from.labels), flow.to.namespace, sortedLabels(flow.to.labels), flow.port, flow.protocol ?? 'TCP']);
}

function sortedLabels(labels: Record<string, string>): Array<[string, string]> {
  return Object.keys(labels).sort().map((k) => [k, labels[k]]);
}

/**
 * The flow registry of one construct: flows and open ports in declaration order (a flow equal to
 * one already declared is kept once), listeners (e.g. a `NetworkChart`) told of each new flow, and
 * the {@link FLOWS_ANNOTATION} rendered lazily, so clients added after the workload was created
 * are included.
 */
export class FlowDeclarations {
  private readonly flows: DeclaredFlow[] = [];
  private readonly open: OpenPort[] = [];
  private readonly keys = new Set<string>();
  private readonly listeners: Array<(flow: DeclaredFlow) => void> = [];

  /** @param owner the declaring construct; its path goes into every flow's `declaredBy`. */
  constructor(private readonly owner: IConstruct) {}

  /** Declares `flow` (once) and tells the listeners. */
  public add(flow: Flow & { readonly client?: boolean }): void {
    const key = flowKey(flow);
    if (this.keys.has(key)) return;
    this.keys.add(key);
    const declared: DeclaredFlow = {
      name: flow.name,
      from: { namespace: flow.from.namespace, labels: { ...flow.from.labels } },
      to: { namespace: flow.to.namespace, labels: { ...flow.to.labels } },
      port: flow.port,
      ...(flow.protocol && flow.protocol !== 'TCP' ? { protocol: flow.protocol } : {}),
      declaredBy: this.owner.node.path,
      ...(flow.client ? { client: true } : {}),
    };
    this.flows.push(declared);
    for (const listener of this.listeners) listener(declared);
  }

  /** Declares a port open to every pod. */
  public addOpen(port: OpenPort): void {
    this.open.push({ name: port.name, to: { namespace: port.to.namespace, labels: { ...port.to.labels } }, port: port.port, ...(port.protocol ? { protocol: port.protocol } : {}) });
  }

  /** @see IDeclaresFlows.declaredFlows */
  public list(): DeclaredFlow[] {
    return [...this.flows];
  }

  /** @see IDeclaresFlows.openPorts */
  public openPorts(): OpenPort[] {
    return [...this.open];
  }

  /** @see IDeclaresFlows.onFlow */
  public onFlow(listener: (flow: DeclaredFlow) => void): void {
    for (const flow of this.flows) listener(flow);
    this.listeners.push(listener);
  }

  /** Puts the declarations on `workload` as the {@link FLOWS_ANNOTATION} (rendered at synth). */
  public annotate(workload: ApiObject): void {
    workload.metadata.addAnnotation(FLOWS_ANNOTATION, Lazy.any({ produce: () => this.toJson() }) as unknown as string);
  }

  /** The annotation value. */
  public toJson(): string {
    const set: FlowDeclarationSet = { flows: this.flows, open: this.open };
    return JSON.stringify(set);
  }
}

/**
 * Reads a {@link FLOWS_ANNOTATION} value. Throws an Error naming what is malformed (the checks
 * turn it into a violation).
 */
export function parseFlowDeclarations(value: string): FlowDeclarationSet {
  let parsed: any;
  try {
    parsed = JSON.parse(value);
  } catch (e) {
    throw new Error(`not JSON: ${(e as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || !Array.isArray(parsed.flows) || !Array.isArray(parsed.open)) {
    throw new Error('must be an object { flows: [...], open: [...] }');
  }
  parsed.flows.forEach((f: any, i: number) => {
    if (typeof f?.name !== 'string' || !isPodRef(f.from) || !isPodRef(f.to) || !Number.isInteger(f.port) || typeof f.declaredBy !== 'string') {
      throw new Error(`flows[${i}] must be { name, from: { namespace, labels }, to: { namespace, labels }, port, declaredBy }`);
    }
  });
  parsed.open.forEach((o: any, i: number) => {
    if (typeof o?.name !== 'string' || !isPodRef(o.to) || !Number.isInteger(o.port)) {
      throw new Error(`open[${i}] must be { name, to: { namespace, labels }, port }`);
    }
  });
  return parsed as FlowDeclarationSet;
}

function isPodRef(value: any): value is PodRef {
  return typeof value?.namespace === 'string' && typeof value.labels === 'object' && value.labels !== null
    && Object.values(value.labels).every((v) => typeof v === 'string');
}
