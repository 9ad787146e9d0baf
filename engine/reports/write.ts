import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunEvent } from '../events.ts';
import type { RunReport } from '../report.ts';
import { renderHtml } from './html.ts';
import { renderJson } from './json.ts';
import { renderJunit } from './junit.ts';
import { renderMarkdown } from './markdown.ts';
import { reportModel } from './model.ts';

/** The report formats `engine report --format` renders. */
export const ReportFormat = { HTML: 'html', MD: 'md', JSON: 'json', JUNIT: 'junit' } as const;
export type ReportFormat = (typeof ReportFormat)[keyof typeof ReportFormat];

/** The file each format is written to in the run's folder. */
export const REPORT_FILES: Record<ReportFormat, string> = { html: 'report.html', md: 'report.md', json: 'report.json', junit: 'junit.xml' };

/** Renders one format of a report (`events` are the ones it was folded from). */
export function renderReport(format: ReportFormat, report: RunReport, events: readonly RunEvent[]): string {
  switch (format) {
    case ReportFormat.HTML:
      return renderHtml(report, reportModel(events));
    case ReportFormat.MD:
      return renderMarkdown(report);
    case ReportFormat.JSON:
      return renderJson(report);
    case ReportFormat.JUNIT:
      return renderJunit(report);
  }
}

/**
 * Writes every format into the run's folder and returns the paths. When `GITHUB_STEP_SUMMARY`
 * names a file (GitHub Actions), the Markdown report is appended to it.
 */
export function writeReports(
  report: RunReport,
  events: readonly RunEvent[],
  options: { env?: Record<string, string | undefined> } = {},
): string[] {
  mkdirSync(report.runDir, { recursive: true });
  const written = Object.values(ReportFormat).map((format) => {
    const path = join(report.runDir, REPORT_FILES[format]);
    writeFileSync(path, renderReport(format, report, events));
    return path;
  });
  const summary = options.env?.GITHUB_STEP_SUMMARY;
  if (summary) appendFileSync(summary, renderMarkdown(report) + '\n');
  return written;
}
