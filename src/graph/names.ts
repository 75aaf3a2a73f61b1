/**
 * Name evidence: a prefix every table carries (`app_`, `sylius_`) says nothing; what follows it
 * often names the aggregate (order_lines, order_status_history → order; productcategory →
 * product).
 */

/** A leading `word_` shared by at least 60% of the names (and 3 of them); '' when none. */
export function globalPrefix(names: string[]): string {
  if (names.length < 3) return ''
  const counts = new Map<string, number>()
  for (const n of names) {
    const m = /^([A-Za-z0-9]+_)/.exec(n)
    if (m) counts.set(m[1]!, (counts.get(m[1]!) ?? 0) + 1)
  }
  for (const [prefix, count] of counts) if (count >= 3 && count >= names.length * 0.6) return prefix
  return ''
}

export function singular(word: string): string {
  const w = word.toLowerCase()
  if (w.length <= 3) return w
  if (w.endsWith('ies')) return `${w.slice(0, -3)}y`
  if (/(ss|x|ch|sh)es$/.test(w)) return w.slice(0, -2)
  if (w.endsWith('ses') && !w.endsWith('sses')) return w.slice(0, -1)
  if (w.endsWith('s') && !w.endsWith('ss') && !w.endsWith('us') && !w.endsWith('is')) return w.slice(0, -1)
  return w
}

/**
 * The stem a table's name shares with its family: the first word of a snake_case name, or, for
 * run-together names, the longest other table name it starts with (at least 4 letters).
 * `tables` maps lower-cased names (without the global prefix) to anything.
 */
export function nameStem(name: string, tables: Map<string, unknown>): string | null {
  const n = name.toLowerCase()
  const word = /^([a-z0-9]+)[_\s-]/.exec(n)?.[1]
  if (word) return singular(word)
  let best: string | null = null
  for (const other of tables.keys()) {
    if (other.length >= 4 && other !== n && n.startsWith(other) && !/[_\s-]/.test(other) && (!best || other.length > best.length)) best = other
  }
  return singular(best ?? n)
}
