import { levelAllowed, podSecurityLevel } from '../../lib/checks';
import { fixture } from './fixtures';

/** A restricted pod spec (the fixture's) to break one field at a time. */
function restrictedPod(): any {
  return fixture().pod;
}

function levelAfter(mutate: (pod: any) => void): string {
  const pod = restrictedPod();
  mutate(pod);
  return podSecurityLevel(pod).level;
}

describe('podSecurityLevel', () => {
  test('the fixture pod is restricted, with no reasons', () => {
    expect(podSecurityLevel(restrictedPod())).toEqual({ level: 'restricted', reasons: [] });
  });

  test('a pod with no security settings at all is baseline', () => {
    const result = podSecurityLevel({ containers: [{ name: 'app', image: 'app:1' }] });
    expect(result.level).toBe('baseline');
    expect(result.reasons).toEqual(expect.arrayContaining([
      'restricted: container app does not set allowPrivilegeEscalation: false',
      'restricted: container app does not run with runAsNonRoot: true',
      'restricted: container app has no RuntimeDefault or Localhost seccomp profile',
      'restricted: container app does not drop ALL capabilities',
    ]));
  });

  describe('baseline rules (failing one makes the pod privileged)', () => {
    test.each<[string, (pod: any) => void]>([
      ['hostNetwork', (p) => { p.hostNetwork = true; }],
      ['hostPID', (p) => { p.hostPID = true; }],
      ['hostIPC', (p) => { p.hostIPC = true; }],
      ['privileged container', (p) => { p.containers[0].securityContext.privileged = true; }],
      ['privileged init container', (p) => { p.initContainers = [{ ...p.containers[0], name: 'init', securityContext: { ...p.containers[0].securityContext, privileged: true } }]; }],
      ['privileged ephemeral container', (p) => { p.ephemeralContainers = [{ ...p.containers[0], name: 'debug', securityContext: { ...p.containers[0].securityContext, privileged: true } }]; }],
      ['capability beyond the baseline set', (p) => { p.containers[0].securityContext.capabilities.add = ['SYS_ADMIN']; }],
      ['hostPath volume', (p) => { p.volumes.push({ name: 'logs', hostPath: { path: '/var/log' } }); }],
      ['hostPort', (p) => { p.containers[0].ports[0].hostPort = 8080; }],
      ['SELinux type', (p) => { p.securityContext.seLinuxOptions = { type: 'spc_t' }; }],
      ['SELinux user', (p) => { p.containers[0].securityContext.seLinuxOptions = { user: 'root' }; }],
      ['procMount Unmasked', (p) => { p.containers[0].securityContext.procMount = 'Unmasked'; }],
      ['unsafe sysctl', (p) => { p.securityContext.sysctls = [{ name: 'vm.max_map_count', value: '262144' }]; }],
      ['seccomp Unconfined', (p) => { p.containers[0].securityContext.seccompProfile = { type: 'Unconfined' }; }],
      ['Windows HostProcess', (p) => { p.securityContext.windowsOptions = { hostProcess: true }; }],
    ])('%s', (_name, mutate) => {
      expect(levelAfter(mutate)).toBe('privileged');
    });

    test('baseline capabilities and safe sysctls stay baseline-compatible', () => {
      expect(levelAfter((p) => { p.containers[0].securityContext.capabilities.add = ['CHOWN']; })).toBe('baseline');
      expect(levelAfter((p) => { p.securityContext.sysctls = [{ name: 'net.ipv4.ip_local_port_range', value: '1024 65535' }]; })).toBe('restricted');
    });

    test('AppArmor annotations other than runtime/default or localhost/* are privileged', () => {
      const pod = restrictedPod();
      expect(podSecurityLevel(pod, { annotations: { 'container.apparmor.security.beta.kubernetes.io/web': 'runtime/default' } }).level).toBe('restricted');
      expect(podSecurityLevel(pod, { annotations: { 'container.apparmor.security.beta.kubernetes.io/web': 'unconfined' } }).level).toBe('privileged');
    });
  });

  describe('restricted rules (failing one makes the pod baseline)', () => {
    test.each<[string, (pod: any) => void]>([
      ['volume type outside the allowed list', (p) => { p.volumes.push({ name: 'nfs', nfs: { server: 'nfs', path: '/' } }); }],
      ['allowPrivilegeEscalation unset', (p) => { delete p.containers[0].securityContext.allowPrivilegeEscalation; }],
      ['allowPrivilegeEscalation on an init container', (p) => { p.initContainers = [{ name: 'init', image: 'x:1', securityContext: { capabilities: { drop: ['ALL'] } } }]; }],
      ['runAsNonRoot false on a container', (p) => { p.containers[0].securityContext.runAsNonRoot = false; }],
      ['runAsNonRoot false on the pod', (p) => { p.securityContext.runAsNonRoot = false; }],
      ['runAsNonRoot nowhere', (p) => { delete p.securityContext.runAsNonRoot; delete p.containers[0].securityContext.runAsNonRoot; }],
      ['runAsUser 0 on the pod', (p) => { p.securityContext.runAsUser = 0; }],
      ['runAsUser 0 on a container', (p) => { p.containers[0].securityContext.runAsUser = 0; }],
      ['no seccomp profile', (p) => { delete p.securityContext.seccompProfile; }],
      ['capabilities not dropped', (p) => { delete p.containers[0].securityContext.capabilities; }],
      ['capability other than NET_BIND_SERVICE added', (p) => { p.containers[0].securityContext.capabilities.add = ['CHOWN']; }],
    ])('%s', (_name, mutate) => {
      expect(levelAfter(mutate)).toBe('baseline');
    });

    test('pod-level defaults apply to containers; NET_BIND_SERVICE and Localhost seccomp are fine', () => {
      expect(levelAfter((p) => {
        delete p.containers[0].securityContext.runAsNonRoot;
        p.containers[0].securityContext.capabilities.add = ['NET_BIND_SERVICE'];
        p.securityContext.seccompProfile = { type: 'Localhost', localhostProfile: 'p.json' };
      })).toBe('restricted');
      expect(levelAfter((p) => {
        delete p.securityContext.seccompProfile;
        p.containers[0].securityContext.seccompProfile = { type: 'RuntimeDefault' };
      })).toBe('restricted');
    });
  });

  test('levelAllowed orders restricted < baseline < privileged', () => {
    expect(levelAllowed('restricted', 'baseline')).toBe(true);
    expect(levelAllowed('baseline', 'restricted')).toBe(false);
    expect(levelAllowed('privileged', 'privileged')).toBe(true);
    expect(levelAllowed('privileged', 'baseline')).toBe(false);
  });
});
