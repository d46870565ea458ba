import { JsonSchema } from './kube-schemas';
import { MONITORING_API_VERSION } from './api-versions';
import { OPERATOR_SPEC_SCHEMAS } from './operator-schemas';

/**
 * Top-level shapes of the Prometheus Operator (v0.93.0) custom resources: GVK, ObjectMeta, and the
 * `spec` fields with their required ones, so a misspelt spec field or a missing selector fails.
 * Deeper fields (endpoint and rule bodies) are only typed loosely; full validation would need
 * `@kubernetes-models/prometheus-operator` or the CRD's openAPIV3Schema.
 */

const OBJECT_META_REF = { $ref: 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta#' };
const LABEL_SELECTOR_REF = { $ref: 'io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector#' };

/** Spec fields shared by ServiceMonitor and PodMonitor (CRD v0.93.0). */
const SCRAPE_FIELDS = [
  'attachMetadata', 'bodySizeLimit', 'convertClassicHistogramsToNHCB', 'fallbackScrapeProtocol', 'jobLabel',
  'keepDroppedTargets', 'labelLimit', 'labelNameLengthLimit', 'labelValueLengthLimit', 'nativeHistogramBucketLimit',
  'nativeHistogramMinBucketFactor', 'podTargetLabels', 'sampleLimit', 'scrapeClass', 'scrapeClassicHistograms',
  'scrapeNativeHistograms', 'scrapeProtocols', 'selectorMechanism', 'targetLimit',
];

const NAMESPACE_SELECTOR = {
  type: 'object',
  properties: { any: { type: 'boolean' }, matchNames: { type: 'array', items: { type: 'string' } } },
  additionalProperties: false,
};

const ENDPOINT = { type: 'object', properties: { port: { type: 'string' } } };

function loose(names: string[]): Record<string, JsonSchema> {
  return Object.fromEntries(names.map((name) => [name, {}]));
}

function resource(kind: string, spec: JsonSchema): JsonSchema {
  return {
    type: 'object',
    required: ['apiVersion', 'kind', 'metadata', 'spec'],
    properties: {
      apiVersion: { type: 'string', enum: [MONITORING_API_VERSION] },
      kind: { type: 'string', enum: [kind] },
      metadata: OBJECT_META_REF,
      spec: { type: 'object', ...spec, additionalProperties: false },
    },
    additionalProperties: false,
  };
}

/** Schemas of the monitoring custom resources, by kind; `$ref`s point at Kubernetes definitions. */
export const MONITORING_SCHEMAS: Readonly<Record<string, JsonSchema>> = {
  // Prometheus and Alertmanager (lib/observability): top-level spec fields, see operator-schemas.ts.
  ...Object.fromEntries(Object.entries(OPERATOR_SPEC_SCHEMAS).map(([kind, spec]) => [kind, resource(kind, spec)])),
  ServiceMonitor: resource('ServiceMonitor', {
    required: ['endpoints', 'selector'],
    properties: {
      ...loose(SCRAPE_FIELDS),
      endpoints: { type: 'array', items: ENDPOINT },
      namespaceSelector: NAMESPACE_SELECTOR,
      selector: LABEL_SELECTOR_REF,
      serviceDiscoveryRole: { type: 'string', enum: ['Endpoints', 'EndpointSlice'] },
      targetLabels: { type: 'array', items: { type: 'string' } },
    },
  }),
  PodMonitor: resource('PodMonitor', {
    required: ['selector'],
    properties: {
      ...loose(SCRAPE_FIELDS),
      namespaceSelector: NAMESPACE_SELECTOR,
      podMetricsEndpoints: { type: 'array', items: ENDPOINT },
      selector: LABEL_SELECTOR_REF,
    },
  }),
  PrometheusRule: resource('PrometheusRule', {
    properties: {
      groups: {
        type: 'array',
        items: {
          type: 'object',
          required: ['name'],
          properties: {
            name: { type: 'string', minLength: 1 },
            rules: {
              type: 'array',
              items: {
                type: 'object',
                required: ['expr'],
                properties: { expr: { anyOf: [{ type: 'string', minLength: 1 }, { type: 'integer' }] } },
                anyOf: [{ required: ['alert'] }, { required: ['record'] }],
              },
            },
          },
        },
      },
    },
  }),
};
