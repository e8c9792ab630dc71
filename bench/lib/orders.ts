/**
 * Hands out seeded order numbers, each once: the k-th capture of a range takes order
 * ibase + (k × stride) mod isize, a permutation that spreads consecutive captures over the whole
 * table (as real captures of orders authorized at different times would be) rather than walking
 * the freshest, hottest index pages. The pgbench script computes the same mapping.
 */
const PRIMES = [1_000_003, 999_983, 7_919, 104_729, 15_485_863];

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

export class OrderRange {
  readonly stride: number;
  private k = 0;

  constructor(
    /** First order number of the range. */
    readonly ibase: number,
    /** How many orders it has. */
    readonly isize: number,
  ) {
    this.stride = PRIMES.find((p) => gcd(p, isize) === 1) ?? 1;
  }

  /** Captures taken so far (the next k). */
  get used(): number {
    return this.k;
  }

  get remaining(): number {
    return Math.max(0, this.isize - this.k);
  }

  /** The next unused order number, or undefined when the range is used up. */
  next(): number | undefined {
    if (this.k >= this.isize) return undefined;
    return this.ibase + ((this.k++ * this.stride) % this.isize);
  }

  /** Records `n` captures made elsewhere (pgbench) from k = used onwards. */
  advance(n: number): void {
    this.k += n;
  }
}
