import { BASE_UTILITIES, ImageContract } from '../core/image-contract';

/**
 * Contract of `ghcr.io/stefanprodan/podinfo` 6.x (read for 6.9.2).
 *
 * Sources: stefanprodan/podinfo `Dockerfile` (`FROM alpine`, `addgroup -S app && adduser -S -G app
 * app` (Alpine system user: uid 100, gid 101), `apk add ca-certificates curl netcat-openbsd`,
 * `WORKDIR /home/app`, `COPY podinfo .`, `COPY podcli /usr/local/bin/podcli`, `USER app`,
 * `CMD ["./podinfo"]`, no ENTRYPOINT) and `cmd/podinfo/main.go` (`--data-path` default `/data`:
 * uploads and the cache are written there).
 */
export const PODINFO_IMAGE_CONTRACT: ImageContract = {
  name: 'podinfo',
  repository: 'ghcr.io/stefanprodan/podinfo',
  tags: /^6\.\d+\.\d+$/,
  sources: ['github.com/stefanprodan/podinfo Dockerfile', 'github.com/stefanprodan/podinfo cmd/podinfo/main.go (flags)'],
  user: { uid: 100, gid: 101, anyNonRootUid: 'a static Go binary and a UI directory, both world-readable; it writes only --data-path' },
  entrypoint: [],
  cmd: ['./podinfo'],
  workdir: '/home/app',
  env: {},
  mainPrograms: ['./podinfo', '/home/app/podinfo'],
  programs: ['./podinfo', '/home/app/podinfo', 'podcli', 'curl', 'nc', ...BASE_UTILITIES],
  writes: [
    { path: '/data', setBy: { arg: '--data-path' }, when: 'run', kind: 'data', by: 'podinfo: uploads (/store) and cached files' },
  ],
};
