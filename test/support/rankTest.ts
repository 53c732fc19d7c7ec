/**
 * The Mann–Whitney U test: do two samples come from one distribution? It
 * compares ranks, not means, so a few slow outliers (a GC pause, a busy
 * neighbour) weigh no more than any other sample, and it assumes no shape.
 * Large samples: the normal approximation with the tie correction.
 */
export interface RankTest {
  /** Standardised U: about N(0, 1) when both samples come from one distribution; positive when `a` tends higher. */
  z: number;
  /** The share of (a, b) pairs in which a is the higher (0.5 when neither tends higher). */
  probabilityAHigher: number;
}

export function mannWhitney(a: number[], b: number[]): RankTest {
  const all = [...a.map((value) => ({ value, fromA: true })), ...b.map((value) => ({ value, fromA: false }))].sort(
    (x, y) => x.value - y.value,
  );
  const n1 = a.length;
  const n2 = b.length;
  const n = n1 + n2;
  let rankSumA = 0;
  let tieTerm = 0;
  for (let start = 0; start < n;) {
    let end = start;
    while (end + 1 < n && all[end + 1]!.value === all[start]!.value) end += 1;
    const rank = (start + end) / 2 + 1;
    for (let index = start; index <= end; index += 1) if (all[index]!.fromA) rankSumA += rank;
    const tied = end - start + 1;
    tieTerm += tied ** 3 - tied;
    start = end + 1;
  }
  const u = rankSumA - (n1 * (n1 + 1)) / 2;
  const mean = (n1 * n2) / 2;
  const variance = ((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  return { z: variance > 0 ? (u - mean) / Math.sqrt(variance) : 0, probabilityAHigher: u / (n1 * n2) };
}
