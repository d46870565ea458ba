import { BASE_UTILITIES, ImageContract } from '../core/image-contract';

/**
 * Contract of `quay.io/prometheus/node-exporter` v1.x (read for v1.9.1).
 *
 * Source: prometheus/node_exporter `Dockerfile`: `FROM quay.io/prometheus/busybox-linux-amd64:glibc`,
 * `COPY node_exporter /bin/node_exporter`, `USER nobody` (65534), `ENTRYPOINT ["/bin/node_exporter"]`.
 * It only reads `/proc`, `/sys` and the root filesystem; the textfile collector reads too.
 */
export const NODE_EXPORTER_IMAGE_CONTRACT: ImageContract = {
  name: 'Prometheus node exporter',
  repository: 'quay.io/prometheus/node-exporter',
  tags: /^v1\.\d+\.\d+$/,
  sources: ['github.com/prometheus/node_exporter Dockerfile (v1.9.x)'],
  user: { uid: 65534, gid: 65534 },
  entrypoint: ['/bin/node_exporter'],
  cmd: [],
  workdir: '/',
  env: {},
  mainPrograms: ['/bin/node_exporter'],
  programs: ['/bin/node_exporter', ...BASE_UTILITIES],
  writes: [],
};
