/**
 * End to end (issue 12, item 1): a payment that stays pending, on the demo page at 375 px and 1280 px, in
 * English and Nepali: what is pending while the widget checks, and what happens next once it stops.
 * The widget's clock is replaced on the page (its waits take no time), so no test waits minutes.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { LIMITS } from '../../src/internal/pay-machine.js';
import { ARTIFACTS, startDemo } from './server.js';

let base = '';
let browser: Browser;
let stop: () => Promise<void>;

before(async () => {
  ({ url: base, browser, stop } = await startDemo());
});

after(() => stop?.());

const arm = (step: string, kind: string, times: number) =>
  fetch(`${base}/sandbox/_sandbox/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ step, kind, times }) });

async function pendingPayment(width: number, locale: 'en' | 'ne', id: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  await page.goto(base);
  await page.locator('nea-pay').waitFor();
  // The NEA customer whose commit hangs; every status answer of the biller fails, so the payment stays pending.
  await arm('status', 'http500', LIMITS.polls);
  // A string, not a function: the test's transpiler would add helpers the page does not have.
  await page.evaluate(`(() => {
    const el = document.querySelector('nea-pay');
    let t = Date.parse('2026-12-02T08:15:00Z');
    el.clock = { now: () => t, sleep: (ms) => new Promise((resolve) => { t += ms; setTimeout(resolve, 0); }) };
    Object.assign(el, { officeCode: '201:ratnapark-dc', scNo: '024.12.${id}', consumerId: '${id}' });
  })()`);
  const w = page.locator('nea-pay');
  await w.locator('form button[type=submit]').click();
  await page.locator('nea-pay[step=choose]').waitFor();
  await w.getByRole('button', { name: 'Continue' }).click();
  await page.locator('nea-pay[step=confirm]').waitFor();
  await w.locator('[part~=pay-button]').click();
  await page.locator('nea-pay[step=pending]').waitFor();
  if (locale === 'ne') await page.evaluate(`document.querySelector('nea-pay').locale = 'ne'`);
  return page;
}

describe('a payment that stays pending (demo page)', () => {
  for (const [width, locale] of [[375, 'en'], [1280, 'en'], [375, 'ne']] as const) {
    it(`${width} px, ${locale}: shows what is pending, then what happens next and a way to start another payment`, async () => {
      const page = await pendingPayment(width, locale, '902');
      const w = page.locator('nea-pay');
      const next = locale === 'en' ? 'stopped checking' : 'जाँच्न रोकेका';
      await w.getByText(next, { exact: false }).waitFor({ timeout: 20_000 });
      await w.screenshot({ path: `${ARTIFACTS}/pending-stopped-${width}-${locale}.png` });
      const text = await w.locator('[part=base]').innerText();
      assert.match(text, /[A-Za-z0-9]{32}/, 'the reference');
      const start = locale === 'en' ? 'Start another payment' : 'अर्को भुक्तानी सुरु गर्नुहोस्';
      await w.getByRole('button', { name: start }).click();
      await page.locator('nea-pay[step=lookup]').waitFor();
      // The payment is settled by the biller's next answer, so the account is free for the next case.
      const reference = /([A-Za-z0-9]{32})/.exec(text)![1]!;
      const settled = (await (await fetch(`${base}/api/payments/${reference}`)).json()) as { data: { response: { state: string } } };
      assert.equal(settled.data.response.state, 'success');
      // The sandbox's customer has paid: fresh dues for the next case.
      await fetch(`${base}/sandbox/_sandbox/reset`, { method: 'POST' });
      await page.close();
    });
  }
});
