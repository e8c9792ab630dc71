import { LEGACY_REQUEST_FINGERPRINT } from '../store/legacy-server-keys-repository.js';

/**
 * Whether a request repeats the one stored under the same reference. A fingerprint made with the
 * fingerprint key of an earlier version was replaced by the legacy marker when that key was
 * discarded (docs/security.md): such a request can no longer be compared, so a repeat is answered
 * as an identical replay (the stored outcome, never a second effect).
 */
export function sameRequest(storedFingerprint: string, fingerprint: string): boolean {
  return storedFingerprint === fingerprint || storedFingerprint === LEGACY_REQUEST_FINGERPRINT;
}
