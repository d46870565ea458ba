import { imageVersion, selectorLabels, standardLabels } from '../../lib';

const identity = { name: 'zookeeper', instance: 'zk', component: 'server', partOf: 'streaming', version: '3.9.3' };

describe('labels', () => {
  test('selector labels hold only name, instance and component', () => {
    expect(selectorLabels(identity)).toEqual({
      'app.kubernetes.io/name': 'zookeeper',
      'app.kubernetes.io/instance': 'zk',
      'app.kubernetes.io/component': 'server',
    });
  });

  test('selector labels do not change with the version', () => {
    expect(selectorLabels({ ...identity, version: '3.9.4' })).toEqual(selectorLabels(identity));
  });

  test('standard labels add part-of, version and managed-by', () => {
    expect(standardLabels(identity)).toMatchObject({
      'app.kubernetes.io/part-of': 'streaming',
      'app.kubernetes.io/version': '3.9.3',
      'app.kubernetes.io/managed-by': 'cdk8s-platform',
    });
    expect(standardLabels({ ...identity, version: undefined })).not.toHaveProperty(['app.kubernetes.io/version']);
  });

  test('imageVersion reads the tag and ignores digests and registries with ports', () => {
    expect(imageVersion('zookeeper:3.9.3')).toBe('3.9.3');
    expect(imageVersion('registry:5000/team/app:v1.2')).toBe('v1.2');
    expect(imageVersion('registry:5000/team/app')).toBeUndefined();
    expect(imageVersion('app:1.0@sha256:' + 'a'.repeat(64))).toBe('1.0');
  });
});
