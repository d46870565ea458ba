import { readdirSync, readFileSync, statSync } from 'fs';
import { join, relative, resolve } from 'path';
import { PlatformChecksValidation } from '../../plugins/validation/plugin';
import { describeKnownRules, ignoreRuleProblem, KNOWN_RULES, RULE_GROUPS } from '../../plugins/validation/rules';

const root = resolve(__dirname, '..', '..');

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? tsFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/**
 * The rule ids the sources emit: string literals of a known group (`'policy/probes'`), the first
 * argument of `violation(` / `planError(` / `planWarning(` and `rule:` values of any group, and
 * templates such as `plan/${next.kind.toLowerCase()}-selector` (returned as patterns).
 */
/** `policy/v1` is an apiVersion, not a rule. */
const API_VERSION = /^[a-z.]+\/v\d+((alpha|beta)\d+)?$/;

function emittedRules(): { ids: Map<string, string>; patterns: Map<string, RegExp> } {
  const ids = new Map<string, string>();
  const patterns = new Map<string, RegExp>();
  const groups = RULE_GROUPS.join('|');
  const literal = new RegExp(`['\`]((?:${groups})/[a-z0-9-]+)['\`]`, 'g');
  const call = /(?:violation|planError|planWarning)\(\s*['`]([a-z]+\/[a-z0-9-]+)['`]|rule:\s*['`]([a-z]+\/[a-z0-9-]+)['`]/g;
  const template = new RegExp(`\`((?:${groups})/[a-z0-9-]*\\$\\{[^}\`]+\\}[a-z0-9-]*)\``, 'g');
  for (const file of [...tsFiles(join(root, 'lib')), ...tsFiles(join(root, 'plugins', 'validation'))]) {
    if (file.endsWith('rules.ts')) continue;
    const text = readFileSync(file, 'utf-8');
    const where = relative(root, file);
    for (const m of text.matchAll(literal)) if (!API_VERSION.test(m[1])) ids.set(m[1], where);
    for (const m of text.matchAll(call)) ids.set(m[1] ?? m[2], where);
    for (const m of text.matchAll(template)) {
      const source = `^${m[1].split(/\$\{[^}]+\}/).map((part) => part.replace(/[-/]/g, '\\$&')).join('[a-z0-9-]+')}$`;
      patterns.set(`${m[1]} (${where})`, new RegExp(source));
    }
  }
  return { ids, patterns };
}

describe('the rule catalog (plugins/validation/rules.ts)', () => {
  const { ids, patterns } = emittedRules();

  test('the scan finds the rules (sanity)', () => {
    expect(ids.size).toBeGreaterThan(50);
    expect(ids.get('policy/pinned-image')).toBe('lib/checks/policy.ts');
    expect([...patterns.keys()].some((p) => p.startsWith('plan/${next.kind.toLowerCase()}-selector'))).toBe(true);
  });

  test('lists every rule id lib/ and the plugin emit (add new rules to KNOWN_RULES)', () => {
    const missing = [...ids].filter(([id]) => !KNOWN_RULES.includes(id)).map(([id, where]) => `${id} (${where})`);
    expect(missing).toEqual([]);
    const unmatched = [...patterns].filter(([, re]) => !KNOWN_RULES.some((id) => re.test(id))).map(([p]) => p);
    expect(unmatched).toEqual([]);
  });

  test('lists no rule id that nothing emits', () => {
    const stale = KNOWN_RULES.filter((id) => !ids.has(id) && ![...patterns.values()].some((re) => re.test(id)));
    expect(stale).toEqual([]);
  });

  test('every id is in a known group, once', () => {
    expect(KNOWN_RULES.filter((id) => !(RULE_GROUPS as readonly string[]).includes(id.split('/')[0]))).toEqual([]);
    expect(new Set(KNOWN_RULES).size).toBe(KNOWN_RULES.length);
  });
});

describe('ignoreRules entries', () => {
  test('known ids and groups are accepted', () => {
    for (const entry of ['policy/pdb-missing', 'plan/deployment-selector', 'wiring/', 'plan/', 'collisions/host-port']) {
      expect(ignoreRuleProblem(entry)).toBeUndefined();
    }
    expect(() => new PlatformChecksValidation({ ignoreRules: ['policy/pdb-missing', 'wiring/'] })).not.toThrow();
  });

  test('a typo in an id is rejected with a suggestion and the list of known rules', () => {
    expect(ignoreRuleProblem('policy/pdb-mising')).toBe('"policy/pdb-mising" is not a rule id (did you mean policy/pdb-missing?)');
    expect(() => new PlatformChecksValidation({ ignoreRules: ['wiring/', 'policy/pdb-mising'] }))
      .toThrow(/ignoreRules: "policy\/pdb-mising" is not a rule id \(did you mean policy\/pdb-missing\?\)\. Known rule groups and ids: schema\/ \(invalid, no-schema, unknown-api\); policy\/ \(.*pdb-missing.*\)/);
  });

  test('an unknown group, a group without its slash and an id with a trailing slash are rejected', () => {
    expect(ignoreRuleProblem('polcy/')).toBe('"polcy/" is not a rule group');
    expect(ignoreRuleProblem('policy')).toMatch(/^"policy" is not a rule id/);
    expect(ignoreRuleProblem('policy/probes/')).toBe('"policy/probes/" is not a rule group');
    expect(() => new PlatformChecksValidation({ ignoreRules: ['polcy/', 'wirng/service-port'] }))
      .toThrow(/"polcy\/" is not a rule group; "wirng\/service-port" is not a rule id \(did you mean wiring\/service-port\?\)/);
  });

  test('the message lists every group', () => {
    const text = describeKnownRules();
    for (const g of RULE_GROUPS) expect(text).toContain(`${g}/ (`);
  });
});
