import { ImageContract } from '../core/image-contract';

/**
 * Contract of `registry.k8s.io/metrics-server/metrics-server` v0.7–v0.9 (read for v0.8.1).
 *
 * Source: kubernetes-sigs/metrics-server `Dockerfile` (tag v0.8.1): `FROM
 * gcr.io/distroless/static:latest-$ARCH`, `COPY metrics-server /`, `USER 65534`,
 * `ENTRYPOINT ["/metrics-server"]`; `manifests/base/deployment.yaml` runs it as uid 1000 with a
 * read-only root filesystem and an emptyDir on `/tmp` passed as `--cert-dir=/tmp`, where it writes
 * its self-signed serving certificate at start (k8s.io/apiserver SecureServingOptions; default
 * `apiserver.local.config/certificates` relative to the working directory `/`).
 */
export const METRICS_SERVER_IMAGE_CONTRACT: ImageContract = {
  name: 'metrics-server',
  repository: 'registry.k8s.io/metrics-server/metrics-server',
  tags: /^v0\.[789]\.\d+$/,
  sources: ['github.com/kubernetes-sigs/metrics-server Dockerfile (v0.8.1)', 'manifests/base/deployment.yaml (v0.8.1)'],
  user: { uid: 65534, gid: 65534, anyNonRootUid: 'static binary in a distroless image; it writes only its --cert-dir (upstream runs it as uid 1000)' },
  entrypoint: ['/metrics-server'],
  cmd: [],
  workdir: '/',
  env: {},
  mainPrograms: ['/metrics-server'],
  programs: ['/metrics-server'],
  writes: [
    { path: '/apiserver.local.config/certificates', setBy: { arg: '--cert-dir' }, when: 'start', kind: 'keystore', by: 'metrics-server (k8s.io/apiserver secure serving): generates a self-signed serving certificate when --tls-cert-file is not given' },
  ],
};
