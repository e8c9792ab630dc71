/** The checkout form's card checks, shared by the page's script and the server (src/api/hosted/card-checks.ts). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cardFormProblems, detectPageNetwork, formatCardNumber, parseExpiry } from '../../src/api/hosted/card-checks.js';

const NOW = new Date('2026-06-15T12:00:00Z');
const OK = { card_number: '4111 1111 1111 1111', expiry: '12/30', cvv: '123', name: 'Asha Verma' };

describe('checkout card checks', () => {
  it('names the network from the first digits typed', () => {
    const cases: [string, string | undefined][] = [
      ['4', 'visa'],
      ['5555', 'mastercard'],
      ['2221', 'mastercard'],
      ['6521', 'rupay'],
      ['6011', 'discover'],
      ['6445', 'discover'],
      ['3782', 'amex'],
      ['3056', 'diners'],
      ['3530', 'jcb'],
      ['508', 'rupay'],
      ['6759', 'maestro'],
      ['1', undefined],
      ['', undefined],
    ];
    for (const [digits, network] of cases) assert.equal(detectPageNetwork(digits), network, digits);
  });

  it('accepts a good card; names each problem: Luhn, length, past or unreadable expiry, CVV length by network, name', () => {
    assert.deepEqual(cardFormProblems(OK, NOW), {});
    assert.deepEqual(Object.keys(cardFormProblems({ ...OK, card_number: '4111 1111 1111 1112' }, NOW)), ['card_number']);
    assert.match(cardFormProblems({ ...OK, card_number: '4111' }, NOW).card_number!, /12 to 19 digits/);
    assert.match(cardFormProblems({ ...OK, expiry: '05/26' }, NOW).expiry!, /expired/);
    assert.deepEqual(cardFormProblems({ ...OK, expiry: '06/26' }, NOW), {}, 'valid through the end of its month');
    assert.match(cardFormProblems({ ...OK, expiry: '13/30' }, NOW).expiry!, /MM\/YY/);
    assert.match(cardFormProblems({ ...OK, cvv: '1234' }, NOW).cvv!, /3 digits/);
    assert.match(cardFormProblems({ ...OK, card_number: '378282246310005' }, NOW).cvv!, /4 digits/);
    assert.deepEqual(cardFormProblems({ ...OK, card_number: '378282246310005', cvv: '1234' }, NOW), {});
    assert.match(cardFormProblems({ ...OK, name: '  ' }, NOW).name!, /name/);
  });

  it('reads MM/YY in the ways people type it, and groups numbers as printed', () => {
    assert.deepEqual(parseExpiry('12/30'), { month: '12', year: '2030' });
    assert.deepEqual(parseExpiry('1230'), { month: '12', year: '2030' });
    assert.deepEqual(parseExpiry(' 3 / 2031 '), { month: '03', year: '2031' });
    assert.equal(parseExpiry('00/30'), undefined);
    assert.equal(formatCardNumber('4111111111111111'), '4111 1111 1111 1111');
    assert.equal(formatCardNumber('378282246310005'), '3782 822463 10005');
  });
});
