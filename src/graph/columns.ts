/**
 * Column-name evidence: tables of one module tend to carry the same specific columns (ERPNext's
 * `warehouse`, `batch_no`, `serial_no` in Stock; Moodle's `discussion`, `forum` in the forum
 * plugin), while columns every table has (`id`, `created_at`, Frappe's `docstatus`) say nothing.
 * Each table is a vector of its column names weighted by their specificity over the schema
 * (inverse document frequency), and is tied to its nearest other table by cosine similarity.
 *
 * Linear enough for 10,000 tables: pairs are found through an inverted index over columns that
 * at most `maxShare` of the tables carry (the common ones weigh almost nothing anyway).
 */

export interface ColumnTie {
  a: string
  b: string
  /** Cosine similarity (0–1] of the two tables' weighted column names. */
  similarity: number
}

/**
 * For every table, its `k` most similar other tables (similarity ≥ `min`), each pair once.
 * `tables`: [key, column names]. Column names are compared lower-cased; primary-key-only
 * columns such as `id` drop out by their frequency.
 */
export function columnTies(tables: ReadonlyArray<readonly [string, readonly string[]]>, options: {k?: number; min?: number; maxShare?: number} = {}): ColumnTie[] {
  const k = options.k ?? 1
  const min = options.min ?? 0.3
  const n = tables.length
  if (n < 3) return []
  const maxDf = Math.max(2, Math.floor(n * (options.maxShare ?? 0.05)))
  const sets = tables.map(([, cols]) => [...new Set(cols.map((c) => c.toLowerCase()))])
  const df = new Map<string, number>()
  for (const s of sets) for (const c of s) df.set(c, (df.get(c) ?? 0) + 1)
  // Weighted vectors, normalised over all shared columns (so common columns still dilute).
  const vectors = sets.map((s) => {
    const v = new Map<string, number>()
    for (const c of s) {
      const d = df.get(c)!
      if (d >= 2) v.set(c, Math.log(n / d))
    }
    const norm = Math.sqrt([...v.values()].reduce((x, w) => x + w * w, 0)) || 1
    for (const [c, w] of v) v.set(c, w / norm)
    return v
  })
  const holders = new Map<string, number[]>()
  sets.forEach((s, i) => {
    for (const c of s) {
      const d = df.get(c)!
      if (d < 2 || d > maxDf) continue
      const list = holders.get(c)
      if (list) list.push(i)
      else holders.set(c, [i])
    }
  })
  const ties = new Map<string, ColumnTie>()
  const score = new Float64Array(n)
  const touched: number[] = []
  for (let i = 0; i < n; i++) {
    for (const [c, w] of vectors[i]!) {
      const list = holders.get(c)
      if (!list) continue
      for (const j of list) {
        if (j === i) continue
        if (score[j] === 0) touched.push(j)
        score[j] = score[j]! + w * vectors[j]!.get(c)!
      }
    }
    const best = touched.filter((j) => score[j]! >= min).sort((x, y) => score[y]! - score[x]! || x - y).slice(0, k)
    for (const j of best) {
      const [a, b] = i < j ? [i, j] : [j, i]
      const key = `${a},${b}`
      if (!ties.has(key)) ties.set(key, {a: tables[a]![0], b: tables[b]![0], similarity: score[j]!})
    }
    for (const j of touched) score[j] = 0
    touched.length = 0
  }
  return [...ties.values()]
}
