/**
 * Name evidence at every depth of the names, each level weighed by the schema's own references.
 *
 * A table's name is a path of words (tool_brickfield_areas → tool › brickfield › areas; run-
 * together names start with their family word, see names.ts). Every prefix shared by two or
 * more tables is a candidate module: `tool`, `tool_brickfield`, `forum`, `sales invoice`.
 * Whether a candidate is a module or only a namespace (Moodle's `tool_` holds nine unrelated
 * plugins) or a shared word (`status`, `log`) is measured, not assumed: a prefix's tables are
 * split by the word that follows it (its branches), and its coherence is the share of its
 * tables with a reference to a table of another branch. `forum_posts → forum_discussions →
 * forum` crosses branches (a module); `tool_brickfield_*` and `tool_dataprivacy_*` never
 * reference each other (a namespace: the tie belongs one level down).
 *
 * Pure: names and references in, groups with their coherence out.
 */
import {nameWords, singular} from './names.js'

export interface NameGroup {
  /** The words of the shared prefix, joined by `_`. */
  prefix: string
  /** Depth of the prefix in words (1: the family word). */
  depth: number
  /** Sorted table keys. */
  members: string[]
  /** Share (0–1) of the members, among those with any reference, referencing another branch; null when none references anything. */
  coherence: number | null
}

/**
 * Groups of tables sharing a name prefix, at every depth, largest prefix groups first.
 * `tables`: [key, family word, name without the global prefix]. `refs`: key → referenced keys.
 */
export function nameGroups(tables: ReadonlyArray<readonly [string, string, string]>, refs: ReadonlyMap<string, ReadonlyMap<string, unknown>>): NameGroup[] {
  // Each table's path: its family word, then the words after the first.
  const paths = new Map<string, string[]>()
  for (const [key, family, bare] of tables) {
    const words = nameWords(bare).map(singular)
    paths.set(key, [family, ...words.slice(1)])
  }
  const byPrefix = new Map<string, string[]>()
  for (const [key, path] of paths) {
    for (let d = 1; d <= path.length; d++) {
      const p = path.slice(0, d).join('_')
      const list = byPrefix.get(p)
      if (list) list.push(key)
      else byPrefix.set(p, [key])
    }
  }
  const neighbours = new Map<string, Set<string>>()
  const link = (a: string, b: string) => {
    if (a === b || !paths.has(a) || !paths.has(b)) return
    let s = neighbours.get(a)
    if (!s) neighbours.set(a, (s = new Set()))
    s.add(b)
  }
  for (const [from, m] of refs) for (const to of m.keys()) {
    link(from, to)
    link(to, from)
  }
  const groups: NameGroup[] = []
  for (const [prefix, members] of byPrefix) {
    if (members.length < 2) continue
    const depth = prefix.split('_').length
    const branchOf = (key: string) => paths.get(key)![depth] ?? '\u0000self'
    const set = new Set(members)
    let referencing = 0
    let crossing = 0
    for (const m of members) {
      const ns = [...(neighbours.get(m) ?? [])]
      if (ns.length === 0) continue
      referencing++
      if (ns.some((n) => set.has(n) && (branchOf(n) !== branchOf(m) || branchOf(m) === '\u0000self'))) crossing++
    }
    groups.push({prefix, depth, members: [...members].sort(), coherence: referencing ? crossing / referencing : null})
  }
  // A prefix holding exactly the tables of a longer one says nothing new: the longer one, whose
  // branches are the real ones, stands for both.
  const bySignature = new Map<string, NameGroup>()
  for (const g of groups) {
    const s = g.members.join('\u0000')
    const other = bySignature.get(s)
    if (!other || other.depth < g.depth) bySignature.set(s, g)
  }
  return [...bySignature.values()].sort((a, b) => b.members.length - a.members.length || (a.prefix < b.prefix ? -1 : 1))
}

/**
 * Each table's module by its name: the shallowest shared prefix that is coherent (coherence at
 * least `threshold`, or no reference at all to judge by), descending through namespaces.
 * Returns the modules of two or more tables, each a sorted member list; a table under no
 * coherent prefix is in none.
 */
export function nameModules(tables: ReadonlyArray<readonly [string, string, string]>, groups: readonly NameGroup[], threshold: number): NameGroup[] {
  const byPrefix = new Map(groups.map((g) => [g.prefix, g]))
  const modules = new Map<string, string[]>()
  for (const [key, family, bare] of tables) {
    const path = [family, ...nameWords(bare).map(singular).slice(1)]
    for (let d = 1; d <= path.length; d++) {
      const g = byPrefix.get(path.slice(0, d).join('_'))
      if (!g || !(g.coherence === null || g.coherence >= threshold)) continue
      const list = modules.get(g.prefix)
      if (list) list.push(key)
      else modules.set(g.prefix, [key])
      break
    }
  }
  return [...modules]
    .filter(([, m]) => m.length >= 2)
    .map(([prefix, members]) => ({...byPrefix.get(prefix)!, members: members.sort()}))
    .sort((a, b) => (a.prefix < b.prefix ? -1 : 1))
}
