/**
 * Comparing two partitions of the same tables: Adjusted Rand Index, Normalized Mutual
 * Information and pairwise F1 (precision/recall over table pairs placed together).
 * Partitions are maps table → label; only tables present in both are compared.
 */

export type Partition = ReadonlyMap<string, string>

function common(a: Partition, b: Partition): string[] {
  return [...a.keys()].filter((k) => b.has(k)).sort()
}

const choose2 = (n: number) => (n * (n - 1)) / 2

function contingency(a: Partition, b: Partition, items: string[]) {
  const cells = new Map<string, number>()
  const rows = new Map<string, number>()
  const cols = new Map<string, number>()
  for (const item of items) {
    const x = a.get(item)!
    const y = b.get(item)!
    const k = `${x}\u0000${y}`
    cells.set(k, (cells.get(k) ?? 0) + 1)
    rows.set(x, (rows.get(x) ?? 0) + 1)
    cols.set(y, (cols.get(y) ?? 0) + 1)
  }
  return {cells, rows, cols, n: items.length}
}

export function adjustedRandIndex(a: Partition, b: Partition): number {
  const {cells, rows, cols, n} = contingency(a, b, common(a, b))
  if (n < 2) return 1
  const sumCells = [...cells.values()].reduce((s, v) => s + choose2(v), 0)
  const sumRows = [...rows.values()].reduce((s, v) => s + choose2(v), 0)
  const sumCols = [...cols.values()].reduce((s, v) => s + choose2(v), 0)
  const expected = (sumRows * sumCols) / choose2(n)
  const max = (sumRows + sumCols) / 2
  if (max === expected) return 1
  return (sumCells - expected) / (max - expected)
}

export function normalizedMutualInformation(a: Partition, b: Partition): number {
  const {cells, rows, cols, n} = contingency(a, b, common(a, b))
  if (n === 0) return 1
  const h = (m: Map<string, number>) => -[...m.values()].reduce((s, v) => s + (v / n) * Math.log(v / n), 0)
  let mi = 0
  for (const [k, v] of cells) {
    const [x, y] = k.split('\u0000') as [string, string]
    mi += (v / n) * Math.log((v * n) / (rows.get(x)! * cols.get(y)!))
  }
  const ha = h(rows)
  const hb = h(cols)
  if (ha === 0 && hb === 0) return 1
  // Arithmetic-mean normalisation (scikit-learn's default).
  return (2 * mi) / (ha + hb)
}

/** Pairwise precision, recall and F1 of `predicted` against `truth`. */
export function pairwiseF1(predicted: Partition, truth: Partition): {precision: number; recall: number; f1: number} {
  const {cells, rows, cols} = contingency(predicted, truth, common(predicted, truth))
  const together = [...cells.values()].reduce((s, v) => s + choose2(v), 0)
  const predictedPairs = [...rows.values()].reduce((s, v) => s + choose2(v), 0)
  const truePairs = [...cols.values()].reduce((s, v) => s + choose2(v), 0)
  const precision = predictedPairs ? together / predictedPairs : 1
  const recall = truePairs ? together / truePairs : 1
  const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0
  return {precision, recall, f1}
}
