import { IConstruct } from 'constructs';
import { check } from './validation';

/**
 * A Prometheus duration (`30s`, `5m`, `1h30m`, `500ms`): units from years down to milliseconds, in
 * that order, each at most once. The same grammar the Prometheus Operator CRDs accept.
 */
const DURATION = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;
const UNIT_MS = [365 * 86_400_000, 7 * 86_400_000, 86_400_000, 3_600_000, 60_000, 1000, 1];

/** Milliseconds in a Prometheus duration, or undefined when it is not one (`''`, `5 m`, `1.5h`, `m5`). */
export function parsePrometheusDuration(value: string): number | undefined {
  if (typeof value !== 'string' || value.length === 0) return undefined;
  const match = DURATION.exec(value);
  if (!match) return undefined;
  return match.slice(1).reduce((total, part, i) => total + (part === undefined ? 0 : Number(part) * UNIT_MS[i]), 0);
}

/** A positive Prometheus duration of at least `minMs`; returns it unchanged. */
export function checkPrometheusDuration(scope: IConstruct, prop: string, value: string, minMs = 1): string {
  const ms = parsePrometheusDuration(value);
  check(ms !== undefined && ms >= minMs, scope, prop, value,
    `must be a Prometheus duration of at least ${formatMs(minMs)} such as "30s", "5m" or "1h30m" (units y, w, d, h, m, s, ms; largest first; no spaces or fractions)`);
  return value;
}

