import { JsonSchema } from './kube-schemas';

/**
 * Top-level `spec` fields of the Prometheus Operator's Prometheus and Alertmanager resources
 * (CRDs v0.93.0, vendored in vendor/crds/prometheus-operator/): a misspelt or unknown spec field is
 * an error, selectors must be label selectors, replicas an integer. Deeper fields are loose
 * (the typed `cdk8s import` classes shape them). test/observability/schemas.test.ts proves the
 * field lists equal the vendored CRDs' (so an operator upgrade updates them).
 */
export const PROMETHEUS_SPEC_FIELDS: readonly string[] = [
  'additionalAlertManagerConfigs', 'additionalAlertRelabelConfigs', 'additionalArgs', 'additionalScrapeConfigs', 'affinity', 'alerting',
  'allowOverlappingBlocks', 'apiserverConfig', 'arbitraryFSAccessThroughSMs', 'automountServiceAccountToken', 'baseImage', 'bodySizeLimit',
  'configMaps', 'containers', 'convertClassicHistogramsToNHCB', 'disableCompaction', 'dnsConfig', 'dnsPolicy', 'enableAdminAPI', 'enableFeatures',
  'enableOTLPReceiver', 'enableRemoteWriteReceiver', 'enableServiceLinks', 'enforcedBodySizeLimit', 'enforcedKeepDroppedTargets',
  'enforcedLabelLimit', 'enforcedLabelNameLengthLimit', 'enforcedLabelValueLengthLimit', 'enforcedNamespaceLabel', 'enforcedSampleLimit',
  'enforcedTargetLimit', 'evaluationInterval', 'excludedFromEnforcement', 'exemplars', 'externalLabels', 'externalUrl', 'hostAliases',
  'hostNetwork', 'hostUsers', 'ignoreNamespaceSelectors', 'image', 'imagePullPolicy', 'imagePullSecrets', 'initContainers', 'keepDroppedTargets',
  'labelLimit', 'labelNameLengthLimit', 'labelValueLengthLimit', 'listenLocal', 'logFormat', 'logLevel', 'maximumStartupDurationSeconds',
  'minReadySeconds', 'nameEscapingScheme', 'nameValidationScheme', 'nodeSelector', 'otlp', 'overrideHonorLabels', 'overrideHonorTimestamps',
  'paused', 'persistentVolumeClaimRetentionPolicy', 'podManagementPolicy', 'podMetadata', 'podMonitorNamespaceSelector', 'podMonitorSelector',
  'podTargetLabels', 'portName', 'priorityClassName', 'probeNamespaceSelector', 'probeSelector', 'prometheusExternalLabelName',
  'prometheusRulesExcludedFromEnforce', 'query', 'queryLogFile', 'reloadStrategy', 'remoteRead', 'remoteWrite', 'remoteWriteReceiverMessageVersions',
  'replicaExternalLabelName', 'replicas', 'resources', 'retention', 'retentionSize', 'routePrefix', 'ruleNamespaceSelector', 'ruleQueryOffset',
  'ruleSelector', 'rules', 'runtime', 'sampleLimit', 'schedulerName', 'scrapeClasses', 'scrapeClassicHistograms', 'scrapeConfigNamespaceSelector',
  'scrapeConfigSelector', 'scrapeFailureLogFile', 'scrapeInterval', 'scrapeNativeHistograms', 'scrapeProtocols', 'scrapeTimeout', 'secrets',
  'securityContext', 'serviceAccountName', 'serviceDiscoveryRole', 'serviceMonitorNamespaceSelector', 'serviceMonitorSelector', 'serviceName',
  'sha', 'shardRetentionPolicy', 'shardingStrategy', 'shards', 'storage', 'tag', 'targetLimit', 'terminationGracePeriodSeconds', 'thanos',
  'tolerations', 'topologySpreadConstraints', 'tracingConfig', 'tsdb', 'updateStrategy', 'version', 'volumeMounts', 'volumes', 'walCompression', 'web',
];

/** Top-level `spec` fields of Alertmanager (CRD v0.93.0). */
export const ALERTMANAGER_SPEC_FIELDS: readonly string[] = [
  'additionalArgs', 'additionalPeers', 'affinity', 'alertmanagerConfigMatcherStrategy', 'alertmanagerConfigNamespaceSelector',
  'alertmanagerConfigSelector', 'alertmanagerConfiguration', 'automountServiceAccountToken', 'baseImage', 'clusterAdvertiseAddress',
  'clusterGossipInterval', 'clusterLabel', 'clusterPeerTimeout', 'clusterPushpullInterval', 'clusterTLS', 'configMaps', 'configSecret', 'containers',
  'dnsConfig', 'dnsPolicy', 'enableFeatures', 'enableServiceLinks', 'externalUrl', 'forceEnableClusterMode', 'hostAliases', 'hostNetwork', 'hostUsers',
  'image', 'imagePullPolicy', 'imagePullSecrets', 'initContainers', 'limits', 'listenLocal', 'logFormat', 'logLevel', 'minReadySeconds', 'nodeSelector',
  'paused', 'persistentVolumeClaimRetentionPolicy', 'podManagementPolicy', 'podMetadata', 'portName', 'priorityClassName', 'replicas', 'resources',
  'retention', 'routePrefix', 'schedulerName', 'secrets', 'securityContext', 'serviceAccountName', 'serviceName', 'sha', 'storage', 'tag',
  'terminationGracePeriodSeconds', 'tolerations', 'topologySpreadConstraints', 'updateStrategy', 'version', 'volumeMounts', 'volumes', 'web',
];

const LABEL_SELECTOR_REF = { $ref: 'io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector#' };
const INT = { type: 'integer', minimum: 0 };
const STRINGS = { type: 'object', additionalProperties: { type: 'string' } };

function spec(fields: readonly string[], typed: Record<string, JsonSchema>): JsonSchema {
  return { properties: { ...Object.fromEntries(fields.map((f) => [f, {}])), ...typed } };
}

/** Spec schemas (the part inside `spec`) of Prometheus and Alertmanager, by kind. */
export const OPERATOR_SPEC_SCHEMAS: Readonly<Record<string, JsonSchema>> = {
  Prometheus: spec(PROMETHEUS_SPEC_FIELDS, {
    replicas: INT, shards: INT, externalLabels: STRINGS, serviceAccountName: { type: 'string' }, image: { type: 'string' },
    retention: { type: 'string', pattern: '^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$' },
    retentionSize: { type: 'string', pattern: '(^0|([0-9]*[.])?[0-9]+((K|M|G|T|E|P)i?)?B)$' },
    ...Object.fromEntries(['serviceMonitor', 'podMonitor', 'probe', 'rule', 'scrapeConfig'].flatMap((k) => [[`${k}Selector`, LABEL_SELECTOR_REF], [`${k}NamespaceSelector`, LABEL_SELECTOR_REF]])),
  }),
  Alertmanager: spec(ALERTMANAGER_SPEC_FIELDS, {
    replicas: INT, serviceAccountName: { type: 'string' }, image: { type: 'string' }, configSecret: { type: 'string' },
    secrets: { type: 'array', items: { type: 'string' } }, alertmanagerConfigSelector: LABEL_SELECTOR_REF, alertmanagerConfigNamespaceSelector: LABEL_SELECTOR_REF,
  }),
};
