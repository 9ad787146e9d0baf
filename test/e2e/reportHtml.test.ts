import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { spawnEngine, tmp } from '../helpers/engine.ts';
import type { RunReport } from '../../engine/report.ts';

/**
 * `report.html` of a real drill (`engine run workflows/route53-failover.yaml`), opened in
 * headless Chromium: no console error, no request but the file itself, a timeline lane per
 * step, a shaded fault window, a verdict table and steps table that agree with report.json.
 * Screenshots (`report.png`, `timeline.png`) and a printed `report.pdf` stay in the run folder.
 */
const test = suite('e2e/report.html in a browser');

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];

let browser: Browser | undefined;
test.after(async () => {
  await browser?.close();
});

test('the drill report opens offline, cleanly, and agrees with report.json', async () => {
  const stateDir = tmp('report-html-');
  const run = await spawnEngine(['run', 'workflows/route53-failover.yaml', '--json', '--state-dir', stateDir]);
  assert.is(run.code, 0, run.stderr.slice(-3000));
  const { runDir } = JSON.parse(run.stdout) as RunReport;
  const report = JSON.parse(readFileSync(join(runDir, 'report.json'), 'utf8')) as RunReport;
  const url = pathToFileURL(join(runDir, 'report.html')).href;

  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  const problems: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => void (m.type() === 'error' || m.type() === 'warning' ? problems.push(`${m.type()}: ${m.text()}`) : undefined));
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(url, { waitUntil: 'load' });

  assert.equal(problems, []);
  assert.equal(requests, [url], 'the only request is the file itself');

  // One lane per step, in the report's order.
  const lanes = await page.$$eval('svg.timeline g.lane', (gs) =>
    gs.map((g) => [g.getAttribute('data-lane'), g.getAttribute('data-status')]),
  );
  assert.equal(
    lanes,
    report.steps.map((s) => [s.id, s.status]),
  );
  // The fault window is shaded: a visible, filled rectangle from breakPrimary to restorePrimary.
  const fault = await page.$eval('svg.timeline [data-fault] rect.fault', (r) => {
    const box = r.getBoundingClientRect();
    const style = (globalThis as unknown as { getComputedStyle(e: unknown): { fill: string; fillOpacity: string } }).getComputedStyle(r);
    return { x: box.x, width: box.width, height: box.height, fill: style.fill, opacity: Number(style.fillOpacity) };
  });
  assert.ok(fault.width > 20 && fault.height > 100, JSON.stringify(fault));
  assert.not.equal(fault.fill, 'none');
  assert.ok(fault.opacity > 0);
  // The drill journals its fault's start and stop, so the window comes from those events.
  assert.equal(
    report.evidence.faultWindows.map((f) => f.source),
    ['fault-events'],
  );
  // The window runs from breakPrimary's end to restorePrimary's end (report.json), and the picture
  // agrees: its edges fall within those steps' bars (a bar is at least 3 px wide, so may reach further).
  const window = report.evidence.faultWindows[0]!;
  assert.is(window.start, report.steps.find((s) => s.id === 'breakPrimary')?.endedAt);
  assert.is(window.end, report.steps.find((s) => s.id === 'restorePrimary')?.endedAt);
  const bar = (id: string) =>
    page.$eval(`svg.timeline g.lane[data-lane="${id}"] rect.run`, (r) => {
      const box = r.getBoundingClientRect();
      return { start: box.x, end: box.x + box.width };
    });
  const within = (x: number, b: { start: number; end: number }) => x >= b.start - 0.5 && x <= b.end + 0.5;
  assert.ok(within(fault.x, await bar('breakPrimary')), 'the window opens when breakPrimary ends');
  assert.ok(within(fault.x + fault.width, await bar('restorePrimary')), 'and closes when restorePrimary ends');
  // DNS answers the await steps saw.
  assert.ok(await page.$('svg.timeline [data-dns="test.hello-localstack.com"]'));

  // The verdict table and the steps table say what report.json says.
  const verdictRows = await page.$$eval('#verdicts tbody tr', (trs) =>
    trs.map((tr) => [tr.getAttribute('data-objective'), tr.getAttribute('data-pass'), tr.textContent ?? '']),
  );
  if (report.verdicts.length)
    assert.equal(
      verdictRows.map((r) => [r[0], r[1]]),
      report.verdicts.map((v) => [v.name, String(v.pass)]),
    );
  else
    assert.equal(
      verdictRows.map((r) => r[2]),
      ['No objectives declared in this workflow.'],
    );
  assert.is(await page.$eval('.badge', (b) => b.getAttribute('data-status')), report.status);
  // The drill's measures, each with its resolution, as the summary prints them.
  const measures = await page.$eval('#measures', (pre) => pre.textContent ?? '');
  const rto = report.drill!.measures!.failover.rto!;
  assert.match(measures, `failover: RTO ${(rto / 1000).toFixed(1)} s (onset `);
  assert.match(measures, /\n {2}resolution: each mark is the first sample that showed its change, at most onset \d+\.\d s, /);
  assert.match(measures, /\n {2}error window: ttl \d+\.\d s \(\d+\.\d–\d+\.\d s\), forever /);
  const met = report.verdicts.filter((v) => v.pass).length;
  const verdictLine = report.verdicts.length
    ? `Passed: exit 0, ${met} of ${report.verdicts.length} objectives met`
    : 'Passed: exit 0, no objectives declared';
  assert.is(await page.$eval('.verdict-line', (p) => p.textContent), verdictLine);
  const stepRows = await page.$$eval('#steps tbody tr', (trs) =>
    trs.map((tr) => [tr.getAttribute('data-step'), tr.querySelector('.pill')?.textContent]),
  );
  assert.equal(
    stepRows,
    report.steps.map((s) => [s.id, s.status]),
  );
  // What identifies the run.
  const facts = await page.$eval('dl.facts', (dl) => dl.textContent ?? '');
  for (const fact of [report.runId, report.workflow.digest, report.engineVersion ?? '?', 'embedded']) assert.ok(facts.includes(fact), fact);

  await page.screenshot({ path: join(runDir, 'report.png'), fullPage: true });
  await (await page.$('.timeline-section'))!.screenshot({ path: join(runDir, 'timeline.png') });
  await page.emulateMedia({ media: 'print' });
  await page.pdf({ path: join(runDir, 'report.pdf'), format: 'A4', landscape: true, printBackground: true });
  for (const file of ['report.png', 'timeline.png', 'report.pdf']) assert.ok(statSync(join(runDir, file)).size > 10_000, file);
  process.stderr.write(`report.html screenshots in ${runDir}\n`);
});

test.run();
