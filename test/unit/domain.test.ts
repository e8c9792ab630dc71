import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { detectNetwork, isExpired, normalizeCardNumber, normalizeExpiry, passesLuhn } from '../../src/domain/card.js';
import { journalEntry, ledgerTotals } from '../../src/domain/ledger.js';
import { parseMajorUnits, toMajorUnitsNumber } from '../../src/domain/money.js';
import { canApply, nextState, ORDER_STATES } from '../../src/domain/order-state.js';

describe('money', () => {
  it('parses rupee strings exactly into paise', () => {
    assert.equal(parseMajorUnits('100', 'INR'), 10000);
    assert.equal(parseMajorUnits('100.5', 'INR'), 10050);
    assert.equal(parseMajorUnits('100.50', 'INR'), 10050);
    assert.equal(parseMajorUnits('0.01', 'INR'), 1);
    // 0.1 + 0.2 style float traps never happen: 1.15 * 100 is 114.99999999999999 in floats.
    assert.equal(parseMajorUnits('1.15', 'INR'), 115);
    assert.equal(parseMajorUnits('99999999.99', 'INR'), 9999999999);
  });
  it('rejects what is not a plain decimal with at most two places', () => {
    for (const bad of ['1.234', '-1', '1e3', 'abc', '', '.5', '1.', '0x10', '1,000']) {
      assert.equal(parseMajorUnits(bad, 'INR'), undefined, bad);
    }
    assert.equal(parseMajorUnits('10', 'XXX'), undefined);
  });
  it('formats minor units as major-unit numbers', () => {
    assert.equal(toMajorUnitsNumber(10050, 'INR'), 100.5);
    assert.equal(toMajorUnitsNumber(1, 'INR'), 0.01);
    assert.equal(toMajorUnitsNumber(115, 'INR'), 1.15);
  });
});

describe('cards', () => {
  it('checks Luhn', () => {
    for (const good of ['4111111111111111', '5555555555554444', '6521000000000007', '378282246310005', '4000000000003220']) {
      assert.ok(passesLuhn(good), good);
    }
    assert.ok(!passesLuhn('4111111111111112'));
  });
  it('normalizes spaces and dashes, and bounds the length', () => {
    assert.equal(normalizeCardNumber('4111 1111-1111 1111'), '4111111111111111');
    assert.equal(normalizeCardNumber('41111111111'), undefined);
    assert.equal(normalizeCardNumber('41111111111111111111'), undefined);
    assert.equal(normalizeCardNumber('4111x11111111111'), undefined);
  });
  it('detects networks from prefixes', () => {
    assert.equal(detectNetwork('4111111111111111'), 'VISA');
    assert.equal(detectNetwork('5555555555554444'), 'MASTERCARD');
    assert.equal(detectNetwork('2221000000000009'), 'MASTERCARD');
    assert.equal(detectNetwork('378282246310005'), 'AMEX');
    assert.equal(detectNetwork('6521000000000007'), 'RUPAY');
  });
  it('normalizes expiry and knows when a card has expired', () => {
    assert.deepEqual(normalizeExpiry('03', '30'), { month: '03', year: '2030' });
    assert.equal(normalizeExpiry('13', '2030'), undefined);
    assert.equal(normalizeExpiry('3', '2030'), undefined);
    const now = new Date('2026-11-21T00:00:00Z');
    assert.ok(!isExpired({ month: '11', year: '2026' }, now), 'valid through the end of its month');
    assert.ok(isExpired({ month: '10', year: '2026' }, now));
  });
});

describe('order state machine', () => {
  it('allows capture and void only from an authorization that stands', () => {
    const capturable = ORDER_STATES.filter((s) => canApply(s, 'capture_requested'));
    assert.deepEqual(capturable, ['AUTHORIZED', 'VOID_FAILED']);
    const voidable = ORDER_STATES.filter((s) => canApply(s, 'void_requested'));
    // A failed capture leaves the money held: a void releases it.
    assert.deepEqual(voidable, ['AUTHORIZED', 'CAPTURE_FAILED', 'VOID_FAILED']);
  });
  it('has terminal states with no way out', () => {
    for (const terminal of ['VOIDED', 'FAILED', 'FULLY_REFUNDED'] as const) {
      assert.equal(nextState(terminal, 'capture_requested'), undefined);
      assert.equal(nextState(terminal, 'refunded_partial'), undefined);
    }
  });
  it('leads a capture to CAPTURED or PARTIALLY_CAPTURED, then refunds', () => {
    assert.equal(nextState('CAPTURE_PENDING', 'captured_partial'), 'PARTIALLY_CAPTURED');
    assert.equal(nextState('PARTIALLY_CAPTURED', 'refunded_full'), 'FULLY_REFUNDED');
    assert.equal(nextState('PARTIALLY_REFUNDED', 'refunded_partial'), 'PARTIALLY_REFUNDED');
  });
});

describe('ledger', () => {
  it('writes balanced entries and totals them', () => {
    const entries = [
      journalEntry('AUTHORIZE', 'pay', 10000, 'INR'),
      journalEntry('CAPTURE', 'cap', 6000, 'INR'),
      journalEntry('REVERSE', 'rev', 4000, 'INR'),
      journalEntry('REFUND', 'rfd', 2500, 'INR'),
    ];
    for (const e of entries)
      assert.equal(
        e.postings.reduce((s, p) => s + p.amount, 0),
        0,
      );
    assert.deepEqual(ledgerTotals(entries), { authorized: 10000, captured: 6000, reversed: 4000, refunded: 2500, held: 0 });
  });
  it('refuses non-positive or fractional amounts', () => {
    assert.throws(() => journalEntry('CAPTURE', 'x', 0, 'INR'), RangeError);
    assert.throws(() => journalEntry('CAPTURE', 'x', 1.5, 'INR'), RangeError);
  });
});
