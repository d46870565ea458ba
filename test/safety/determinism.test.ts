/**
 * SPEC §10.7: two independent builds of the whole platform give byte-identical YAML. The second
 * build runs under another clock and another Math.random, so output that depended on the time
 * or on randomness (timestamps, generated ids or passwords) would differ even when both builds
 * fall within the same second.
 */
import { App } from 'cdk8s';
import { buildPlatform, PlatformOptions } from '../../lib/platform/platform';
import { PROFILES } from '../../lib/platform/profile';
import { synthYamlOf } from './support';

const OTHER_NOW = new Date('2031-07-04T05:06:07.089Z');

function build(options: PlatformOptions): string {
  const app = new App({ recordConstructMetadata: false });
  buildPlatform(app, options);
  return synthYamlOf(app);
}

/** A build with the clock at OTHER_NOW and Math.random returning a constant. */
function buildElsewhen(options: PlatformOptions): string {
  jest.useFakeTimers({ now: OTHER_NOW });
  const random = jest.spyOn(Math, 'random').mockReturnValue(0.123456789);
  try {
    return build(options);
  } finally {
    random.mockRestore();
    jest.useRealTimers();
  }
}

describe('determinism: two builds of the platform are byte-identical (SPEC §10.7)', () => {
  test.each<[string, PlatformOptions]>([
    ['production', { profile: PROFILES.production }],
    ['dev', { profile: PROFILES.dev }],
    ['production, tenants "blue" and "green"', { profile: PROFILES.production, tenants: ['blue', 'green'] }],
    ['dev, tenants "blue" and "green"', { profile: PROFILES.dev, tenants: ['blue', { name: 'green', kafka: { replicas: 1 } }] }],
  ])('%s', (_name, options) => {
    const today = new Date().toISOString().slice(0, 10);
    const first = build(options);
    const second = buildElsewhen(options);
    expect(first.length).toBeGreaterThan(10_000);
    // Compared as booleans first so a failure names the cause instead of printing 100 kB twice.
    expect({
      identical: first === second,
      containsToday: first.includes(today),
      containsOtherDate: second.includes(OTHER_NOW.toISOString().slice(0, 10)),
      containsOtherEpochSeconds: second.includes(String(Math.floor(OTHER_NOW.getTime() / 1000))),
      containsCreationTimestamp: /creationTimestamp/.test(first),
    }).toEqual({ identical: true, containsToday: false, containsOtherDate: false, containsOtherEpochSeconds: false, containsCreationTimestamp: false });
    expect(second).toBe(first);
  });
});
