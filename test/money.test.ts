import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { formatNpr, paisaToRupees, rupeesToPaisa } from '../src/money.js';

describe('money', () => {
  it('parses rupee strings and JSON numbers into integer paisa', () => {
    assert.equal(rupeesToPaisa('200'), 20000);
    assert.equal(rupeesToPaisa('1,250.5'), 125050);
    assert.equal(rupeesToPaisa(' 0.05 '), 5);
    assert.equal(rupeesToPaisa(5.0), 500);
    assert.equal(rupeesToPaisa(600.1), 60010);
    assert.equal(rupeesToPaisa(0.29), 29);
    assert.equal(rupeesToPaisa(9996), 999600);
  });

  it('refuses anything that is not a non-negative amount with at most two decimals', () => {
    for (const bad of ['', 'abc', '-5', '1.234', '1e3', '12.', '.5', 'NaN', '1 000']) assert.equal(rupeesToPaisa(bad), null, bad);
    for (const bad of [-1, Number.NaN, Infinity, 1591.5836, 1e21]) assert.equal(rupeesToPaisa(bad), null, String(bad));
  });

  it('formats paisa back to the aggregator rupee string', () => {
    assert.equal(paisaToRupees(45000), '450');
    assert.equal(paisaToRupees(45050), '450.50');
    assert.equal(paisaToRupees(5), '0.05');
    assert.throws(() => paisaToRupees(1.5), RangeError);
    assert.throws(() => paisaToRupees(-1), RangeError);
  });

  it('round-trips every amount exactly, with no float error', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000_000_000 }), (paisa) => rupeesToPaisa(paisaToRupees(paisa)) === paisa),
    );
  });

  it('formats NPR for English and Nepali', () => {
    assert.match(formatNpr(125050, 'en'), /1,250\.50/);
    assert.match(formatNpr(125050, 'ne'), /१,२५०\.५०/);
    assert.match(formatNpr(10, 'en'), /0\.10/);
  });

  it('labels rupees "Rs" in English, as the README and the demo do (not "NPR")', () => {
    assert.match(formatNpr(125050, 'en'), /^Rs\s1,250\.50$/);
  });
});
