/** `value`, which the caller knows is there (an array index in range, a regex group that always matches); throws naming `what` if it is not. */
export function defined<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`bench: ${what} is missing`);
  return value;
}

/** JSON.stringify typed as what it answers: undefined for undefined, functions and symbols. */
export const jsonText = (value: unknown): string | undefined => JSON.stringify(value);
