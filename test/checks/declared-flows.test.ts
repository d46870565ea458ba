import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import type { ValidationViolation } from 'cdk8s-cli/lib/plugins';
import { KafkaCluster, NamespacesChart, NetworkChart, synthApp, WebApp, ZookeeperEnsemble } from '../../lib';
import { checkDeclaredFlows, declaredFlowsOf, FLOWS_ANNOTATION, formatViolations, Manifest, manifestsOf, runAllChecks } from '../../lib/checks';
import { PlatformChecksValidation, PluginContext } from '../../plugins/validation/plugin';

/**
 * Flows of ANY composition (SPEC §10.9, issue 11 item 4): the constructs carry their declarations
 * in the manifests, so runAllChecks, and the validation plugin that calls it, prove them without
 * being told the flows.
 */

interface Team {
  app: App;
  zk: ZookeeperEnsemble;
  kafka: KafkaCluster;
  web: WebApp;
  network: NetworkChart;
}

/**
 * The composition from the issue: team-a default-denies, runs ZooKeeper, Kafka and a web app
 * allowed to reach Kafka. `derive`: the NetworkChart is given the constructs; otherwise `flows: []`.
 */
function teamA(derive: boolean, clientLabels?: Record<string, string>): Team {
  const app = new App({ recordConstructMetadata: false });
  new NamespacesChart(app, 'namespaces', { namespaces: [{ name: 'team-a', podSecurity: 'restricted' }] });
  const chart = new Chart(app, 'team-a', { namespace: 'team-a' });
  // Created before the constructs, as an apply order wants; the clients come later.
  const network = new NetworkChart(app, 'network', { defaultDenyNamespaces: ['team-a'], flows: [] });
  const zk = new ZookeeperEnsemble(chart, 'zk', { replicas: 3 });
  const kafka = new KafkaCluster(chart, 'kafka', { mode: { type: 'zookeeper', ensemble: zk } });
  const web = new WebApp(chart, 'web', { name: 'shop', image: 'registry.example.com/shop:1.0.0', replicas: 2 });
  if (derive) network.addFlowsOf(zk, kafka, web);
  kafka.allowClient(clientLabels ? { podLabels: clientLabels } : web);
  return { app, zk, kafka, web, network };
}

const flowRules = (manifests: Manifest[]) => runAllChecks(manifests).filter((v) => v.rule.startsWith('flows/'));

describe('the issue composition: default-deny team-a with flows: []', () => {
  test('runAllChecks reports the blocked ZooKeeper quorum, Kafka and web egress, without being told any flow', () => {
    const violations = flowRules(manifestsOf(teamA(false).app));
    expect(violations.map((v) => `${v.rule} ${v.resource}`).sort()).toEqual([
      'flows/blocked Flow kafka -> zookeeper client port',
      'flows/blocked Flow kafka broker -> kafka broker',
      'flows/blocked Flow shop -> kafka broker port',
      'flows/blocked Flow zookeeper peers (leader election)',
      'flows/blocked Flow zookeeper peers (quorum)',
    ]);
    for (const v of violations) expect(v.message).toMatch(/^egress from team-a .* is denied$/);
  });

  test('NetworkChart derives the egress halves from the constructs: no violation left, clients added later included', () => {
    const { app, network } = teamA(true);
    expect(formatViolations(runAllChecks(manifestsOf(app)))).toBe('');
    const names = network.toJson().map((o: any) => o.metadata.name).sort();
    expect(names).toEqual(['allow-dns', 'default-deny', 'egress-kafka-broker-kafka-broker', 'egress-kafka-zookeeper-client-port',
      'egress-shop-kafka-broker-port', 'egress-zookeeper-peers-leader-election', 'egress-zookeeper-peers-quorum']);
  });

  test('the validation plugin reports the same violations on the synthesized files', async () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'flows-plugin-'));
    try {
      const files = synthApp(teamA(false).app, outdir).map((f) => path.join(outdir, f));
      const reported: ValidationViolation[] = [];
      const context: PluginContext = {
        manifests: files,
        report: { addViolation: (v) => reported.push(v), submit: () => undefined },
        logger: { log: () => undefined },
      };
      await new PlatformChecksValidation().validate(context as any);
      const rules = reported.map((v) => v.ruleName);
      expect(rules.filter((r) => r === 'flows/blocked')).toHaveLength(5);
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });
});

