import { BASE_UTILITIES, ImageContract } from '../core/image-contract';

/**
 * Contract of `quay.io/prometheus-operator/prometheus-operator` v0.x (read for v0.93.1).
 *
 * Source: prometheus-operator/prometheus-operator `Dockerfile`: `FROM
 * quay.io/prometheus/busybox-${OS}-${ARCH}:latest`, `COPY operator /bin/operator`, `USER nobody`,
 * `ENTRYPOINT ["/bin/operator"]`. The operator writes nothing to disk: it talks to the API server
 * and serves metrics on `--web.listen-address` (default `:8080`).
 */
export const PROMETHEUS_OPERATOR_IMAGE_CONTRACT: ImageContract = {
  name: 'Prometheus Operator',
  repository: 'quay.io/prometheus-operator/prometheus-operator',
  tags: /^v0\.93\.\d+$/,
  sources: ['github.com/prometheus-operator/prometheus-operator Dockerfile (v0.93.x)', 'cmd/operator/main.go (flags)'],
  user: { uid: 65534, gid: 65534, anyNonRootUid: 'a static Go binary that writes no file' },
  entrypoint: ['/bin/operator'],
  cmd: [],
  workdir: '/',
  env: {},
  mainPrograms: ['/bin/operator'],
  programs: ['/bin/operator', ...BASE_UTILITIES],
  writes: [],
};

/**
 * Contract of `quay.io/prometheus-operator/prometheus-config-reloader` v0.x (read for v0.93.1): the
 * sidecar the operator adds to every Prometheus and Alertmanager pod (passed to the operator with
 * `--prometheus-config-reloader`).
 *
 * Source: prometheus-operator/prometheus-operator `cmd/prometheus-config-reloader/Dockerfile`:
 * `COPY prometheus-config-reloader /bin/prometheus-config-reloader`, `USER nobody`,
 * `ENTRYPOINT ["/bin/prometheus-config-reloader"]`. It writes the expanded configuration to the
 * `--config-envsubst-file` path, which the operator points at an emptyDir it mounts itself.
 */
export const PROMETHEUS_CONFIG_RELOADER_IMAGE_CONTRACT: ImageContract = {
  name: 'prometheus-config-reloader',
  repository: 'quay.io/prometheus-operator/prometheus-config-reloader',
  tags: /^v0\.93\.\d+$/,
  sources: ['github.com/prometheus-operator/prometheus-operator cmd/prometheus-config-reloader/Dockerfile (v0.93.x)'],
  user: { uid: 65534, gid: 65534, anyNonRootUid: 'a static Go binary; it writes only the operator-mounted config-out emptyDir' },
  entrypoint: ['/bin/prometheus-config-reloader'],
  cmd: [],
  workdir: '/',
  env: {},
  mainPrograms: ['/bin/prometheus-config-reloader'],
  programs: ['/bin/prometheus-config-reloader', ...BASE_UTILITIES],
  writes: [
    { path: '/etc/prometheus/config_out', setBy: { arg: '--config-envsubst-file' }, when: 'start', kind: 'config', by: 'prometheus-config-reloader: the expanded configuration (an emptyDir the operator mounts)' },
  ],
};
