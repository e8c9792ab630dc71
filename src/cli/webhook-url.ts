/** A webhook URL must parse and be http(s); anything else would fail every delivery. */
export function checkWebhookUrl(url: string, option: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`${option} must be an http(s) URL, got "${url}"`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error(`${option} must be an http(s) URL, got "${url}"`);
}
