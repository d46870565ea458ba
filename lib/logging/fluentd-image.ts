import { BASE_UTILITIES, ImageContract } from '../core/image-contract';

/**
 * Contract of `fluent/fluentd-kubernetes-daemonset`, the Debian Elasticsearch 8 variant of Fluentd
 * 1.19 (read for v1.19.3-debian-elasticsearch8-1.1).
 *
 * Sources: fluent/fluentd-kubernetes-daemonset `docker-image/v1.19/debian-elasticsearch8/Dockerfile`
 * (`FROM fluent/fluentd:v1.19-debian`, `USER root`, `WORKDIR /home/fluent`, gems under
 * `/fluentd/vendor/bundle/ruby/3.4.0`, `ENV FLUENTD_CONF="fluent.conf"`,
 * `ENTRYPOINT ["tini", "--", "/fluentd/entrypoint.sh"]`, no CMD) and its `entrypoint.sh` (execs
 * `fluentd -c /fluentd/etc/${FLUENTD_CONF} -p /fluentd/plugins --gemfile /fluentd/Gemfile
 * ${FLUENTD_OPT}`); fluent/fluentd-docker-image `v1.19/debian/Dockerfile` (`FROM ruby:3.4-slim`,
 * `tini`, jemalloc); fluent/fluentd `lib/fluent/supervisor.rb` (1.15.1+: `Dir.mktmpdir("fluentd-lock-")`
 * at start, i.e. under Ruby's `Dir.tmpdir`); ruby `lib/tmpdir.rb` (`Dir.tmpdir` takes the first of
 * `$TMPDIR`, `$TMP`, `$TEMP`, `/tmp`, `.` that is a writable directory and not world-writable
 * unless sticky). Reported upstream as fluent/fluentd-kubernetes-daemonset #1393 and #1453 and
 * fluent/fluentd #3924: with a read-only root and an emptyDir `/tmp` (0777, no sticky bit) Ruby
 * refuses `/tmp` and falls back to the working directory: `Read-only file system @ dir_s_mkdir -
 * /home/fluent/fluentd-lock-...`.
 */
export const FLUENTD_IMAGE_CONTRACT: ImageContract = {
  name: 'Fluentd Kubernetes DaemonSet (Elasticsearch 8)',
  repository: 'docker.io/fluent/fluentd-kubernetes-daemonset',
  tags: /^v1\.19\.\d+-debian-elasticsearch8-\d+\.\d+$/,
  sources: [
    'github.com/fluent/fluentd-kubernetes-daemonset docker-image/v1.19/debian-elasticsearch8/Dockerfile, entrypoint.sh',
    'github.com/fluent/fluentd-docker-image v1.19/debian/Dockerfile',
    'github.com/fluent/fluentd lib/fluent/supervisor.rb (1.15.1+ lock directory)',
    'github.com/ruby/ruby lib/tmpdir.rb (Dir.tmpdir)',
    'fluent/fluentd-kubernetes-daemonset#1393, #1453; fluent/fluentd#3924',
  ],
  user: { uid: 0, gid: 0 },
  entrypoint: ['tini', '--', '/fluentd/entrypoint.sh'],
  cmd: [],
  workdir: '/home/fluent',
  env: { FLUENTD_CONF: 'fluent.conf' },
  mainPrograms: ['/fluentd/entrypoint.sh', 'fluentd'],
  programs: [
    'tini', '/fluentd/entrypoint.sh', 'fluentd', 'ruby', 'gem', 'bundle',
    // ruby:3.4-slim (Debian) base
    'bash', 'xargs', ...BASE_UTILITIES,
  ],
  writes: [
    { path: '/tmp', setBy: { env: 'TMPDIR' }, when: 'start', kind: 'lock', secureTmp: true, by: 'Fluentd supervisor: Dir.mktmpdir("fluentd-lock-") under Ruby\'s Dir.tmpdir, which must be sticky or not world-writable' },
    { path: '/var/log/fluentd-containers.log.pos', setBy: { configFile: 'fluent.conf', pattern: /^\s*pos_file\s+(\S+)\s*$/gm }, when: 'start', kind: 'state', file: true, by: 'in_tail: the position file' },
    { path: '/var/log/fluentd-buffers', setBy: { configFile: 'fluent.conf', pattern: /<buffer[^>]*>(?:(?!<\/buffer>)[\s\S])*?^\s*path\s+(\S+)\s*$/gm }, when: 'start', kind: 'state', by: 'out_elasticsearch: the file buffer (chunks and metadata)' },
  ],
  memory: {
    runtime: 'ruby',
    heapFrom: [],
    nonHeapMiB: 0,
    minimumLimitMiB: 256,
    why: 'Ruby 3.4 has no heap cap: the interpreter, gems and the metadata cache take 100-150Mi, plus two flushing chunks and their JSON bodies',
  },
};
