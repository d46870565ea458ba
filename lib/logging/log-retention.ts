import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-27';
import { contentAddressedConfigMap } from '../core/config-map';
import { imageVersion, selectorLabels, standardLabels } from '../core/labels';
import { namespaceOf } from '../core/namespace';
import { execProbe } from '../core/probes';
import { checkQuantity } from '../core/quantity';
import { checkResources, ComputeResources, toResourceRequirements } from '../core/resources';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../core/security';
import { check, checkDnsLabel, checkInteger, checkLabelValue } from '../core/validation';
import { checkSecretName, externalSecretsAnnotations, LOGGING_PART_OF } from './elastic-stack';
import { Elasticsearch } from './elasticsearch';

const GIB = 2 ** 30;

/** Days of logs kept when nothing is said: a week (the platform's dev profile keeps one day). */
export const DEFAULT_RETENTION_DAYS = 7;

/** Target size of one primary shard of a daily index (Elastic's guidance: 10-50 GB per shard). */
export const TARGET_SHARD_BYTES = 30 * GIB;

/** Where the request bodies are mounted in the installer pod. */
const BODIES_DIR = '/etc/log-retention';
const CERTS_DIR = '/etc/log-retention-certs';

/** The installer's uid: the Elasticsearch image's own user (it only runs curl). */
const INSTALLER_UID = 1000;

const DEFAULT_RESOURCES: ComputeResources = {
  requests: { cpu: '10m', memory: '32Mi' },
  limits: { cpu: '200m', memory: '64Mi' },
};

/** Props of {@link LogRetention}. */
export interface LogRetentionProps {
  /** The cluster the log indices live in; the installer admits itself to its NetworkPolicy. */
  readonly elasticsearch: Elasticsearch;
  /** Prefix of the daily indices (`<prefix>-YYYY.MM.DD`, Fluentd's `logstash_prefix`). */
  readonly indexPrefix: string;
  /**
   * Days an index is kept after it was created: the index of day D is deleted once it is
   * `retentionDays` days old (Elasticsearch checks every 10 minutes). Whole days, at least 1.
   * @default 7
   */
  readonly retentionDays?: number;
  /**
   * Estimate of the log volume one day writes (primary data, before replicas), e.g. `'2Gi'`.
   * Sizes the primary shards of a daily index (one per 30Gi, at most one per node) and, with the
   * volume size, warns at synth time when `retentionDays` days with their replicas do not fit
   * under Elasticsearch's 85% low disk watermark. @default - 1 primary shard, no size check
   */
  readonly dailyVolume?: string;
  /** Size of each Elasticsearch node's data volume, for the `dailyVolume` check. @default - no check */
  readonly nodeStorageBytes?: number;
  /** Primary shards of each daily index. @default from dailyVolume, else 1 */
  readonly shards?: number;
  /** Replicas of each shard. @default 1 with two or more nodes, 0 on a single node (else it stays yellow) */
  readonly replicas?: number;
  /**
   * Cron schedule of the installer. It re-applies the policy, the template and the settings of the
   * existing indices every time (idempotent `PUT`s), so a wiped cluster, an index created before
   * the template existed or a changed retention is repaired within one period. @default every 10 minutes
   */
  readonly schedule?: string;
  /**
   * Security on: a Secret (Elasticsearch's namespace) with `username` and `password` of a user with
   * the `manage_ilm` and `manage_index_templates` cluster privileges and `manage` on `<prefix>-*`.
   * @default - the `elastic` user, from `elasticPasswordSecret`
   */
  readonly credentialsSecret?: string;
  /** Security on: the Secret with the `elastic` user's password (key `password`). */
  readonly elasticPasswordSecret?: string;
  /** CronJob, ConfigMap (`<name>-<hash>`) name. @default '<elasticsearch name>-retention' */
  readonly name?: string;
  /** @default requests 10m / 32Mi, limits 200m / 64Mi */
  readonly resources?: ComputeResources;
  /** `app.kubernetes.io/part-of` label. @default 'logging' */
  readonly partOf?: string;
}

