/**
 * End to end, NEA's second generation: the demo server as `npm start` runs it, in the system Chromium.
 * The three journeys of issue 10 at a migrated counter (BALAJU): pay with the new consumer number, with
 * only the old numbers, and in advance when nothing is due.
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

type DemoPage = Page & { errors: string[] };

async function openDemo(): Promise<DemoPage> {
  const page = (await browser.newPage({ viewport: { width: 1200, height: 1000 } })) as DemoPage;
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(e.message));
  await page.goto(base);
  await page.getByRole('button', { name: 'Use consumer no 1001595737, DIPESH KHATRI' }).waitFor();
  await fetch(`${base}/sandbox/_sandbox/reset`, { method: 'POST' });
  return page;
}

const widget = (page: Page) => page.locator('nea-pay');
const log = (page: Page) => page.locator('#log');
/** A picture of the widget's stage (the page scrolls to the test customers when one is used). */
const shoot = (page: Page, name: string) => page.locator('#nea-stage').screenshot({ path: `${ARTIFACTS}/${name}.png` });
/** The receipt as one line of text. */
const receipt = async (page: Page) => (await widget(page).locator('[part=receipt]').innerText()).replace(/\s+/g, ' ');

/** Confirms, pays and waits for the receipt; answers the logged pay-success line. */
async function payAndWait(page: Page, total: RegExp): Promise<string> {
  const w = widget(page);
  await w.getByRole('button', { name: 'Continue' }).click();
  await w.getByRole('heading', { name: 'Confirm your payment' }).waitFor();
  await w.getByRole('button', { name: total }).click();
  await w.getByRole('heading', { name: 'Payment successful' }).waitFor();
  const line = (await log(page).innerText()).split('\n').find((l) => l.includes('pay-success'));
  assert.ok(line, 'pay-success logged');
  return line;
}

async function settled(reference: string): Promise<string> {
  const answer = (await (await fetch(`${base}/api/payments/${reference}`)).json()) as { data: { response: { state: string } } };
  return answer.data.response.state;
}

describe('demo page, NEA v2 at a migrated counter, end to end', () => {
  it('lists the v2 test customers with both ways to use them', async () => {
    const page = await openDemo();
    const rows = page.locator('#nea-v2-customers tr');
    assert.equal(await rows.count(), 11);
    assert.match(await rows.first().innerText(), /245:balaju-dc\s+1001595737\s+216\.29\.001A1 \/ 21901\s+DIPESH KHATRI/);
    await page.getByRole('button', { name: 'Use old numbers 216.29.013A1 / 21907, KRISHNA BAHADUR SHRESTHA' }).waitFor();
    await page.close();
  });

  it('pays with the new consumer number', async () => {
    const page = await openDemo();
    await page.getByRole('button', { name: 'Use consumer no 1001595737, DIPESH KHATRI' }).click();
    const w = widget(page);
    assert.equal(await w.getByLabel('Consumer number').inputValue(), '1001595737');
    await shoot(page, 'nea-v2-lookup');
    await w.getByRole('button', { name: 'Look up bills' }).click();
    await w.getByRole('heading', { name: 'Choose the amount' }).waitFor();
    assert.match(await w.locator('[part=base]').innerText(), /You may pay more than all dues \(Rs\s*1,874\.83\)/);
    await shoot(page, 'nea-v2-choose');
    await w.getByRole('radio', { name: /Oldest 2 bills/ }).check();
    const line = await payAndWait(page, /Pay Rs\s*1,884\.83/);
    assert.match(line, /"amountPaisa":187483/);
    assert.match(line, /"generation":"v2"/);
    assert.match(await receipt(page), /Consumer number 1001595737 Bills paid 2082-09, 2082-10/);
    await shoot(page, 'nea-v2-receipt');
    assert.equal(await settled(/"reference":"([A-Za-z0-9]+)"/.exec(line)![1]!), 'success');
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  it('pays with only the old SC No and consumer ID, and tells the customer the new number', async () => {
    const page = await openDemo();
    const w = widget(page);
    // Typed by hand, as a customer would: the counter, then the way in for the old numbers.
    await w.getByRole('combobox', { name: 'NEA counter' }).fill('bala');
    await w.getByRole('option', { name: 'BALAJU' }).click();
    await w.getByRole('button', { name: 'I only know my old SC No and consumer ID' }).click();
    await w.getByLabel('SC No').fill('216.29.013A1');
    await w.getByLabel('Consumer ID').fill('21907');
    await shoot(page, 'nea-v2-old-numbers');
    await w.getByRole('button', { name: 'Look up bills' }).click();
    await w.getByRole('heading', { name: 'Choose the amount' }).waitFor();
    assert.equal(await w.getByRole('note').innerText(), 'Your new consumer number is 1001613602: keep it for next time.');
    await shoot(page, 'nea-v2-new-number');
    const line = await payAndWait(page, /Pay Rs\s*1,322\.50/);
    assert.match(line, /"amountPaisa":131250.*"generation":"v2"/);
    assert.match(await receipt(page), /Consumer number 1001613602 Bills paid 2082-10/);
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  it('pays in advance when nothing is due', async () => {
    const page = await openDemo();
    await page.getByRole('button', { name: 'Use consumer no 1001595738, RAJESWARI GIRI' }).click();
    const w = widget(page);
    await w.getByRole('button', { name: 'Look up bills' }).click();
    await w.getByRole('heading', { name: 'Choose the amount' }).waitFor();
    assert.match(await w.locator('[part=base]').innerText(), /Nothing is due now\. You may pay in advance/);
    await w.getByLabel('Amount to pay in advance').fill('750');
    await shoot(page, 'nea-v2-advance');
    const line = await payAndWait(page, /Pay Rs\s*755\.00/);
    assert.match(line, /"amountPaisa":75000.*"generation":"v2"/);
    const text = await receipt(page);
    assert.match(text, /Paid in advance Rs\s*750\.00/);
    assert.doesNotMatch(text, /Bills paid/);
    await shoot(page, 'nea-v2-advance-receipt');
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  it('speaks Nepali at a migrated counter (dark theme)', async () => {
    const page = await openDemo();
    await page.getByLabel('Theme').selectOption('dark');
    await page.getByLabel('Language').selectOption('ne');
    await page.getByRole('button', { name: 'Use old numbers 216.29.013A1 / 21907, KRISHNA BAHADUR SHRESTHA' }).click();
    const w = widget(page);
    await w.getByRole('button', { name: 'मसँग नयाँ ग्राहक नम्बर छ' }).waitFor();
    await shoot(page, 'nea-v2-ne-dark-lookup');
    await w.getByRole('button', { name: 'बिल खोज्नुहोस्' }).click();
    await w.getByRole('note').filter({ hasText: 'तपाईंको नयाँ ग्राहक नम्बर 1001613602 हो' }).waitFor();
    await shoot(page, 'nea-v2-ne');
    await page.close();
  });
});
