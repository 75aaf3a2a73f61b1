/**
 * Data every part of an application uses, which says nothing about where the tables using it
 * belong (DDD's generic subdomain and shared kernel):
 *
 * - reference data: code lists every business system shares (ISO 3166 countries, ISO 4217
 *   currencies, ISO 639 languages, BCP 47 locales, IANA time zones) and the lookups made only of
 *   them (exchange rates between currencies, provinces of a country). Each code list with its
 *   lookups is a group of its own: a schema's currencies are not evidence about its countries
 *   (Sylius keeps them in three bundles: addressing, currency, locale);
 * - master data: the application's own tables that many of its modules reference (users,
 *   companies, items). A module's reference to one says the module uses the kernel, not that
 *   it is part of it: measured per schema, as an outlier of how many name modules reference a
 *   table (the hubs' rule, build.ts, counted in modules instead of tables).
 *
 * Pure: names and references in, sets of table keys out.
 */
import {nameWords, singular} from './names.js'

/**
 * Code lists by their name's words in singular, ignoring words that only say "this is a list"
 * (code, iso, ref, lookup, list).
 */
const REFERENCE_WORDS = new Set(['country', 'currency', 'language', 'locale', 'time_zone', 'timezone'])
const LIST_WORDS = new Set(['code', 'iso', 'ref', 'reference', 'lookup', 'list'])

export function isCodeListName(name: string): boolean {
  const words = nameWords(name).map(singular).filter((w) => !LIST_WORDS.has(w))
  return words.length > 0 && REFERENCE_WORDS.has(words.join('_'))
}

type References = ReadonlyMap<string, ReadonlyMap<string, unknown>>

/**
 * Shared reference data: tables named after a code list (isCodeListName), then, repeatedly,
 * tables whose every reference goes to reference data and that no other table references
 * (exchange rates between currencies, provinces of a country). `named`: [key, name without the
 * global prefix]; `refs`: key → referenced keys.
 */
export function detectReferenceData(named: ReadonlyArray<readonly [string, string]>, refs: References): Set<string> {
  const keys = named.map(([k]) => k)
  const reference = new Set(named.filter(([, name]) => isCodeListName(name)).map(([k]) => k))
  if (reference.size === 0) return reference
  const referrers = new Map<string, string[]>()
  for (const [from, m] of refs) {
    for (const to of m.keys()) {
      const list = referrers.get(to)
      if (list) list.push(from)
      else referrers.set(to, [from])
    }
  }
  const candidates = new Set(keys)
  for (let changed = true; changed; ) {
    changed = false
    for (const k of keys) {
      if (reference.has(k)) continue
      const out = refs.get(k)
      if (!out || out.size === 0 || ![...out.keys()].every((t) => reference.has(t))) continue
      if ((referrers.get(k) ?? []).some((r) => r !== k && candidates.has(r) && !reference.has(r))) continue
      reference.add(k)
      changed = true
    }
  }
  return reference
}

/**
 * The reference data split into its code lists: the connected parts of the references among
 * reference tables (currencies with exchange rates, countries with provinces, locales alone),
 * each sorted, in order of their first table.
 */
export function codeLists(reference: ReadonlySet<string>, refs: References): string[][] {
  const parent = new Map([...reference].map((k) => [k, k]))
  const find = (x: string): string => (parent.get(x) === x ? x : find(parent.get(x)!))
  for (const [from, m] of refs) {
    if (!reference.has(from)) continue
    for (const to of m.keys()) if (reference.has(to)) parent.set(find(from), find(to))
  }
  const lists = new Map<string, string[]>()
  for (const k of [...reference].sort()) {
    const root = find(k)
    const list = lists.get(root)
    if (list) list.push(k)
    else lists.set(root, [k])
  }
  return [...lists.values()]
}

/**
 * Master data: tables referenced from at least 3 distinct modules other than their own, and
 * from more than mean + 2 standard deviations of the schema's count (over tables referenced
 * from any other module). `moduleOf` gives a table's name module, or the table itself when it
 * has none.
 */
export function masterData(refs: References, moduleOf: (key: string) => string): Set<string> {
  const referringModules = new Map<string, Set<string>>()
  for (const [from, m] of refs) {
    for (const to of m.keys()) {
      if (moduleOf(from) === moduleOf(to)) continue
      let s = referringModules.get(to)
      if (!s) referringModules.set(to, (s = new Set()))
      s.add(moduleOf(from))
    }
  }
  const counts = [...referringModules.values()].map((s) => s.size)
  if (counts.length === 0) return new Set()
  const mean = counts.reduce((s, n) => s + n, 0) / counts.length
  const sd = Math.sqrt(counts.reduce((s, n) => s + (n - mean) ** 2, 0) / counts.length)
  const threshold = Math.max(3, mean + 2 * sd)
  return new Set([...referringModules].filter(([, s]) => s.size >= threshold).map(([k]) => k))
}
