const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):?(\d{2}))$/;

/**
 * An ISO 8601 instant with a zone that exists: Date.parse turns 2024-02-30 into 1 March and 24:00
 * into the next day, so each part is checked against the calendar instead.
 */
export function isRealInstant(text: string): boolean {
  const m = ISO_INSTANT.exec(text);
  if (!m) return false;
  const part = (i: number) => Number(m[i] ?? 0);
  const [year, month, day, hour, minute, second, offsetHours, offsetMinutes] = [1, 2, 3, 4, 5, 6, 7, 8].map(part) as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (month < 1 || month > 12) return false;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return day >= 1 && day <= daysInMonth && hour <= 23 && minute <= 59 && second <= 59 && offsetHours <= 14 && offsetMinutes <= 59;
}

/** The instant `text` names (ISO 8601 with a zone, a date that exists), or undefined. */
export function parseInstant(text: string): Date | undefined {
  return isRealInstant(text) ? new Date(Date.parse(text)) : undefined;
}
