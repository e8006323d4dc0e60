import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CONSUMER_ID, SC_NO } from '../src/api.js';
// The first load (flow.ts) provides what the steps' modules take from the kit (internal/kit.ts): before them.
import '../src/internal/flow.js';
import { plural } from '../src/internal/format.js';
import { en } from '../src/internal/locales/en.js';
import ne from '../src/internal/locales/ne.js';
import { matches, oneOf, required, validate, validateFields } from '../src/internal/validators.js';

describe('field validators', () => {
  it('required refuses an empty or blank value', () => {
    assert.equal(required(''), 'required');
    assert.equal(required('   '), 'required');
    assert.equal(required('3042'), null);
  });

  it('matches checks the trimmed value and leaves an empty one to required', () => {
    const scNo = matches(SC_NO, 'invalidScNo');
    assert.equal(scNo(' 024.12.512 '), null);
    assert.equal(scNo('02.12'), 'invalidScNo');
    assert.equal(scNo(''), null);
  });

  it('oneOf accepts only a value from the list', () => {
    const counter = oneOf(['201:ratnapark-dc'], 'invalidCounter');
    assert.equal(counter('201:ratnapark-dc'), null);
    assert.equal(counter(''), 'invalidCounter');
  });

  it('validate answers with the first failing message', () => {
    assert.equal(validate('', required, matches(CONSUMER_ID, 'invalidConsumerId')), 'required');
    assert.equal(validate('30x', required, matches(CONSUMER_ID, 'invalidConsumerId')), 'invalidConsumerId');
    assert.equal(validate('3042', required, matches(CONSUMER_ID, 'invalidConsumerId')), null);
  });

  it('validateFields gives every field its error and says whether all passed', () => {
    assert.deepEqual(validateFields({ sc: ['02.12', required, matches(SC_NO, 'invalidScNo')], id: ['3042', required] }), {
      errors: { sc: 'invalidScNo', id: null },
      valid: false,
    });
    assert.equal(validateFields({ id: ['3042', required] }).valid, true);
  });

  it('every message a validator can name exists in both languages', () => {
    for (const key of ['required', 'invalidScNo', 'invalidConsumerId', 'invalidCounter', 'invalidCustomerCode', 'invalidDishCustomerId'] as const) {
      assert.ok(en[key] && ne[key], key);
    }
  });
});

describe('plurals', () => {
  it('English says "1 month" and "3 months", "Oldest bill" and "Oldest 2 bills"', () => {
    assert.equal(plural(en.months, 'en', 1), '{count} month');
    assert.equal(plural(en.months, 'en', 3), '{count} months');
    assert.equal(plural(en.payBills, 'en', 1), 'Oldest bill: {amount}');
    assert.equal(plural(en.payBills, 'en', 2), 'Oldest {count} bills: {amount}');
  });

  it('Nepali has its own wording for one bill and keeps the count placeholder elsewhere', () => {
    assert.equal(plural(ne.payBills, 'ne', 1), 'सबैभन्दा पुरानो बिल: {amount}');
    assert.equal(plural(ne.payBills, 'ne', 3), 'पुराना {count} बिल: {amount}');
    assert.equal(plural(ne.months, 'ne', 1), '{count} महिना');
  });

  it('every plural form fills the same placeholders as English "other" (a form may leave out {count})', () => {
    const names = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
    for (const key of ['months', 'payBills'] as const) {
      const expected = names(en[key].other);
      for (const form of [...Object.values(en[key]), ...Object.values(ne[key])]) {
        const found = names(form);
        assert.ok(found.every((n) => expected.includes(n)), form);
        assert.deepEqual(expected.filter((n) => n !== 'count' && !found.includes(n)), [], form);
      }
    }
  });

  it('no wording in either language says "(s)"', () => {
    const all = JSON.stringify([en, ne]);
    assert.equal(/\(s\)/.test(all), false);
  });
});
