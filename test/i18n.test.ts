import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ERROR_CODES, REASON_CODES } from '../src/api.js';
import { en, type Messages } from '../src/internal/i18n.js';
import ne from '../src/internal/locales/ne.js';

/** Codes only the browser side produces (network, timeouts, unreadable answers). */
const CLIENT_CODES = ['NETWORK', 'TIMEOUT', 'BAD_RESPONSE', 'PAY_UNCONFIRMED', 'UNKNOWN'];
/** Codes a widget never sees: it always sends a key, JSON, and from an allowed page. */
const NOT_SHOWN = ['IDEMPOTENCY_KEY_REQUIRED', 'IDEMPOTENCY_MISMATCH', 'UNSUPPORTED_MEDIA_TYPE', 'PAYLOAD_TOO_LARGE', 'FORBIDDEN_ORIGIN', 'NOT_FOUND', 'INTERNAL', 'PACKAGE_NOT_IN_QUOTE', 'SERVICE_NOT_ENABLED'];

describe('translations', () => {
  for (const [name, table] of [['English', en], ['Nepali', ne]] as [string, Messages][]) {
    it(`${name} explains every error a customer can meet`, () => {
      const shown = [...Object.keys(ERROR_CODES).filter((c) => !NOT_SHOWN.includes(c)), ...CLIENT_CODES];
      const missing = shown.filter((code) => !table.errors[code]);
      assert.deepEqual(missing, []);
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
