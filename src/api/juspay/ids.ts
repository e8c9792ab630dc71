import { randomAlphanumeric } from '../../domain/ids.js';

/** Juspay's transaction uuid shape: eul + 17 letters and digits. */
export const juspayTxnUuid = (): string => `eul${randomAlphanumeric(17)}`;
