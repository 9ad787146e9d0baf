import type { RunReport } from '../report.ts';
import { actualText, limitText } from './format.ts';

/**
 * JUnit XML (`junit.xml`) as CI servers read it (Jenkins, GitLab, GitHub test reporters).
 * One `<testsuite>` of objectives: each verdict a test case, a breached one a `<failure>`
 * naming actual, limit and expression. One of steps: a failed or aborted step, or one the run
 * never finished, is a `<failure>` with its error; a skipped or never-run step `<skipped>`.
 * Times are seconds on the run's clock (AWS time).
 */
export function renderJunit(report: RunReport): string {
  const objectives: Case[] = report.verdicts.map((v) => ({
    name: v.name,
    classname: `${report.workflow.name}.objectives`,
    time: 0,
    ...(v.pass
      ? {}
      : {
          failure: {
            message: `${v.name} breached: actual ${actualText(v)}, limit ${limitText(v)}`,
            text: `${v.expression}${v.pointer ? ` (workflow ${v.pointer})` : ''}`,
          },
        }),
  }));
  const steps: Case[] = report.steps.map((s) => {
    const c: Case = { name: s.id, classname: `${report.workflow.name}.steps`, time: (s.durationMs ?? 0) / 1000 };
    if (s.status === 'failed' || s.status === 'aborted')
      c.failure = { message: s.error?.message ?? s.status, text: `${s.type} ${s.status}${s.error?.code ? ` (${s.error.code})` : ''}` };
    else if (s.status === 'skipped') c.skipped = 'its condition was false';
    else if (s.status === 'running')
      c.failure = { message: 'the run ended before this step did (killed or stopped at once)', text: s.type };
    else if (s.status === 'not-run') c.skipped = 'not run';
    if (s.compensation?.status === 'failed')
      c.failure ??= { message: `compensation failed: ${s.compensation.error?.message ?? ''}`, text: s.type };
    return c;
  });
  const stamp = report.startedAtAws.slice(0, 19);
  // An empty suite says nothing: the objectives' suite is left out of a workflow without any.
  const suites = [
    ...(objectives.length ? [suite(`${report.workflow.name} objectives`, stamp, objectives)] : []),
    suite(`${report.workflow.name} steps`, stamp, steps),
  ];
  const all = [...objectives, ...steps];
  const time = (report.durationMs / 1000).toFixed(3);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${attr(report.workflow.name)}" tests="${all.length}" failures="${count(all, 'failure')}" errors="0" skipped="${count(all, 'skipped')}" time="${time}">`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}

interface Case {
  name: string;
  classname: string;
  time: number;
  failure?: { message: string; text: string };
  skipped?: string;
}

function suite(name: string, timestamp: string, cases: Case[]): string {
  const time = cases.reduce((sum, c) => sum + c.time, 0).toFixed(3);
  const head = `  <testsuite name="${attr(name)}" tests="${cases.length}" failures="${count(cases, 'failure')}" errors="0" skipped="${count(cases, 'skipped')}" time="${time}" timestamp="${timestamp}">`;
  return [head, ...cases.map(testCase), '  </testsuite>'].join('\n');
}

function testCase(c: Case): string {
  const open = `    <testcase name="${attr(c.name)}" classname="${attr(c.classname)}" time="${c.time.toFixed(3)}"`;
  if (c.failure)
    return `${open}>\n      <failure message="${attr(c.failure.message)}" type="failure">${text(c.failure.text)}</failure>\n    </testcase>`;
  if (c.skipped !== undefined) return `${open}>\n      <skipped message="${attr(c.skipped)}"/>\n    </testcase>`;
  return `${open}/>`;
}

function count(cases: Case[], what: 'failure' | 'skipped'): number {
  return cases.filter((c) => (what === 'failure' ? c.failure : c.failure === undefined && c.skipped !== undefined)).length;
}

/** XML text: the five entities, and characters XML 1.0 forbids dropped. */
function text(value: string): string {
  return value
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

function attr(value: string): string {
  return text(value).replace(/"/g, '&quot;').replace(/\n/g, '&#10;');
}
