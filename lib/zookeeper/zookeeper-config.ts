/** What the generated ZooKeeper configuration depends on. */
export interface ZookeeperConfigInput {
  readonly replicas: number;
  /** Per-server DNS names, ordinal order (server id = index + 1). */
  readonly serverHosts: string[];
  readonly clientPort: number;
  readonly serverPort: number;
  readonly electionPort: number;
  readonly metricsPort: number;
  readonly dataDir: string;
}

/**
 * `zoo.cfg`. A single server runs standalone; an ensemble lists every server by its stable DNS
 * name, so a rescheduled pod keeps its id and its peers find it again.
 */
export function renderZooCfg(c: ZookeeperConfigInput): string {
  const lines = [
    'tickTime=2000',
    'initLimit=10',
    'syncLimit=5',
    `dataDir=${c.dataDir}`,
    `dataLogDir=${c.dataDir}/log`,
    `clientPort=${c.clientPort}`,
    'maxClientCnxns=60',
    'autopurge.snapRetainCount=3',
    'autopurge.purgeInterval=24',
    '4lw.commands.whitelist=ruok,srvr,mntr',
    'admin.enableServer=false',
    'reconfigEnabled=false',
    `standaloneEnabled=${c.replicas === 1}`,
    'quorumListenOnAllIPs=true',
    'metricsProvider.className=org.apache.zookeeper.metrics.prometheus.PrometheusMetricsProvider',
    `metricsProvider.httpPort=${c.metricsPort}`,
    'metricsProvider.exportJvmInfo=true',
    ...(c.replicas === 1 ? [] : c.serverHosts.map((host, i) =>
      `server.${i + 1}=${host}:${c.serverPort}:${c.electionPort};${c.clientPort}`)),
  ];
  return lines.join('\n') + '\n';
}

/** Console logging at INFO (without it, logback falls back to DEBUG). */
export const LOGBACK_XML = `<configuration>
  <appender name="CONSOLE" class="ch.qos.logback.core.ConsoleAppender">
    <encoder>
      <pattern>%d{ISO8601} [myid:%X{myid}] - %-5p [%t:%C{1}@%L] - %m%n</pattern>
    </encoder>
  </appender>
  <root level="INFO">
    <appender-ref ref="CONSOLE"/>
  </root>
</configuration>
`;

/**
 * Start script: the server id (`myid`) is the pod ordinal + 1, read from the StatefulSet hostname
 * (`zk-2` -> 3), so it follows the pod and its volume, never the node it lands on.
 */
export function renderStartScript(dataDir: string): string {
  return `#!/bin/sh
set -eu
ordinal="\${HOSTNAME##*-}"
case "$ordinal" in
  ''|*[!0-9]*) echo "cannot derive the ZooKeeper server id from hostname $HOSTNAME" >&2; exit 1 ;;
esac
mkdir -p ${dataDir}/log
echo $((ordinal + 1)) > ${dataDir}/myid
exec zkServer.sh start-foreground
`;
}

/**
 * Modes in which a server answers client requests, as `srvr` prints them (`Mode: <mode>`). A
 * server without quorum prints no `Mode:` line at all ("This ZooKeeper instance is not currently
 * serving requests"); `read-only` (only with `readonlymode.enabled`) is left out on purpose: it
 * refuses writes, so it is not serving in the sense clients of this ensemble need.
 */
export const SERVING_MODES = ['leader', 'follower', 'observer', 'standalone'] as const;

/**
 * The shell pipeline that sends the four-letter word `word` to the local server and prints its
 * answer. `printf`, not `echo`: ZooKeeper reads exactly the four bytes of the word, so `echo`'s
 * trailing newline stays unread when the server closes the connection after answering, the kernel
 * then resets the connection instead of closing it, and `nc` often loses the answer (about one
 * attempt in five on Linux, measured against a real server by test/real/zookeeper.test.ts).
 *
 * `nc` is the image's: the official `zookeeper:3.9.x` images (eclipse-temurin jammy base) install
 * Ubuntu's `netcat` (OpenBSD netcat), which exits when the server closes the connection.
 */
function fourLetterWord(word: 'ruok' | 'srvr', clientPort: number): string {
  return `printf ${word} | nc -w 2 127.0.0.1 ${clientPort}`;
}

/**
 * Liveness (and startup): the JVM is up and its request loop answers, `ruok` -> `imok`.
 * It says nothing about quorum: a server whose peers are gone still answers `imok`, and restarting
 * it would not bring the peers back, so liveness must not depend on them. The startup probe uses
 * it too: requiring quorum there would restart, every startup budget, a server waiting for its peers.
 */
export function ruokCommand(clientPort: number): string[] {
  return ['sh', '-c', `${fourLetterWord('ruok', clientPort)} | grep -q imok`];
}

/**
 * Readiness: the server is serving, i.e. `srvr` reports a `Mode:` in {@link SERVING_MODES}.
 * Without quorum it answers `ruok` but not this, so the client Service stops routing to it and the
 * PodDisruptionBudget stops counting it as healthy.
 */
export function servingCommand(clientPort: number): string[] {
  return ['sh', '-c', `${fourLetterWord('srvr', clientPort)} | grep -q -E '^Mode: (${SERVING_MODES.join('|')})$'`];
}
