/**
 * What the start-script sandbox needs to know about each image a script runs in: its user, its
 * environment, the directories the scripts see on the image's root filesystem, and its programs,
 * which the sandbox replaces by recording stubs (a JVM or Ruby cannot run here, and the point is
 * to check what the script hands them). Each model is read from the image's own sources, cited on
 * the model; only what a start script can observe is modelled.
 *
 * The host's shell and core utilities (`sh`, `cp`, `cat`, `mkdir`, ...) stand in for the image's
 * (Debian's dash for Alpine's busybox ash in apache/kafka: both POSIX shells).
 */

/** A user of the image's /etc/passwd. */
export interface ImageUser {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
  readonly home: string;
  /** Supplementary groups from the image's /etc/group (the runtime adds them to the process). */
  readonly groups?: readonly number[];
}

/**
 * A program of the image, replaced by a stub that records its argv, environment, uid/gid/groups,
 * working directory, pid and the files it was given (every argument, or `--opt=value` value, that
 * names a readable regular file), then:
 * - `record`: exits 0 (a server that would now run in the foreground, or a tool that succeeded);
 * - `passthrough`: drops its own options up to `--` and execs the rest (init wrappers like tini).
 */
export interface ImageProgram {
  readonly path: string;
  readonly behaviour: 'record' | 'passthrough';
  /** Extra files to capture, as shell words expanded by the stub (e.g. `"$ZOOCFGDIR/zoo.cfg"`). */
  readonly captures?: readonly string[];
}

/** A directory or file of the image's root filesystem. */
export interface ImageEntry {
  readonly path: string;
  readonly type: 'dir' | 'file';
  /** Permission bits, e.g. 0o775. */
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  /** File content (type `file`). */
  readonly content?: string;
}

/** One image as the sandbox builds its root filesystem. */
export interface ImageModel {
  /** Repository without registry default (`docker.io/library/`) and tag: `zookeeper`, `apache/kafka`. */
  readonly repository: string;
  /** Upstream sources this model was read from. */
  readonly source: string;
  /** The image's `USER` (root when it has none). */
  readonly user: ImageUser;
  /** Every user of /etc/passwd the model knows (the `USER` included). */
  readonly users: readonly ImageUser[];
  /** `WORKDIR`. */
  readonly workingDir: string;
  /** `ENV`, PATH included. */
  readonly env: Readonly<Record<string, string>>;
  readonly entries: readonly ImageEntry[];
  readonly programs: readonly ImageProgram[];
}

const ROOT: ImageUser = { name: 'root', uid: 0, gid: 0, home: '/root' };
/** PATH of the eclipse-temurin base images (JAVA_HOME=/opt/java/openjdk). */
const TEMURIN_PATH = '/opt/java/openjdk/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const dir = (path: string, mode: number, uid = 0, gid = 0): ImageEntry => ({ path, type: 'dir', mode, uid, gid });
const file = (path: string, mode: number, uid: number, gid: number, content: string): ImageEntry => ({ path, type: 'file', mode, uid, gid, content });
const record = (path: string, captures?: string[]): ImageProgram => ({ path, behaviour: 'record', captures });

/**
 * `apache/kafka` (3.9.x and 4.x): apache/kafka docker/jvm/Dockerfile. eclipse-temurin:21-jre-alpine;
 * `adduser -h /home/appuser -D appuser` (Alpine: first user, uid/gid 1000); `chown appuser:appuser -R
 * /opt/kafka`; `chown appuser:root -R /var/lib/kafka /etc/kafka/secrets /etc/kafka` and `chmod -R ug+w`
 * on them; `USER appuser`; no WORKDIR; CMD `/etc/kafka/docker/run` (KRaft-only entrypoint: the
 * platform runs its own start.sh instead). Kafka's tools are `/opt/kafka/bin/*.sh`.
 */
function kafka(): ImageModel {
  const appuser: ImageUser = { name: 'appuser', uid: 1000, gid: 1000, home: '/home/appuser' };
  const tools = ['kafka-server-start.sh', 'kafka-storage.sh', 'kafka-run-class.sh', 'kafka-server-stop.sh', 'kafka-metadata-quorum.sh',
    'kafka-topics.sh', 'kafka-configs.sh', 'kafka-broker-api-versions.sh', 'kafka-features.sh'];
  return {
    repository: 'apache/kafka',
    source: 'apache/kafka docker/jvm/Dockerfile (eclipse-temurin:21-jre-alpine base)',
    user: appuser,
    users: [ROOT, appuser],
    workingDir: '/',
    env: { PATH: TEMURIN_PATH, JAVA_HOME: '/opt/java/openjdk', LANG: 'en_US.UTF-8' },
    entries: [
      dir('/opt/kafka', 0o755, 1000, 1000), dir('/opt/kafka/bin', 0o755, 1000, 1000), dir('/opt/kafka/config', 0o755, 1000, 1000),
      dir('/etc/kafka', 0o775, 1000, 0), dir('/etc/kafka/secrets', 0o775, 1000, 0), dir('/etc/kafka/docker', 0o775, 1000, 0),
      dir('/var/lib/kafka', 0o775, 1000, 0), dir('/var/lib/kafka/data', 0o775, 1000, 0),
      dir('/usr/logs', 0o755, 1000, 1000), dir('/mnt/shared/config', 0o755, 1000, 1000), dir('/home/appuser', 0o755, 1000, 1000),
      dir('/opt/java/openjdk/bin', 0o755),
    ],
    programs: [...tools.map((t) => record(`/opt/kafka/bin/${t}`)), record('/opt/java/openjdk/bin/java'), record('/etc/kafka/docker/run')],
  };
}

