import { BASE_UTILITIES, ImageContract } from '../core/image-contract';

/**
 * Contract of `grafana/grafana` 12.x–13.x (read for the 13.1 line).
 *
 * Sources: grafana/grafana `Dockerfile` (final stage: `ARG GF_UID="472"`, `ARG GF_GID="0"`,
 * `ENV GF_PATHS_CONFIG=/etc/grafana/grafana.ini GF_PATHS_DATA=/var/lib/grafana
 * GF_PATHS_HOME=/usr/share/grafana GF_PATHS_LOGS=/var/log/grafana
 * GF_PATHS_PLUGINS=/var/lib/grafana/plugins GF_PATHS_PROVISIONING=/etc/grafana/provisioning`,
 * `WORKDIR $GF_PATHS_HOME`, `apk add ca-certificates bash curl tzdata`, `USER "$GF_UID"`,
 * `ENTRYPOINT ["/run.sh"]`) and `packaging/docker/run.sh` (bash: turns every `GF_*__FILE`
 * variable into `GF_*` read from that file, `mkdir "$GF_PATHS_PLUGINS"` when missing, installs
 * `GF_INSTALL_PLUGINS` with grafana-cli, then `exec grafana-server --homepath --config ...
 * cfg:default.log.mode="console" cfg:default.paths.data=... cfg:default.paths.plugins=...`).
 * With `log.mode` console nothing is written to `GF_PATHS_LOGS`.
 */
export const GRAFANA_IMAGE_CONTRACT: ImageContract = {
  name: 'Grafana',
  repository: 'docker.io/grafana/grafana',
  tags: /^1[23]\.\d+\.\d+$/,
  sources: ['github.com/grafana/grafana Dockerfile (final stage)', 'github.com/grafana/grafana packaging/docker/run.sh'],
  user: { uid: 472, gid: 0, anyNonRootUid: 'every directory Grafana writes is chmod 777 in the image (and the platform mounts emptyDirs there); binaries and public/ are world-readable' },
  entrypoint: ['/run.sh'],
  cmd: [],
  workdir: '/usr/share/grafana',
  env: {
    GF_PATHS_CONFIG: '/etc/grafana/grafana.ini',
    GF_PATHS_DATA: '/var/lib/grafana',
    GF_PATHS_HOME: '/usr/share/grafana',
    GF_PATHS_LOGS: '/var/log/grafana',
    GF_PATHS_PLUGINS: '/var/lib/grafana/plugins',
    GF_PATHS_PROVISIONING: '/etc/grafana/provisioning',
  },
  mainPrograms: ['/run.sh'],
  programs: ['/run.sh', 'bash', 'curl', 'grafana', 'grafana-server', 'grafana-cli', ...BASE_UTILITIES],
  writes: [
    { path: '/var/lib/grafana', setBy: { env: 'GF_PATHS_DATA' }, when: 'start', kind: 'data', by: 'grafana-server: its SQLite database grafana.db (users, sessions, provisioned dashboards\' state) and alerting state (run.sh checks it is writable)' },
    { path: '/var/lib/grafana/plugins', setBy: { env: 'GF_PATHS_PLUGINS' }, when: 'start', kind: 'data', by: 'run.sh: mkdir "$GF_PATHS_PLUGINS" when it is missing; grafana-cli installs GF_INSTALL_PLUGINS there' },
    { path: '/tmp', when: 'run', kind: 'tmp', by: 'grafana-server: Go os.TempDir for uploads, CSV/image rendering and plugin downloads' },
  ],
};
