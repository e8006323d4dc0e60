/**
 * The build's template minification (scripts/minify-templates.ts) checked against Chromium: the widgets' own
 * style sheets parse to the same rules minified, and lit-html templates render the same text and layout.
 * (These tests run the TypeScript sources, unminified; the e2e tests run the built, minified demo.)
 */
import { expect } from '@open-wc/testing';
import { render } from 'lit/html.js';
import { minifyCss, minifyHtml } from '../../scripts/minify-templates.js';
import '../../src/nea-pay.js'; // The first load, before the steps' styles (they take `css` from its kit).
import type { Css } from '../../src/internal/base-element.js';
import { stepStyles } from '../../src/internal/step-styles.js';
import { payStyles } from '../../src/internal/styles.js';

/** A style sheet's rules as Chromium serializes them. */
const rules = (text: string) => {
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(text);
  return [...sheet.cssRules].map((rule) => rule.cssText);
};

/** A template's strings array as a tag receives it (these samples hold no escapes: raw and cooked are the same). */
const strings = (parts: string[]) => Object.assign([...parts], { raw: [...parts] }) as unknown as TemplateStringsArray;

/** Renders a template (its parts and values) into a fresh container; returns the container. */
function show(parts: string[], values: unknown[]): HTMLElement {
  const box = document.body.appendChild(document.createElement('div'));
  box.style.width = '20rem';
  render({ ['_$litType$']: 1, strings: strings(parts), values } as never, box);
  return box;
}

describe('template minification (in Chromium)', () => {
  it("the widgets' style sheets parse to the same rules minified", () => {
    const sheets: Css[] = [...payStyles, stepStyles];
    for (const sheet of sheets) {
      const [minified] = minifyCss([sheet.cssText]);
      expect(minified!.length).to.be.below(sheet.cssText.length);
      expect(rules(minified!)).to.deep.equal(rules(sheet.cssText));
    }
  });

  const samples: [string, string[], unknown[]][] = [
    [
      'blocks, inline elements, text and interpolations',
      [
        '\n  <h2>',
        '</h2>\n  <form novalidate>\n    <div>\n      <label for="x">Pay\n        <b>',
        '</b>\n        now</label>\n      <select id="x">\n        <option value="a" ?selected=',
        '>A</option>\n        <option>B</option>\n      </select>\n      <span class="hint">',
        '</span>\n      ',
        '\n    </div>\n    <p>\n      Total:\n      <strong>',
        '</strong>\n      <a href="#x">edit</a>\n    </p>\n    <ul>\n      <li>one</li>\n      <li>two\n        <em>2</em></li>\n    </ul>\n    <button type="submit">\n      Go\n    </button>\n  </form>\n',
      ],
      ['Heading', 'NPR 1,250', true, 'a hint', 'text after', 'NPR 10'],
    ],
    [
      'a <pre> and a <textarea>',
      ['\n  <pre>\n  line one\n    ', '\n</pre>\n  <textarea>\n  keep\n</textarea>\n'],
      ['indented'],
    ],
  ];
  for (const [name, parts, values] of samples) {
    it(`${name}: the same text and layout minified`, () => {
      const minified = minifyHtml(parts);
      expect(minified.length).to.equal(parts.length);
      const before = show(parts, values);
      const after = show(minified, values);
      try {
        expect(after.innerText).to.equal(before.innerText);
        expect(after.getBoundingClientRect().height).to.equal(before.getBoundingClientRect().height);
        const pre = before.querySelector('pre');
        if (pre) {
          expect(after.querySelector('pre')!.textContent).to.equal(pre.textContent);
          expect(after.querySelector('textarea')!.value).to.equal(before.querySelector('textarea')!.value);
        }
      } finally {
        before.remove();
        after.remove();
      }
    });
  }
});
