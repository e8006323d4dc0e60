/**
 * End to end in the portal demo: a consumer signs in, the page takes theme and logo from app_config,
 * pays, the short-lived access token expires and is renewed through pay-auth-required, the payments
 * show in the history with their receipts, and every theme is screenshotted.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { ARTIFACTS, startDemo } from './server.js';

let base = '';
let browser: Browser;
let stop: () => Promise<void>;
let page: Page;

before(async () => {
  ({ url: base, browser, stop } = await startDemo({ PORTAL_ACCESS_TTL_SECONDS: '3' }));
  page = await browser.newPage({ viewport: { width: 1400, height: 1100 } });
});
after(() => stop?.());

const refreshes = async () =>
  ((await (await fetch(`${base}/portal-sandbox/_sandbox/consumers`)).json()) as { stats: { refreshes: number } }).stats.refreshes;

describe('portal demo, end to end', () => {
  it('signs a consumer in and takes the theme and logo from app_config', async () => {
    await page.goto(`${base}/portal.html`);
    await page.getByRole('button', { name: /olive@consumer/ }).click();
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Pay your bills' }).waitFor();
    assert.equal(await page.locator('#who').innerText(), 'Olive Consumer');
    assert.equal(await page.locator('body').getAttribute('data-theme'), 'olive');
    for (const tag of ['nea-pay', 'dreamer-pay', 'dishhome-recharge']) {
      assert.equal(await page.locator(tag).getAttribute('theme'), 'olive', tag);
      assert.equal(await page.locator(tag).locator('[part=logo]').getAttribute('src'), '/electrosoft-logo.svg');
    }
  });

  it('pays, renews the expired token through pay-auth-required, and pays again', async () => {
    const nea = page.locator('nea-pay');
    // The counters loaded first: a counter typed before they are here is not picked.
    await page.locator('nea-pay:not([loading])').waitFor();
    await nea.getByRole('combobox', { name: 'NEA counter' }).fill('ratna');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await nea.getByLabel('SC No').fill('024.12.512');
    await nea.getByLabel('Consumer ID').fill('3042');
    await nea.getByRole('button', { name: 'Look up bills' }).click();
    await nea.getByRole('button', { name: 'Continue' }).click();
    await nea.getByRole('button', { name: /Pay NPR\s*450\.00/ }).click();
    await nea.getByRole('heading', { name: 'Payment successful' }).waitFor();

    const before = await refreshes();
    await page.waitForTimeout(3500);
    const dreamer = page.locator('dreamer-pay');
    await dreamer.getByLabel('Customer code').fill('01-1');
    await dreamer.getByRole('button', { name: 'Look up bills' }).click();
    await dreamer.getByRole('button', { name: 'Continue' }).click();
    await dreamer.getByRole('button', { name: /Pay NPR\s*180\.00/ }).click();
    await dreamer.getByRole('heading', { name: 'Payment successful' }).waitFor();
    assert.ok((await refreshes()) > before, 'the expired access token was renewed with the refresh token');
    assert.match(await page.locator('#session-note').innerText(), /renewed [1-9]\d* time/);
  });

  it("lists the consumer's payments, searches them and opens a receipt", async () => {
    await page.locator('#history tr').nth(1).waitFor();
    assert.match(await page.locator('#page').innerText(), /\(2 payments\)/);
    const rows = await page.locator('#history tr').allInnerTexts();
    assert.match(rows[0]!, /dreamer/);
    assert.match(rows[1]!, /Michael Jackson/);
    await page.getByLabel('Search').fill('bryan');
    await page.waitForFunction(() => document.querySelectorAll('#history tr').length === 1);
    await page.getByLabel('Search').fill('');
    await page.waitForFunction(() => document.querySelectorAll('#history tr').length === 2);
    await page.getByLabel('Status').selectOption('failed');
    await page.waitForFunction(() => document.querySelectorAll('#history tr').length === 0);
    await page.getByLabel('Status').selectOption('');
    await page.locator('#history tr').nth(1).waitFor();
    await page.locator('#history tr').nth(1).getByRole('button', { name: /Receipt of/ }).click();
    await page.getByRole('heading', { name: 'Payment receipt' }).waitFor();
    const receipt = await page.locator('#receipt').innerText();
    assert.match(receipt, /Michael Jackson/);
    assert.match(receipt, /NPR\s*450\.00/);
  });

  it('re-themes everything when the theme changes, with a screenshot of each', async () => {
    for (const theme of ['olive', 'purple', 'vector', 'grey']) {
      await page.getByLabel('Theme').selectOption(theme);
      assert.equal(await page.locator('body').getAttribute('data-theme'), theme);
      for (const tag of ['nea-pay', 'dreamer-pay', 'dishhome-recharge']) {
        assert.equal(await page.locator(tag).getAttribute('theme'), theme);
      }
      await page.screenshot({ path: `${ARTIFACTS}/portal-${theme}.png`, fullPage: true });
    }
  });
});
