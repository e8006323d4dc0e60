/**
 * axe on every step of every widget, in every theme and both languages: lookup, choose, confirm and the
 * receipt, walked by the widgets' own controls (no text matching, so Nepali runs the same path).
 */
import { expect, fixture } from '@open-wc/testing';
import { html, unsafeStatic } from 'lit/static-html.js';
import type { PayElement } from '../../src/internal/pay-element.js';
import { $, $$, fastClock, resetSandbox, until } from './helpers.js';
import '../../src/themes/portal.js'; // The portal's themes, opted into as a host does.

const THEMES = ['light', 'dark', 'olive', 'purple', 'vector', 'grey'] as const;
const LOCALES = ['en', 'ne'] as const;
const WIDGETS = [
  { tag: 'nea-pay', attrs: 'office-code="201:ratnapark-dc" sc-no="024.12.512" consumer-id="3042"' },
  { tag: 'dreamer-pay', attrs: 'customer-code="01-1"' },
  { tag: 'dishhome-recharge', attrs: 'customer-id="1111"' },
];

async function step(el: PayElement, name: string) {
  await until(el, () => el.getAttribute('step') === name, `step ${name}`);
  await el.updateComplete;
}

describe('accessibility of every step, theme and language', () => {
  beforeEach(resetSandbox);

  for (const { tag, attrs } of WIDGETS) {
    for (const theme of THEMES) {
      for (const locale of LOCALES) {
        it(`<${tag}> ${theme} ${locale}: lookup, choose, confirm and receipt have no axe violations`, async () => {
          const el = await fixture<PayElement>(
            html`<${unsafeStatic(tag)} endpoint="/api" theme=${theme} locale=${locale} .clock=${fastClock()} ${unsafeStatic(attrs)}></${unsafeStatic(tag)}>`,
          );
          await until(el, () => !el.hasAttribute('loading') && $(el, 'form button[type=submit]') !== null, 'ready');
          if (tag === 'nea-pay') await until(el, () => $$(el, '[role=option]').length > 1, 'counters loaded');
          await expect(el).to.be.accessible();

          $<HTMLButtonElement>(el, 'form button[type=submit]')!.click();
          await step(el, 'choose');
          await expect(el).to.be.accessible();

          if (!$(el, 'input[type=radio]:checked')) $<HTMLInputElement>(el, 'input[type=radio]')?.click();
          await el.updateComplete;
          $<HTMLButtonElement>(el, 'button[type=submit].primary')!.click();
          await step(el, 'confirm');
          await expect(el).to.be.accessible();

          $<HTMLButtonElement>(el, '[part~=pay-button]')!.click();
          await step(el, 'done');
          await expect(el).to.be.accessible();
        });
      }
    }
  }
});
