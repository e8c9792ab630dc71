import { AdminRefusal } from '../../core/admin/refusal.js';
import { AdminError } from './admin-error.js';

/** Runs an admin action, turning its refusal (core/admin/refusal.ts) into the admin API's error. */
export async function orRefused<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof AdminRefusal) throw new AdminError(error.code, error.message);
    throw error;
  }
}
