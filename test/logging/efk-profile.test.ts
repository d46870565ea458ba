import { Testing } from 'cdk8s';
import { buildCluster } from '../../lib/platform/platform';
import { efkProfileProps, PROFILES } from '../../lib/platform/profile';
import { synthStack } from './support';

/** The platform's profiles become plain EFK props (lib/platform/profile.ts, logging section). */
describe('efkProfileProps', () => {
  test('production: the quorum size and hard anti-affinity, nothing else (the constructs\' defaults)', () => {
    expect(efkProfileProps(PROFILES.production)).toEqual({ replicas: 3, storage: {}, elasticsearch: { antiAffinity: 'required' } });
  });

  test('dev: one node, small resources, soft anti-affinity, a 10Gi volume, one day of logs', () => {
    expect(efkProfileProps(PROFILES.dev)).toEqual({
      replicas: 1,
      retentionDays: 1,
      storage: { size: '10Gi' },
      elasticsearch: { antiAffinity: 'preferred', resources: { requests: { cpu: '500m', memory: '2Gi' }, limits: { cpu: '1', memory: '2Gi' } } },
    });
  });

  test('user overrides are layered on top; storage and elasticsearch merge key by key', () => {
    expect(efkProfileProps(PROFILES.dev, { replicas: 3, storage: { emptyDir: true }, elasticsearch: { name: 'es' } })).toMatchObject({
      replicas: 3,
      storage: { size: '10Gi', emptyDir: true },
      elasticsearch: { name: 'es', antiAffinity: 'preferred', resources: { limits: { cpu: '1', memory: '2Gi' } } },
    });
  });

  test('the production profile refuses emptyDir storage; the construct takes it as an opt-in', () => {
    const message = 'buildPlatform: invalid efk.storage.emptyDir true: the production profile needs persistent volumes (an emptyDir loses every index when a pod moves); use profile "dev" for experiments';
    expect(() => efkProfileProps(PROFILES.production, { storage: { emptyDir: true } })).toThrow(message);
    expect(() => buildCluster(Testing.app(), { efk: { storage: { emptyDir: true } } })).toThrow(message);
    expect(() => efkProfileProps(PROFILES.dev, { storage: { emptyDir: true } })).not.toThrow();
    const es = synthStack({ storage: { emptyDir: true } }).efk.elasticsearch;
    expect(es.statefulSet.toJson().spec.volumeClaimTemplates).toBeUndefined();
  });

  test('the dev platform gets the dev values', () => {
    const efk = buildCluster(Testing.app(), { profile: PROFILES.dev, monitoring: false }).efk;
    expect(efk.elasticsearch.replicas).toBe(1);
    expect(efk.retention.retentionDays).toBe(1);
    const sts = efk.elasticsearch.statefulSet.toJson();
    expect(sts.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe('10Gi');
    expect(sts.spec.template.spec.containers[0].resources.limits).toEqual({ cpu: '1', memory: '2Gi' });
  });
});
