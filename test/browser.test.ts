/**
 * The HTML report of the HubSpot sample as a reader sees it: headless Chromium (Debian's
 * `chromium` package, driven by playwright-core) opens the file with no console errors and no
 * request but the file itself, draws both charts, keeps wide tables inside their scroll boxes on a
 * phone, and keeps its tables when printed. Screenshots prove the page is drawn; the laptop one is
 * left at /tmp/leadaudit-report.png to look at.
 *
 * Needs `apt-get install -y chromium`; skipped (saying so in its title) when /usr/bin/chromium is
 * absent. Runs the built binary: `npm test` builds first (or run `npx tsc -p tsconfig.json`).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
const root = resolve(import.meta.dirname, '..');
const bin = join(root, 'bin', 'leadaudit.js');
const SAMPLE = ['fixtures/samples/hubspot/contacts.csv', 'fixtures/samples/hubspot/deals.csv', '--as-of', '2025-06-30'];
const SCREENSHOT = '/tmp/leadaudit-report.png';
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

interface JsonReport {
  rows: Record<string, unknown>[];
}

const title = hasChromium
  ? 'the HTML report in headless Chromium'
  : `the HTML report in headless Chromium — skipped: ${CHROMIUM} is not installed (apt-get install -y chromium)`;

describe.skipIf(!hasChromium)(title, () => {
  let dir = '';
  let file = '';
  let browser: Browser;
  let page: Page;
  let reports: Record<string, JsonReport> = {};
  const requests: string[] = [];
  const problems: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'leadaudit-browser-'));
    file = join(dir, 'report.html');
    writeFileSync(file, audit('html'));
    reports = (JSON.parse(audit('json')) as { reports: Record<string, JsonReport> }).reports;
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

  it('draws the funnel with one bar per stage, each with a size', async () => {
    const svg = page.locator('#report-funnel svg');
    await expect(svg.count()).resolves.toBe(1);
    const box = await svg.boundingBox();
    expect(box?.width).toBeGreaterThan(200);
    expect(box?.height).toBeGreaterThan(100);
    const stages = reports.funnel?.rows ?? [];
    expect(stages.length).toBeGreaterThan(1);
    await expect(svg.locator('g.bar').count()).resolves.toBe(stages.length);
    const widths = await svg.locator('g.bar rect.reached').evaluateAll((rects) => rects.map((r) => r.getBoundingClientRect().width));
    expect(widths).toHaveLength(stages.length);
    for (const width of widths) expect(width).toBeGreaterThan(0);
    // Bars shrink down the funnel, as `reached` does.
    expect([...widths].sort((a, b) => b - a)).toEqual(widths);
    const stalled = stages.filter((s) => typeof s.stalled === 'number' && s.stalled > 0).length;
    await expect(svg.locator('g.bar rect.stalled').count()).resolves.toBe(stalled);
  });

  it('draws the sources chart with one interval per channel that has a win rate', async () => {
    const svg = page.locator('#report-sources svg');
    await expect(svg.count()).resolves.toBe(1);
    const box = await svg.boundingBox();
    expect(box?.width).toBeGreaterThan(200);
    expect(box?.height).toBeGreaterThan(100);
    const withRate = (reports.sources?.rows ?? []).filter((row) => typeof row.win_rate === 'number');
    expect(withRate.length).toBeGreaterThan(1);
    await expect(svg.locator('g.interval').count()).resolves.toBe(withRate.length);
    await expect(svg.locator('circle.dot').count()).resolves.toBe(withRate.length);
    await expect(svg.locator('line.ref').count()).resolves.toBe(1);
    const text = await svg.textContent();
    expect(text).not.toMatch(/NaN|undefined/);
  });

  it('is drawn: screenshots at laptop and phone width hold far more than a blank page', async () => {
    const blankPage = await browser.newPage({ viewport: LAPTOP });
    await blankPage.setContent('<!DOCTYPE html><html><body></body></html>');
    const blank = await blankPage.screenshot({ fullPage: true });
    await blankPage.close();

    const laptop = await page.screenshot({ fullPage: true, path: SCREENSHOT });
    expect(laptop.length).toBeGreaterThan(10_000);
    expect(laptop.length).toBeGreaterThan(10 * blank.length);

    await page.setViewportSize(PHONE);
    const phone = await page.screenshot({ fullPage: true });
    expect(phone.length).toBeGreaterThan(10_000);
    expect(phone.length).toBeGreaterThan(10 * blank.length);
    await page.setViewportSize(LAPTOP);
  });

  it('fits a phone: the page never scrolls sideways, wide tables scroll inside their box', async () => {
    await page.setViewportSize(PHONE);
    try {
      const pageWidth = await page.locator('html').evaluate((html) => html.scrollWidth);
      expect(pageWidth).toBeLessThanOrEqual(PHONE.width);
      const scrolling = await page.locator('.scroll').evaluateAll((boxes) => boxes.filter((box) => box.scrollWidth > box.clientWidth).length);
      expect(scrolling).toBeGreaterThan(0);
      const chart = await page.locator('#report-funnel svg').boundingBox();
      expect(chart?.width).toBeLessThanOrEqual(PHONE.width);
    } finally {
      await page.setViewportSize(LAPTOP);
    }
  });

  it('keeps its tables and charts when printed, without the navigation', async () => {
    const onScreen = await page.locator('table').count();
    await page.emulateMedia({ media: 'print' });
    try {
      await expect(page.locator('table').count()).resolves.toBe(onScreen);
      const boxes = await page.locator('table').evaluateAll((tables) => tables.map((t) => t.getBoundingClientRect().height));
      for (const height of boxes) expect(height).toBeGreaterThan(0);
      await expect(page.locator('svg').count()).resolves.toBe(2);
      await expect(page.locator('nav').isVisible()).resolves.toBe(false);
      const pdf = await page.pdf();
      expect(pdf.length).toBeGreaterThan(10_000);
    } finally {
      await page.emulateMedia({ media: 'screen' });
    }
    expect(problems).toEqual([]);
    expect(requests).toEqual([pathToFileURL(file).href]);
  });
});
