import type { StoredRequestKey } from '../store/request-keys-repository.js';

/** A client-chosen request id (Pine Labs `Request-ID`) and the fingerprint of the request it names. */
export interface RequestKey {
  id: string;
  fingerprint: string;
}

/**
 * Thrown when the request id was already used: the effect's statement failed as a whole (no
 * second effect) and the dialect answers from the stored record.
 */
export class RequestKeyTaken extends Error {
  constructor(readonly stored: StoredRequestKey) {
    super('request id already used');
    this.name = 'RequestKeyTaken';
  }
}
