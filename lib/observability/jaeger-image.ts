import { BASE_UTILITIES, ImageContract } from '../core/image-contract';

/**
 * Contract of `jaegertracing/jaeger` 2.x (read for v2.20.0).
 *
 * Source: jaegertracing/jaeger `cmd/jaeger/Dockerfile` (release stage: `FROM $base_image`, the
 * project's `baseimg_alpine` = alpine 3 + ca-certificates, `ARG USER_UID=10001`,
 * `ENV JAEGER_LISTEN_HOST=0.0.0.0`, `COPY jaeger-linux-$TARGETARCH /cmd/jaeger/jaeger-linux`,
 * `VOLUME ["/tmp"]`, `ENTRYPOINT ["/cmd/jaeger/jaeger-linux"]`, `USER ${USER_UID}`); without
 * `--config` it runs the embedded all-in-one configuration `cmd/jaeger/internal/all-in-one.yaml`.
 * With memory or Elasticsearch storage nothing is written but Go temporary files under /tmp.
 */
export const JAEGER_IMAGE_CONTRACT: ImageContract = {
  name: 'Jaeger v2',
  repository: 'docker.io/jaegertracing/jaeger',
  tags: /^2\.\d+\.\d+$/,
  sources: ['github.com/jaegertracing/jaeger cmd/jaeger/Dockerfile (v2.20.0)', 'scripts/build/docker/base/Dockerfile (alpine base)'],
  user: { uid: 10001, gid: 0, anyNonRootUid: 'a static Go binary; files world-readable; writes only /tmp' },
  entrypoint: ['/cmd/jaeger/jaeger-linux'],
  cmd: [],
  workdir: '/',
  env: { JAEGER_LISTEN_HOST: '0.0.0.0' },
  mainPrograms: ['/cmd/jaeger/jaeger-linux'],
  programs: ['/cmd/jaeger/jaeger-linux', ...BASE_UTILITIES],
  files: ['/cmd/jaeger/sampling-strategies.json'],
  writes: [
    { path: '/tmp', when: 'run', kind: 'tmp', by: 'jaeger (OpenTelemetry Collector): Go os.TempDir; the image declares VOLUME /tmp' },
  ],
};
