import { Chart, Testing } from 'cdk8s';
import { checkDnsLabel, checkInteger, checkOddQuorum, checkPinnedImage, checkPort, isPinnedImage, PropError } from '../../lib';

const scope = () => new Chart(Testing.app(), 'chart');

describe('prop validation', () => {
  test('errors name the construct path, the prop, the value and what is allowed', () => {
    const error = (() => { try { checkOddQuorum(scope(), 'replicas', 2); return undefined; } catch (e) { return e; } })();
    expect(error).toBeInstanceOf(PropError);
    expect((error as Error).message).toBe('chart: invalid replicas 2: must be an odd integer >= 1 (1, 3, 5, ...) so a majority quorum survives failures');
  });

  test('integers within bounds', () => {
    expect(checkInteger(scope(), 'n', 3, 1, 5)).toBe(3);
    expect(() => checkInteger(scope(), 'n', 6, 1, 5)).toThrow('chart: invalid n 6: must be an integer from 1 to 5');
    expect(() => checkInteger(scope(), 'n', 1.5, 1)).toThrow('must be an integer >= 1');
  });

  test('ports', () => {
    expect(checkPort(scope(), 'port', 9093)).toBe(9093);
    expect(() => checkPort(scope(), 'port', 70000)).toThrow('invalid port 70000: must be an integer from 1 to 65535');
  });

  test.each(['zk', 'kafka-hs', 'a1'])('DNS label %s is accepted', (name) => {
    expect(checkDnsLabel(scope(), 'name', name)).toBe(name);
  });

  test.each(['Zk', '-zk', 'zk-', 'zk_hs', 'a'.repeat(64), ''])('DNS label %j is rejected', (name) => {
    expect(() => checkDnsLabel(scope(), 'name', name)).toThrow(/must be a DNS label/);
  });

  test.each([
    ['zookeeper:3.9.3', true],
    ['quay.io/prometheus/node-exporter:v1.8.2', true],
    ['localhost:5000/app:1.0', true],
    [`repo/app@sha256:${'a'.repeat(64)}`, true],
    ['zookeeper', false],
    ['zookeeper:latest', false],
    ['localhost:5000/app', false],
    ['zoo keeper:1', false],
  ])('pinned image %s -> %s', (image, pinned) => {
    expect(isPinnedImage(image)).toBe(pinned);
  });

  test('unpinned images are rejected', () => {
    expect(() => checkPinnedImage(scope(), 'image', 'nginx:latest')).toThrow('chart: invalid image "nginx:latest": must name an explicit tag or digest');
  });
});
