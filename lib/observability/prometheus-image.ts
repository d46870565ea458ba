import { BASE_UTILITIES, ImageContract } from '../core/image-contract';

/**
 * Contract of `quay.io/prometheus/prometheus` v3.x (read for v3.13.2). The Prometheus Operator
 * builds the pod; the construct only pins the image, the user (uid 1000, fsGroup 2000, as the
 * operator's documentation recommends) and the storage.
 *
 * Source: prometheus/prometheus `Dockerfile`: `FROM quay.io/prometheus/busybox-${OS}-${ARCH}`,
 * `COPY prometheus /bin/prometheus`, `COPY promtool /bin/promtool`, `WORKDIR /prometheus`,
 * `chown -R nobody:nobody /etc/prometheus /prometheus`, `USER nobody`, `VOLUME ["/prometheus"]`,
 * `ENTRYPOINT ["/bin/prometheus"]`, `CMD ["--config.file=/etc/prometheus/prometheus.yml",
 * "--storage.tsdb.path=/prometheus"]`. The operator passes `--storage.tsdb.path=/prometheus` and
 * mounts the PVC (or an emptyDir) there, group-writable through `fsGroup`.
 */
export const PROMETHEUS_IMAGE_CONTRACT: ImageContract = {
  name: 'Prometheus',
  repository: 'quay.io/prometheus/prometheus',
  tags: /^v3\.\d+\.\d+$/,
  sources: ['github.com/prometheus/prometheus Dockerfile (v3.x)', 'prometheus-operator Documentation/platform/storage.md, designs (securityContext)'],
  user: { uid: 65534, gid: 65534, anyNonRootUid: 'static binaries; data only under --storage.tsdb.path, owned through fsGroup' },
  entrypoint: ['/bin/prometheus'],
  cmd: ['--config.file=/etc/prometheus/prometheus.yml', '--storage.tsdb.path=/prometheus'],
  workdir: '/prometheus',
  env: {},
  mainPrograms: ['/bin/prometheus'],
  programs: ['/bin/prometheus', '/bin/promtool', ...BASE_UTILITIES],
  writes: [
    { path: '/prometheus', setBy: { arg: '--storage.tsdb.path' }, when: 'start', kind: 'data', by: 'prometheus: TSDB blocks, WAL and the lock file' },
  ],
};
