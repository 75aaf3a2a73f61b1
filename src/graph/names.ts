/**
 * Name evidence: a prefix every table carries (`app_`, `sylius_`) says nothing; what follows it
 * often names the aggregate or module (order_lines, order_status_history → order;
 * productcategory, productmodel → product; salesorderheader, salesperson → sales).
 *
 * Two kinds of evidence come out of the names:
 * - families: tables whose names start with the same word (snake_case, camelCase) or, for
 *   run-together names, the same leading word-like prefix shared with another table name;
 * - containment: a name that spells out another table's whole name after its first word
 *   (catalog_promotion → promotion, channel_locales → locale, productproductphoto → productphoto).
 */

/** A leading `word_` shared by at least 60% of the names (and 3 of them); '' when none. */
export function globalPrefix(names: string[]): string {
  if (names.length < 3) return ''
  const counts = new Map<string, number>()
  for (const n of names) {
    const m = /^([A-Za-z0-9]+_)/.exec(n)
    if (m) counts.set(m[1]!, (counts.get(m[1]!) ?? 0) + 1)
  }
  for (const [prefix, count] of [...counts].sort(([a], [b]) => (a < b ? -1 : 1))) if (count >= 3 && count >= names.length * 0.6) return prefix
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

/** Lower-case words of a name: split on `_`, `-`, spaces, dots and camelCase humps. */
export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toLowerCase()
    .split(/[_\s.-]+/)
    .filter(Boolean)
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

/**
 * Shortest leading prefix a run-together name must share with another name to count as a
 * family word. Four letters are often chance (cont-act / cont-ent, stat-e / stat-us); five
 * keep real words such as `sales`, `order`, `person`.
 */
export const MIN_FAMILY_PREFIX = 5

export interface NameEvidence {
  /** key → family word (singular). */
  familyOf: Map<string, string>
  /** Families of two or more tables, each sorted, in family-word order; `label` is the word as
   * the names spell it when it is a shared prefix of run-together names (`sales`, not `sale`). */
  families: {word: string; label: string; members: string[]}[]
  /** [table, other]: `table`'s name spells out `other`'s whole name after its first word. */
  contains: [string, string][]
}

function lcp(a: string, b: string): number {
  let i = 0
  while (i < a.length && i < b.length && a.charCodeAt(i) === b.charCodeAt(i)) i++
  return i
}

/**
 * Families and containment over `tables`: [key, name without the global prefix]. Linear apart
 * from sorting: families of run-together names come from runs of names sharing their first
 * MIN_FAMILY_PREFIX letters (in sorted order the shortest common prefix with any other name is
 * the one with the run's first or last name).
 */
export function nameEvidence(tables: ReadonlyArray<readonly [string, string]>): NameEvidence {
  const words = tables.map(([key, name]) => ({key, words: nameWords(name)})).filter((t) => t.words.length > 0)
  // Heads: every run-together name and every first word, for run-together names to match.
  const firstWords = new Set(words.filter((t) => t.words.length > 1).map((t) => singular(t.words[0]!)))
  const heads = [...new Set(words.map((t) => t.words[0]!))].sort()
  const shortestShared = new Map<string, number>()
  for (let i = 0; i < heads.length; ) {
    const block = heads[i]!.slice(0, MIN_FAMILY_PREFIX)
    let j = i
    while (j < heads.length && heads[j]!.length >= MIN_FAMILY_PREFIX && heads[j]!.startsWith(block)) j++
    if (j - i >= 2) {
      for (let k = i; k < j; k++) {
        const h = heads[k]!
        const first = k === i ? heads[i + 1]! : heads[i]!
        const last = k === j - 1 ? heads[j - 2]! : heads[j - 1]!
        shortestShared.set(h, Math.min(lcp(h, first), lcp(h, last)))
      }
    }
    i = Math.max(j, i + 1)
  }
  const familyOf = new Map<string, string>()
  /** The family word as spelled at the start of a run-together name (`sales` for `sale`). */
  const spelled = new Map<string, string>()
  const fromPrefix = new Set<string>()
  for (const t of words) {
    const head = t.words[0]!
    let raw = head
    if (t.words.length === 1 && !firstWords.has(singular(head))) {
      const shared = shortestShared.get(head)
      if (shared !== undefined) raw = head.slice(0, shared)
      if (shared !== undefined && shared < head.length) fromPrefix.add(t.key)
    }
    familyOf.set(t.key, singular(raw))
    spelled.set(t.key, raw)
  }
  const byFamily = new Map<string, string[]>()
  for (const [key, family] of familyOf) {
    const list = byFamily.get(family)
    if (list) list.push(key)
    else byFamily.set(family, [key])
  }
  const families = [...byFamily]
    .filter(([, members]) => members.length >= 2)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([word, members]) => {
      const prefixed = members.find((m) => fromPrefix.has(m))
      return {word, label: prefixed ? spelled.get(prefixed)! : word, members: members.sort()}
    })

  // Containment. Whole names, singular word by word, to their tables.
  const byName = new Map<string, string>()
  for (const t of words) {
    const full = t.words.map(singular).join('_')
    if (!byName.has(full)) byName.set(full, t.key)
  }
  const contains: [string, string][] = []
  const seen = new Set<string>()
  const note = (key: string, other: string | undefined) => {
    if (!other || other === key) return
    const k = `${key}\u0000${other}`
    if (seen.has(k)) return
    seen.add(k)
    contains.push([key, other])
  }
  for (const t of words) {
    let segments = t.words
    if (segments.length === 1) segments = segment(segments[0]!, spelled.get(t.key)!, byName)
    for (let i = 1; i < segments.length; i++) {
      for (let j = i + 1; j <= segments.length; j++) note(t.key, byName.get(segments.slice(i, j).map(singular).join('_')))
    }
  }
  return {familyOf, families, contains}
}

