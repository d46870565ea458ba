import { k8s } from 'cdk8s-plus-27';

/** Timing of a probe; every field has a production-minded default. */
export interface ProbeTiming {
  /** @default 10 */
  readonly periodSeconds?: number;
  /** @default 5 */
  readonly timeoutSeconds?: number;
  /** @default 3 */
  readonly failureThreshold?: number;
  /** @default 0 */
  readonly initialDelaySeconds?: number;
}

function timing(t: ProbeTiming): Omit<k8s.Probe, 'exec' | 'httpGet' | 'tcpSocket' | 'grpc'> {
  return {
    periodSeconds: t.periodSeconds ?? 10,
    timeoutSeconds: t.timeoutSeconds ?? 5,
    failureThreshold: t.failureThreshold ?? 3,
    ...(t.initialDelaySeconds ? { initialDelaySeconds: t.initialDelaySeconds } : {}),
  };
}

/** A probe that runs `command` in the container; exit code 0 means healthy. */
export function execProbe(command: string[], t: ProbeTiming = {}): k8s.Probe {
  return { exec: { command }, ...timing(t) };
}

/** A probe that opens a TCP connection to a (named) port. */
export function tcpProbe(port: number | string, t: ProbeTiming = {}): k8s.Probe {
  return { tcpSocket: { port: intOrString(port) }, ...timing(t) };
}

/** A probe that expects a 2xx/3xx answer from an HTTP GET. */
export function httpProbe(path: string, port: number | string, t: ProbeTiming & { scheme?: 'HTTP' | 'HTTPS' } = {}): k8s.Probe {
  return { httpGet: { path, port: intOrString(port), ...(t.scheme ? { scheme: t.scheme } : {}) }, ...timing(t) };
}

/**
 * A startup probe that gives a slow starter (a JVM loading its data) `budgetSeconds` before the
 * liveness probe takes over; cdk8s-plus-27's default of about 30 s kills slow JVM starts.
 */
export function startupBudget(probe: k8s.Probe, budgetSeconds: number): k8s.Probe {
  const periodSeconds = 5;
  return { ...probe, periodSeconds, failureThreshold: Math.ceil(budgetSeconds / periodSeconds), initialDelaySeconds: undefined };
}

/** Wraps a port for the generated classes, which expect an IntOrString. */
export function intOrString(port: number | string): k8s.IntOrString {
  return typeof port === 'number' ? k8s.IntOrString.fromNumber(port) : k8s.IntOrString.fromString(port);
}
