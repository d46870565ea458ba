import { containersOf, PodTemplate } from './pod-templates';

/** A port a container declares. */
export interface ContainerPort {
  readonly name?: string;
  readonly containerPort: number;
  readonly protocol: string;
}

/** Every port the regular containers of a pod template declare (protocol defaults to TCP). */
export function containerPortsOf(t: PodTemplate): ContainerPort[] {
  return containersOf(t.spec, ['containers']).flatMap(({ container }) => (container?.ports ?? []).map((p: any) => ({
    name: p?.name,
    containerPort: p?.containerPort,
    protocol: p?.protocol ?? 'TCP',
  })));
}

/**
 * True when the pod template declares `port` for `protocol`: a number is a containerPort, a string is
 * a port name (how Service targetPorts and NetworkPolicy ports refer to them).
 */
export function declaresPort(t: PodTemplate, port: number | string, protocol = 'TCP'): boolean {
  return containerPortsOf(t).some((p) => p.protocol === protocol && (typeof port === 'number' ? p.containerPort === port : p.name === port));
}

/** The container port numbers a port name stands for in a pod template. */
export function resolveNamedPort(t: PodTemplate, name: string, protocol = 'TCP'): number[] {
  return containerPortsOf(t).filter((p) => p.name === name && p.protocol === protocol).map((p) => p.containerPort);
}
