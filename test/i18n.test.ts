import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CLIENT_ERROR_CODES, ERROR_CODES, REASON_CODES, type WidgetErrorCode } from '../src/api.js';
import { errorText, type Messages } from '../src/internal/i18n.js';
import { en } from '../src/internal/locales/en.js';
import ne from '../src/internal/locales/ne.js';


describe('translations', () => {
  for (const [name, table] of [['English', en], ['Nepali', ne]] as [string, Messages][]) {
    it(`${name} explains every error a customer can meet`, () => {
      // The types (the lookup's `errors` and the steps' `stepErrors`, together every WidgetErrorCode) make a
      // missing code a compile error; this checks the texts, and that no code is in both.
      const codes = [...Object.keys(ERROR_CODES), ...CLIENT_ERROR_CODES];
      assert.deepEqual([...Object.keys(table.errors), ...Object.keys(table.stepErrors)].sort(), codes.sort());
      for (const code of codes) assert.ok(errorText(table, code as WidgetErrorCode).length > 0, code);
    });
    it(`${name} explains every biller reason the proxy recognises`, () => {
      assert.deepEqual(Object.keys(table.reasons).sort(), [...REASON_CODES].sort());
      for (const code of REASON_CODES) assert.ok(table.reasons[code].length > 0, code);
    });
    it(`${name} has every message and every fact label`, () => {
      for (const [key, value] of Object.entries(en)) {
        assert.ok(key in table, `${name} lacks ${key}`);
        if (typeof value === 'string') assert.ok((table[key as keyof Messages] as string).length > 0, key);
      }
      assert.deepEqual(Object.keys(table.facts).sort(), Object.keys(en.facts).sort());
    });
  }
  it('keeps the same placeholders in both languages', () => {
    for (const [key, value] of Object.entries(en)) {
      if (typeof value !== 'string') continue;
      const names = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      assert.deepEqual(names(ne[key as keyof Messages] as string), names(value), key);
    }
  });
});
