import { WebAppProps } from './web-app';

/**
 * Demo image for the platform's `apps` chart: podinfo 6.9.2, a small Go web app made for exactly
 * this. Pinned tag; runs as any non-root uid (the binary and UI are world-readable) with a
 * read-only root filesystem; real health endpoints (`/readyz` turns false while it shuts down,
 * `/healthz`) on 9898; Prometheus metrics on a separate port (9797) via `--port-metrics`.
 */
export const PODINFO_IMAGE = 'ghcr.io/stefanprodan/podinfo:6.9.2';

/**
 * Props for the demo WebApp `podinfo` (SPEC §7): 2 replicas behind a ClusterIP Service, origin
 * rollout (maxSurge 1, maxUnavailable 1, minReadySeconds 10), metrics on `metrics` (9797).
 * `overrides` replaces any prop, e.g. `{ replicas: 1 }` for the dev profile or
 * `{ serviceType: 'NodePort' }` as in the origin (with `autoscaling`, the default replicas are dropped).
 */
export function demoWebAppProps(overrides: Partial<WebAppProps> = {}): WebAppProps {
  const props: WebAppProps = {
    name: 'podinfo',
    image: PODINFO_IMAGE,
    port: 9898,
    metricsPort: 9797,
    // The image has no ENTRYPOINT (CMD ["./podinfo"], WORKDIR /home/app), so the flags need the binary.
    command: ['./podinfo'],
    args: ['--port=9898', '--port-metrics=9797', '--level=info', '--random-delay=false', '--random-error=false'],
    readinessPath: '/readyz',
    livenessPath: '/healthz',
    // podinfo keeps uploads and its cache under /data (the upstream chart mounts an emptyDir there).
    writablePaths: ['/tmp', '/data'],
    replicas: 2,
    resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '500m', memory: '128Mi' } },
    partOf: 'apps',
    ...overrides,
  };
  // With an HPA the autoscaler owns the count: drop the default replicas.
  return overrides.autoscaling && overrides.replicas === undefined ? { ...props, replicas: undefined } : props;
}
