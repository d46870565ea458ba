import { Plan, PlanIssue, PlanSummary } from './types';

/** Changed field paths shown per object before `... and N more`. */
const MAX_FIELDS = 12;

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** `2 to create, 3 to change, 1 to delete, 64 unchanged; 1 workload rolls; 0 warnings; 1 error`. */
export function formatSummary(s: PlanSummary): string {
  return `${s.created} to create, ${s.changed} to change, ${s.deleted} to delete, ${s.unchanged} unchanged; ` +
    `${plural(s.rolling, 'workload')} ${s.rolling === 1 ? 'rolls' : 'roll'}; ${plural(s.warnings, 'warning')}; ${plural(s.errors, 'error')}`;
}

/** A procedure's numbered steps (`1. ...; 2. ...`) on lines of their own. */
function procedureLines(procedure: string, indent: string): string[] {
  return procedure.split(/; (?=\d+\. )/).map((line, i) => `${indent}${i === 0 ? 'procedure: ' : '           '}${line}`);
}

function issueLines(issue: PlanIssue, mark: string): string[] {
  return [`  ${mark} [${issue.rule}] ${issue.resource}: ${issue.message}`, ...procedureLines(issue.procedure, '      ')];
}

/**
 * The plan for people: created / changed (with field paths) / deleted (with prune advice) objects,
 * rollouts, warnings and errors with their procedures, and a summary line. Unchanged objects are
 * only counted.
 */
export function formatPlan(plan: Plan, header?: string): string {
  const out: string[] = [];
  if (header) out.push(header, '');
  const section = (title: string, lines: string[]) => {
    if (lines.length) out.push(`${title}:`, ...lines, '');
  };
  section(`Created (${plan.summary.created})`, plan.objects.filter((o) => o.change === 'created').map((o) => `  + ${o.id}`));
  section(`Changed (${plan.summary.changed})`, plan.objects.filter((o) => o.change === 'changed').flatMap((o) => [
    `  ~ ${o.id}`,
    ...o.fields.slice(0, MAX_FIELDS).map((f) => `      ${f}`),
    ...(o.fields.length > MAX_FIELDS ? [`      ... and ${o.fields.length - MAX_FIELDS} more`] : []),
  ]));
  section(`Deleted (${plan.summary.deleted})`, plan.objects.filter((o) => o.change === 'deleted').map((o) => `  - ${o.id}: ${o.prune?.text ?? 'needs pruning'}`));
  section(`Rollouts (${plan.rollouts.length})`, plan.rollouts.map((r) => `  > ${r.workload}: ${r.summary}`));
  section(`Warnings (${plan.warnings.length})`, plan.warnings.flatMap((w) => issueLines(w, '!')));
  section(`Errors (${plan.errors.length}): \`kubectl apply\` fails or breaks the running system; follow each procedure`,
    plan.errors.flatMap((e) => issueLines(e, 'x')));
  out.push(`Plan: ${formatSummary(plan.summary)}`);
  return out.join('\n');
}