/**
 * Splits a run-together name into the table names it is made of, longest first
 * (salesorderheadersalesreason → salesorderheader + salesreason), its family word standing in
 * for an unknown first part (salesperson → sales + person).
 */
function segment(name: string, family: string, byName: Map<string, string>): string[] {
  const out: string[] = []
  let rest = name
  while (rest) {
    // The longest table name spelled exactly, or the rest of the name in plural.
    let take = rest !== name && byName.has(singular(rest)) ? rest.length : 0
    for (let len = Math.min(rest.length, 64); len >= MIN_FAMILY_PREFIX && !take; len--) {
      const piece = rest.slice(0, len)
      if (piece !== name && byName.has(piece)) take = len
    }
    if (!take && out.length === 0 && family.length < rest.length && rest.startsWith(family)) take = family.length
    if (!take) take = rest.length
    out.push(rest.slice(0, take))
    rest = rest.slice(take)
  }
  return out
}

/**
 * Name stems, the simplest module guess: each name's first word (split on `_`, spaces and
 * camelCase), after dropping a first word that starts at least 80% of all names (a global
 * prefix such as `mdl_`, `sylius_`, ERPNext's `tab`). Returned per input name, in order.
 */
export function nameStems(names: readonly string[]): string[] {
  const words = names.map((n) => nameWords(n))
  const firsts = new Map<string, number>()
  for (const w of words) if (w.length) firsts.set(w[0]!, (firsts.get(w[0]!) ?? 0) + 1)
  const global = [...firsts].find(([, n]) => names.length >= 3 && n >= 0.8 * names.length)?.[0]
  return words.map((w, i) => {
    const rest = global !== undefined && w[0] === global && w.length > 1 ? w.slice(1) : w
    return rest[0] ?? names[i]!.toLowerCase()
  })
}

/**
 * Names without what nearly all of them start with: a `word_` prefix of 60% of the names
 * (globalPrefix), else a first word (camelCase or space-separated: ERPNext's `tabSales Order`)
 * starting 80% of them. Such a prefix names the application, not a module.
 */
export function bareNames(names: readonly string[]): string[] {
  const prefix = globalPrefix([...names])
  if (prefix) return names.map((n) => (n.startsWith(prefix) ? n.slice(prefix.length) : n))
  const words = names.map((n) => nameWords(n))
  const firsts = new Map<string, number>()
  for (const w of words) if (w.length > 1) firsts.set(w[0]!, (firsts.get(w[0]!) ?? 0) + 1)
  const global = names.length >= 3 ? [...firsts].find(([, n]) => n >= 0.8 * names.length)?.[0] : undefined
  if (global === undefined) return [...names]
  return words.map((w, i) => (w[0] === global && w.length > 1 ? w.slice(1).join('_') : names[i]!))
}
