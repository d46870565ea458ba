import {
  relaxedContainerSecurityContext, restrictedContainerSecurityContext, restrictedPodSecurityContext,
  SECURITY_EXCEPTION_ANNOTATION, securityExceptionAnnotations,
} from '../../lib';

describe('security baseline', () => {
  test('pods run as non-root nobody with RuntimeDefault seccomp', () => {
    expect(restrictedPodSecurityContext()).toEqual({
      runAsNonRoot: true, runAsUser: 65534, runAsGroup: 65534, fsGroup: 65534,
      fsGroupChangePolicy: 'OnRootMismatch', seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(restrictedPodSecurityContext({ runAsUser: 1000 })).toMatchObject({ runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000 });
  });

  test('containers drop every capability, never escalate and get a read-only root filesystem', () => {
    expect(restrictedContainerSecurityContext()).toEqual({
      allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, privileged: false,
      capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' },
    });
  });

  test('a relaxation is explicit and keeps the rest of the baseline', () => {
    const ctx = relaxedContainerSecurityContext({ reason: 'reads root-owned host logs', runAsRoot: true, addCapabilities: ['DAC_READ_SEARCH'] });
    expect(ctx).toMatchObject({ runAsNonRoot: false, runAsUser: 0, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'], add: ['DAC_READ_SEARCH'] } });
    expect(relaxedContainerSecurityContext({ reason: 'sets vm.max_map_count', privileged: true })).toMatchObject({ privileged: true, allowPrivilegeEscalation: true });
  });

  test('a relaxation without a reason or with CAP_ spelling is refused', () => {
    expect(() => relaxedContainerSecurityContext({ reason: '', runAsRoot: true })).toThrow('needs a reason');
    expect(() => relaxedContainerSecurityContext({ reason: 'needs the clock', addCapabilities: ['CAP_SYS_TIME'] })).toThrow('without CAP_');
  });

  test('relaxations are recorded on the pod template', () => {
    expect(securityExceptionAnnotations([])).toEqual({});
    expect(securityExceptionAnnotations([{ reason: 'reads host logs  ' }, { reason: 'uses the host network' }]))
      .toEqual({ [SECURITY_EXCEPTION_ANNOTATION]: 'reads host logs | uses the host network' });
  });
});
