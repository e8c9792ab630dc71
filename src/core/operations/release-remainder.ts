import { remainderJobKey } from '../scheduled-jobs.js';
import { retriedReleaseSpec } from './retried-release.js';

/**
 * The release of a partial capture's uncaptured remainder, when the capture's own try did not
 * settle it. Run by the job the capture scheduled.
 */
export const remainderReleaseSpec = retriedReleaseSpec({ kind: 'REMAINDER', reason: 'remainder', jobKey: remainderJobKey });
