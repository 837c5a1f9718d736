/**
 * The HTML report in a real browser: Debian's Chromium, headless, driven by playwright-core. The
 * page must load with no console error and no request but its own file, show the phases of the
 * incident, answer a hover with the log lines, and show a hostile string from a trace as text.
 * Without Chromium (CHROMIUM, else /usr/bin/chromium) these tests are skipped, and say so.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ROOT, runCli } from './helpers.js';

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const SKIP_REASON = `skipped: no Chromium at ${CHROMIUM} (install Debian's chromium, or set CHROMIUM to a Chromium binary)`;
if (!HAVE_CHROMIUM) console.warn(`html.browser.test.ts: ${SKIP_REASON}`);

const BUILT_BIN = join(ROOT, 'packages/cli/dist/bin.js');

interface Loaded {
  page: Page;
  errors: string[];
  requests: string[];
  dialogs: string[];
}

describe.skipIf(!HAVE_CHROMIUM)(`the HTML report in Chromium${HAVE_CHROMIUM ? '' : ` (${SKIP_REASON})`}`, () => {
  let browser: Browser;
  const dir = mkdtempSync(join(tmpdir(), 'sg-browser-'));

  beforeAll(async () => {
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  async function load(file: string): Promise<Loaded> {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const loaded: Loaded = { page, errors: [], requests: [], dialogs: [] };
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') loaded.errors.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => loaded.errors.push(`pageerror: ${e.message}`));
    page.on('request', (r) => loaded.requests.push(r.url()));
    page.on('dialog', (d) => {
      loaded.dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(pathToFileURL(file).href);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 10_000 });
    return loaded;
  }

  /** Where on the canvas a colour is drawn first (CSS pixels), or null. */
  async function findColour(page: Page, rgb: [number, number, number]): Promise<{ x: number; y: number } | null> {
    return page.evaluate((want) => {
      const c = document.getElementById('timeline') as HTMLCanvasElement;
      // The answer (ready, the path, the causes) comes first: the timeline may start below the fold.
      c.scrollIntoView({ block: 'center' });
      const d = (c.getContext('2d') as CanvasRenderingContext2D).getImageData(0, 0, c.width, c.height).data;
      const scale = c.width / c.clientWidth;
      for (let i = 0; i < d.length; i += 4) {
        if (d[i] === want[0] && d[i + 1] === want[1] && d[i + 2] === want[2]) {
          const p = i / 4;
          const r = c.getBoundingClientRect();
          return { x: r.left + (p % c.width) / scale + 3, y: r.top + Math.floor(p / c.width) / scale + 3 };
        }
      }
      return null;
    }, rgb);
  }

  it('loads the incident report (built bin) with no errors and no request but its own file, and shows its phases', async () => {
    const file = join(dir, 's6-slow.html');
    if (existsSync(BUILT_BIN)) execFileSync(process.execPath, [BUILT_BIN, '-q', '--html', file, 'fixtures/s6-slow/s6.out.*'], { cwd: ROOT, stdio: 'ignore' });
    else expect((await runCli(['-q', '--html', file, 'fixtures/s6-slow/s6.out.*'])).code).toBe(0);
    const { page, errors, requests } = await load(file);
    expect(errors).toEqual([]);
    expect(requests).toEqual([pathToFileURL(file).href]);
    const kinds = await page.$$eval('section:has(> h2:text-is("Phases")) tbody tr td:first-child', (tds) => tds.map((td) => td.textContent));
    expect(kinds.filter((k) => ['runtime-init', 'env-dump', 'supervisor-start'].includes(k ?? ''))).toEqual(['runtime-init', 'env-dump', 'supervisor-start']);
    // The answer first: ready and the critical path, before the diagnoses.
    const h2 = await page.$$eval('h2', (hs) => hs.map((h) => h.textContent));
    expect(h2.indexOf('Ready')).toBeLessThan(h2.indexOf('Diagnoses'));
    expect(await page.textContent('section:has(> h2:text-is("Ready"))')).toContain('Ready at 07:41:09.221372, 6.34 s after the first line');
    const steps = await page.$$eval('section:has(> h2:text-is("Ready")) tbody tr', (trs) => trs.map((tr) => tr.textContent ?? ''));
    expect(steps.some((t) => t.includes('openat+…+close under /run/s6/container_environment:envdump:') && t.includes('[k8s-service-links]'))).toBe(true);
    expect(await page.textContent('.diagnosis.critical')).toContain('k8s-service-links');
    expect(await page.textContent('.diagnosis.critical')).toContain('Cost: 5.80 s on the critical path (91% of the start)');
    expect(await page.textContent('.diagnosis.critical')).toContain('enableServiceLinks: false');

    // The env-dump phase is drawn in its colour; hovering it shows its lines.
    const at = await findColour(page, [0xe8, 0x59, 0x0c]);
    expect(at).not.toBeNull();
    await page.mouse.move(at!.x, at!.y);
    const tip = await page.textContent('#tip');
    expect(tip).toContain('env-dump · pid 14004');
    expect(tip).toContain('mkdir("/run/s6/container_environment:envdump:');
    expect(await page.isVisible('#tip')).toBe(true);

    // A row of the gap table zooms the timeline to the gap.
    const before = await page.textContent('.where');
    await page.click('section:has(> h2:text-is("Longest gaps")) tbody tr:first-child');
    expect(await page.textContent('.where')).not.toBe(before);
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it('shows a hostile string from a trace as text, running nothing', async () => {
    const evil = '<script>alert(1)</script><img src=x onerror=alert(2)>';
    const trace =
      `10:00:00.000000 execve("/bin/${evil}", ["${evil}", "&amp; </script>"], 0x7ffc /* 1 var */) = 0 <0.000100>\n` +
      `10:00:00.100000 openat(AT_FDCWD, "/tmp/${evil}", O_RDONLY) = 3 <0.000010>\n` +
      `10:00:02.100000 write(3, "${evil}", 52) = 52 <0.000010>\n` +
      '10:00:02.200000 +++ exited with 0 +++\n';
    const input = join(dir, 'evil.log');
    writeFileSync(input, trace);
    const file = join(dir, 'evil.html');
    expect((await runCli(['-q', '--html', file, input])).code).toBe(0);
    const { page, errors, requests, dialogs } = await load(file);
    expect(dialogs).toEqual([]);
    expect(errors).toEqual([]);
    expect(requests).toEqual([pathToFileURL(file).href]);
    expect(await page.$$eval('script', (s) => s.length)).toBe(2);
    expect(await page.$$eval('img', (s) => s.length)).toBe(0);
    const text = await page.innerText('body');
    expect(text).toContain(`/bin/${evil}`);
    expect(text).toContain(`write(3, "${evil}", 52)`);
    await page.close();
  }, 60_000);
});