/**
 * Official `zookeeper` image (3.9.x): docker-library 31z4/zookeeper-docker 3.9.3/Dockerfile.
 * eclipse-temurin:17-jre-jammy; user/group `zookeeper` 1000:1000 (no `USER`: the entrypoint drops to
 * it with gosu); `/conf /data /datalog /logs` owned by it; the distribution in
 * `/apache-zookeeper-<version>-bin` (WORKDIR, its `bin` appended to PATH); `ZOOCFGDIR=/conf`.
 */
function zookeeper(version: string): ImageModel {
  const distro = `/apache-zookeeper-${version}-bin`;
  const zk: ImageUser = { name: 'zookeeper', uid: 1000, gid: 1000, home: '/home/zookeeper' };
  return {
    repository: 'zookeeper',
    source: '31z4/zookeeper-docker 3.9.3/Dockerfile (eclipse-temurin:17-jre-jammy base)',
    user: ROOT,
    users: [ROOT, zk],
    workingDir: distro,
    env: {
      PATH: `${TEMURIN_PATH}:${distro}/bin`, JAVA_HOME: '/opt/java/openjdk',
      ZOO_CONF_DIR: '/conf', ZOO_DATA_DIR: '/data', ZOO_DATA_LOG_DIR: '/datalog', ZOO_LOG_DIR: '/logs', ZOOCFGDIR: '/conf',
      ZOO_TICK_TIME: '2000', ZOO_INIT_LIMIT: '5', ZOO_SYNC_LIMIT: '2', ZOO_STANDALONE_ENABLED: 'true', ZOO_ADMINSERVER_ENABLED: 'true',
    },
    entries: [
      dir('/conf', 0o755, 1000, 1000), dir('/data', 0o755, 1000, 1000), dir('/datalog', 0o755, 1000, 1000), dir('/logs', 0o755, 1000, 1000),
      dir(distro, 0o755, 1000, 1000), dir(`${distro}/bin`, 0o755, 1000, 1000), dir(`${distro}/lib`, 0o755, 1000, 1000),
      dir('/opt/java/openjdk/bin', 0o755),
    ],
    programs: [
      // zkServer.sh reads $ZOOCFGDIR/zoo.cfg (and its dataDir's myid): capture what it would read.
      record(`${distro}/bin/zkServer.sh`, ['"${ZOOCFGDIR:-/conf}/zoo.cfg"']),
      record(`${distro}/bin/zkCli.sh`), record(`${distro}/bin/zkServer-initialize.sh`), record(`${distro}/bin/zkEnv.sh`),
      record('/docker-entrypoint.sh'), record('/opt/java/openjdk/bin/java'),
    ],
  };
}

/**
 * Elasticsearch 8.x: elastic/elasticsearch distribution/docker/src/docker/Dockerfile. The tree is
 * copied owned by 0:0, directories 0555 and files 0444, then `bin config config/jvm.options.d data
 * logs plugins` 0775 and chowned to `elasticsearch` (1000), config files 0664; user
 * `elasticsearch` 1000:1000 added to group root (0); `USER 1000:0`; WORKDIR /usr/share/elasticsearch;
 * ENTRYPOINT `/bin/tini -- /usr/local/bin/docker-entrypoint.sh` (tini is not modelled: the
 * platform's scripts in this image never call it, and a stub in /usr/bin costs a link farm per pod).
 */
function elasticsearch(): ImageModel {
  const es: ImageUser = { name: 'elasticsearch', uid: 1000, gid: 0, home: '/usr/share/elasticsearch', groups: [0, 1000] };
  const home = '/usr/share/elasticsearch';
  const config = (name: string, content: string) => file(`${home}/config/${name}`, 0o664, 0, 0, content);
  return {
    repository: 'docker.elastic.co/elasticsearch/elasticsearch',
    source: 'elastic/elasticsearch distribution/docker/src/docker/Dockerfile (8.x)',
    user: es,
    users: [ROOT, es],
    workingDir: home,
    env: { PATH: `${home}/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`, ELASTIC_CONTAINER: 'true' },
    entries: [
      dir(home, 0o775), dir(`${home}/bin`, 0o775, 1000, 0), dir(`${home}/config`, 0o775, 1000, 0), dir(`${home}/config/jvm.options.d`, 0o775, 1000, 0),
      dir(`${home}/data`, 0o775, 1000, 0), dir(`${home}/logs`, 0o775, 1000, 0), dir(`${home}/plugins`, 0o775, 1000, 0), dir(`${home}/lib`, 0o555),
      config('elasticsearch.yml', 'cluster.name: "docker-cluster"\nnetwork.host: 0.0.0.0\n'),
      config('jvm.options', '-XX:+UseG1GC\n'),
      config('log4j2.properties', 'status = error\n'),
      config('log4j2.file.properties', 'status = error\n'),
      config('role_mapping.yml', ''), config('roles.yml', ''), config('users', ''), config('users_roles', ''),
      config('elasticsearch-plugins.example.yml', ''),
    ],
    programs: [
      record(`${home}/bin/elasticsearch`), record(`${home}/bin/elasticsearch-keystore`), record(`${home}/bin/elasticsearch-plugin`),
      record(`${home}/bin/elasticsearch-certutil`), record('/usr/local/bin/docker-entrypoint.sh'),
      // curl: installed by the Dockerfile (its health checks use it); the log-retention installer calls it.
      record('/usr/bin/curl'),
    ],
  };
}

