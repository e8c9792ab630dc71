/**
 * Known answers for both redirect signatures (docs/hosted-redirects.md). Each expected value was
 * computed outside the project, with `openssl dgst -sha256 -mac HMAC` over the string written out
 * by hand in the test; the Juspay one with the padded merchant parameter is also the worked example
 * of a public Juspay verification sample, so the per-pair encoding is the one Juspay signs with.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { juspayRedirectSignature, strictPercentEncode } from '../../src/api/juspay/redirect-signature.js';
import { pineLabsRedirectSignature } from '../../src/api/pinelabs/redirect-signature.js';
import { juspaySignatureValid, pineLabsSignatureValid } from '../helpers/merchant-return.js';

const PINE_SECRET = '0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF';
const JUSPAY_KEY = '92206A0A4A75499C9B11206C2B3B9A53';

describe('Pine Labs redirect signature: known answers', () => {
  it('success: HMAC of "order_id=v1-250101-0001&status=AUTHORIZED" with the hex-decoded secret, uppercase hex', () => {
    const fields = { status: 'AUTHORIZED', order_id: 'v1-250101-0001' };
    assert.equal(pineLabsRedirectSignature(fields, PINE_SECRET), '7F17311739D75025A953B9F2BBFDBD13B0BFFDDC8DED4C47D1D7DDD9616729BD');
  });

  it('failure: the error fields join the sorted pairs, values unencoded (spaces as they are)', () => {
    const fields = {
      order_id: 'v1-250101-0002',
      status: 'ATTEMPTED',
      error_code: 'USER_AUTHENTICATION_FAILED',
      error_message: 'Authentication failed',
    };
    assert.equal(pineLabsRedirectSignature(fields, PINE_SECRET), 'DBC2DC9B6C08B7EC28923EFE74FFB0856D948A0204BF3EAF91E8AE5FB77B2DE2');
  });

  it('a signature field present already is left out of what is signed', () => {
    const fields = { order_id: 'v1-250101-0001', status: 'AUTHORIZED', signature: 'anything' };
    assert.equal(pineLabsRedirectSignature(fields, PINE_SECRET), '7F17311739D75025A953B9F2BBFDBD13B0BFFDDC8DED4C47D1D7DDD9616729BD');
  });
});

describe('Juspay redirect signature: known answers', () => {
  it("Juspay's worked example: a merchant parameter with '=' is encoded per pair, then the whole string again", () => {
    const params: [string, string][] = [
      ['order_id', 'order_1727694028'],
      ['status', 'AUTHORIZATION_FAILED'],
      ['status_id', '27'],
      ['myQP', 'aGVsbG9Xb3JsZA=='],
    ];
    assert.equal(juspayRedirectSignature(params, JUSPAY_KEY), '8Esx2nrz3KE059rdsTkffYKu6AXXk07KzBo3KOexl3I=');
  });

  it('a value with a space and an ampersand: "note%3Da%2520b%2526c%26order_id%3Dord_1%26status%3DCHARGED%26status_id%3D21"', () => {
    const params: [string, string][] = [
      ['status_id', '21'],
      ['status', 'CHARGED'],
      ['order_id', 'ord_1'],
      ['note', 'a b&c'],
      ['signature_algorithm', 'HMAC-SHA256'],
    ];
    assert.equal(juspayRedirectSignature(params, JUSPAY_KEY), 'y4z81KxRFdbf6u2EWdxRAHZyvt8oVk7pWmL/gRL2OEc=');
  });

  it("the encoder is RFC 3986's: !'()* are encoded too, ~ is not", () => {
    assert.equal(strictPercentEncode("a!'()*~ b"), 'a%21%27%28%29%2A~%20b');
  });
});

describe('tampering is caught by a verifier written from the documents', () => {
  const pineFields = () => {
    const fields: Record<string, string> = { order_id: 'v1-250101-0003', status: 'AUTHORIZED' };
    fields.signature = pineLabsRedirectSignature(fields, PINE_SECRET);
    return fields;
  };
  const juspayUrl = () => {
    const url = new URL('https://shop.example/back?cart=7');
    url.searchParams.set('order_id', 'ord_9');
    url.searchParams.set('status', 'CHARGED');
    url.searchParams.set('status_id', '21');
    url.searchParams.set('signature', juspayRedirectSignature(url.searchParams, JUSPAY_KEY));
    url.searchParams.set('signature_algorithm', 'HMAC-SHA256');
    return url;
  };

  it('genuine ones verify', () => {
    assert.ok(pineLabsSignatureValid(pineFields(), PINE_SECRET));
    assert.ok(juspaySignatureValid(juspayUrl(), JUSPAY_KEY));
  });

  it('one edited field → rejected', () => {
    assert.ok(!pineLabsSignatureValid({ ...pineFields(), status: 'PROCESSED' }, PINE_SECRET));
    const url = juspayUrl();
    url.searchParams.set('status', 'AUTHORIZATION_FAILED');
    assert.ok(!juspaySignatureValid(url, JUSPAY_KEY));
    const merchantParam = juspayUrl();
    merchantParam.searchParams.set('cart', '8');
    assert.ok(!juspaySignatureValid(merchantParam, JUSPAY_KEY), "the merchant's own parameters are signed too");
  });

  it('a dropped field or an added one → rejected', () => {
    const dropped = pineFields();
    delete dropped.status;
    assert.ok(!pineLabsSignatureValid(dropped, PINE_SECRET));
    assert.ok(!pineLabsSignatureValid({ ...pineFields(), error_code: 'NONE' }, PINE_SECRET));
    const url = juspayUrl();
    url.searchParams.delete('status_id');
    assert.ok(!juspaySignatureValid(url, JUSPAY_KEY));
  });

  it('values moved between keys → rejected; the parameters merely in another order still verify, as both algorithms sort', () => {
    const fields = pineFields();
    assert.ok(!pineLabsSignatureValid({ ...fields, order_id: fields.status!, status: fields.order_id! }, PINE_SECRET));
    const url = juspayUrl();
    const swapped = new URL(url);
    swapped.searchParams.set('order_id', '21');
    swapped.searchParams.set('status_id', 'ord_9');
    assert.ok(!juspaySignatureValid(swapped, JUSPAY_KEY));
    const reordered = new URL(url.origin + url.pathname);
    for (const [key, value] of [...url.searchParams].reverse()) reordered.searchParams.append(key, value);
    assert.ok(juspaySignatureValid(reordered, JUSPAY_KEY));
  });

  it('a wrong key → rejected', () => {
    assert.ok(!pineLabsSignatureValid(pineFields(), PINE_SECRET.replace(/^0/, '1')));
    assert.ok(!juspaySignatureValid(juspayUrl(), JUSPAY_KEY.toLowerCase()));
  });
});
