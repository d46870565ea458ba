import { allowedApiVersions, checkSchema, isAllowedApiVersion, makeStrict, Manifest } from '../../lib/checks';
import { expectClean, expectOnly, fixture } from './fixtures';

describe('checkSchema', () => {
  test('the fixture set is valid', () => {
    expectClean(checkSchema(fixture().all()));
  });

  describe('schema/invalid', () => {
    test('an unknown container field is an error', () => {
      const f = fixture();
      f.container.imagePullPolice = 'Always';
      const v = checkSchema(f.all());
      expectOnly(v, 'schema/invalid');
      expect(v[0]).toMatchObject({ resource: 'Deployment web/web', message: 'spec.template.spec.containers[0]: unknown field "imagePullPolice"' });
    });

    test('an unknown field in ObjectMeta (a $ref\'d definition) is an error', () => {
      const f = fixture();
      (f.service.metadata as any).label = { a: 'b' };
      expect(checkSchema(f.all()).map((v) => v.message)).toEqual(['metadata: unknown field "label"']);
    });

    test('an unknown top-level field is an error', () => {
      const f = fixture();
      f.configMap.datas = {};
      expectOnly(checkSchema(f.all()), 'schema/invalid');
    });

    test('snake_case instead of camelCase is an error', () => {
      const f = fixture();
      f.pdb.spec.max_unavailable = 1;
      expectOnly(checkSchema(f.all()), 'schema/invalid');
    });

    test('IntOrString accepts numbers and names, nothing else', () => {
      const f = fixture();
      f.service.spec.ports[0].targetPort = 8080;
      expectClean(checkSchema(f.all()));
      f.service.spec.ports[0].targetPort = true;
      expect(checkSchema(f.all()).map((v) => v.message)).toEqual(['spec.ports[0].targetPort: must be string or integer']);
    });

    test('Quantity accepts numbers and quantity strings, nothing else', () => {
      const f = fixture();
      f.container.resources.limits.cpu = 1;
      expectClean(checkSchema(f.all()));
      f.container.resources.limits.memory = '2 GB';
      expect(checkSchema(f.all()).map((v) => v.message)).toEqual(['spec.template.spec.containers[0].resources.limits.memory: must be number or a "quantity" string']);
    });

    test('wrong types, enums, int32 ranges and missing required fields are errors', () => {
      const f = fixture();
      f.deployment.spec.replicas = '2';
      f.container.imagePullPolicy = 'Sometimes';
      f.container.ports[0].containerPort = 2 ** 40;
      delete f.deployment.spec.selector;
      const messages = checkSchema(f.all()).map((v) => v.message);
      expect(messages).toEqual(expect.arrayContaining([
        'spec.replicas: must be integer',
        expect.stringMatching(/^spec\.template\.spec\.containers\[0\]\.imagePullPolicy: must be one of "Always", "IfNotPresent", "Never"$/),
        'spec.template.spec.containers[0].ports[0].containerPort: must match format "int32"',
        'spec: missing required field "selector"',
      ]));
    });

    test('label and annotation maps stay open', () => {
      const f = fixture();
      f.deployment.metadata.annotations = { 'anything.example.com/goes': 'yes' };
      expectClean(checkSchema(f.all()));
    });

    test('a StatefulSet volumeClaimTemplate (inline object schema) is strict too', () => {
      const sts: Manifest = {
        apiVersion: 'apps/v1',
        kind: 'StatefulSet',
        metadata: { name: 'db', namespace: 'web' },
        spec: {
          serviceName: 'db',
          selector: { matchLabels: { a: 'b' } },
          template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'db', image: 'db:1' }] } },
          volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
        },
      };
      expectClean(checkSchema([sts]));
      sts.spec.volumeClaimTemplates[0].spec.storageClass = 'fast';
      expect(checkSchema([sts]).map((v) => v.message)).toEqual(['spec.volumeClaimTemplates[0].spec: unknown field "storageClass"']);
    });
  });

  describe('schema/unknown-api', () => {
    test('a removed API version is rejected with the served one as fix', () => {
      const f = fixture();
      f.pdb.apiVersion = 'policy/v1beta1';
      const v = checkSchema(f.all());
      expectOnly(v, 'schema/unknown-api');
      expect(v[0].fix).toBe('use apiVersion policy/v1 for PodDisruptionBudget');
    });

    test('a misspelt kind and *List kinds are rejected', () => {
      expectOnly(checkSchema([{ apiVersion: 'v1', kind: 'Servise', metadata: { name: 'x' } }]), 'schema/unknown-api');
      expectOnly(checkSchema([{ apiVersion: 'v1', kind: 'ConfigMapList', metadata: { name: 'x' } } as Manifest]), 'schema/unknown-api');
    });

    test('the allow-list holds the 1.27 kinds and the monitoring kinds, no List kinds', () => {
      expect(isAllowedApiVersion('apps/v1', 'StatefulSet')).toBe(true);
      expect(isAllowedApiVersion('autoscaling/v2', 'HorizontalPodAutoscaler')).toBe(true);
      expect(isAllowedApiVersion('autoscaling/v2beta2', 'HorizontalPodAutoscaler')).toBe(false);
      expect(isAllowedApiVersion('monitoring.coreos.com/v1', 'PrometheusRule')).toBe(true);
      expect([...allowedApiVersions()].some((k) => k.endsWith('List'))).toBe(false);
    });
  });

  describe('schema/no-schema', () => {
    test('an alpha API kubernetes-models has no schema for cannot pass', () => {
      expectOnly(checkSchema([{ apiVersion: 'networking.k8s.io/v1alpha1', kind: 'IPAddress', metadata: { name: '10.0.0.1' }, spec: {} }]), 'schema/no-schema');
    });
  });

  describe('monitoring custom resources', () => {
    const serviceMonitor = (): Manifest => ({
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'ServiceMonitor',
      metadata: { name: 'web', namespace: 'web' },
      spec: { selector: { matchLabels: { a: 'b' } }, endpoints: [{ port: 'metrics', interval: '30s' }] },
    });

    test('a well-formed ServiceMonitor, PodMonitor and PrometheusRule pass', () => {
      expectClean(checkSchema([
        serviceMonitor(),
        { apiVersion: 'monitoring.coreos.com/v1', kind: 'PodMonitor', metadata: { name: 'p', namespace: 'web' }, spec: { selector: {}, podMetricsEndpoints: [{ port: 'm' }] } },
        { apiVersion: 'monitoring.coreos.com/v1', kind: 'PrometheusRule', metadata: { name: 'r', namespace: 'web' }, spec: { groups: [{ name: 'g', rules: [{ alert: 'Down', expr: 'up == 0', for: '5m' }] }] } },
      ]));
    });

    test('a missing spec, a misspelt spec field or a missing selector fail', () => {
      const noSpec = serviceMonitor();
      delete noSpec.spec;
      const typo = serviceMonitor();
      typo.spec.endpoint = typo.spec.endpoints;
      const noSelector = serviceMonitor();
      delete noSelector.spec.selector;
      for (const m of [noSpec, typo, noSelector]) expectOnly(checkSchema([m]), 'schema/invalid');
    });

    test('a rule without alert or record fails', () => {
      const v = checkSchema([{ apiVersion: 'monitoring.coreos.com/v1', kind: 'PrometheusRule', metadata: { name: 'r', namespace: 'web' },
        spec: { groups: [{ name: 'g', rules: [{ expr: 'up == 0' }] }] } }]);
      expect(v.map((x) => x.message)).toEqual(['spec.groups[0].rules[0]: missing required field "alert" or "record"']);
    });
  });
});

describe('makeStrict', () => {
  test('closes objects with properties, follows keywords not property names, leaves maps and IntOrString alone', () => {
    const schema = makeStrict({
      type: 'object',
      properties: {
        properties: { type: 'object', properties: { a: { type: 'string' } } },
        labels: { type: 'object', additionalProperties: { type: 'string' } },
        port: { oneOf: [{ type: 'string' }, { type: 'integer' }] },
        list: { type: 'array', items: { properties: { x: {} } } },
        nested: { oneOf: [{ $ref: 'x#' }, { type: 'null' }] },
      },
    });
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.properties.additionalProperties).toBe(false);
    expect(schema.properties.labels.additionalProperties).toEqual({ type: 'string' });
    expect(schema.properties.port).toEqual({ oneOf: [{ type: 'string' }, { type: 'integer' }] });
    expect(schema.properties.list.items.additionalProperties).toBe(false);
    expect(schema.properties.nested).toEqual({ oneOf: [{ $ref: 'x#' }, { type: 'null' }] });
  });
});
