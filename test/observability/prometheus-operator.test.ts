import { formatViolations, runAllChecks } from '../../lib/checks';
import {
  ALERTMANAGER_IMAGE_CONTRACT, PROMETHEUS_CONFIG_RELOADER_IMAGE_CONTRACT, PROMETHEUS_IMAGE_CONTRACT, PROMETHEUS_OPERATOR_IMAGE_CONTRACT,
  PROMETHEUS_OPERATOR_RULES, PrometheusOperator, PrometheusOperatorProps, PrometheusStack, PrometheusStackProps,
} from '../../lib/observability';
import { imageRepository, imageTag } from '../../lib/core/image-contract';
import { checkImageContracts } from '../contracts/pod-contract';
import { DEV, find, monitoringApp, Obj } from './prometheus-stack-support';

const operator = (props: PrometheusOperatorProps = {}) => monitoringApp((c) => new PrometheusOperator(c, 'operator', props)).manifests;
const stack = (props: Partial<PrometheusStackProps> = {}) => monitoringApp((c) => new PrometheusStack(c, 'stack', { clusterName: 'prod-1', ...props })).manifests;

describe('PrometheusOperator', () => {
  const m = operator();
  const deployment = find(m, 'Deployment');
  const container: Obj = deployment.spec.template.spec.containers[0];

  test('pinned operator and config-reloader images of the vendored CRDs\' release', () => {
    expect(container.image).toBe('quay.io/prometheus-operator/prometheus-operator:v0.93.1');
    expect(container.args).toContain('--prometheus-config-reloader=quay.io/prometheus-operator/prometheus-config-reloader:v0.93.1');
    expect(() => operator({ image: 'quay.io/prometheus-operator/prometheus-operator:v0.85.0' })).toThrow(/must be a v0\.93\.x release.*vendored CRDs/);
    expect(() => operator({ configReloaderImage: 'quay.io/prometheus-operator/prometheus-config-reloader:latest' })).toThrow(/configReloaderImage/);
  });

  test('restricted pod, probes on /healthz, resources per profile', () => {
    expect(deployment.spec.template.spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65534, seccompProfile: { type: 'RuntimeDefault' } });
    expect(container.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    expect(container.readinessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(find(operator({ ...DEV.operatorProps }), 'Deployment').spec.template.spec.containers[0].resources).toEqual({ requests: { cpu: '20m', memory: '64Mi' }, limits: { cpu: '200m', memory: '128Mi' } });
  });

  test('least-privilege RBAC: no wildcard, writes only what the operator generates', () => {
    const role = find(m, 'ClusterRole');
    expect(JSON.stringify(role.rules)).not.toContain('*');
    expect(role.rules).toEqual(PROMETHEUS_OPERATOR_RULES.map((r) => ({ ...r })));
    const writes = role.rules.filter((r: Obj) => r.verbs.some((v: string) => ['create', 'delete'].includes(v))).flatMap((r: Obj) => r.resources);
    expect(writes.sort()).toEqual(['configmaps', 'events', 'pods', 'secrets', 'services', 'services/finalizers', 'statefulsets']);
  });

  test('its pod satisfies the image contract of the operator image', () => {
    expect(checkImageContracts(m as Obj[], [PROMETHEUS_OPERATOR_IMAGE_CONTRACT])).toEqual([]);
  });

  test.each([['production', {}], ['dev', { ...DEV.operatorProps }]])('%s: passes every check', (_, props) => {
    expect(formatViolations(runAllChecks(operator(props)))).toBe('');
  });
});

test('every default image matches its contract (repository and tag)', () => {
  const images: string[] = [];
  const all = stack();
  images.push(find(all, 'Deployment').spec.template.spec.containers[0].image);
  images.push(find(all, 'Prometheus').spec.image, find(all, 'Alertmanager').spec.image);
  images.push(/--prometheus-config-reloader=(\S+)/.exec(find(all, 'Deployment').spec.template.spec.containers[0].args.join(' '))![1]);
  const contracts = [PROMETHEUS_OPERATOR_IMAGE_CONTRACT, PROMETHEUS_IMAGE_CONTRACT, ALERTMANAGER_IMAGE_CONTRACT, PROMETHEUS_CONFIG_RELOADER_IMAGE_CONTRACT];
  images.forEach((image, i) => {
    expect(imageRepository(image)).toBe(contracts[i].repository);
    expect(imageTag(image)).toMatch(contracts[i].tags);
  });
});

describe('PrometheusStack', () => {
  test.each(['production', 'dev'] as const)('%s: operator, CRDs, Prometheus, Alertmanager, 3 monitors and the stack alerts pass every check', (profile) => {
    const m = stack(profile === 'dev' ? { operatorProps: DEV.operatorProps, prometheusProps: DEV.prometheusProps, alertmanagerProps: DEV.alertmanagerProps } : {});
    expect(formatViolations(runAllChecks(m))).toBe('');
    const kinds = m.map((o) => o.kind);
    expect(kinds.filter((k) => k === 'ServiceMonitor')).toHaveLength(3);
    expect(kinds).toEqual(expect.arrayContaining(['Deployment', 'Prometheus', 'Alertmanager', 'PrometheusRule']));
    expect(find(m, 'Prometheus').spec.alerting.alertmanagers[0].name).toBe('alertmanager-platform');
    for (const o of m.filter((x) => ['ServiceMonitor', 'PrometheusRule'].includes(x.kind))) expect(o.metadata.labels).toMatchObject({ prometheus: 'platform' });
  });

  test('existing operator (kube-prometheus-stack release "kps"): only the stack alerts, labelled release: kps', () => {
    const m = stack({ operator: 'existing', discoveryLabels: { release: 'kps' }, jobs: { prometheus: 'kps-kube-prometheus-stack-prometheus' } });
    expect(m.filter((o) => o.kind !== 'Namespace').map((o) => o.kind)).toEqual(['PrometheusRule']);
    const rule = find(m, 'PrometheusRule');
    expect(rule.metadata.labels).toMatchObject({ release: 'kps' });
    expect(JSON.stringify(rule.spec)).toContain('job=\\"kps-kube-prometheus-stack-prometheus\\"');
    expect(formatViolations(runAllChecks(m))).toBe('');
  });

  test('a custom discovery label reaches the selectors, monitors and rules alike', () => {
    const m = stack({ discoveryLabels: { release: 'kps' } });
    expect(find(m, 'Prometheus').spec.ruleSelector).toEqual({ matchLabels: { release: 'kps' } });
    for (const o of m.filter((x) => ['ServiceMonitor', 'PrometheusRule'].includes(x.kind))) expect(o.metadata.labels?.release).toBe('kps');
  });

  test('crds only applies to a managed operator', () => {
    expect(() => stack({ operator: 'existing', crds: false })).toThrow(/crds/);
  });
});
