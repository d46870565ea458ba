// The team's tests (node's test runner on the compiled test files: `npm test`). They use only the
// installed cdk8s-platform package: its constructs, its checks (`cdk8s-platform/checks`) and its
// validation plugin (`cdk8s-platform/plugins/validation`).
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { App } from 'cdk8s';
import { checkFlows, Flow, formatViolations, Manifest, manifestsOf, networkAllows, PodRef, runAllChecks } from 'cdk8s-platform/checks';
import { PlatformChecksValidation } from 'cdk8s-platform/plugins/validation';
import { buildTeam, TEAM, Team } from '../team';

let outdir: string;
let team: Team;
let manifests: Manifest[];

before(() => {
  outdir = mkdtempSync(join(tmpdir(), 'team-app-'));
  const app = new App({ outdir, recordConstructMetadata: false });
  team = buildTeam(app);
  app.synth();
  manifests = manifestsOf(app);
});
after(() => rmSync(outdir, { recursive: true, force: true }));

const pods = (w: { namespace: string; selectorLabels: Record<string, string> }): PodRef => ({ namespace: w.namespace, labels: w.selectorLabels });
const names = (kind: string) => manifests.filter((m) => m.kind === kind).map((m) => `${m.metadata?.namespace ?? ''}/${m.metadata?.name}`).sort();

describe('the team chart', () => {
  test('has the namespace, ZooKeeper (3), KRaft Kafka (3) and the web app', () => {
    assert.deepEqual(names('Namespace'), [`/${TEAM}`]);
    assert.deepEqual(names('StatefulSet'), [`${TEAM}/kafka`, `${TEAM}/zk`]);
    assert.deepEqual(names('Deployment'), [`${TEAM}/shop`]);
    const replicas = Object.fromEntries(manifests.filter((m) => m.kind === 'StatefulSet').map((m) => [m.metadata.name, m.spec.replicas]));
    assert.deepEqual(replicas, { kafka: 3, zk: 3 });
    assert.equal(team.kafka.mode, 'kraft');
    assert.equal(team.kafka.zookeeperConnect, undefined);
    assert.match(team.kafka.controllerQuorumVoters ?? '', /^0@kafka-0\.kafka-hs\.team-a\.svc\.cluster\.local:9094,/);
    for (const kind of ['NetworkPolicy', 'PodDisruptionBudget', 'Service']) assert.ok(names(kind).length >= 3, kind);
  });

  test('passes every platform check (schema, policy, wiring, collisions)', () => {
    assert.equal(formatViolations(runAllChecks(manifests)), '');
  });

  test('passes the validation plugin on the written files, as `cdk8s synth` runs it', () => {
    const files = readdirSync(outdir).map((f) => join(outdir, f));
    assert.deepEqual(readdirSync(outdir), ['0000-namespaces.k8s.yaml', `0001-${TEAM}.k8s.yaml`]);
    const result = new PlatformChecksValidation().check(files);
    assert.deepEqual(result.violations, []);
    assert.equal(result.objects, manifests.length);
  });

  test('the plugin rejects an ignoreRules typo', () => {
    assert.throws(() => new PlatformChecksValidation({ ignoreRules: ['policy/pdb-mising'] }), /did you mean policy\/pdb-missing\?/);
  });
});

describe('network flows per the manifests', () => {
  test('the web app reaches Kafka on the broker port and ZooKeeper on its client port', () => {
    const flows: Flow[] = [
      { name: 'shop -> kafka', from: pods(team.web), to: pods(team.kafka), port: team.kafka.brokerPort },
      { name: 'shop -> zookeeper', from: pods(team.web), to: pods(team.zookeeper), port: 2181 },
    ];
    assert.equal(formatViolations(checkFlows(manifests, flows)), '');
  });

  test('other pods do not reach Kafka (the check can fail)', () => {
    const intruder: PodRef = { namespace: TEAM, labels: { 'app.kubernetes.io/name': 'intruder' } };
    assert.equal(networkAllows(manifests, intruder, pods(team.kafka), team.kafka.brokerPort), false);
    assert.equal(networkAllows(manifests, pods(team.zookeeper), pods(team.kafka), team.kafka.brokerPort), false);
    const blocked = checkFlows(manifests, [{ name: 'zookeeper -> kafka', from: pods(team.zookeeper), to: pods(team.kafka), port: team.kafka.brokerPort }]);
    assert.deepEqual(blocked.map((v) => v.rule), ['flows/blocked']);
  });
});
