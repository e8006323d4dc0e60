/**
 * End to end with the customer's money: the demo server (`npm start`: FUNDING host,khalti,esewa on the embedded
 * gateway sandboxes) in Chromium; the page really leaves for the gateway's page and comes back.
 */
import assert from 'node:assert/strict';
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
  (page as Page & { errors: string[] }).errors = errors;
  return page;
}
const errorsOf = (page: Page) => (page as Page & { errors: string[] }).errors;

/** NEA: the customer's oldest bills to the confirm step, the method picked. */
async function neaToConfirm(page: Page, use: string, method: string) {
  await page.getByRole('button', { name: use, exact: true }).click();
  const w = page.locator('nea-pay');
  await w.getByRole('button', { name: 'Look up bills' }).click();
  await w.getByRole('heading', { name: 'Choose the amount' }).waitFor();
  await w.getByRole('button', { name: 'Continue' }).click();
  await w.getByRole('heading', { name: 'Confirm your payment' }).waitFor();
  await w.getByRole('radio', { name: method }).check();
  return w;
}

describe('paying through the gateways, end to end', () => {
  it('pays an NEA bill through the Khalti sandbox: out to its page, pay, back to the receipt', async () => {
    const page = await openDemo();
    const w = await neaToConfirm(page, 'Use Michael Jackson', 'Khalti');
    await page.screenshot({ path: `${ARTIFACTS}/funding-chooser.png` });
    await Promise.all([page.waitForURL(/\/sandbox\/khalti\/pay\//), w.getByRole('button', { name: /Pay Rs/ }).click()]);
    await page.screenshot({ path: `${ARTIFACTS}/funding-khalti-page.png` });
    await Promise.all([page.waitForURL((u) => u.pathname === '/'), page.getByRole('button', { name: /^Pay Rs/ }).click()]);
    const back = page.locator('nea-pay');
    await back.getByRole('heading', { name: 'Payment successful' }).waitFor();
    await page.screenshot({ path: `${ARTIFACTS}/funding-khalti-receipt.png` });
    // The gateway's parameters are gone from the address bar.
    assert.equal(new URL(page.url()).search, '');
    const logged = await page.locator('#log').innerText();
    assert.match(logged, /pay-success .*"funding":\{"method":"khalti","state":"captured"\}/);
    assert.deepEqual(errorsOf(page), []);
    await page.close();
  });

  it('a cancel at Khalti: nothing charged, try again with another method', async () => {
    const page = await openDemo();
    const w = await neaToConfirm(page, 'Use Gita Adhikari', 'Khalti');
    await Promise.all([page.waitForURL(/\/sandbox\/khalti\/pay\//), w.getByRole('button', { name: /Pay Rs/ }).click()]);
    await Promise.all([page.waitForURL((u) => u.pathname === '/'), page.getByRole('button', { name: 'Cancel' }).click()]);
    const back = page.locator('nea-pay');
    await back.getByText('You cancelled at Khalti; nothing was charged.').waitFor();
    await page.screenshot({ path: `${ARTIFACTS}/funding-khalti-cancelled.png` });
    assert.match(await page.locator('#log').innerText(), /pay-error .*"code":"FUNDING_CANCELLED".*"funding":\{"method":"khalti","state":"abandoned"\}/);
    await back.getByRole('button', { name: 'Try again or pay another way' }).click();
    await back.getByRole('heading', { name: 'Confirm your payment' }).waitFor();
    await back.getByRole('radio', { name: 'Pay from your balance' }).check();
    await back.getByRole('button', { name: /Pay Rs/ }).click();
    await back.getByRole('heading', { name: 'Payment successful' }).waitFor();
    assert.deepEqual(errorsOf(page), []);
    await page.close();
  });

  it('a refused NEA commit after Khalti took the money: the refund is told', async () => {
    const page = await openDemo();
    const w = await neaToConfirm(page, 'Use Refused Payment', 'Khalti');
    await Promise.all([page.waitForURL(/\/sandbox\/khalti\/pay\//), w.getByRole('button', { name: /Pay Rs/ }).click()]);
    await Promise.all([page.waitForURL((u) => u.pathname === '/'), page.getByRole('button', { name: /^Pay Rs/ }).click()]);
    const back = page.locator('nea-pay');
    await back.getByText(/The biller refused this payment; Rs\s*[\d,.]+ was refunded to your Khalti account\./).waitFor();
    await page.screenshot({ path: `${ARTIFACTS}/funding-khalti-refunded.png` });
    assert.deepEqual(errorsOf(page), []);
    await page.close();
  });

  it('recharges Dish Home through the eSewa sandbox: its form posted, back to the receipt', async () => {
    const page = await openDemo();
    await page.getByRole('button', { name: /Use Dish Home 71909771942/ }).click();
    const w = page.locator('dishhome-recharge');
    await w.getByRole('button', { name: /Find|Look up/ }).click();
    await w.getByRole('radio').first().check();
    await w.getByRole('button', { name: 'Continue' }).click();
    await w.getByRole('heading', { name: 'Confirm your payment' }).waitFor();
    await w.getByRole('radio', { name: 'eSewa' }).check();
    await Promise.all([page.waitForURL(/\/sandbox\/esewa\//), w.getByRole('button', { name: /Recharge|Pay/ }).click()]);
    await page.screenshot({ path: `${ARTIFACTS}/funding-esewa-page.png` });
    await Promise.all([page.waitForURL((u) => u.pathname === '/'), page.getByRole('button', { name: /^Pay/ }).click()]);
    const back = page.locator('dishhome-recharge');
    await back.getByRole('heading', { name: /successful/ }).waitFor();
    await page.screenshot({ path: `${ARTIFACTS}/funding-esewa-receipt.png` });
    assert.match(await page.locator('#log').innerText(), /pay-success .*"funding":\{"method":"esewa","state":"captured"\}/);
    assert.deepEqual(errorsOf(page), []);
    await page.close();
  });

  it('a refused Dish Home recharge paid through eSewa: the refund is due (eSewa has no refund API), said so', async () => {
    const page = await openDemo();
    await page.getByRole('button', { name: 'Use Dish Home 9000000005', exact: true }).click();
    const w = page.locator('dishhome-recharge');
    await w.getByRole('button', { name: /Find|Look up/ }).click();
    await w.getByRole('radio').first().check();
    await w.getByRole('button', { name: 'Continue' }).click();
    await w.getByRole('radio', { name: 'eSewa' }).check();
    await Promise.all([page.waitForURL(/\/sandbox\/esewa\//), w.getByRole('button', { name: /Recharge|Pay/ }).click()]);
    await Promise.all([page.waitForURL((u) => u.pathname === '/'), page.getByRole('button', { name: /^Pay/ }).click()]);
    const back = page.locator('dishhome-recharge');
    await back.getByText(/The biller refused this payment; Rs\s*[\d,.]+ will be refunded to your eSewa account\./).waitFor();
    await page.screenshot({ path: `${ARTIFACTS}/funding-esewa-refund-due.png` });
    assert.match(await page.locator('#log').innerText(), /pay-error .*"funding":\{"method":"esewa","state":"refund_due"\}/);
    assert.deepEqual(errorsOf(page), []);
    await page.close();
  });

  it("the portal: the signed-in consumer pays from their balance (host funding)", async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1100 } });
    await page.goto(`${base}/portal.html`);
    await page.getByRole('button', { name: /purple@consumer/ }).click();
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Pay your bills' }).waitFor();
    await page.evaluate(() =>
      document.addEventListener('pay-success', (e) => ((window as unknown as { paid: unknown }).paid = (e as CustomEvent).detail)),
    );
    const nea = page.locator('nea-pay');
    // The counters loaded first: a counter typed before they are here is not picked.
    await page.locator('nea-pay:not([loading])').waitFor();
    await nea.getByRole('combobox', { name: 'NEA counter' }).fill('bhak');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await nea.getByLabel('SC No').fill('001.01.333');
    await nea.getByLabel('Consumer ID').fill('333');
    await nea.getByRole('button', { name: 'Look up bills' }).click();
    await nea.getByRole('button', { name: 'Continue' }).click();
    await nea.getByRole('heading', { name: 'Confirm your payment' }).waitFor();
    // The portal's proxy offers the balance alone: the one choice, already chosen.
    const radios = nea.getByRole('radio', { name: 'Pay from your balance' });
    assert.equal(await radios.isChecked(), true);
    assert.equal(await nea.locator('fieldset.methods input[type=radio]').count(), 1);
    await page.screenshot({ path: `${ARTIFACTS}/funding-portal-balance.png` });
    await nea.getByRole('button', { name: /Pay Rs/ }).click();
    await nea.getByRole('heading', { name: 'Payment successful' }).waitFor();
    const paid = (await page.evaluate(() => (window as unknown as { paid: { funding: unknown } }).paid)) as { funding: unknown };
    assert.deepEqual(paid.funding, { method: 'host', state: 'captured' });
    await page.close();
  });
});
