/**
 * End to end: the demo server as `npm start` runs it (proxy + embedded sandbox + built demo page),
 * driven in the system Chromium: page -> widget -> proxy -> sandbox.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { ARTIFACTS, startDemo } from './server.js';

let base = '';
let browser: Browser;
let stop: () => Promise<void>;

before(async () => {
  ({ url: base, browser, stop } = await startDemo());
});

after(() => stop?.());

async function openDemo(): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1200, height: 1000 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(base);
  await page.getByRole('button', { name: 'Use Michael Jackson' }).waitFor();
  await fetch(`${base}/sandbox/_sandbox/reset`, { method: 'POST' });
  (page as Page & { errors: string[] }).errors = errors;
  return page;
}

const widget = (page: Page) => page.locator('nea-pay');
const widgetText = (page: Page) => widget(page).locator('[part=base]').innerText();

/** Presses Tab until the focused element in the widget is the button named `name` (at most 8 times). */
async function tabTo(page: Page, name: RegExp) {
  for (let i = 0; i < 8; i++) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => document.querySelector('nea-pay')!.shadowRoot!.activeElement?.textContent ?? '');
    if (name.test(focused)) return;
  }
  throw new Error(`Tab never reached ${name}`);
}
const log = (page: Page) => page.locator('#log');

