import { BASE_UTILITIES, ImageContract } from '../core/image-contract';

/**
 * Contract of the `apache/kafka` JVM image, 3.9.x and 4.0/4.1.x (read for 3.9.1 and 4.1.1; the
 * Dockerfile is the same in both lines).
 *
 * Sources: apache/kafka `docker/jvm/Dockerfile` (and its published copies under
 * `docker/docker_official_images/<version>/jvm/Dockerfile`): `FROM eclipse-temurin:21-jre-alpine`,
 * `apk add ... bash`, Kafka unpacked to `/opt/kafka`, `adduser -h /home/appuser -D --shell /bin/bash
 * appuser` (Alpine's first user: uid/gid 1000), `chown appuser:root -R /var/lib/kafka /etc/kafka`,
 * `USER appuser`, `CMD ["/etc/kafka/docker/run"]` (which only configures KRaft from `KAFKA_*`
 * variables). apache/kafka `bin/kafka-server-start.sh` (`KAFKA_HEAP_OPTS` default `-Xmx1G -Xms1G`,
 * `-loggc`) and `bin/kafka-run-class.sh` (`LOG_DIR` default `$base_dir/logs`, `mkdir -p "$LOG_DIR"`
 * when `KAFKA_LOG4J_OPTS` is set; `KAFKA_GC_LOG_OPTS` default `$LOG_DIR/kafkaServer-gc.log`).
 * The tarball has no `logs/` directory, so with a read-only root `LOG_DIR` must be a mount.
 */
export const KAFKA_IMAGE_CONTRACT: ImageContract = {
  name: 'Apache Kafka (apache/kafka JVM image)',
  repository: 'docker.io/apache/kafka',
  tags: /^(3\.9|4\.[01])\.\d+$/,
  sources: [
    'github.com/apache/kafka docker/jvm/Dockerfile (3.9.1, 4.1.1)',
    'github.com/apache/kafka bin/kafka-server-start.sh, bin/kafka-run-class.sh, bin/kafka-storage.sh',
  ],
  user: { uid: 1000, gid: 1000 },
  entrypoint: [],
  cmd: ['/etc/kafka/docker/run'],
  workdir: '/',
  env: {},
  mainPrograms: ['/etc/kafka/docker/run', '/opt/kafka/bin/kafka-server-start.sh'],
  programs: [
    '/etc/kafka/docker/run', '/opt/kafka/bin/kafka-server-start.sh', '/opt/kafka/bin/kafka-storage.sh',
    '/opt/kafka/bin/kafka-run-class.sh', '/opt/kafka/bin/kafka-topics.sh', '/opt/kafka/bin/kafka-metadata-quorum.sh',
    'java', 'bash',
    // Alpine busybox
    'nc', ...BASE_UTILITIES,
  ],
  writes: [
    { path: '/tmp/kafka-logs', setBy: { configFile: 'server.properties', pattern: /^\s*log\.dirs\s*=\s*(\S+)\s*$/m, split: ',' }, when: 'start', kind: 'data', by: 'Kafka: partition logs, meta.properties and the .lock file of every log.dirs entry (KRaft: kafka-storage.sh format writes meta.properties there first)' },
    { path: '/opt/kafka/logs', setBy: { env: 'LOG_DIR' }, when: 'start', kind: 'logs', by: 'kafka-run-class.sh: mkdir -p "$LOG_DIR" for the server (KAFKA_LOG4J_OPTS set); kafka.logs.dir of log4j' },
    { path: '/opt/kafka/logs', setBy: { env: 'KAFKA_GC_LOG_OPTS', pattern: /file=([^:\s]+)\/[^/:\s]+/ }, when: 'start', kind: 'logs', by: 'JVM unified GC log (-Xlog:gc*:file=...) opened at start' },
    { path: '/tmp', when: 'start', kind: 'tmp', by: 'JVM: java.io.tmpdir (hsperfdata_appuser); snappy-java and zstd-jni extract their native libraries there on first use' },
  ],
  memory: {
    runtime: 'jvm',
    heapFrom: [{ env: 'KAFKA_HEAP_OPTS', flag: 'Xmx' }],
    defaultHeap: { mib: 1024 },
    nonHeapMiB: 192,
    offHeapPerHeap: 0.25,
    why: 'Kafka broker on JDK 21 G1: metaspace ~80Mi, ~100 threads (network, I/O, replica fetchers, log cleaner), code cache; direct buffers for sockets and fetch sessions and G1 structures ~25% of the heap (MaxDirectMemorySize defaults to the heap size, actual use is far lower)',
  },
};

/**
 * Contract of `bitnamilegacy/jmx-exporter` 1.1.0 (Debian 12), the Kafka metrics sidecar.
 *
 * Source: bitnami/containers `bitnami/jmx-exporter/1/debian-12/Dockerfile` at tag 1.1.0-debian-12-r0:
 * `FROM bitnami/minideb:bookworm`, Java 17 under `/opt/bitnami/java` (on PATH), the exporter under
 * `/opt/bitnami/jmx-exporter`, `chmod g+rwX /opt/bitnami`, `WORKDIR /opt/bitnami/jmx-exporter`,
 * `USER 1001`, `ENTRYPOINT ["java", "-jar", "jmx_prometheus_standalone.jar"]`,
 * `CMD ["5556", "example_configs/httpserver_sample_config.yml"]`.
 */
export const JMX_EXPORTER_IMAGE_CONTRACT: ImageContract = {
  name: 'Prometheus JMX exporter (bitnamilegacy/jmx-exporter)',
  repository: 'docker.io/bitnamilegacy/jmx-exporter',
  tags: /^1\.1\.0-debian-12-r\d+$/,
  sources: ['github.com/bitnami/containers bitnami/jmx-exporter/1/debian-12/Dockerfile (1.1.0-debian-12-r0)'],
  user: {
    uid: 1001,
    gid: 1001,
    anyNonRootUid: 'Bitnami images run as an arbitrary uid: /opt/bitnami is group-writable and world-readable, and the exporter writes nothing but java.io.tmpdir',
  },
  entrypoint: ['java', '-jar', 'jmx_prometheus_standalone.jar'],
  cmd: ['5556', 'example_configs/httpserver_sample_config.yml'],
  workdir: '/opt/bitnami/jmx-exporter',
  env: { HOME: '/', PATH: '/opt/bitnami/java/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' },
  mainPrograms: ['java'],
  programs: ['java', '/opt/bitnami/java/bin/java', 'bash', 'ps', ...BASE_UTILITIES],
  files: ['/opt/bitnami/jmx-exporter/jmx_prometheus_standalone.jar'],
  writes: [
    { path: '/tmp', when: 'start', kind: 'tmp', by: 'JVM: java.io.tmpdir (hsperfdata_<user>)' },
  ],
  memory: {
    runtime: 'jvm',
    heapFrom: [{ args: 'Xmx' }, { args: 'MaxRAMPercentage' }],
    defaultHeap: { fractionOfLimit: 0.25 },
    nonHeapMiB: 80,
    offHeapPerHeap: 0.1,
    why: 'a small JDK 17 HTTP server: metaspace ~25Mi, code cache ~20Mi, ~20 threads, the JMX/RMI client; G1 structures ~10% of the heap',
  },
};
