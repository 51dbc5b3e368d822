// screenshot.mjs - a PNG of a gapscan report.html, as Chromium draws it.
//
//   node screenshot.mjs REPORT.html OUT.png [SELECTOR]
// takes the top of the page (verdict, checklist, provenance, the first
// charts), or the element SELECTOR matches. docs/report-screenshot.png is
// made from the samples' report:
//   build/gapscan audit -q --as-of 2026-11-27 -o build/report \
//       samples/sandbox samples/production
//   GS_PLAYWRIGHT=build/browser-cache/playwright-core-1.64.1 \
//       node tests/browser/screenshot.mjs build/report/report.html \
//       docs/report-screenshot.png
// (meson test e2e_html_report fetches playwright-core into that directory.)
// Environment: GS_PLAYWRIGHT as for check_report.mjs; GS_CHROMIUM, the
// browser (/usr/bin/chromium).
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const require = createRequire(path.resolve(process.env.GS_PLAYWRIGHT, 'x.js'));
const { chromium } = require('playwright-core');

const [report, out, selector] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.GS_CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox'],
});
try {
  const page = await browser.newPage({
    viewport: { width: 1000, height: 1500 }, deviceScaleFactor: 1,
  });
  await page.goto(pathToFileURL(path.resolve(report)).href);
  if (selector)
    await page.locator(selector).first().screenshot({ path: out });
  else
    await page.screenshot({ path: out });
} finally {
  await browser.close();
}
