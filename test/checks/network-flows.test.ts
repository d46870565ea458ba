import { checkFlows, checkOnlyDeclaredFlows, egressAllowsDns, Flow, Manifest, networkAllows } from '../../lib/checks';
import { expectClean, expectOnly, fixture, namespaceObject, NS, SELECTOR } from './fixtures';

const CLIENT = { namespace: NS, labels: { app: 'client' } };
const SERVER = { namespace: NS, labels: { ...SELECTOR } };

function policy(name: string, spec: any, namespace = NS): Manifest {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace }, spec };
}

/** The fixture set (server pods expose `http` = 8080) plus `policies`. */
function withPolicies(...policies: Manifest[]): Manifest[] {
  const f = fixture();
  f.extra.push(namespaceObject('monitoring'), ...policies);
  f.extra[0].metadata.labels!.team = 'observability';
  return f.all();
}

/** Ingress to the server: `from` peers on `ports`. */
function ingress(from?: any[], ports?: any[]): Manifest {
  return policy('server', { podSelector: { matchLabels: SELECTOR }, policyTypes: ['Ingress'], ingress: [{ ...(from ? { from } : {}), ...(ports ? { ports } : {}) }] });
}

const DNS_RULE = {
  to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
  ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }],
};

describe('networkAllows', () => {
  test('a pod no policy selects accepts everything', () => {
    expect(networkAllows(withPolicies(), CLIENT, SERVER, 8080)).toBe(true);
    expect(networkAllows(withPolicies(policy('other', { podSelector: { matchLabels: { app: 'x' } }, ingress: [] })), CLIENT, SERVER, 8080)).toBe(true);
  });

  test('a selected pod with no rules accepts nothing (default deny)', () => {
    expect(networkAllows(withPolicies(policy('deny', { podSelector: {}, policyTypes: ['Ingress'] })), CLIENT, SERVER, 8080)).toBe(false);
  });

  test('a podSelector peer means the policy\'s own namespace', () => {
    const m = withPolicies(ingress([{ podSelector: { matchLabels: CLIENT.labels } }], [{ port: 8080, protocol: 'TCP' }]));
    expect(networkAllows(m, CLIENT, SERVER, 8080)).toBe(true);
    expect(networkAllows(m, CLIENT, SERVER, 9090)).toBe(false);
    expect(networkAllows(m, { namespace: 'monitoring', labels: CLIENT.labels }, SERVER, 8080)).toBe(false);
    expect(networkAllows(m, { namespace: NS, labels: { app: 'intruder' } }, SERVER, 8080)).toBe(false);
  });

  test('namespaceSelector matches the implicit name label and the Namespace object\'s labels', () => {
    const prometheus = { namespace: 'monitoring', labels: { app: 'prometheus' } };
    expect(networkAllows(withPolicies(ingress([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }])), prometheus, SERVER, 8080)).toBe(true);
    expect(networkAllows(withPolicies(ingress([{ namespaceSelector: { matchLabels: { team: 'observability' } } }])), prometheus, SERVER, 8080)).toBe(true);
    expect(networkAllows(withPolicies(ingress([{ namespaceSelector: { matchLabels: { team: 'other' } } }])), prometheus, SERVER, 8080)).toBe(false);
  });

  test('namespaceSelector and podSelector in one peer must both match', () => {
    const m = withPolicies(ingress([{ namespaceSelector: { matchLabels: { team: 'observability' } }, podSelector: { matchLabels: { app: 'prometheus' } } }]));
    expect(networkAllows(m, { namespace: 'monitoring', labels: { app: 'prometheus' } }, SERVER, 8080)).toBe(true);
    expect(networkAllows(m, { namespace: 'monitoring', labels: { app: 'grafana' } }, SERVER, 8080)).toBe(false);
  });

  test('empty from and ports mean all; ipBlock peers never match pods', () => {
    expect(networkAllows(withPolicies(ingress()), { namespace: 'anywhere', labels: {} }, SERVER, 1234)).toBe(true);
    expect(networkAllows(withPolicies(ingress([{ ipBlock: { cidr: '0.0.0.0/0' } }])), CLIENT, SERVER, 8080)).toBe(false);
  });

  test('named ports resolve through the target\'s container ports; endPort ranges and protocols apply', () => {
    expect(networkAllows(withPolicies(ingress(undefined, [{ port: 'http' }])), CLIENT, SERVER, 8080)).toBe(true);
    expect(networkAllows(withPolicies(ingress(undefined, [{ port: 'http' }])), CLIENT, SERVER, 9090)).toBe(false);
    expect(networkAllows(withPolicies(ingress(undefined, [{ port: 'metrics' }])), CLIENT, SERVER, 8080)).toBe(false);
    expect(networkAllows(withPolicies(ingress(undefined, [{ port: 8000, endPort: 8100 }])), CLIENT, SERVER, 8080)).toBe(true);
    expect(networkAllows(withPolicies(ingress(undefined, [{ port: 8080, protocol: 'UDP' }])), CLIENT, SERVER, 8080)).toBe(false);
    expect(networkAllows(withPolicies(ingress(undefined, [{ port: 8080, protocol: 'UDP' }])), CLIENT, SERVER, 8080, 'UDP')).toBe(true);
  });

  test('any one selecting policy may allow the connection', () => {
    const m = withPolicies(
      ingress([{ podSelector: { matchLabels: { app: 'other' } } }]),
      policy('server-2', { podSelector: { matchLabels: SELECTOR }, ingress: [{ from: [{ podSelector: { matchLabels: CLIENT.labels } }] }] }),
    );
    expect(networkAllows(m, CLIENT, SERVER, 8080)).toBe(true);
  });

  test('egress policies restrict the source', () => {
    const egressOnly = (egress: any[]): Manifest => policy('client', { podSelector: { matchLabels: CLIENT.labels }, policyTypes: ['Egress'], egress });
    expect(networkAllows(withPolicies(egressOnly([])), CLIENT, SERVER, 8080)).toBe(false);
    expect(networkAllows(withPolicies(egressOnly([{ to: [{ podSelector: { matchLabels: SELECTOR } }], ports: [{ port: 'http' }] }])), CLIENT, SERVER, 8080)).toBe(true);
    expect(networkAllows(withPolicies(egressOnly([{ to: [{ podSelector: { matchLabels: { app: 'db' } } }] }])), CLIENT, SERVER, 8080)).toBe(false);
  });

  test('a policy without policyTypes is Ingress, plus Egress when it has egress rules', () => {
    const m = withPolicies(policy('client', { podSelector: { matchLabels: CLIENT.labels }, egress: [] }));
    expect(networkAllows(m, CLIENT, SERVER, 8080)).toBe(false);
  });
});

