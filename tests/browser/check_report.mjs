// check_report.mjs - open a gapscan report.html in a real Chromium and check
// that it is self-contained, inert and readable:
//   - the only request the page makes is for the file itself;
//   - no dialog (alert/confirm/prompt) opens, no popup, no JavaScript
//     error, no console error (a CSP violation is one);
//   - the verdict, the checklist and an SVG chart render with a size;
//   - every TEXT given on the command line is visible as text;
//   - the DOM holds no element or attribute the data could have smuggled
//     in (img, iframe, b, on* handlers, non-anchor links, a second script);
//   - the page's own script works under its CSP (filter, sort, and hiding
//     waived findings when there are any).
// The page is loaded twice: as written, and with the CSP bypassed, so that
// the escaping alone is shown to keep the payloads inert.
//
//   node check_report.mjs REPORT.html [TEXT...]
// Environment: GS_PLAYWRIGHT, a directory whose node_modules holds
// playwright-core; GS_CHROMIUM, the browser to drive (/usr/bin/chromium).
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const require = createRequire(path.resolve(process.env.GS_PLAYWRIGHT, 'x.js'));
const { chromium } = require('playwright-core');

const [report, ...texts] = process.argv.slice(2);
const url = pathToFileURL(path.resolve(report)).href;
let failed = 0;
function check(name, ok, detail) {
  if (!ok) failed++;
  console.log(`${ok ? 'ok' : 'not ok'} - ${name}${ok || !detail ? '' : ': ' + detail}`);
}

async function visit(browser, bypassCSP) {
  const tag = bypassCSP ? ' (CSP bypassed)' : '';
  const context = await browser.newContext({ bypassCSP });
  const requests = [], dialogs = [], errors = [], popups = [];
  context.on('request', (r) => requests.push(r.url()));
  await context.route('**/*', (route) =>
    route.request().url() === url ? route.continue() : route.abort());
  const page = await context.newPage();
  page.on('dialog', async (d) => {
    dialogs.push(`${d.type()}: ${d.message()}`);
    await d.dismiss();
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('popup', (p) => popups.push(p.url()));
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForTimeout(500);  // time for any onload/onerror to fire

  check(`the page requests only itself${tag}`,
    requests.length > 0 && requests.every((u) => u === url),
    requests.filter((u) => u !== url).join(' '));

  const verdict = (await page.locator('#verdict').innerText()).trim();
  check(`the verdict is shown${tag}`, /^(NOT )?READY/.test(verdict), verdict);
  const gates = await page.locator('#checklist tbody tr').count();
  check(`the checklist is shown${tag}`,
    await page.locator('#checklist').isVisible() && gates > 0, `${gates} gates`);
  const charts = await page.locator('svg.chart').evaluateAll((svgs) =>
    svgs.map((s) => {
      const r = s.getBoundingClientRect();
      const bars = [...s.querySelectorAll('rect')]
        .filter((b) => b.getBoundingClientRect().width > 0);
      return r.width > 0 && r.height > 0 && bars.length > 0;
    }));
  check(`SVG charts render with a size${tag}`, charts.some(Boolean),
    `${charts.length} charts, none drawn`);

  const body = await page.locator('body').innerText();
  for (const t of texts)
    check(`visible as text${tag}: ${JSON.stringify(t)}`, body.includes(t));

  const dom = await page.evaluate(() => {
    const all = [...document.querySelectorAll('*')];
    return {
      foreign: all.filter((e) => ['IMG', 'IFRAME', 'OBJECT', 'EMBED', 'B',
        'FORM', 'BASE', 'LINK', 'FRAME'].includes(e.tagName.toUpperCase()))
        .map((e) => e.tagName),
      handlers: all.flatMap((e) => [...e.attributes]
        .filter((a) => /^on/i.test(a.name)).map((a) => `${e.tagName}.${a.name}`)),
      links: [...document.querySelectorAll('[href], [src], [action]')]
        .map((e) => e.getAttribute('href') ?? e.getAttribute('src') ??
          e.getAttribute('action'))
        .filter((h) => !/^#[\w-]+$/.test(h)),
      scripts: document.scripts.length,
      svgs: [...document.querySelectorAll('svg')]
        .filter((s) => !s.classList.contains('chart')).length,
    };
  });
  check(`no element came from the data${tag}`, dom.foreign.length === 0,
    dom.foreign.join(' '));
  check(`no event handler attributes${tag}`, dom.handlers.length === 0,
    dom.handlers.join(' '));
  check(`no link but in-page anchors${tag}`, dom.links.length === 0,
    dom.links.join(' '));
  check(`one script, the page's own${tag}`, dom.scripts === 1, `${dom.scripts}`);
  check(`every svg is a chart${tag}`, dom.svgs === 0, `${dom.svgs} others`);

  if (!bypassCSP) {
    // The script ran under the CSP: filtering hides rows, sorting marks
    // the column (a blocked script would leave both untouched).
    const rows = await page.locator('table.findings tbody tr').count();
    if (rows > 0) {
      const all = Number(await page.locator('#shown').innerText());
      await page.locator('#q').fill('no finding holds this text');
      const none = Number(await page.locator('#shown').innerText());
      const hidden = await page.locator('table.findings tbody tr:visible').count();
      await page.locator('#q').fill('');
      check('the filter hides rows', all === rows && none === 0 && hidden === 0,
        `${rows} rows, shown ${all} then ${none}, ${hidden} visible`);
      const waived = await page.locator('tr[data-waived="1"]').count();
      if (waived > 0) {
        await page.locator('#waived').uncheck();
        const left = await page.locator('tr[data-waived="1"]:visible').count();
        await page.locator('#waived').check();
        check('waived findings can be hidden', left === 0, `${left} still visible`);
      }
      const th = page.locator('table.findings th', { hasText: 'check' }).first();
      await th.click();
      check('a header click sorts', await th.getAttribute('aria-sort') === 'ascending');
    }
  }
  await page.waitForTimeout(200);
  check(`no dialog opened${tag}`, dialogs.length === 0, dialogs.join('; '));
  check(`no popup opened${tag}`, popups.length === 0, popups.join(' '));
  check(`no JavaScript or console error${tag}`, errors.length === 0,
    errors.join('; '));
  await context.close();
}

const browser = await chromium.launch({
  executablePath: process.env.GS_CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox'],
});
try {
  await visit(browser, false);
  await visit(browser, true);
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);
