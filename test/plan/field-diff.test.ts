import { changedPaths, deepEqual } from '../../lib/plan';

describe('changedPaths', () => {
  test('containers are matched by name; map keys with dots are quoted', () => {
    const before = {
      metadata: { labels: { 'app.kubernetes.io/version': '3.9.1', app: 'kafka' } },
      spec: { template: { spec: { containers: [{ name: 'kafka', image: 'apache/kafka:3.9.1' }, { name: 'metrics', image: 'exporter:1' }] } } },
    };
    const after = {
      metadata: { labels: { 'app.kubernetes.io/version': '3.9.2', app: 'kafka' } },
      spec: { template: { spec: { containers: [{ name: 'kafka', image: 'apache/kafka:3.9.2' }, { name: 'metrics', image: 'exporter:1' }] } } },
    };
    expect(changedPaths(before, after)).toEqual([
      'metadata.labels["app.kubernetes.io/version"]',
      'spec.template.spec.containers[kafka].image',
    ]);
  });

  test('an inserted item is one path, not a shift of every item after it', () => {
    const env = (names: string[]) => ({ env: names.map((name) => ({ name, value: name.toLowerCase() })) });
    expect(changedPaths(env(['A', 'C']), env(['A', 'B', 'C']))).toEqual(['env[B]']);
    expect(changedPaths(env(['A', 'B', 'C']), env(['A', 'C']))).toEqual(['env[B]']);
  });

  test('volumeClaimTemplates are matched by metadata.name; scalar lists are one path', () => {
    const vct = (size: string) => ({ volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { resources: { requests: { storage: size } } } }] });
    expect(changedPaths(vct('1Gi'), vct('2Gi'))).toEqual(['volumeClaimTemplates[data].spec.resources.requests.storage']);
    expect(changedPaths({ args: ['a', 'b'] }, { args: ['a', 'c'] })).toEqual(['args']);
  });

  test('lists without names: by index when the lengths match, else the whole list', () => {
    expect(changedPaths({ rules: [{ port: 1 }, { port: 2 }] }, { rules: [{ port: 1 }, { port: 3 }] })).toEqual(['rules[1].port']);
    expect(changedPaths({ rules: [{ port: 1 }] }, { rules: [{ port: 1 }, { port: 2 }] })).toEqual(['rules']);
  });

  test('added and removed keys; ConfigMap data keys', () => {
    expect(changedPaths({ data: { 'zoo.cfg': 'a', 'start.sh': 'x' } }, { data: { 'zoo.cfg': 'b', 'log.xml': 'y' } }))
      .toEqual(['data["zoo.cfg"]', 'data["start.sh"]', 'data["log.xml"]']);
  });

  test('equal values (whatever the key order) have no paths', () => {
    expect(changedPaths({ a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] }, a: 1 })).toEqual([]);
    expect(deepEqual({ a: 1, b: undefined }, { a: 1 })).toBe(true);
    expect(deepEqual([1, 2], [2, 1])).toBe(false);
    expect(changedPaths(1, 2)).toEqual(['<root>']);
  });
});
