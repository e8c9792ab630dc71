/** What became of one POST to a merchant's webhook URL. */
export interface WebhookResponse {
  statusCode: number | null;
  /** The first characters of the receiver's answer. */
  excerpt: string | null;
  /** Why no answer came (refused, reset, timeout); null when one did. */
  error: string | null;
  latencyMs: number;
}

/** POSTs one webhook body and reads the start of the answer; never throws for the receiver's failures. */
export async function postWebhook(url: string, headers: Record<string, string>, body: string, timeoutMs: number): Promise<WebhookResponse> {
  const started = performance.now();
  let statusCode: number | null = null;
  let excerpt: string | null = null;
  let error: string | null = null;
  try {
    const response = await fetch(url, { method: 'POST', headers, body, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    statusCode = response.status;
    excerpt = await readExcerpt(response, 500);
  } catch (e) {
    error = describeFailure(e);
  }
  return { statusCode, excerpt, error, latencyMs: Math.round(performance.now() - started) };
}

/** The first `limit` characters of a receiver's answer, without reading a large body whole. */
async function readExcerpt(response: Response, limit: number): Promise<string> {
  if (!response.body) return '';
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = '';
  while (text.length < limit) {
    const { done, value } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  await reader.cancel().catch(() => undefined);
  return text.slice(0, limit);
}

/** fetch's own message is "fetch failed"; the reason (refused, reset, timeout) is in its cause. */
function describeFailure(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const cause = e.cause as { code?: string; message?: string } | undefined;
  return cause ? `${e.name}: ${e.message} (${[cause.code, cause.message].filter(Boolean).join(' ')})` : `${e.name}: ${e.message}`;
}
