/**
 * Access tokens of Pine Labs Online accounts, kept for the whole process: one token per account
 * (and per client credential, so a changed secret is never answered with the old one's token),
 * reused until a minute before it expires, and at most one request for a new one in flight per
 * account — callers that need a token while it is being fetched wait for that same request.
 */

/** A token is renewed this long before the upstream says it expires, so none is sent just as it lapses. */
export const RENEW_BEFORE_EXPIRY_MS = 60_000;

export interface FetchedToken {
  value: string;
  /** When the upstream says it expires, on our clock; null when it did not say. */
  expiresAtMs: number | null;
}

interface Entry {
  token?: { value: string; renewAtMs: number };
  refreshing?: Promise<string>;
}

export class AccessTokenCache {
  private readonly entries = new Map<string, Entry>();

  /**
   * A usable token for `key`: the cached one while `nowMs` is before its renewal time, else the one
   * `fetch` gets — shared with every caller asking meanwhile. A failed fetch is not cached: the next
   * caller tries again.
   */
  get(key: string, nowMs: () => number, fetch: () => Promise<FetchedToken>): Promise<string> {
    let entry = this.entries.get(key);
    if (!entry) {
      entry = {};
      this.entries.set(key, entry);
    }
    if (entry.refreshing) return entry.refreshing;
    if (entry.token && nowMs() < entry.token.renewAtMs) return Promise.resolve(entry.token.value);
    const held = entry;
    const refreshing = fetch().then(
      (fetched) => {
        // A token that says nothing of its expiry serves the callers waiting for it and no later one.
        const renewAtMs = fetched.expiresAtMs === null ? Number.NEGATIVE_INFINITY : fetched.expiresAtMs - RENEW_BEFORE_EXPIRY_MS;
        held.token = { value: fetched.value, renewAtMs };
        held.refreshing = undefined;
        return fetched.value;
      },
      (error: unknown) => {
        held.refreshing = undefined;
        throw error;
      },
    );
    held.refreshing = refreshing;
    return refreshing;
  }

  /** Forgets `token` (the upstream refused it), unless a newer token has already replaced it. */
  invalidate(key: string, token: string): void {
    const entry = this.entries.get(key);
    if (entry?.token?.value === token) entry.token = undefined;
  }
}

/** The process's one cache of Pine Labs Online tokens, shared by every connector instance of an account. */
export const pineLabsTokens = new AccessTokenCache();
