/**
 * The HTML report of the HubSpot sample as a reader sees it: headless Chromium (Debian's
 * `chromium` package, driven by playwright-core) opens the file with no console errors and no
 * request but the file itself. Asserted against the JSON output of the same run: the verdict lines
 * and their colour, the KPI tiles' values, one chart mark per stage / channel / month / owner with
 * lengths in proportion to the numbers; the key columns (sources' Sig, stalls' owner and open
 * amount) inside 1280 px; no sideways page scroll on a phone; printed to PDF with no blank page and
 * no page for the footer alone. Screenshots at 1280 and 390 px are left at /tmp/leadaudit-report*.png.
 *
 * Needs `apt-get install -y chromium`; skipped (saying so in its title) when /usr/bin/chromium is
 * absent. Runs the built binary: `npm test` builds first (or run `npx tsc -p tsconfig.json`).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { inflateSync } from 'node:zlib';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { afterLabel } from '../src/render/headline.js';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
const root = resolve(import.meta.dirname, '..');
const bin = join(root, 'bin', 'leadaudit.js');
const SAMPLE = ['fixtures/samples/hubspot/contacts.csv', 'fixtures/samples/hubspot/deals.csv', '--as-of', '2025-06-30'];
const SCREENSHOT = '/tmp/leadaudit-report.png';
const SCREENSHOT_PHONE = '/tmp/leadaudit-report-phone.png';
const LAPTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

function audit(format: string): string {
  const r = spawnSync(process.execPath, [bin, 'audit', ...SAMPLE, '--format', format], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '' },
  });
  if (r.status !== 0) throw new Error(`leadaudit audit --format ${format} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

type JsonRow = Record<string, unknown>;
interface JsonDocument {
  reports: Record<string, { rows: JsonRow[] }>;
  verdict: { topic: string; finding: string; text: string }[];
}

/** A number as the page prints it (`2,001,004`, `10.3%`), as a number (a percentage as a fraction). */
function parseShown(text: string): number {
  const clean = text.replace(/,/g, '').trim();
  return clean.endsWith('%') ? Number(clean.slice(0, -1)) / 100 : Number(clean.split(' ')[0]);
}

/** The objects of a PDF (Chromium's Skia writes them plainly, streams deflated), by number. */
function pdfObjects(pdf: Buffer): Map<number, { dict: string; stream: Buffer | null }> {
  const text = pdf.toString('latin1');
  const objects = new Map<number, { dict: string; stream: Buffer | null }>();
  for (const m of text.matchAll(/(\d+) 0 obj\s*([\s\S]*?)endobj/g)) {
    const body = m[2]!;
    const at = body.indexOf('stream');
    if (at < 0) {
      objects.set(Number(m[1]), { dict: body, stream: null });
      continue;
    }
    const start = m.index + m[0].indexOf(body) + at + 'stream'.length + (body[at + 6] === '\r' ? 2 : 1);
    const length = Number(/\/Length (\d+)/.exec(body.slice(0, at))?.[1]);
    const raw = pdf.subarray(start, start + length);
    objects.set(Number(m[1]), { dict: body.slice(0, at), stream: /FlateDecode/.test(body.slice(0, at)) ? inflateSync(raw) : raw });
  }
  return objects;
}

/** Per page of a PDF, in page order (the catalog's page tree), how many text objects (`BT … ET`) its content draws. */
function textPerPage(pdf: Buffer): number[] {
  const objects = pdfObjects(pdf);
  const catalog = [...objects.values()].find((o) => /\/Type \/Catalog\b/.test(o.dict))!;
  const leaves = (ref: number): { dict: string }[] => {
    const node = objects.get(ref)!;
    if (!/\/Type \/Pages\b/.test(node.dict)) return [node];
    const kids = /\/Kids \[([^\]]*)\]/.exec(node.dict)![1]!;
    return [...kids.matchAll(/(\d+) 0 R/g)].flatMap((k) => leaves(Number(k[1])));
  };
  const pages = leaves(Number(/\/Pages (\d+) 0 R/.exec(catalog.dict)![1]));
  return pages.map((page) => {
    const refs = [.../\/Contents (?:\[([^\]]*)\]|(\d+ 0 R))/.exec(page.dict)!.slice(1).join(' ').matchAll(/(\d+) 0 R/g)].map((r) => Number(r[1]));
    return refs.reduce((sum, ref) => sum + (objects.get(ref)?.stream?.toString('latin1').match(/\bBT\b/g)?.length ?? 0), 0);
  });
}