describe('demo page, end to end', () => {
  it('pays the seed customer through the real page', async () => {
    const page = await openDemo();
    await page.getByRole('button', { name: 'Use Michael Jackson' }).click();
    const w = widget(page);
    await w.getByRole('button', { name: 'Look up bills' }).click();
    await w.getByRole('heading', { name: 'Choose the amount' }).waitFor();
    await page.screenshot({ path: `${ARTIFACTS}/nea-choose.png` });
    await w.getByRole('radio', { name: /Oldest 2 bill/ }).check();
    await w.getByRole('button', { name: 'Continue' }).click();
    await w.getByRole('heading', { name: 'Confirm your payment' }).waitFor();
    await w.getByRole('button', { name: /Pay Rs\s*450\.00/ }).click();
    await w.getByRole('heading', { name: 'Payment successful' }).waitFor();
    await page.screenshot({ path: `${ARTIFACTS}/nea-receipt.png` });
    const logged = await log(page).innerText();
    assert.match(logged, /<nea-pay> pay-success .*"amountPaisa":45000/);
    const reference = /"reference":"([A-Za-z0-9]+)"/.exec(logged)![1]!;
    assert.match(await w.locator('[part=receipt]').innerText(), new RegExp(reference));
    const status = (await (await fetch(`${base}/api/payments/${reference}`)).json()) as { data: { response: { state: string } } };
    assert.equal(status.data.response.state, 'success');
    assert.deepEqual((page as Page & { errors: string[] }).errors, []);
    await page.close();
  });

  it('can be paid with the keyboard alone', async () => {
    const page = await openDemo();
    const w = widget(page);
    await w.getByRole('combobox', { name: 'NEA counter' }).focus();
    await page.keyboard.type('bhak');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    await page.keyboard.type('001.01.555');
    await page.keyboard.press('Tab');
    await page.keyboard.type('555');
    await page.keyboard.press('Enter');
    await w.getByRole('heading', { name: 'Choose the amount' }).waitFor();
    assert.equal(await page.evaluate(() => document.querySelector('nea-pay')!.shadowRoot!.activeElement?.textContent), 'Choose the amount');
    await tabTo(page, /Continue/);
    await page.keyboard.press('Enter');
    await w.getByRole('heading', { name: 'Confirm your payment' }).waitFor();
    assert.match(await widgetText(page), /1,260\.00/);
    await tabTo(page, /Pay Rs/);
    await page.keyboard.press('Enter');
    await w.getByRole('heading', { name: 'Payment successful' }).waitFor();
    assert.match(await log(page).innerText(), /pay-success .*"serviceChargePaisa":1000/);
    await page.close();
  });

  it('shows a hanging commit as pending verification, then the verified outcome', async () => {
    const page = await openDemo();
    await page.getByRole('button', { name: 'Use Hanging Commit' }).click();
    const w = widget(page);
    await w.getByRole('button', { name: 'Look up bills' }).click();
    await w.getByRole('button', { name: 'Continue' }).click();
    await w.getByRole('button', { name: /Pay Rs/ }).click();
    await w.getByRole('heading', { name: 'Payment pending verification' }).waitFor();
    // Read at once: the widget's first status check (1 s on) settles it, and a busy machine's screenshot may take longer.
    const [pendingText, payButtons] = await Promise.all([widgetText(page), w.getByRole('button', { name: /Pay Rs/ }).count()]);
    assert.match(pendingText, /Do not pay again/);
    assert.equal(payButtons, 0, 'no way to pay twice');
    await page.screenshot({ path: `${ARTIFACTS}/nea-pending.png` });
    await w.getByRole('heading', { name: 'Payment successful' }).waitFor({ timeout: 15_000 });
    const logged = await log(page).innerText();
    assert.match(logged, /pay-pending/);
    assert.match(logged, /pay-success/);
    await page.close();
  });

  it('pays a Dreamer Electricity bill through the real page', async () => {
    const page = await openDemo();
    await page.getByRole('button', { name: 'Use Dreamer 01-1' }).click();
    const w = page.locator('dreamer-pay');
    await w.getByRole('button', { name: 'Look up bills' }).click();
    await w.getByRole('cell', { name: '2078 Baishak' }).waitFor();
    await w.getByRole('button', { name: 'Continue' }).click();
    await w.getByRole('button', { name: /Pay Rs\s*180\.00/ }).click();
    await w.getByRole('heading', { name: 'Payment successful' }).waitFor();
    assert.match(await w.locator('[part=receipt]').innerText(), /Receipt no\.\s+\d+/);
    assert.match(await log(page).innerText(), /<dreamer-pay> pay-success .*"amountPaisa":18000/);
    await page.screenshot({ path: `${ARTIFACTS}/dreamer-receipt.png`, fullPage: true });
    await page.close();
  });

  it('recharges Dish Home through the real page', async () => {
    const page = await openDemo();
    await page.getByRole('button', { name: 'Use Dish Home 1111' }).click();
    const w = page.locator('dishhome-recharge');
    await w.getByRole('button', { name: 'Find customer' }).click();
    await w.getByRole('group', { name: 'Top-ups' }).waitFor();
    await w.getByRole('radio', { name: /3 months/ }).check();
    await w.getByRole('button', { name: 'Continue' }).click();
    await w.getByRole('button', { name: /Recharge Rs\s*1,200\.00/ }).click();
    await w.getByRole('heading', { name: 'Payment successful' }).waitFor();
    assert.match(await w.locator('[part=receipt]').innerText(), /New expiry date\s+2038-02-28 11:15/);
    assert.match(await log(page).innerText(), /<dishhome-recharge> pay-success .*"amountPaisa":120000/);
    await page.screenshot({ path: `${ARTIFACTS}/dishhome-receipt.png`, fullPage: true });
    await page.close();
  });

  it('switches theme and language from the demo controls', async () => {
    const page = await openDemo();
    await page.getByLabel('Theme').selectOption('dark');
    await page.getByLabel('Language').selectOption('ne');
    const w = widget(page);
    assert.equal(await w.getAttribute('theme'), 'dark');
    assert.equal(await page.locator('dishhome-recharge').getAttribute('theme'), 'dark');
    await w.getByRole('heading', { name: 'नेपाल विद्युत प्राधिकरणको बिल भुक्तानी' }).waitFor();
    await page.locator('dreamer-pay').getByRole('heading', { name: 'ड्रिमर इलेक्ट्रिसिटीको बिल भुक्तानी' }).waitFor();
    const background = await w.evaluate((el) => getComputedStyle(el.shadowRoot!.querySelector('[part=base]')!).backgroundColor);
    assert.equal(background, 'rgb(22, 26, 34)');
    await page.screenshot({ path: `${ARTIFACTS}/nea-dark-ne.png` });
    await page.close();
  });

  it('ships no secret in the browser bundle', () => {
    const dir = 'dist/demo/assets';
    const code = readdirSync(dir)
      .filter((f) => f.endsWith('.js'))
      .map((f) => readFileSync(join(dir, f), 'utf8'))
      .join('\n');
    assert.ok(code.length > 10_000);
    for (const secret of ['TEST:sandbox-merchant', 'credits_available', 'credits_consumed', 'AGGREGATOR_TOKEN']) {
      assert.equal(code.includes(secret), false, secret);
    }
  });
});