describe('allowClient peers must match a pod (flows/peer-matches-nothing)', () => {
  test('a typo in the client labels is reported, naming the construct and the selector', () => {
    const { app } = teamA(true, { 'app.kubernetes.io/name': 'shpo' });
    const violations = runAllChecks(manifestsOf(app)).filter((v) => v.rule === 'flows/peer-matches-nothing');
    expect(violations).toHaveLength(1);
    expect(violations[0].resource).toBe('team-a/kafka');
    expect(violations[0].message).toBe('allowClient peer team-a {"app.kubernetes.io/name":"shpo"} (flow shpo -> kafka broker port) matches no pod template in the output');
  });

  test('the right labels pass', () => {
    const { app, web } = teamA(true);
    const fixed = teamA(true, web.selectorLabels);
    expect(runAllChecks(manifestsOf(app)).filter((v) => v.rule === 'flows/peer-matches-nothing')).toEqual([]);
    expect(runAllChecks(manifestsOf(fixed.app)).filter((v) => v.rule === 'flows/peer-matches-nothing')).toEqual([]);
  });
});

describe('declarations in the manifests', () => {
  test('each workload carries its construct\'s flows as deterministic JSON', () => {
    const first = manifestsOf(teamA(true).app).filter((m) => m.metadata.annotations?.[FLOWS_ANNOTATION]);
    const second = manifestsOf(teamA(true).app).filter((m) => m.metadata.annotations?.[FLOWS_ANNOTATION]);
    expect(first.map((m) => `${m.kind}/${m.metadata.name}`)).toEqual(['StatefulSet/zk', 'StatefulSet/kafka', 'Deployment/shop']);
    expect(second.map((m) => m.metadata.annotations![FLOWS_ANNOTATION])).toEqual(first.map((m) => m.metadata.annotations![FLOWS_ANNOTATION]));
    const declared = declaredFlowsOf(first);
    // kafka -> zookeeper is declared by both ends and kept once, as a client flow of the ensemble.
    expect(declared.flows.filter((f) => f.name === 'kafka -> zookeeper client port')).toEqual([expect.objectContaining({ client: true })]);
    expect(declared.open.map((o) => o.name)).toEqual(['shop http']);
  });

  test('a malformed annotation is a violation of its own', () => {
    const manifests = manifestsOf(teamA(true).app);
    manifests.find((m) => m.kind === 'Deployment')!.metadata.annotations![FLOWS_ANNOTATION] = '{"flows": [{"name": 1}]';
    expect(checkDeclaredFlows(manifests).map((v) => `${v.rule} ${v.resource}`)).toContain('flows/bad-declaration Deployment team-a/shop');
  });

  test('nothing undeclared is open: a construct policy opened to every pod is reported', () => {
    const manifests = manifestsOf(teamA(true).app);
    const zkPolicy = manifests.find((m) => m.kind === 'NetworkPolicy' && m.metadata.name === 'zk')!;
    zkPolicy.spec.ingress = [{ ports: [{ port: 2181, protocol: 'TCP' }] }];
    const undeclared = checkDeclaredFlows(manifests).filter((v) => v.rule === 'flows/undeclared');
    expect(undeclared.length).toBeGreaterThan(0);
    expect(undeclared.every((v) => v.resource === 'StatefulSet team-a/zk' && v.message.startsWith('TCP/2181 is open to '))).toBe(true);
  });

  test('a user\'s own NetworkPolicy (not managed by this library) counts as the user\'s declaration', () => {
    const withPolicy = (labels: Record<string, string>) => [...manifestsOf(teamA(true).app), {
      apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'ops-to-zk', namespace: 'team-a', labels },
      spec: { podSelector: { matchLabels: { 'app.kubernetes.io/name': 'zookeeper' } }, policyTypes: ['Ingress'], ingress: [{ ports: [{ port: 2181, protocol: 'TCP' }] }] },
    }];
    expect(checkDeclaredFlows(withPolicy({}))).toEqual([]);
    // The same opening in a policy of this library is a leak.
    expect(checkDeclaredFlows(withPolicy({ 'app.kubernetes.io/managed-by': 'cdk8s-platform' })).map((v) => v.rule)).toContain('flows/undeclared');
  });

  test('manifests without declarations are not flow-checked', () => {
    const manifests = manifestsOf(teamA(true).app).map((m) => {
      const { [FLOWS_ANNOTATION]: _, ...rest } = m.metadata.annotations ?? {};
      return { ...m, metadata: { ...m.metadata, annotations: rest } };
    });
    expect(checkDeclaredFlows(manifests)).toEqual([]);
  });
});
