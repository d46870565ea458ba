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

/** Health check: the server answers `ruok` with `imok` (4-letter words are whitelisted). */
export function ruokCommand(clientPort: number): string[] {
  return ['sh', '-c', `echo ruok | nc -w 2 127.0.0.1 ${clientPort} | grep -q imok`];
}