/** The documents the installer PUTs, exactly as sent. */
export interface RetentionDocuments {
  /** `PUT _ilm/policy/<policyName>`. */
  readonly policy: object;
  /** `PUT _index_template/<templateName>`. */
  readonly template: object;
  /** `PUT <prefix>-*\/_settings`: brings indices created before the template under the policy. */
  readonly settings: object;
}

/**
 * Index retention of the log indices (issue 13): an ILM policy that deletes a daily
 * `<prefix>-YYYY.MM.DD` index `retentionDays` days after its creation, and a composable index
 * template that gives every new log index that policy and shard/replica counts sized for the
 * cluster. Installed by the stack itself: a CronJob in Elasticsearch's namespace PUTs the three
 * documents with curl, on a fresh cluster within one period and again every period.
 *
 * Why a CronJob and not fluent-plugin-elasticsearch's own ILM support (5.4.4 in the pinned image):
 * - `enable_ilm` switches the plugin to rollover aliases (`logstash-YYYY.MM.DD-000001` behind a
 *   write alias), not the daily `logstash-YYYY.MM.DD` indices SPEC §5 asks for, needs the `_xpack`
 *   info endpoint at start, and creates the policy only when it creates an alias, never updates it
 *   unless `ilm_policy_overwrite` (uken/fluent-plugin-elasticsearch#954, #1017, #1035 and
 *   fluent/fluentd#4018 report policies not created or sent to the wrong endpoint with 8.x);
 * - with `logstash_format` the plugin checks (or, with `template_overwrite`, PUTs) the template
 *   before every bulk request, from every node's agent;
 * - the plugin installs at most at start or on first write: a cluster whose data was lost (a dev
 *   emptyDir) while the agents keep running would have no policy again.
 * Why not a one-shot Job: a Job's pod template is immutable (`npm run plan` would need a new,
 * content-addressed Job for every retention change) and it never runs again after a data loss. A
 * CronJob's job template may change in place and each run repairs whatever is missing.
 *
 * Sizing: replicas 1 with two or more nodes (one node may fail without losing logs), 0 on a single
 * node (a replica could never be assigned and the cluster would stay yellow); primary shards from
 * `dailyVolume` (one per {@link TARGET_SHARD_BYTES}, at most one per node), else 1.
 */
export class LogRetention extends Construct {
  public readonly name: string;
  public readonly namespace: string;
  public readonly retentionDays: number;
  public readonly shards: number;
  public readonly replicas: number;
  /** ILM policy name: `<prefix>-retention`. */
  public readonly policyName: string;
  /** Index template name: `<prefix>`. */
  public readonly templateName: string;
  public readonly documents: RetentionDocuments;
  /** Labels that select the installer pods (for NetworkPolicies and flows). */
  public readonly selectorLabels: Record<string, string>;
  public readonly cronJob: k8s.KubeCronJob;
  public readonly configMap: k8s.KubeConfigMap;
  /** Bytes the retained logs need on each node, when `dailyVolume` is known. */
  public readonly expectedBytesPerNode?: number;
  /** Synth-time warnings (also printed with `console.warn`). */
  public readonly warnings: string[] = [];

  private readonly resolved: ResolvedRetention;
  private readonly es: Elasticsearch;

  constructor(scope: Construct, id: string, props: LogRetentionProps) {
    super(scope, id);
    this.es = props.elasticsearch;
    const r = this.resolved = this.resolve(props);
    ({
      name: this.name, namespace: this.namespace, retentionDays: this.retentionDays, shards: this.shards, replicas: this.replicas,
      policyName: this.policyName, templateName: this.templateName, documents: this.documents, selectorLabels: this.selectorLabels,
      expectedBytesPerNode: this.expectedBytesPerNode,
    } = r);
    if (r.diskWarning) this.warn(r.diskWarning);
    this.configMap = this.createConfigMap();
    this.cronJob = this.createCronJob();
    this.es.allowClient({ podLabels: r.selectorLabels, namespace: r.namespace, name: 'log-retention' });
  }

