import { expect, fixture, html } from '@open-wc/testing';
import type { NeaPay } from '../../src/nea-pay.js';
import { $, resetSandbox, until } from './helpers.js';
import '../../src/themes/portal.js'; // The portal's themes, opted into as a host does.

const THEMES = ['light', 'dark', 'olive', 'purple', 'vector', 'grey'];

/** WCAG 2 relative luminance of a CSS colour as the browser computed it (rgb()/rgba() or #hex). */
function luminance(color: string): number {
  const hex = /^#([0-9a-f]{6})$/i.exec(color.trim());
  const parts = hex ? hex[1]!.match(/../g)!.map((x) => parseInt(x, 16)) : color.match(/[\d.]+/g)!.slice(0, 3).map(Number);
  const [r, g, b] = parts.map((v) => v / 255).map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}
const contrast = (a: string, b: string) => {
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
  return (x! + 0.05) / (y! + 0.05);
};

describe('themes', () => {
  beforeEach(resetSandbox);

  for (const theme of THEMES) {
    it(`${theme}: every text and control meets WCAG AA contrast`, async () => {
      const el = await fixture<NeaPay>(html`<nea-pay endpoint="/api" theme=${theme} sc-no="bad"></nea-pay>`);
      await until(el, () => !el.hasAttribute('loading'), 'loaded');
      $<HTMLButtonElement>(el, 'form button[type=submit]')!.click();
      await el.updateComplete;
      const style = (selector: string) => getComputedStyle($(el, selector)!);
      const host = getComputedStyle(el);
      const bg = style('[part=base]').backgroundColor;
      const primary = style('button.primary');
      const pairs: [string, string, string, number][] = [
        ['text', style('h2').color, bg, 4.5],
        ['hint', style('.hint').color, bg, 4.5],
        ['error text', style('#sc-no-error').color, bg, 4.5],
        ['primary button text', primary.color, primary.backgroundColor, 4.5],
        ['success text', host.getPropertyValue('--_success'), bg, 4.5],
        ['badge text', host.getPropertyValue('--_fg'), host.getPropertyValue('--_surface'), 4.5],
        ['focus ring and button borders', primary.backgroundColor, bg, 3],
      ];
      const failing = pairs
        .map(([what, fg, back, min]) => [what, contrast(fg, back), min] as const)
        .filter(([, ratio, min]) => ratio < min)
        .map(([what, ratio, min]) => `${what} ${ratio.toFixed(2)} < ${min}`);
      expect(failing).to.deep.equal([]);
      expect(el.getAttribute('theme')).to.equal(theme);
      await expect(el).to.be.accessible();
    });
  }

  it('gives each theme its own colours, and lets --pay-* properties refine them', async () => {
    const backgrounds = new Set<string>();
    for (const theme of THEMES) {
      const el = await fixture<NeaPay>(html`<nea-pay endpoint="/api" theme=${theme}></nea-pay>`);
      backgrounds.add(getComputedStyle($(el, 'button.primary')!).backgroundColor);
    }
    expect(backgrounds.size).to.equal(THEMES.length);
    const custom = await fixture<NeaPay>(html`<nea-pay endpoint="/api" theme="olive" style="--pay-color-accent: rgb(1, 2, 3)"></nea-pay>`);
    expect(getComputedStyle($(custom, 'button.primary')!).backgroundColor).to.equal('rgb(1, 2, 3)');
  });

  it('shows the logo beside the title, as decoration, and switches theme without events', async () => {
    const el = await fixture<NeaPay>(html`<nea-pay endpoint="/api" logo="/demo-logo.svg"></nea-pay>`);
    const logo = $<HTMLImageElement>(el, '[part=logo]')!;
    expect(logo.getAttribute('src')).to.equal('/demo-logo.svg');
    expect(logo.getAttribute('alt')).to.equal('');
    const seen: string[] = [];
    el.addEventListener('pay-step', () => seen.push('pay-step'));
    el.theme = 'purple';
    await el.updateComplete;
    expect(el.getAttribute('theme')).to.equal('purple');
    expect(seen).to.deep.equal([]);
  });
});
