/** The dashboard selectors live in lib/core/dashboard-model.ts. */
export { componentSeries, KSM_SERIES } from '../../core/dashboard-model';
export type { ComponentDashboardOptions } from '../../core/dashboard-model';
