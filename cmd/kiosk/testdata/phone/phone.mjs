// Opens a hub's phone sign-in page the way a visitor's phone does: headless
// Chromium (Debian's /usr/bin/chromium) driven by playwright-core, with a
// phone-sized viewport and a new, empty profile.
//
//   node phone.mjs open   URL SHOT.png                -> opens URL
//   node phone.mjs signin URL PHONE NAME SHOTPREFIX   -> opens URL, submits the number, then the 签到/签退 button
//
// Prints one JSON line: {"status": HTTP status of the last page, "reason":
// its data-reason, "title": its <title>, "text": its visible text, "pass":
// the pass code on a result page, "shots": the screenshots taken}.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const [mode, url, ...rest] = process.argv.slice(2);
const profile = mkdtempSync(join(tmpdir(), 'civic-phone-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
  locale: 'zh-CN',
  userAgent: 'Mozilla/5.0 (Linux; Android 13; Phone) AppleWebKit/537.36 (KHTML, like Gecko) ' +
    'Chrome/120.0 Mobile Safari/537.36 MicroMessenger/8.0.40',
});
const out = { shots: [] };
try {
  const page = context.pages()[0] || await context.newPage();
  const describe = async (resp) => {
    out.status = resp ? resp.status() : 0;
    out.reason = await page.getAttribute('main', 'data-reason');
    out.title = await page.title();
    out.text = await page.innerText('body');
    const img = await page.$('img[data-pass]');
    out.pass = img ? await img.getAttribute('data-pass') : '';
    if (img) {
      out.passShown = await img.evaluate((i) => i.complete && i.naturalWidth > 0);
    }
  };
  const shot = async (path) => {
    await page.screenshot({ path, fullPage: true });
    out.shots.push(path);
  };
  let resp = await page.goto(url, { waitUntil: 'load' });
  await describe(resp);
  if (mode === 'open') {
    await shot(rest[0]);
  } else if (mode === 'signin') {
    const [phone, name, prefix] = rest;
    await shot(prefix + '-1-page.png');
    if (await page.$('#phone')) {
      await page.fill('#phone', phone);
      await page.fill('#name', name);
      await shot(prefix + '-2-filled.png');
    }
    if (!(await page.$('#go'))) {
      throw new Error('no sign-in button on the page: ' + out.text);
    }
    [resp] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.tap('#go')]);
    await describe(resp);
    await shot(prefix + '-3-result.png');
  } else {
    throw new Error('mode: open or signin');
  }
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
console.log(JSON.stringify(out));
