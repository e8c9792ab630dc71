/**
 * Where a merchant may send its customer's browser back to: a URL the WHATWG parser accepts, with
 * a host, over https — or http to this machine (a merchant developing locally). Anything else
 * (javascript:, data:, relative, "http://", "https://[::1") is refused when the order is created,
 * so no redirect can fail after the money has moved.
 */
const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Why `text` cannot be a return URL, in words fit for an error message; undefined when it can. */
export function returnUrlProblem(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'must be an absolute URL';
  }
  if (url.hostname === '') return 'must name a host';
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname)) return undefined;
  return 'must be an https URL (http only to localhost)';
}
