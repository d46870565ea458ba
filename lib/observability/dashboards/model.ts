/** The dashboard model lives in lib/core/dashboard-model.ts (components write their dashboards with it). */
export * from '../../core/dashboard-model';
