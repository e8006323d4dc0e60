/**
 * End to end: the charge preview, the confirm summary and the receipt on the demo page, in English and
 * Nepali, at 375 px and 1280 px; and the receipt printed alone (the print style, as "Save as PDF" uses it).
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

async function openDemo(width: number, locale: 'en' | 'ne'): Promise<Page> {
  const page = await browser.newPage({ viewport: { width, height: 1000 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(base);
  await page.getByRole('button', { name: 'Use Michael Jackson' }).waitFor();
  await fetch(`${base}/sandbox/_sandbox/reset`, { method: 'POST' });
  await page.locator('#locale').selectOption(locale);
  (page as Page & { errors: string[] }).errors = errors;
  return page;
}

const shot = (page: Page, name: string) => page.locator('nea-pay').screenshot({ path: `${ARTIFACTS}/${name}.png` });

/** Pays the seed's oldest bill (a partial payment) and waits for the receipt, with screenshots of each step. */
async function payOldestBill(page: Page, tag: string) {
  await page.getByRole('button', { name: 'Use Michael Jackson' }).click();
  const w = page.locator('nea-pay');
  await w.locator('form button[type=submit]').click();
  await w.locator('[step=choose], :scope[step=choose]').or(page.locator('nea-pay[step=choose]')).first().waitFor();
  await w.locator('label.choice input').first().check();
  await w.locator('.preview[data-preview=ready]').waitFor();
  await shot(page, `${tag}-choose`);
  await w.locator('.actions button[type=submit]').click();
  await page.locator('nea-pay[step=confirm]').waitFor();
  await shot(page, `${tag}-confirm`);
  await w.locator('[part~=pay-button]').click();
  await w.locator('[part=receipt]').waitFor();
  await shot(page, `${tag}-receipt`);
  return w;
}

describe('receipts, end to end', () => {
  for (const width of [375, 1280]) {
    it(`English at ${width} px: preview, summary, receipt with remaining due`, async () => {
      const page = await openDemo(width, 'en');
      const w = await payOldestBill(page, `receipt-en-${width}`);
      const receipt = await w.locator('[part=receipt]').innerText();
      assert.match(receipt, /Date and time/);
      assert.match(receipt, /Bills paid\s+2073 Magh/);
      assert.match(receipt, /Still due after this payment\s+Rs\s*250\.00/);
      assert.doesNotMatch(receipt, /Service charge/);
      assert.deepEqual((page as Page & { errors: string[] }).errors, []);
      await page.close();
    });

    it(`Nepali at ${width} px: रू and the Bikram Sambat date on the receipt`, async () => {
      const page = await openDemo(width, 'ne');
      const w = await payOldestBill(page, `receipt-ne-${width}`);
      const receipt = await w.locator('[part=receipt]').innerText();
      assert.match(receipt, /मिति \(विक्रम संवत्\)\s+[०-९]{1,2} \S+ [०-९]{4}/);
      assert.match(receipt, /रू\s*२५०\.००/);
      assert.doesNotMatch(receipt, /NPR/);
      await page.close();
    });
  }

  it('prints the receipt alone on a clean page ("Save as PDF" prints the same)', async () => {
    const page = await openDemo(1280, 'en');
    const w = await payOldestBill(page, 'receipt-print-before');
    // The real print dialog cannot be driven headless: the test looks at the print media instead.
    await page.evaluate(() => (window.print = () => {}));
    await w.getByRole('button', { name: 'Print or save as PDF' }).click();
    await page.emulateMedia({ media: 'print' });
    await page.screenshot({ path: `${ARTIFACTS}/receipt-print.png`, fullPage: true });
    // A string, so that tsx's helpers do not end up in the page.
    const seen = (await page.evaluate(`(() => {
      const el = document.querySelector('nea-pay');
      const shown = (e) => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden';
      const root = el.shadowRoot;
      return {
        page: [...document.body.querySelectorAll('*')].filter((e) => !e.contains(el) && !el.contains(e) && shown(e)).map((e) => e.tagName),
        receipt: shown(root.querySelector('[part=receipt]')),
        buttons: [...root.querySelectorAll('button')].filter(shown).length,
        title: shown(root.querySelector('[part=header]')),
        height: document.documentElement.scrollHeight,
      };
    })()`)) as { page: string[]; receipt: boolean; buttons: number; title: boolean; height: number };
    assert.deepEqual(seen.page, [], 'nothing of the page but the widget is printed');
    assert.equal(seen.receipt, true);
    assert.equal(seen.title, true);
    assert.equal(seen.buttons, 0, 'no buttons on paper');
    // One A4 page at 96 dpi is about 1123 px tall.
    assert.ok(seen.height < 1123, `fits one page: ${seen.height}px`);
    await page.emulateMedia({ media: 'screen' });
    await page.evaluate(() => window.dispatchEvent(new Event('afterprint')));
    assert.equal(await w.getAttribute('data-bill-pay-printing'), null);
    await page.close();
  });
});
