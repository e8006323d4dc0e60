/**
 * React 19 end to end: a consumer's page (test/e2e/react) typechecks against the built package's types,
 * vite builds it against the built package's exports, and it renders in Chromium beside the real proxy and
 * the embedded sandbox: the wrapper's props reach <nea-pay>, its handlers fire on a real payment, and the
 * plain <nea-pay> tag gets its props and `onpay-*` handlers from React itself.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { build } from 'vite';
import { ARTIFACTS, startDemo } from './server.js';

const PAGE = 'test/e2e/react';
const OUT = resolve(ARTIFACTS, 'react-page');

let base = '';
let browser: Browser;
let stop: () => Promise<void>;

/** `bill-pay-widgets/...` as a consumer's bundler resolves it: through package.json "exports" to dist. */
function packageAliases() {
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { name: string; exports: Record<string, string | { default: string }> };
  return Object.entries(pkg.exports)
    .filter(([, target]) => typeof target !== 'string')
    .map(([path, target]) => ({
      find: new RegExp(`^${pkg.name}${path.slice(1).replace(/[.]/g, '\\.')}$`),
      replacement: resolve((target as { default: string }).default),
    }));
}

describe('a React 19 page', () => {
  before(async () => {
    const nodeEnv = process.env.NODE_ENV; // vite's build sets it to production in this process
    await build({
      root: resolve(PAGE),
      configFile: false,
      logLevel: 'warn',
      resolve: { alias: packageAliases() },
      build: { outDir: OUT, emptyOutDir: true, target: 'es2022' },
    });
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
    ({ url: base, browser, stop } = await startDemo({}, OUT));
  });

  after(() => stop?.());

  it("typechecks against the package's shipped types (typed props and handlers, wrong values rejected)", () => {
    try {
      execFileSync(resolve('node_modules/.bin/tsc'), ['-p', PAGE], { stdio: 'pipe' });
    } catch (error) {
      assert.fail(`the React page does not typecheck:\n${(error as { stdout: Buffer }).stdout}`);
    }
  });

  it('renders the wrapper and the plain tag; props reach the elements, handlers fire on a real payment', async () => {
    await fetch(`${base}/sandbox/_sandbox/reset`, { method: 'POST' });
    const page = await browser.newPage({ viewport: { width: 1100, height: 1400 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(base);
    const wrapped = page.locator('#wrapped');
    await wrapped.getByRole('button', { name: 'Look up bills' }).waitFor();

    const read = (selector: string) =>
      page.locator(selector).evaluate((el: HTMLElement & Record<string, unknown>) => ({
        tag: el.localName,
        endpoint: el.endpoint,
        theme: el.getAttribute('theme'),
        locale: el.getAttribute('locale'),
        officeCode: el.officeCode,
        scNo: el.scNo,
        consumerId: el.consumerId,
        officeCodeAttribute: el.getAttribute('office-code'),
      }));
    const props = { wrapped: await read('#wrapped'), plain: await read('#plain') };
    assert.deepEqual(props.wrapped, {
      tag: 'nea-pay',
      endpoint: '/api',
      theme: 'olive',
      locale: 'en',
      officeCode: '201:ratnapark-dc',
      scNo: '024.12.512',
      consumerId: '3042',
      officeCodeAttribute: null, // set as a property, not an attribute
    });
    assert.deepEqual(props.plain, {
      tag: 'nea-pay',
      endpoint: '/api',
      theme: 'dark',
      locale: 'ne',
      officeCode: '',
      scNo: '',
      consumerId: '',
      officeCodeAttribute: null,
    });

    await wrapped.getByRole('button', { name: 'Look up bills' }).click();
    await wrapped.getByRole('heading', { name: 'Choose the amount' }).waitFor();
    await wrapped.getByRole('radio', { name: /Oldest 2 bill/ }).check();
    await wrapped.getByRole('button', { name: 'Continue' }).click();
    await wrapped.getByRole('button', { name: /Pay Rs\s*450\.00/ }).click();
    await wrapped.getByRole('heading', { name: 'Payment successful' }).waitFor();
    await page.locator('#paid', { hasText: 'reference' }).waitFor();
    assert.match(await page.locator('#steps').innerText(), /^steps: lookup > choose > confirm > done$/);
    const paid = await page.locator('#paid').innerText();
    const reference = /^paid 45000 paisa, reference (\S+)$/.exec(paid)?.[1];
    assert.ok(reference, paid);
    assert.match(await wrapped.locator('[part=receipt]').innerText(), new RegExp(reference));

    // The plain tag's `onpay-step` prop: React 19 listens for the element's own event.
    await page.evaluate(() => {
      const el = document.getElementById('plain')!;
      el.dispatchEvent(new CustomEvent('pay-step', { detail: { service: 'nea', step: 'choose' }, bubbles: true, composed: true }));
    });
    await page.locator('#plain-steps', { hasText: 'choose' }).waitFor();
    // The element's own `pay-step: lookup` at start, then the dispatched one.
    assert.equal(await page.locator('#plain-steps').innerText(), 'plain steps: lookup > choose');

    await page.screenshot({ path: `${ARTIFACTS}/react-page.png`, fullPage: true });
    assert.deepEqual(errors, []);
    await page.close();
  });
});
