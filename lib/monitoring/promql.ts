/** The PromQL helpers live in lib/core/promql.ts (components write their alerts with them). */
export * from '../core/promql';
