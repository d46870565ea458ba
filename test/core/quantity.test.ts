import { Chart, Testing } from 'cdk8s';
import { checkQuantity, checkResources, jvmHeapFlags, jvmHeapMiB, parseQuantity } from '../../lib';

describe('quantities', () => {
  test.each([
    ['250m', 0.25], ['2', 2], ['1.5', 1.5], ['512Mi', 512 * 2 ** 20], ['10Gi', 10 * 2 ** 30], ['1G', 1e9], ['1e3', 1000], ['100k', 1e5],
  ])('%s parses to %d', (text, value) => {
    expect(parseQuantity(text)).toBeCloseTo(value);
  });

  test.each(['10GB', 'lots', '', '1.2.3', 'Gi', '5 Gi'])('%j is not a quantity', (text) => {
    expect(parseQuantity(text)).toBeUndefined();
  });

  test('checkQuantity rejects zero and negative sizes with a clear message', () => {
    const scope = new Chart(Testing.app(), 'c');
    expect(() => checkQuantity(scope, 'size', '-1Gi')).toThrow('c: invalid size "-1Gi": must be a positive Kubernetes quantity');
    expect(() => checkQuantity(scope, 'size', '0')).toThrow('invalid size "0"');
  });

  test('JVM heap is a fraction of the memory limit, never below 64 MiB', () => {
    expect(jvmHeapMiB('2Gi')).toBe(1024);
    expect(jvmHeapMiB('1Gi', 0.75)).toBe(768);
    expect(jvmHeapMiB('64Mi')).toBe(64);
    expect(jvmHeapFlags('4Gi')).toBe('-Xms2048m -Xmx2048m');
    expect(() => jvmHeapMiB('big')).toThrow('"big" is not a positive memory quantity');
  });

  test('resources: requests must fit within limits', () => {
    const scope = new Chart(Testing.app(), 'c');
    const ok = { requests: { cpu: '250m', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } };
    expect(checkResources(scope, 'resources', ok)).toBe(ok);
    expect(() => checkResources(scope, 'resources', { ...ok, requests: { cpu: '250m', memory: '2Gi' } }))
      .toThrow('c: invalid resources.requests.memory "2Gi": must not exceed resources.limits.memory (1Gi)');
  });
});