/**
 * `fluent/fluentd-kubernetes-daemonset` (v1.19 debian-elasticsearch8): its
 * docker-image/v1.19/debian-elasticsearch8/Dockerfile over fluent/fluentd-docker-image
 * v1.19/debian/Dockerfile (ruby:3.4-slim: GEM_HOME /usr/local/bundle on PATH; `useradd -r fluent`;
 * `/fluentd/{log,etc,plugins}` owned by fluent; `tini` from Debian). The daemonset image sets
 * `USER root`, `WORKDIR /home/fluent` (created by WORKDIR: root, 0755), GEM_HOME/PATH under
 * /fluentd/vendor/bundle and ENTRYPOINT `tini -- /fluentd/entrypoint.sh`.
 */
function fluentd(): ImageModel {
  const fluent: ImageUser = { name: 'fluent', uid: 999, gid: 999, home: '/home/fluent' };
  const gems = '/fluentd/vendor/bundle/ruby/3.4.0';
  return {
    repository: 'fluent/fluentd-kubernetes-daemonset',
    source: 'fluent/fluentd-kubernetes-daemonset docker-image/v1.19/debian-elasticsearch8/Dockerfile; fluent/fluentd-docker-image v1.19/debian/Dockerfile',
    user: ROOT,
    users: [ROOT, fluent],
    workingDir: '/home/fluent',
    env: {
      PATH: `${gems}/bin:/usr/local/bundle/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`,
      GEM_PATH: gems, GEM_HOME: gems, FLUENTD_DISABLE_BUNDLER_INJECTION: '1', FLUENTD_OPT: '', FLUENTD_CONF: 'fluent.conf', LD_PRELOAD: '',
    },
    entries: [
      dir('/home/fluent', 0o755), dir('/fluentd', 0o755, 999, 999), dir('/fluentd/etc', 0o755, 999, 999), dir('/fluentd/log', 0o755, 999, 999),
      dir('/fluentd/plugins', 0o755, 999, 999), dir(`${gems}/bin`, 0o755), dir('/usr/local/bundle/bin', 0o755),
    ],
    programs: [
      { path: '/usr/bin/tini', behaviour: 'passthrough' },
      record('/fluentd/entrypoint.sh', ['"/fluentd/etc/${FLUENTD_CONF:-fluent.conf}"']),
      record('/usr/local/bundle/bin/fluentd'), record('/usr/local/bin/ruby'),
    ],
  };
}

/** `repository` of an image reference: no tag, no digest, no `docker.io/` or `docker.io/library/`. */
export function imageRepository(image: string): string {
  const withoutDigest = image.split('@')[0];
  const slash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  const repository = colon > slash ? withoutDigest.slice(0, colon) : withoutDigest;
  return repository.replace(/^docker\.io\//, '').replace(/^library\//, '');
}

/** The tag of an image reference, if any. */
export function imageTag(image: string): string | undefined {
  const withoutDigest = image.split('@')[0];
  const slash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  return colon > slash ? withoutDigest.slice(colon + 1) : undefined;
}

/**
 * The model of `image`, or an error saying which model to add: every image a start script runs
 * in must be modelled from its own sources before the sandbox can run the script.
 */
export function imageModelOf(image: string): ImageModel {
  const repository = imageRepository(image);
  switch (repository) {
    case 'apache/kafka':
      return kafka();
    case 'zookeeper': {
      const tag = imageTag(image);
      const version = tag && /^\d+\.\d+\.\d+/.exec(tag)?.[0];
      if (!version) throw new Error(`sandbox: cannot read the ZooKeeper version (distribution directory) from image ${image}`);
      return zookeeper(version);
    }
    case 'docker.elastic.co/elasticsearch/elasticsearch':
      return elasticsearch();
    case 'fluent/fluentd-kubernetes-daemonset':
      return fluentd();
    default:
      throw new Error(`sandbox: no image model for ${image} (repository ${repository}): add one to test/sandbox/images.ts, ` +
        'read from the image\'s Dockerfile (user, WORKDIR, ENV, the directories and programs its scripts use)');
  }
}
