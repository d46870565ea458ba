import { BASE_UTILITIES, ImageContract } from '../core/image-contract';

/**
 * Contract of the official `zookeeper` image, 3.9.x (read for 3.9.3).
 *
 * Sources: 31z4/zookeeper-docker `3.9.3/Dockerfile` and `3.9.3/docker-entrypoint.sh` (the Docker
 * official image): `FROM eclipse-temurin:17-jre-jammy`, user/group `zookeeper` with uid/gid 1000,
 * `ENV ZOO_CONF_DIR=/conf ZOO_DATA_DIR=/data ZOO_DATA_LOG_DIR=/datalog ZOO_LOG_DIR=/logs`,
 * `ZOOCFGDIR=$ZOO_CONF_DIR`, PATH gains `/apache-zookeeper-3.9.3-bin/bin`, packages `gosu`,
 * `netcat`, `wget`; `ENTRYPOINT ["/docker-entrypoint.sh"]`, `CMD ["zkServer.sh", "start-foreground"]`
 * (the entrypoint writes `zoo.cfg` and `myid` when they are missing and drops root with gosu).
 * apache/zookeeper release-3.9 `bin/zkEnv.sh` (`ZK_SERVER_HEAP="${ZK_SERVER_HEAP:-1000}"`,
 * `SERVER_JVMFLAGS="-Xmx${ZK_SERVER_HEAP}m $SERVER_JVMFLAGS"`, `ZOO_LOG_DIR`) and `bin/zkServer.sh`
 * (`mkdir -p "$ZOO_LOG_DIR"` when it is not writable, `mkdir -p "$ZOO_DATADIR"` from `dataDir`;
 * `start-foreground` execs java and writes no pid file).
 */
export const ZOOKEEPER_IMAGE_CONTRACT: ImageContract = {
  name: 'ZooKeeper (official image)',
  repository: 'docker.io/library/zookeeper',
  tags: /^3\.9\.\d+$/,
  sources: [
    'github.com/31z4/zookeeper-docker 3.9.3/Dockerfile',
    'github.com/31z4/zookeeper-docker 3.9.3/docker-entrypoint.sh',
    'github.com/apache/zookeeper release-3.9 bin/zkEnv.sh, bin/zkServer.sh',
  ],
  user: { uid: 1000, gid: 1000 },
  entrypoint: ['/docker-entrypoint.sh'],
  cmd: ['zkServer.sh', 'start-foreground'],
  workdir: '/apache-zookeeper-3.9.3-bin',
  env: { ZOO_CONF_DIR: '/conf', ZOO_DATA_DIR: '/data', ZOO_DATA_LOG_DIR: '/datalog', ZOO_LOG_DIR: '/logs', ZOOCFGDIR: '/conf' },
  mainPrograms: ['/docker-entrypoint.sh', 'zkServer.sh'],
  programs: [
    '/docker-entrypoint.sh', 'zkServer.sh', 'zkCli.sh', 'zkEnv.sh', 'java', 'gosu', 'nc', 'wget',
    // Ubuntu jammy base
    'bash', ...BASE_UTILITIES,
  ],
  writes: [
    { path: '/data', setBy: { configFile: 'zoo.cfg', pattern: /^\s*dataDir\s*=\s*(\S+)\s*$/m }, when: 'start', kind: 'data', by: 'ZooKeeper: myid (read), snapshots, acceptedEpoch/currentEpoch; zkServer.sh mkdir -p the dataDir' },
    { path: '/data', setBy: { configFile: 'zoo.cfg', pattern: /^\s*dataLogDir\s*=\s*(\S+)\s*$/m }, when: 'run', kind: 'data', by: 'ZooKeeper: transaction log (dataLogDir, defaults to dataDir)' },
    { path: '/logs', setBy: { env: 'ZOO_LOG_DIR' }, when: 'start', kind: 'logs', by: 'zkServer.sh: mkdir -p "$ZOO_LOG_DIR" unless writable; zookeeper.log.dir of the logging configuration' },
    { path: '/tmp', when: 'start', kind: 'tmp', by: 'JVM: java.io.tmpdir (hsperfdata_<user>, Jetty admin server work files)' },
  ],
  memory: {
    runtime: 'jvm',
    // SERVER_JVMFLAGS comes after the -Xmx that zkEnv.sh derives from ZK_SERVER_HEAP, so it wins.
    heapFrom: [{ env: 'SERVER_JVMFLAGS', flag: 'Xmx' }, { env: 'JVMFLAGS', flag: 'Xmx' }, { env: 'ZK_SERVER_HEAP', flag: 'MiB' }],
    defaultHeap: { mib: 1000 },
    nonHeapMiB: 128,
    offHeapPerHeap: 0.1,
    why: 'JDK 17 G1: metaspace ~40Mi, code cache ~40Mi, ~40 threads at 1Mi stack, NIO buffers; G1 remembered sets and card tables ~10% of the heap',
  },
};
