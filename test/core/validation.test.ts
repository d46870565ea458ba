import { Chart, Testing } from 'cdk8s';
import { checkDnsLabel, checkInteger, checkOddQuorum, checkPinnedImage, checkPort, isPinnedImage, PropError } from '../../lib';
import { checkBoolean, checkCidr, checkOneOf, parseImageReference } from '../../lib/core/validation';
import { derivedDnsLabels } from '../../lib/core/names';

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

describe('image references follow the distribution/reference grammar', () => {
  const HEX = 'a'.repeat(64);
  test.each([
    ['zookeeper:3.9.3', { repository: 'zookeeper', tag: '3.9.3' }],
    ['docker.io/bitnamilegacy/jmx-exporter:1.1.0-debian-12-r0', { domain: 'docker.io', repository: 'bitnamilegacy/jmx-exporter', tag: '1.1.0-debian-12-r0' }],
    ['localhost:5000/app:1.0', { domain: 'localhost:5000', repository: 'app', tag: '1.0' }],
    ['[::1]:5000/team/app:v2', { domain: '[::1]:5000', repository: 'team/app', tag: 'v2' }],
    ['Registry.Example.com/a/b__c.d--e:1_0', { domain: 'Registry.Example.com', repository: 'a/b__c.d--e', tag: '1_0' }],
    [`repo/app:1.2@sha256:${HEX}`, { repository: 'repo/app', tag: '1.2', digest: `sha256:${HEX}` }],
    [`repo/app@sha512:${'0'.repeat(128)}`, { repository: 'repo/app', digest: `sha512:${'0'.repeat(128)}` }],
  ])('%s parses', (image, parts) => {
    expect(parseImageReference(image)).toEqual({ domain: undefined, tag: undefined, digest: undefined, ...parts });
  });

  test.each([
    ['Zookeeper:3.9', 'must be lowercase'],
    ['library/NGINX:1.27', 'must be lowercase'],
    ['repo/app@sha256:abc', 'digest "sha256:abc"'],
    [`repo/app@sha256:${'a'.repeat(63)}`, 'digest'],
    [`repo/app@sha256:${'a'.repeat(65)}`, 'digest'],
    [`repo/app@sha256:${'g'.repeat(64)}`, 'digest'],
    [`repo/app@sha256:${HEX}@sha256:${HEX}`, 'digest'],
    ['repo/app:', 'tag ""'],
    ['repo/app:-1', 'tag "-1"'],
    [`repo/app:${'1'.repeat(129)}`, 'tag'],
    ['repo//app:1', 'empty path component'],
    ['/app:1', 'empty path component'],
    ['repo/app/:1', 'empty path component'],
    ['repo/-app:1', 'repository component "-app"'],
    ['repo/a..b:1', 'repository component "a..b"'],
    ['re_po.com-:80/app:1', 'registry'],
    ['localhost:/app:1', 'registry'],
    [`${'a'.repeat(256)}:1`, 'longer than 255'],
    ['', 'empty'],
  ])('%j is refused: %s', (image, problem) => {
    const parsed = parseImageReference(image);
    expect('problem' in parsed && parsed.problem).toContain(problem);
    expect(isPinnedImage(image)).toBe(false);
    expect(() => checkPinnedImage(scope(), 'image', image)).toThrow(`chart: invalid image ${JSON.stringify(image)}: must be a valid image reference [registry[:port]/]repository[:tag][@digest]: `);
  });

  test('latest (any case) and untagged references are valid but not pinned', () => {
    for (const image of ['nginx', 'nginx:latest', 'nginx:Latest', 'localhost:5000/app']) {
      expect('problem' in parseImageReference(image)).toBe(false);
      expect(() => checkPinnedImage(scope(), 'image', image)).toThrow('must name an explicit tag or digest');
    }
  });
});

describe('enums, booleans and CIDRs', () => {
  test('checkOneOf accepts exactly the allowed values and hints at a case mismatch', () => {
    expect(checkOneOf(scope(), 'mode', 'b', ['a', 'b'])).toBe('b');
    expect(() => checkOneOf(scope(), 'mode', 'B', ['a', 'b'])).toThrow('chart: invalid mode "B": must be "a" or "b" (values are case-sensitive: did you mean "b"?)');
    expect(() => checkOneOf(scope(), 'mode', 'c', ['a', 'b', 'd'])).toThrow('chart: invalid mode "c": must be one of "a", "b", "d"');
    expect(() => checkOneOf(scope(), 'mode', undefined, ['a'])).toThrow('chart: invalid mode undefined: must be "a"');
    expect(() => checkOneOf(scope(), 'mode', 1, ['a', 'b'])).toThrow('chart: invalid mode 1: must be "a" or "b"');
  });

  test('checkBoolean accepts true, false and undefined only', () => {
    expect(checkBoolean(scope(), 'flag', false)).toBe(false);
    expect(checkBoolean(scope(), 'flag', undefined)).toBeUndefined();
    expect(() => checkBoolean(scope(), 'flag', 'false' as never)).toThrow('chart: invalid flag "false": must be true or false');
  });

  test.each(['0.0.0.0/0', '10.0.0.0/8', '10.96.0.1/32', '::/0', 'fd00::/8', '2001:db8::1/128', '::ffff:10.0.0.0/104'])('CIDR %s is accepted', (cidr) => {
    expect(checkCidr(scope(), 'cidr', cidr)).toBe(cidr);
  });

  test.each([
    ['10.0.0.0', 'must be an IPv4 or IPv6 CIDR'],
    ['10.0.0.0/33', 'must be an IPv4 or IPv6 CIDR'],
    ['010.0.0.0/8', 'must be an IPv4 or IPv6 CIDR'],
    ['10.0.0/8', 'must be an IPv4 or IPv6 CIDR'],
    ['fe80::1%eth0/64', 'must be an IPv4 or IPv6 CIDR'],
    ['::/129', 'must be an IPv4 or IPv6 CIDR'],
    ['10.1.0.0/8', 'did you mean "10.0.0.0/8" (or "10.1.0.0/32" for the one address)?'],
    ['192.168.1.10/24', 'did you mean "192.168.1.0/24"'],
    ['2001:db8::1/32', 'did you mean "2001:db8::/32"'],
  ])('CIDR %s is refused', (cidr, message) => {
    expect(() => checkCidr(scope(), 'cidr', cidr)).toThrow(message);
  });
});

describe('derived DNS labels', () => {
  test('readable when unique, hash-suffixed when two sources give one label, never ending in "-"', () => {
    const labels = derivedDnsLabels(['/tmp', '/var/cache/app', '/var/cache-app', '/'], { fallback: 'writable' });
    expect(labels.get('/tmp')).toBe('tmp');
    expect(labels.get('/')).toBe('writable');
    expect(labels.get('/var/cache/app')).toMatch(/^var-cache-app-[0-9a-f]{10}$/);
    expect(labels.get('/var/cache/app')).not.toBe(labels.get('/var/cache-app'));
    expect(derivedDnsLabels([`/${'a'.repeat(62)}/b`]).get(`/${'a'.repeat(62)}/b`)).toBe('a'.repeat(62));
    expect(derivedDnsLabels(['kafka -> zk'], { prefix: 'egress-', maxLength: 57 }).get('kafka -> zk')).toBe('egress-kafka-zk');
    expect(() => derivedDnsLabels(['/a', '/a'])).toThrow('duplicate sources');
  });
});
