// Writes docs/images/incident-report.png: the HTML report of the s6-slow capture in headless
// Chromium. Run by `pnpm docs:screenshot` (after `pnpm build`); CHROMIUM overrides /usr/bin/chromium.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const root = fileURLToPath(new URL('..', import.meta.url));
const html = join(mkdtempSync(join(tmpdir(), 'sg-shot-')), 's6-slow.html');
execFileSync(process.execPath, [join(root, 'packages/cli/dist/bin.js'), '-q', '--html', html, 'fixtures/s6-slow/s6.out.*'], { cwd: root, stdio: 'ignore' });
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1250 } });
  await page.goto(pathToFileURL(html).href);
  await page.waitForSelector('body[data-ready="true"]');
  const out = join(root, 'docs/images/incident-report.png');
  await page.screenshot({ path: out });
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
}
