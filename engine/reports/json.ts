import type { RunReport } from '../report.ts';

/** `report.json`: the {@link RunReport} as `schemas/report.schema.json` describes it (its `reportVersion` says which shape). */
export function renderJson(report: RunReport): string {
  return JSON.stringify(report, null, 2) + '\n';
}
