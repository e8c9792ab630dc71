/**
 * The volume split: which account of a weighted list goes first, drawn by weight
 * (docs/routing.md "How an authorization is routed", step 3).
 */

/**
 * One entry drawn with probability weight / total weight, from `random` uniform in [0, 1);
 * undefined when no entry has a weight above 0.
 */
export function drawByWeight<T extends { weight: number }>(entries: readonly T[], random: () => number): T | undefined {
  const weighted = entries.filter((e) => e.weight > 0);
  const total = weighted.reduce((sum, e) => sum + e.weight, 0);
  if (total === 0) return undefined;
  const point = random() * total;
  let reached = 0;
  for (const entry of weighted) {
    reached += entry.weight;
    if (point < reached) return entry;
  }
  // Only a source that returns 1 itself gets here: the last entry owns the top of the range.
  return weighted[weighted.length - 1];
}
