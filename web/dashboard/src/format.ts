/** How the dashboard shows values: times in UTC, money from minor units with its currency. */

const digitsCache = new Map<string, number>();

/** The number of minor-unit digits of a currency (2 for INR, 0 for JPY), as Intl knows it. */
export function minorDigits(currency: string): number {
  let digits = digitsCache.get(currency);
  if (digits === undefined) {
    try {
      digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
    } catch {
      digits = 2;
    }
    digitsCache.set(currency, digits);
  }
  return digits;
}

export function formatMoney(minor: number | null | undefined, currency: string | null | undefined): string {
  if (minor === null || minor === undefined) return '—';
  if (!currency) return String(minor);
  const digits = minorDigits(currency);
  try {
    return new Intl.NumberFormat('en', {
      style: 'currency',
      currency,
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    }).format(minor / 10 ** digits);
  } catch {
    return `${(minor / 10 ** digits).toFixed(digits)} ${currency}`;
  }
}

/** `2026-12-02 01:23:45 UTC`, or a dash. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** A chart axis label: the hour (`14:00`) or the day (`12-02`), in UTC. */
export function formatBucket(iso: string, bucket: 'hour' | 'day'): string {
  const text = new Date(iso).toISOString();
  return bucket === 'hour' ? text.slice(11, 16) : text.slice(5, 10);
}

export function formatPercent(rate: number | null | undefined): string {
  if (rate === null || rate === undefined) return '—';
  // A fraction of 1 (GET /stats), shown as a percentage.
  return `${(rate * 100).toFixed(1)}%`;
}

export function formatCount(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : new Intl.NumberFormat('en').format(value);
}

/** `12 ms`, or a dash when none was stored (a row answered before latencies were kept, or by no gateway call). */
export function formatLatency(ms: number | null | undefined): string {
  return ms === null || ms === undefined ? '—' : `${formatCount(ms)} ms`;
}

/** A `datetime-local` value (read as UTC) to ISO, or undefined when empty. */
export function utcInputToIso(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const date = new Date(`${value}Z`);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}
