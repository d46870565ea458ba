import { BASE_UTILITIES, ImageContract } from '../core/image-contract';

/**
 * Contract of the official Kibana image, 8.x (read for 8.19.21).
 *
 * Sources: elastic/kibana `src/dev/build/tasks/os_packages/docker_generator/templates/base/Dockerfile`
 * (8.x): Kibana in `/usr/share/kibana` (`--chown=1000:0`, `chmod -R g=u`), `/bin/tini`, user
 * `kibana` uid 1000 gid 1000 in group 0, `USER 1000`, `WORKDIR /usr/share/kibana`,
 * `ENV PATH=/usr/share/kibana/bin:$PATH`, `ENTRYPOINT ["/bin/tini", "--"]`,
 * `CMD ["/usr/local/bin/kibana-docker"]` (which maps environment variables to CLI flags);
 * packages `fontconfig libnss3 curl ca-certificates`. Kibana writes `path.data` (uuid, reporting)
 * and temporary files (reporting's headless Chromium) under `/tmp`. Kibana's production docs: the
 * Node.js heap is set with `--max-old-space-size` in `NODE_OPTIONS`; it only bounds V8's old
 * space, not the young generation, code and native memory.
 */
export const KIBANA_IMAGE_CONTRACT: ImageContract = {
  name: 'Kibana (docker.elastic.co)',
  repository: 'docker.elastic.co/kibana/kibana',
  tags: /^8\.\d+\.\d+$/,
  sources: [
    'github.com/elastic/kibana src/dev/build/tasks/os_packages/docker_generator/templates/base/Dockerfile (8.x)',
    'github.com/elastic/kibana src/dev/build/tasks/os_packages/docker_generator/resources/base/bin/kibana-docker (8.x)',
    'github.com/elastic/kibana docs/setup/production.asciidoc (Memory)',
  ],
  user: { uid: 1000, gid: 1000 },
  entrypoint: ['/bin/tini', '--'],
  cmd: ['/usr/local/bin/kibana-docker'],
  workdir: '/usr/share/kibana',
  env: { ELASTIC_CONTAINER: 'true' },
  mainPrograms: ['/usr/local/bin/kibana-docker', 'kibana'],
  programs: ['/bin/tini', '/usr/local/bin/kibana-docker', 'kibana', 'kibana-keystore', 'curl', 'bash', ...BASE_UTILITIES],
  writes: [
    { path: '/usr/share/kibana/data', setBy: { configFile: 'kibana.yml', pattern: /^\s*path\.data\s*:\s*"?([^"\s]+)"?\s*$/m }, when: 'start', kind: 'data', by: 'Kibana: the instance uuid at first start, reporting and telemetry state' },
    { path: '/tmp', when: 'run', kind: 'tmp', by: 'Node.js os.tmpdir(): reporting (headless Chromium profiles and screenshots), uploads' },
  ],
  memory: {
    runtime: 'node',
    heapFrom: [{ env: 'NODE_OPTIONS', flag: 'max-old-space-size' }],
    // Node's default old-space size depends on the node's memory, not the container limit: set it.
    defaultHeap: undefined,
    nonHeapMiB: 320,
    why: 'Node.js 20 (V8): young generation (3 semi-spaces of 16Mi), code space, Buffers/ArrayBuffers and native (libuv, OpenSSL) memory of Kibana\'s server with 100+ plugins: about 250-350Mi outside the old space',
  },
};