describe('egressAllowsDns', () => {
  test('open egress allows DNS; restricted egress needs UDP and TCP 53 to kube-dns', () => {
    const egress = (rules: any[]): Manifest[] => withPolicies(policy('client', { podSelector: { matchLabels: CLIENT.labels }, policyTypes: ['Egress'], egress: rules }));
    expect(egressAllowsDns(withPolicies(), CLIENT)).toBe(true);
    expect(egressAllowsDns(egress([]), CLIENT)).toBe(false);
    expect(egressAllowsDns(egress([DNS_RULE]), CLIENT)).toBe(true);
    expect(egressAllowsDns(egress([{ ...DNS_RULE, ports: [{ port: 53, protocol: 'UDP' }] }]), CLIENT)).toBe(false);
    expect(egressAllowsDns(egress([{ ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }] }]), CLIENT)).toBe(true);
  });
});

describe('checkFlows', () => {
  const flow: Flow = { name: 'client -> web http', from: CLIENT, to: SERVER, port: 8080 };

  test('an allowed flow passes', () => {
    expectClean(checkFlows(withPolicies(ingress([{ podSelector: { matchLabels: CLIENT.labels } }], [{ port: 'http' }])), [flow]));
  });

  test('flows/blocked: denied by the target\'s ingress or the source\'s egress', () => {
    const v = checkFlows(withPolicies(ingress([{ podSelector: { matchLabels: { app: 'other' } } }])), [flow]);
    expectOnly(v, 'flows/blocked');
    expect(v[0]).toMatchObject({ resource: 'Flow client -> web http' });
    expectOnly(checkFlows(withPolicies(policy('client', { podSelector: { matchLabels: CLIENT.labels }, policyTypes: ['Egress'], egress: [DNS_RULE] })), [flow]), 'flows/blocked');
  });

  test('flows/dns: the source must reach kube-dns', () => {
    const m = withPolicies(policy('client', { podSelector: { matchLabels: CLIENT.labels }, policyTypes: ['Egress'],
      egress: [{ to: [{ podSelector: { matchLabels: SELECTOR } }] }] }));
    expectOnly(checkFlows(m, [flow]), 'flows/dns');
  });

  test('flows/unknown-target: a target no pod template carries would pass vacuously', () => {
    expectOnly(checkFlows(withPolicies(), [{ ...flow, to: { namespace: NS, labels: { app: 'wbe' } } }]), 'flows/unknown-target');
  });
});

describe('checkOnlyDeclaredFlows', () => {
  const deny = policy('deny', { podSelector: {}, policyTypes: ['Ingress'] });
  const fromClient = ingress([{ podSelector: { matchLabels: CLIENT.labels } }], [{ port: 8080, protocol: 'TCP' }]);
  const declared: Flow[] = [{ name: 'client -> server', from: CLIENT, to: SERVER, port: 8080 }];

  test('passes when only declared flows are open', () => {
    expect(checkOnlyDeclaredFlows(withPolicies(deny, fromClient), declared, [CLIENT])).toEqual([]);
  });

  test('fails on a port open to a source no flow declares', () => {
    const open = ingress(undefined, [{ port: 8080, protocol: 'TCP' }]);
    const violations = checkOnlyDeclaredFlows(withPolicies(open), declared, [CLIENT, { namespace: 'elsewhere', labels: {} }]);
    expect(violations.map((v) => v.rule)).toContain('flows/undeclared');
    expect(violations.map((v) => v.message)).toContainEqual(expect.stringMatching(/TCP\/8080 is open to elsewhere/));
  });

  test('host-network pods are outside NetworkPolicies', () => {
    const m = withPolicies(deny);
    const server = m.find((o) => o.kind === 'Deployment')!;
    server.spec.template.spec.hostNetwork = true;
    expect(networkAllows(m, CLIENT, SERVER, 8080)).toBe(true);
    expect(checkOnlyDeclaredFlows(m, [], [CLIENT])).toEqual([]);
  });
});