  /** Validation and defaults: every prop is checked here, once, before any object is rendered. */
  private resolve(props: LogRetentionProps): ResolvedRetention {
    const es = this.es;
    const namespace = namespaceOf(this);
    check(namespace === es.namespace, this, 'scope', namespace,
      `must be in Elasticsearch's namespace ${es.namespace} (its Secrets and NetworkPolicy are there)`);
    const name = checkDnsLabel(this, 'name', props.name ?? `${es.name}-retention`, 52);
    const retentionDays = checkInteger(this, 'retentionDays', props.retentionDays ?? DEFAULT_RETENTION_DAYS, 1, 3650);
    const indexPrefix = props.indexPrefix;
    check(/^[a-z0-9][a-z0-9_-]{0,99}$/.test(indexPrefix), this, 'indexPrefix', indexPrefix, 'must be a lowercase Elasticsearch index prefix');
    const nodes = es.replicas;
    const dailyBytes = props.dailyVolume === undefined ? undefined : checkQuantity(this, 'dailyVolume', props.dailyVolume);
    if (dailyBytes !== undefined) check(dailyBytes > 0, this, 'dailyVolume', props.dailyVolume, 'must be more than 0');
    const replicas = checkInteger(this, 'replicas', props.replicas ?? Math.min(1, nodes - 1), 0, nodes - 1);
    const sizedShards = dailyBytes === undefined ? 1 : Math.min(nodes, Math.max(1, Math.ceil(dailyBytes / TARGET_SHARD_BYTES)));
    const shards = checkInteger(this, 'shards', props.shards ?? sizedShards, 1, 1024);
    const schedule = props.schedule ?? '*/10 * * * *';
    check(/^\S+( \S+){4}$/.test(schedule), this, 'schedule', schedule, 'must be a five-field cron expression such as "*/10 * * * *"');
    const resources = checkResources(this, 'resources', props.resources ?? DEFAULT_RESOURCES);
    const disk = this.resolveDiskBudget({ retentionDays, dailyBytes, dailyVolume: props.dailyVolume, nodeStorageBytes: props.nodeStorageBytes, replicas, nodes });
    const auth = this.resolveAuth(props);

    const policyName = `${indexPrefix}-retention`;
    const identity = { name: 'log-retention', instance: name, component: 'installer' };
    return {
      name, namespace, retentionDays, indexPrefix, shards, replicas, schedule, resources, auth, policyName,
      templateName: indexPrefix,
      documents: retentionDocuments({ indexPrefix, policyName, retentionDays, shards, replicas }),
      selectorLabels: selectorLabels(identity),
      labels: standardLabels({ ...identity, partOf: checkLabelValue(this, 'partOf', props.partOf ?? LOGGING_PART_OF), version: imageVersion(es.image) }),
      ...disk,
    };
  }

  /** The bytes per node the retained days need, and the warning when they pass 85% of the volume. */
  private resolveDiskBudget(c: {
    retentionDays: number; dailyBytes?: number; dailyVolume?: string; nodeStorageBytes?: number; replicas: number; nodes: number;
  }): { expectedBytesPerNode?: number; diskWarning?: string } {
    if (c.dailyBytes === undefined || c.nodeStorageBytes === undefined) return {};
    // Today's index is written while retentionDays older ones still exist.
    const expectedBytesPerNode = (c.retentionDays + 1) * c.dailyBytes * (1 + c.replicas) / c.nodes;
    if (expectedBytesPerNode <= 0.85 * c.nodeStorageBytes) return { expectedBytesPerNode };
    return {
      expectedBytesPerNode,
      diskWarning: `${this.node.path}: ${c.retentionDays + 1} days of ${c.dailyVolume} a day with ${c.replicas} replica(s) on ${c.nodes} node(s) need `
        + `${gib(expectedBytesPerNode)} per node, more than 85% (the low disk watermark) of its ${gib(c.nodeStorageBytes)} volume: `
        + 'lower retentionDays or raise the Elasticsearch storage size, or Elasticsearch will stop allocating shards and then block writes',
    };
  }

