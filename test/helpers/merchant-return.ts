/**
 * The merchant's side of the browser's return, written from the documented algorithms
 * (docs/hosted-redirects.md) and not from Holdfast's code, so that a test proves what a merchant's
 * own verification would accept.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** What reached the merchant: the URL (with its query) and the fields, from the query (GET) or the form (POST). */
export interface MerchantReturn {
  method: 'GET' | 'POST';
  url: URL;
  fields: Record<string, string>;
}

/**
 * The return a hosted page's answer leads to: a 303 to the merchant (GET), a page whose link its
 * script follows (GET, after an upstream gateway's page), or a page whose form posts to it.
 */
export function returnOf(answer: { status: number; location: string | null; html: string }): MerchantReturn {
  const link = /<a [^>]*href="([^"]*)" data-autofollow>/.exec(answer.html)?.[1];
  const target = answer.status === 303 ? answer.location : link && unescapeHtml(link);
  if (target) {
    const url = new URL(target);
    return { method: 'GET', url, fields: Object.fromEntries(url.searchParams) };
  }
  const form = /<form method="post" action="([^"]*)" data-autosubmit>/.exec(answer.html);
  if (!form?.[1]) throw new Error(`no return to the merchant in the answer (${answer.status}): ${answer.html.slice(0, 300)}`);
  const fields: Record<string, string> = {};
  for (const input of answer.html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)) {
    fields[unescapeHtml(input[1] ?? '')] = unescapeHtml(input[2] ?? '');
  }
  return { method: 'POST', url: new URL(unescapeHtml(form[1])), fields };
}

function unescapeHtml(text: string): string {
  return text.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code))).replace(/&amp;/g, '&');
}

const same = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/** Pine Labs: HMAC-SHA256 over the sorted `key=value` pairs but `signature`, keyed with the hex-decoded secret, uppercase hex. */
export function pineLabsSignatureValid(fields: Record<string, string>, hexSecret: string): boolean {
  const { signature, ...signed } = fields;
  if (!signature) return false;
  const text = Object.entries(signed)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  return same(createHmac('sha256', Buffer.from(hexSecret, 'hex')).update(text).digest('hex').toUpperCase(), signature);
}

/** RFC 3986 percent-encoding, as Juspay's status-verification steps ask. */
const encode = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());

/**
 * Juspay: every query parameter but signature and signature_algorithm, each key and value
 * percent-encoded, sorted by key, joined, percent-encoded again; HMAC-SHA256 with the response key,
 * Base64, compared with the signature parameter (which the URL parser has percent-decoded once).
 */
export function juspaySignatureValid(url: URL, responseKey: string): boolean {
  const signature = url.searchParams.get('signature');
  if (!signature || url.searchParams.get('signature_algorithm') !== 'HMAC-SHA256') return false;
  const pairs: string[] = [];
  url.searchParams.forEach((value, key) => {
    if (key !== 'signature' && key !== 'signature_algorithm') pairs.push(`${encode(key)}=${encode(value)}`);
  });
  pairs.sort((a, b) => {
    const [ka = '', kb = ''] = [a.split('=')[0], b.split('=')[0]];
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
  return same(
    createHmac('sha256', responseKey)
      .update(encode(pairs.join('&')))
      .digest('base64'),
    signature,
  );
}

/** The return a hosted page's fetch Response leads to (fetched with redirect: 'manual'). */
export async function returnOfResponse(response: Response): Promise<MerchantReturn> {
  return returnOf({ status: response.status, location: response.headers.get('location'), html: await response.text() });
}
