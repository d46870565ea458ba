/**
 * The metric names a PromQL expression selects: every identifier that is not a function, keyword,
 * aggregation modifier argument, label matcher, string or duration. Used to prove that dashboards
 * only read metrics the platform's exporters produce.
 */

const KEYWORDS = new Set(['and', 'or', 'unless', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'offset', 'atan2', 'inf', 'nan']);
/** Aggregation operators: `sum by (x) (...)` puts a modifier between the name and its parenthesis. */
const AGGREGATIONS = new Set(['sum', 'min', 'max', 'avg', 'group', 'stddev', 'stdvar', 'count', 'count_values', 'bottomk', 'topk', 'quantile', 'limitk', 'limit_ratio']);
const MODIFIERS = /\b(by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)/g;

/** Metric names (sorted, unique) read by `expr`. */
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