  /** With security on: who the installer logs in as (a dedicated user, else `elastic`). */
  private resolveAuth(props: LogRetentionProps): ResolvedAuth | undefined {
    const security = this.es.securityEnabled;
    const credentialsSecret = checkSecretName(this, 'credentialsSecret', props.credentialsSecret, false, 'username and password');
    const elasticPasswordSecret = checkSecretName(this, 'elasticPasswordSecret', props.elasticPasswordSecret,
      security && !credentialsSecret, 'the elastic user\'s password under key "password"');
    if (!security) {
      check(!credentialsSecret && !elasticPasswordSecret, this, 'credentialsSecret', credentialsSecret ?? elasticPasswordSecret,
        'Elasticsearch security is off: the installer sends no credentials');
      return undefined;
    }
    return credentialsSecret
      ? { secret: credentialsSecret, env: [secretEnv('ES_USERNAME', credentialsSecret, 'username'), secretEnv('ES_PASSWORD', credentialsSecret, 'password')] }
      : { secret: elasticPasswordSecret!, env: [{ name: 'ES_USERNAME', value: 'elastic' }, secretEnv('ES_PASSWORD', elasticPasswordSecret!, 'password')] };
  }

  /** The three request bodies, content-addressed. */
  private createConfigMap(): k8s.KubeConfigMap {
    const r = this.resolved;
    return contentAddressedConfigMap(this, 'Bodies', {
      baseName: r.name,
      labels: r.labels,
      data: {
        'policy.json': JSON.stringify(r.documents.policy, null, 2),
        'template.json': JSON.stringify(r.documents.template, null, 2),
        'settings.json': JSON.stringify(r.documents.settings, null, 2),
      },
    });
  }

  private createCronJob(): k8s.KubeCronJob {
    const r = this.resolved;
    return new k8s.KubeCronJob(this, 'Resource', {
      metadata: { name: r.name, labels: r.labels },
      spec: {
        schedule: r.schedule,
        concurrencyPolicy: 'Forbid',
        startingDeadlineSeconds: 300,
        successfulJobsHistoryLimit: 1,
        failedJobsHistoryLimit: 3,
        jobTemplate: {
          metadata: { labels: r.labels },
          spec: {
            backoffLimit: 2,
            activeDeadlineSeconds: 300,
            ttlSecondsAfterFinished: 86400,
            template: {
              metadata: {
                labels: r.labels,
                annotations: externalSecretsAnnotations([r.auth?.secret, this.es.securityEnabled ? this.es.tlsSecretName : undefined]),
              },
              spec: this.podSpec(),
            },
          },
        },
      },
    });
  }

  private podSpec(): k8s.PodSpec {
    const security = this.es.securityEnabled;
    return {
      restartPolicy: 'Never',
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      securityContext: restrictedPodSecurityContext({ runAsUser: INSTALLER_UID }),
      containers: [this.installContainer()],
      volumes: [
        { name: 'bodies', configMap: { name: this.configMap.name, defaultMode: 0o444 } },
        ...(security ? [{ name: 'certs', secret: { secretName: this.es.tlsSecretName!, defaultMode: 0o444, items: [{ key: 'ca.crt', path: 'ca.crt' }] } }] : []),
      ],
    };
  }

  private installContainer(): k8s.Container {
    const r = this.resolved;
    const es = this.es;
    const security = es.securityEnabled;
    const script = installScript({
      url: es.url,
      policyName: r.policyName,
      templateName: r.templateName,
      indexPrefix: r.indexPrefix,
      authenticated: !!r.auth,
      caFile: security ? `${CERTS_DIR}/ca.crt` : undefined,
    });
    const bodiesMounted = execProbe(['test', '-r', `${BODIES_DIR}/policy.json`]);
    return {
      name: 'install',
      image: es.image,
      imagePullPolicy: 'IfNotPresent',
      command: ['bash', '-c', script],
      env: r.auth?.env,
      resources: toResourceRequirements(r.resources),
      securityContext: restrictedContainerSecurityContext(),
      // Every container has probes (SPEC §10). A run-to-completion pod serves nothing:
      // they only check its request bodies are mounted; activeDeadlineSeconds ends a hang.
      readinessProbe: bodiesMounted,
      livenessProbe: bodiesMounted,
      volumeMounts: [
        { name: 'bodies', mountPath: BODIES_DIR, readOnly: true },
        ...(security ? [{ name: 'certs', mountPath: CERTS_DIR, readOnly: true }] : []),
      ],
    };
  }

  private warn(message: string): void {
    this.warnings.push(message);
    this.node.addMetadata('warning', message);
    // eslint-disable-next-line no-console
    console.warn(`[warning] ${message}`);
  }
}

