/**
 * Why an admin action was refused, in the admin API's terms (docs/admin-api.md "Errors"); the API
 * renders it as `{ error, message }`. A refused action has changed nothing.
 */
export class AdminRefusal extends Error {
  constructor(
    readonly code: 'bad_request' | 'not_found' | 'conflict',
    message: string,
  ) {
    super(message);
    this.name = 'AdminRefusal';
  }
}