/** A computed style property of an element, read in the page (the tests compile without the DOM library). */
function computed(locator: Locator, property: string): Promise<string | undefined> {
  return locator.evaluate((el, p) => (globalThis as unknown as { getComputedStyle(e: unknown): Record<string, string> }).getComputedStyle(el)[p], property);
}

const title = hasChromium
  ? 'the HTML report in headless Chromium'
  : `the HTML report in headless Chromium — skipped: ${CHROMIUM} is not installed (apt-get install -y chromium)`;

describe.skipIf(!hasChromium)(title, () => {
  let dir = '';
  let file = '';
  let browser: Browser;
  let page: Page;
  let json: JsonDocument;
  const reports = (name: string): JsonRow[] => json.reports[name]?.rows ?? [];
  const requests: string[] = [];
  const problems: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'leadaudit-browser-'));
    file = join(dir, 'report.html');
    writeFileSync(file, audit('html'));
    json = JSON.parse(audit('json')) as JsonDocument;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = await browser.newPage({ viewport: LAPTOP });
    page.on('request', (request) => requests.push(request.url()));
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') problems.push(`${message.type()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('loads with no console errors or warnings and requests nothing but the file', () => {
    expect(problems).toEqual([]);
    expect(requests).toEqual([pathToFileURL(file).href]);
  });

  it('opens with the three verdicts, one line each, their text and colour from the finding', async () => {
    const lines = page.locator('#headline li.verdict');
    await expect(lines.count()).resolves.toBe(3);
    expect(json.verdict).toHaveLength(3);
    const tones: Record<string, string> = { gap: 'bad', inverted: 'bad', 'no gap': 'good', works: 'good' };
    for (const [i, verdict] of json.verdict.entries()) {
      const line = lines.nth(i);
      await expect(line.locator('.text').textContent()).resolves.toBe(afterLabel(verdict.text, verdict.topic, verdict.finding));
      await expect(line.locator('.finding').textContent()).resolves.toBe(verdict.finding);
      await expect(line.getAttribute('class')).resolves.toBe(`verdict tone-${tones[verdict.finding] ?? 'neutral'}`);
      // One line each: a block of its own above the tiles, within the page width.
      const box = await line.boundingBox();
      expect(box!.x + box!.width).toBeLessThanOrEqual(LAPTOP.width);
    }
    // Coloured as the class says: a good line's border is the good green, not grey.
    const good = page.locator('#headline li.verdict.tone-good').first();
    await expect(computed(good, 'borderLeftColor')).resolves.toBe('rgb(17, 99, 41)');
    const headline = await page.locator('#headline').boundingBox();
    const main = await page.locator('main').boundingBox();
    expect(headline!.y).toBeLessThan(main!.y);
  });

  it('shows KPI tiles equal to the JSON of the same run', async () => {
    const summary = reports('summary')[0]!;
    const tile = (key: string) => page.locator(`#headline .kpi[data-key="${key}"] .value`).textContent();
    expect(parseShown((await tile('leads'))!)).toBe(summary.leads);
    expect(parseShown((await tile('win_rate'))!)).toBeCloseTo(summary.win_rate as number, 3);
    expect(parseShown((await tile('won_revenue'))!)).toBe(Math.round(summary.won_revenue as number));
    const sub = await page.locator('#headline .kpi[data-key="win_rate"] .sub').textContent();
    const [low, high] = /95% CI ([\d.]+%)–([\d.]+%)/.exec(sub!)!.slice(1).map(parseShown);
    // Shown to a tenth of a percent: within half of that (and a rounding error) of the JSON.
    expect(Math.abs(low! - (summary.win_rate_low as number))).toBeLessThanOrEqual(0.0005 + 1e-12);
    expect(Math.abs(high! - (summary.win_rate_high as number))).toBeLessThanOrEqual(0.0005 + 1e-12);
    // The biggest leak by its rubric label, as the funnel names it.
    const leak = reports('funnel').find((s) => s.stage === summary.biggest_leak);
    await expect(tile('biggest_leak')).resolves.toBe(leak?.label);
    // At the horizon no channel tested is significantly above the rest (Referrals has too few old
    // enough leads); Paid Social is below.
    expect(summary.best_channel).toBeNull();
    await expect(tile('best_channel')).resolves.toBe('—');
    await expect(page.locator('#headline .kpi[data-key="best_channel"]').getAttribute('class')).resolves.toBe('kpi tone-neutral');
    await expect(tile('worst_channel')).resolves.toBe(summary.worst_channel);
    await expect(page.locator('#headline .kpi[data-key="worst_channel"]').getAttribute('class')).resolves.toBe('kpi tone-bad');
    // The sales gap in money, as the JSON has it.
    expect(parseShown((await tile('sales_at_risk'))!)).toBe(Math.round(summary.sales_at_risk as number));
    // Row counts are not at the top: they are in Inputs, after the reports.
    await expect(page.locator('#headline').textContent()).resolves.not.toMatch(/rows read|602/);
    const inputs = await page.locator('#inputs').boundingBox();
    expect(inputs!.y).toBeGreaterThan((await page.locator('main').boundingBox())!.y);
  });

  /** The drawn widths (or heights) of a chart's bars, as the browser lays them out. */
  const sizes = (selector: string, dimension: 'width' | 'height') =>
    page.locator(selector).evaluateAll((rects, d) => rects.map((r) => r.getBoundingClientRect()[d as 'width' | 'height']), dimension);

  /** Every value over the first, against every drawn size over the first. */
  function proportional(drawn: number[], values: number[]): void {
    expect(drawn).toHaveLength(values.length);
    const i = values.findIndex((v) => v > 0);
    for (const [k, v] of values.entries()) expect(drawn[k]! / drawn[i]!).toBeCloseTo(v / values[i]!, 1);
  }

  it('draws the funnel and the pipeline: a bar per stage as long as its reach, by rubric label', async () => {
    for (const [name, id] of [
      ['funnel', '#report-funnel'],
      ['pipeline', '#report-pipeline'],
    ] as const) {
      const stages = reports(name);
      expect(stages.length).toBeGreaterThan(2);
      proportional(await sizes(`${id} svg g.bar rect.value`, 'width'), stages.map((s) => s.reached as number));
      const stalled = stages.filter((s) => typeof s.stalled === 'number' && s.stalled > 0).length;
      await expect(page.locator(`${id} svg g.bar rect.part`).count()).resolves.toBe(stalled);
    }
    const names = await page.locator('#report-funnel svg g.bar text.end').allTextContents();
    expect(names).toEqual(reports('funnel').map((s) => s.label));
    const tableStages = await page.locator('#report-funnel tbody th').allTextContents();
    expect(tableStages).toEqual(names);
  });

  it('draws sources: win-rate intervals coloured by Sig, and revenue bars in proportion, one per channel', async () => {
    const rows = reports('sources');
    const rated = rows.filter((row) => typeof row.win_rate === 'number');
    const groups = page.locator('#report-sources svg.intervals g.interval');
    await expect(groups.count()).resolves.toBe(rated.length);
    const classes = await groups.evaluateAll((gs) => gs.map((g) => g.getAttribute('class')));
    expect(classes).toEqual(rated.map((row) => `interval tone-${row.signif === '+' ? 'good' : row.signif === '-' ? 'bad' : 'neutral'}`));
    expect(classes.some((c) => c !== 'interval tone-neutral')).toBe(true);
    // Whiskers span the interval: their drawn length over the axis is the interval's width.
    const whiskers = await page.locator('#report-sources svg.intervals g.interval').evaluateAll((gs) =>
      gs.map((g) => {
        const line = g.querySelector('line.ci');
        return line ? line.getBoundingClientRect().width : 0;
      }),
    );
    proportional(whiskers, rated.map((row) => (row.win_rate_high as number) - (row.win_rate_low as number)));
    const revenue = rows.filter((row) => typeof row.won_revenue === 'number');
    proportional(await sizes('#report-sources svg.bars g.bar rect.value', 'width'), revenue.map((row) => row.won_revenue as number));
    await expect(page.locator('#report-sources svg.bars g.bar text.end').allTextContents()).resolves.toEqual(revenue.map((row) => row.channel));
  });

  it('draws cohorts over time and owners in proportion to the numbers', async () => {
    const cohorts = reports('cohorts').filter((row) => typeof row.win_rate === 'number');
    proportional(await sizes('#report-cohorts svg g.column rect.value', 'height'), cohorts.map((row) => row.win_rate as number));
    const young = await page.locator('#report-cohorts svg g.column.tone-muted').count();
    expect(young).toBe(cohorts.filter((row) => row.mature === false).length);
    const owners = reports('owners');
    proportional(await sizes('#report-owners svg g.bar rect.value', 'width'), owners.map((row) => row.stalled_qualified_sales as number));
  });

  it('fits 1280 px: the key columns (sources Sig, stalls owner and open amount) on screen, no key table scrolling', async () => {
    await page.setViewportSize(LAPTOP);
    await page.screenshot({ fullPage: true, path: SCREENSHOT });
    const right = async (selector: string) => {
      const box = await page.locator(selector).boundingBox();
      expect(box, selector).not.toBeNull();
      return box!.x + box!.width;
    };
    const column = (id: string, label: string) => `${id} thead th:text-is("${label}")`;
    expect(await right(column('#report-sources', 'Sig'))).toBeLessThanOrEqual(LAPTOP.width);
    expect(await right(column('#report-stalls', 'Owner'))).toBeLessThanOrEqual(LAPTOP.width);
    expect(await right(column('#report-stalls', 'Open amount'))).toBeLessThanOrEqual(LAPTOP.width);
    await expect(page.locator(column('#report-stalls', 'Open amount')).isVisible()).resolves.toBe(true);
    const overflowing = await page.locator('main .scroll').evaluateAll((boxes) => boxes.filter((box) => box.scrollWidth > box.clientWidth + 1).map((box) => box.closest('section')?.id));
    expect(overflowing).toEqual([]);
    const pageWidth = await page.locator('html').evaluate((html) => html.scrollWidth);
    expect(pageWidth).toBeLessThanOrEqual(LAPTOP.width);
  });

  it('hides the other columns until the reader ticks the toggle, with no script', async () => {
    const extra = page.locator('#report-sources thead th.extra').first();
    await expect(extra.isVisible()).resolves.toBe(false);
    await page.locator('#report-sources label.toggle').click();
    try {
      await expect(extra.isVisible()).resolves.toBe(true);
      const headers = await page.locator('#report-sources thead th').evaluateAll((ths) => ths.filter((th) => th.getBoundingClientRect().width > 0).length);
      expect(headers).toBe(reports('sources').length > 0 ? Object.keys(reports('sources')[0]!).length : 0);
    } finally {
      await page.locator('#report-sources label.toggle').click();
    }
    await expect(extra.isVisible()).resolves.toBe(false);
  });

  it('fits a phone: the page never scrolls sideways, wide tables scroll inside their box, charts shrink', async () => {
    await page.setViewportSize(PHONE);
    try {
      await page.screenshot({ fullPage: true, path: SCREENSHOT_PHONE });
      const pageWidth = await page.locator('html').evaluate((html) => html.scrollWidth);
      expect(pageWidth).toBeLessThanOrEqual(PHONE.width);
      const scrolling = await page.locator('.scroll').evaluateAll((boxes) => boxes.filter((box) => box.scrollWidth > box.clientWidth).length);
      expect(scrolling).toBeGreaterThan(0);
      for (const svg of await page.locator('svg').all()) expect((await svg.boundingBox())!.width).toBeLessThanOrEqual(PHONE.width);
      const tiles = await page.locator('#headline .kpi').evaluateAll((ts) => ts.map((t) => t.getBoundingClientRect().right));
      for (const r of tiles) expect(r).toBeLessThanOrEqual(PHONE.width);
    } finally {
      await page.setViewportSize(LAPTOP);
    }
  });

  it('prints to PDF with headers repeated, rows whole, no blank page and no page for the footer alone', async () => {
    await page.emulateMedia({ media: 'print' });
    try {
      await expect(computed(page.locator('thead').first(), 'display')).resolves.toBe('table-header-group');
      await expect(computed(page.locator('tbody tr').first(), 'breakInside')).resolves.toBe('avoid');
      await expect(page.locator('nav').isVisible()).resolves.toBe(false);
      await expect(page.locator('svg').count()).resolves.toBe(6); // funnel, pipeline, sources (2), cohorts, owners
      const pdf = await page.pdf({ preferCSSPageSize: true });
      const pages = textPerPage(pdf);
      expect(pages.length).toBeGreaterThan(2);
      for (const [i, texts] of pages.entries()) expect(texts, `page ${i + 1} draws no text`).toBeGreaterThan(0);
      // The last page draws more than the footer does on its own: the footer never sits on a page
      // alone (printed by itself, the footer alone gives the text objects of a footer-only page).
      await page.evaluate('document.body.replaceChildren(document.querySelector("footer"))');
      const footerOnly = textPerPage(await page.pdf({ preferCSSPageSize: true }));
      expect(footerOnly).toHaveLength(1);
      expect(footerOnly[0]).toBeGreaterThan(0);
      expect(pages.at(-1)).toBeGreaterThan(footerOnly[0]! * 2);
    } finally {
      await page.emulateMedia({ media: 'screen' });
      await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    }
    expect(problems).toEqual([]);
  });
});