/** Who the installer logs in as: the Secret it reads and the environment it gets from it. */
interface ResolvedAuth {
  readonly secret: string;
  readonly env: k8s.EnvVar[];
}

/** {@link LogRetentionProps} after validation and defaults: what the render methods read. */
interface ResolvedRetention {
  readonly name: string;
  readonly namespace: string;
  readonly retentionDays: number;
  readonly indexPrefix: string;
  readonly shards: number;
  readonly replicas: number;
  readonly schedule: string;
  readonly resources: ComputeResources;
  /** Undefined with security off. */
  readonly auth?: ResolvedAuth;
  readonly policyName: string;
  readonly templateName: string;
  readonly documents: RetentionDocuments;
  readonly selectorLabels: Record<string, string>;
  /** Labels of every object. */
  readonly labels: Record<string, string>;
  readonly expectedBytesPerNode?: number;
  /** The synth-time warning of the disk budget, if the retained days do not fit. */
  readonly diskWarning?: string;
}

/** What {@link retentionDocuments} needs. */
export interface RetentionDocumentsInput {
  readonly indexPrefix: string;
  readonly policyName: string;
  readonly retentionDays: number;
  readonly shards: number;
  readonly replicas: number;
}

/**
 * The ILM policy (a `delete` phase at `retentionDays`: without rollover its age counts from the
 * index's creation), the composable index template of `<prefix>-*` (priority 200, above the
 * built-in templates, none of which matches `<prefix>-*`) and the settings put on the existing
 * indices.
 */
export function retentionDocuments(c: RetentionDocumentsInput): RetentionDocuments {
  const meta = { managed_by: 'cdk8s-platform', retention_days: c.retentionDays };
  return {
    policy: {
      policy: {
        _meta: meta,
        phases: {
          hot: { min_age: '0ms', actions: {} },
          delete: { min_age: `${c.retentionDays}d`, actions: { delete: {} } },
        },
      },
    },
    template: {
      index_patterns: [`${c.indexPrefix}-*`],
      priority: 200,
      _meta: meta,
      template: {
        settings: {
          'index.lifecycle.name': c.policyName,
          'index.number_of_shards': c.shards,
          'index.number_of_replicas': c.replicas,
        },
      },
    },
    settings: { index: { 'lifecycle.name': c.policyName, 'number_of_replicas': c.replicas } },
  };
}

/** The installer's bash script: three idempotent PUTs, failing (and retried by the Job) on any error. */
export function installScript(c: {
  url: string; policyName: string; templateName: string; indexPrefix: string; authenticated: boolean; caFile?: string;
}): string {
  const host = new URL(c.url).hostname;
  // Credentials go to curl as a netrc on its stdin, never on a command line.
  const netrc = c.authenticated ? `printf 'machine ${host} login %s password %s\\n' "$ES_USERNAME" "$ES_PASSWORD" | ` : '';
  const curl = [
    'curl --silent --show-error --fail --max-time 30 --retry 5 --retry-delay 5 --retry-connrefused',
    ...(c.caFile ? [`--cacert ${c.caFile}`] : []),
    ...(c.authenticated ? ['--netrc-file /dev/stdin'] : []),
    '-X PUT -H \'Content-Type: application/json\'',
  ].join(' ');
  const put = (file: string, path: string) => `${netrc}${curl} --data-binary @${BODIES_DIR}/${file} '${c.url}${path}'`;
  return [
    'set -euo pipefail',
    put('policy.json', `/_ilm/policy/${c.policyName}`),
    put('template.json', `/_index_template/${c.templateName}`),
    put('settings.json', `/${c.indexPrefix}-*/_settings?allow_no_indices=true&expand_wildcards=open`),
    `echo "retention of ${c.indexPrefix}-* installed: policy ${c.policyName}, template ${c.templateName}"`,
  ].join('\n');
}

function secretEnv(name: string, secret: string, key: string): k8s.EnvVar {
  return { name, valueFrom: { secretKeyRef: { name: secret, key } } };
}

function gib(bytes: number): string {
  return `${(bytes / GIB).toFixed(1)}Gi`;
}
