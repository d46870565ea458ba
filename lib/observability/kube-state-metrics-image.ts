import { ImageContract } from '../core/image-contract';

/**
 * Contract of `registry.k8s.io/kube-state-metrics/kube-state-metrics` v2.x (read for v2.20.0).
 *
 * Source: kubernetes/kube-state-metrics `Dockerfile`: `FROM gcr.io/distroless/static-debian13`,
 * `COPY kube-state-metrics /`, `USER nobody` (65534), `ENTRYPOINT ["/kube-state-metrics",
 * "--port=8080", "--telemetry-port=8081"]`. A static binary in a distroless image (no shell, no
 * utilities); it only watches the API and serves HTTP, writing nothing.
 */
export const KUBE_STATE_METRICS_IMAGE_CONTRACT: ImageContract = {
  name: 'kube-state-metrics',
  repository: 'registry.k8s.io/kube-state-metrics/kube-state-metrics',
  tags: /^v2\.\d+\.\d+$/,
  sources: ['github.com/kubernetes/kube-state-metrics Dockerfile (v2.20.0)', 'examples/standard/deployment.yaml (v2.20.0)'],
  user: { uid: 65534, gid: 65534, anyNonRootUid: 'static binary in a distroless image that writes no file' },
  entrypoint: ['/kube-state-metrics', '--port=8080', '--telemetry-port=8081'],
  cmd: [],
  workdir: '/',
  env: {},
  mainPrograms: ['/kube-state-metrics'],
  programs: ['/kube-state-metrics'],
  writes: [],
};
