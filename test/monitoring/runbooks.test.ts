import * as fs from 'fs';
import * as path from 'path';
import { DEFAULT_RUNBOOK_BASE_URL } from '../../lib/monitoring';
import { stackAlertGroups } from '../../lib/observability/stack-alerts';
import { level2Anchors, PlatformUnderTest } from './promtool-support';

/**
 * Every alert the platform emits links (`runbook_url`) to a runbook that exists in this
 * repository: `docs/runbooks/<page>.md`, a `##` heading whose anchor is the URL's fragment, with
 * the four parts every runbook has. And no runbook documents an alert nobody emits.
 */

const RUNBOOKS = path.join(__dirname, '..', '..', 'docs', 'runbooks');
const PARTS = ['**Meaning.**', '**Impact.**', '**Diagnosis.**', '**Fix.**'];

const pages: Record<string, string> = Object.fromEntries(fs.readdirSync(RUNBOOKS).filter((f) => f.endsWith('.md') && f !== 'README.md')
  .map((f) => [f, fs.readFileSync(path.join(RUNBOOKS, f), 'utf8')]));

/** The `##` sections of a page by anchor. */
function sections(markdown: string): Record<string, string> {
  const parts = markdown.split(/^(?=## )/m).filter((p) => p.startsWith('## '));
  return Object.fromEntries(parts.map((p) => [level2Anchors(p)[0], p]));
}

describe.each(['production', 'dev'] as const)('runbooks of the %s platform', (profile) => {
  const platform = new PlatformUnderTest(profile);

  test.each(platform.rules.map((r) => [r.alert, r.annotations.runbook_url]))('%s links to %s, which exists', (_alert, url) => {
    expect(url.startsWith(`${DEFAULT_RUNBOOK_BASE_URL}/`)).toBe(true);
    const [file, anchor] = url.slice(DEFAULT_RUNBOOK_BASE_URL.length + 1).split('#');
    expect(Object.keys(pages)).toContain(file);
    expect(level2Anchors(pages[file])).toContain(anchor);
  });
});

test('every runbook section has meaning, impact, diagnosis commands and fix', () => {
  for (const [file, text] of Object.entries(pages)) {
    for (const [anchor, section] of Object.entries(sections(text))) {
      const missing = PARTS.filter((part) => !section.includes(part));
      expect({ runbook: `${file}#${anchor}`, missing, commands: /```sh\n[\s\S]+?```/.test(section) })
        .toEqual({ runbook: `${file}#${anchor}`, missing: [], commands: true });
    }
  }
});

test('every runbook heading is the target of an emitted alert (no stale runbooks), anchors unique per page', () => {
  // Plus the monitoring stack's own alerts (lib/observability), linked once the stack is wired in.
  const stackUrls = stackAlertGroups({ namespace: 'monitoring' }).flatMap((g) => g.rules.map((r) => r.runbookUrl!));
  const linked = new Set([...new PlatformUnderTest('production').rules.map((r) => r.annotations.runbook_url), ...stackUrls]
    .map((url) => url.slice(DEFAULT_RUNBOOK_BASE_URL.length + 1)));
  for (const [file, text] of Object.entries(pages)) {
    const anchors = level2Anchors(text);
    expect(new Set(anchors).size).toBe(anchors.length);
    expect(anchors.map((a) => `${file}#${a}`).filter((a) => !linked.has(a))).toEqual([]);
  }
});

test('the runbook index lists every page', () => {
  const index = fs.readFileSync(path.join(RUNBOOKS, 'README.md'), 'utf8');
  for (const file of Object.keys(pages)) expect(index).toContain(`(${file})`);
});
