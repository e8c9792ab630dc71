import ms from 'ms';

/** Parses a duration such as `7d`, `12h`, `90s`, `500ms`; a bare number is not accepted (ambiguous unit). */
export function parseDuration(text: string): number | undefined {
  if (!/^\s*\d+(\.\d+)?\s*[a-z]+\s*$/i.test(text)) return undefined;
  const value = ms(text.trim() as ms.StringValue);
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
}