function formatMs(ms: number): string {
  return ms >= 1000 && ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

const PAIRS: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
const CLOSERS: Record<string, string> = { ')': '(', ']': '[', '}': '{' };

/**
 * What is wrong with a PromQL expression, as far as a synth-time check can tell without a full
 * parser: empty text, unbalanced `()`, `[]` or `{}` (string literals and `#` comments are skipped),
 * unterminated strings, and range or subquery selectors whose durations are not Prometheus
 * durations (`[5m]`, `[1h:1m]`, `[30m:]` are fine; `[5 minutes]`, `[]` are not).
 * Returns an empty list for an expression that passes.
 */
export function promqlProblems(expr: string): string[] {
  if (typeof expr !== 'string' || expr.trim().length === 0) return ['is empty'];
  const problems: string[] = [];
  const stack: { char: string; at: number }[] = [];
  let i = 0;
  while (i < expr.length) {
    const c = expr[i];
    if (c === '"' || c === "'" || c === '`') {
      const end = stringEnd(expr, i);
      if (end < 0) return [...problems, `has an unterminated string starting at offset ${i}`];
      i = end + 1;
      continue;
    }
    if (c === '#') {
      const newline = expr.indexOf('\n', i);
      i = newline < 0 ? expr.length : newline + 1;
      continue;
    }
    if (PAIRS[c]) {
      stack.push({ char: c, at: i });
    } else if (CLOSERS[c]) {
      const open = stack.pop();
      if (!open || open.char !== CLOSERS[c]) {
        return [...problems, `has an unbalanced '${c}' at offset ${i}`];
      }
      if (c === ']') {
        const range = expr.slice(open.at + 1, i).trim();
        if (!isRange(range)) problems.push(`has an invalid range [${range}] at offset ${open.at}: use a duration such as [5m] or a subquery such as [1h:1m]`);
      }
    }
    i++;
  }
  for (const open of stack) problems.push(`has an unclosed '${open.char}' at offset ${open.at}`);
  return problems;
}

function isRange(text: string): boolean {
  const [range, step, ...rest] = text.split(':').map((part) => part.trim());
  if (rest.length > 0 || parsePrometheusDuration(range) === undefined || parsePrometheusDuration(range) === 0) return false;
  return step === undefined || step === '' || (parsePrometheusDuration(step) ?? 0) > 0;
}

/** Index of the quote closing the string that opens at `start`, or -1. Backtick strings have no escapes. */
function stringEnd(expr: string, start: number): number {
  const quote = expr[start];
  for (let i = start + 1; i < expr.length; i++) {
    if (expr[i] === '\\' && quote !== '`') { i++; continue; }
    if (expr[i] === quote) return i;
    if (expr[i] === '\n' && quote !== '`') return -1;
  }
  return -1;
}

/** Throws a PropError naming every problem of `expr` (see {@link promqlProblems}). */
export function checkPromQL(scope: IConstruct, prop: string, expr: string): string {
  const problems = promqlProblems(expr);
  check(problems.length === 0, scope, prop, expr, `PromQL ${problems.join('; ')}`);
  return expr;
}

/** Problems of the `{{ ... }}` Go-template markers in an alert annotation (unclosed or stray). */
export function templateProblems(text: string): string[] {
  let depth = 0;
  for (let i = 0; i < text.length - 1; i++) {
    const pair = text.slice(i, i + 2);
    if (pair === '{{') { depth++; i++; if (depth > 1) return [`opens a template inside a template at offset ${i - 1}`]; }
    else if (pair === '}}') { depth--; i++; if (depth < 0) return [`closes a template that was never opened at offset ${i - 1}`]; }
  }
  return depth === 0 ? [] : ['has an unclosed {{ template'];
}

/** A PromQL string literal: double-quoted with `\` and `"` escaped. */
export function promqlString(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/** `a="x",b="y"` for a label selector, keys in the given order (callers pass them in a stable order). */
export function equalityMatchers(labels: Record<string, string>): string {
  return Object.entries(labels).map(([key, value]) => `${key}=${promqlString(value)}`).join(',');
}

const KEYWORDS = new Set(['and', 'or', 'unless', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'offset', 'atan2', 'inf', 'nan']);
/** Aggregation operators: `sum by (x) (...)` puts a modifier between the name and its parenthesis. */
const AGGREGATIONS = new Set(['sum', 'min', 'max', 'avg', 'group', 'stddev', 'stdvar', 'count', 'count_values', 'bottomk', 'topk', 'quantile', 'limitk', 'limit_ratio']);
const MODIFIERS = /\b(by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)/g;

/**
 * The metric names (sorted, unique) a PromQL expression selects: every identifier that is not a
 * function, keyword, aggregation modifier argument, label matcher, string or duration. Used to
 * prove that dashboards and alerts only read metrics of their component's metrics contract.
 */
export function promqlMetricNames(expr: string): string[] {
  const text = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""') // strings
    .replace(/#[^\n]*/g, '') // comments
    .replace(/\{[^}]*\}/g, '{}') // label matchers
    .replace(/\[[^\]]*\]/g, '[]') // ranges and subqueries
    .replace(MODIFIERS, '$1()'); // label lists of aggregations and vector matching
  const names = new Set<string>();
  for (const m of text.matchAll(/[A-Za-z_:][A-Za-z0-9_:]*/g)) {
    const word = m[0];
    const after = text.slice(m.index! + word.length).trimStart();
    if (after.startsWith('(')) continue; // a function or aggregation
    if (KEYWORDS.has(word.toLowerCase()) || AGGREGATIONS.has(word)) continue;
    // Exponent of a number literal such as 1e3 is caught by the digit check on the previous char.
    const before = m.index! > 0 ? text[m.index! - 1] : '';
    if (/[0-9.]/.test(before)) continue;
    names.add(word);
  }
  return [...names].sort();
}

const PROMETHEUS_LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** A Prometheus label name (`severity`, `team`); names starting with `__` are reserved. */
export function checkPrometheusLabelName(scope: IConstruct, prop: string, name: string): string {
  check(typeof name === 'string' && PROMETHEUS_LABEL_NAME.test(name) && !name.startsWith('__'), scope, prop, name,
    'must be a Prometheus label name: letters, digits and "_", not starting with a digit or "__"');
  return name;
}

/** An alert name: what Prometheus accepts as a label value and what Alertmanager routes on. */
export function checkAlertName(scope: IConstruct, prop: string, name: string): string {
  check(typeof name === 'string' && PROMETHEUS_LABEL_NAME.test(name), scope, prop, name,
    'must be an alert name in PascalCase style: letters, digits and "_", not starting with a digit (e.g. "KafkaOfflinePartitions")');
  return name;
}
