import { BASE_UTILITIES, ImageContract } from '../core/image-contract';

/**
 * Contract of `quay.io/prometheus/alertmanager` v0.x (read for v0.33.1). The Prometheus Operator
 * builds the pod from the Alertmanager custom resource.
 *
 * Source: prometheus/alertmanager `Dockerfile`: `FROM quay.io/prometheus/busybox-${OS}-${ARCH}`,
 * `COPY amtool /bin/amtool`, `COPY alertmanager /bin/alertmanager`, `mkdir -p /alertmanager &&
 * chown -R nobody:nobody /etc/alertmanager /alertmanager`, `USER nobody`, `WORKDIR /alertmanager`,
 * `ENTRYPOINT ["/bin/alertmanager"]`, `CMD ["--config.file=/etc/alertmanager/alertmanager.yml",
 * "--storage.path=/alertmanager"]`. Silences and the notification log live under `--storage.path`.
 */
export const ALERTMANAGER_IMAGE_CONTRACT: ImageContract = {
  name: 'Alertmanager',
  repository: 'quay.io/prometheus/alertmanager',
  tags: /^v0\.\d+\.\d+$/,
  sources: ['github.com/prometheus/alertmanager Dockerfile (v0.33.x)'],
  user: { uid: 65534, gid: 65534, anyNonRootUid: 'static binaries; state only under --storage.path, owned through fsGroup' },
  entrypoint: ['/bin/alertmanager'],
  cmd: ['--config.file=/etc/alertmanager/alertmanager.yml', '--storage.path=/alertmanager'],
  workdir: '/alertmanager',
  env: {},
  mainPrograms: ['/bin/alertmanager'],
  programs: ['/bin/alertmanager', '/bin/amtool', ...BASE_UTILITIES],
  writes: [
    { path: '/alertmanager', setBy: { arg: '--storage.path' }, when: 'start', kind: 'state', by: 'alertmanager: silences and the notification log' },
  ],
};
