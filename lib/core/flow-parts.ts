import { Construct } from 'constructs';
import { DeclaredFlow, flowKey, IDeclaresFlows, OpenPort } from './flows';

/**
 * A construct made of flow-declaring parts (a stack of workloads) declares what its parts declare:
 * these helpers implement {@link IDeclaresFlows} over a list of parts.
 */

/** Every flow of `parts`, each connection once (the first declaration wins), in order. */
export function flowsOfParts(parts: readonly IDeclaresFlows[]): DeclaredFlow[] {
  const seen = new Set<string>();
  const out: DeclaredFlow[] = [];
  for (const flow of parts.flatMap((p) => p.declaredFlows())) {
    const key = flowKey(flow);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(flow);
  }
  return out;
}

/** Every open port of `parts`. */
export function openPortsOfParts(parts: readonly IDeclaresFlows[]): OpenPort[] {
  return parts.flatMap((p) => p.openPorts());
}

/** Subscribes `listener` to every part (see {@link IDeclaresFlows.onFlow}). */
export function onFlowOfParts(parts: readonly IDeclaresFlows[], listener: (flow: DeclaredFlow) => void): void {
  for (const part of parts) part.onFlow(listener);
}

/**
 * A construct made of flow-declaring parts: it declares exactly what {@link parts} declare (each
 * connection once), so `NetworkChart.addFlowsOf(composite)` opens the egress of every part.
 */
export abstract class FlowComposite extends Construct implements IDeclaresFlows {
  /** @see IDeclaresFlows.declaredFlows */
  public declaredFlows(): DeclaredFlow[] {
    return flowsOfParts(this.parts());
  }

  /** @see IDeclaresFlows.openPorts */
  public openPorts(): OpenPort[] {
    return openPortsOfParts(this.parts());
  }

  /** @see IDeclaresFlows.onFlow */
  public onFlow(listener: (flow: DeclaredFlow) => void): void {
    onFlowOfParts(this.parts(), listener);
  }

  /** The parts, at the time of the call. */
  protected abstract parts(): IDeclaresFlows[];
}
