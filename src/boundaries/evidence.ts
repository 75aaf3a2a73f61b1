/**
 * Why each table sits in its context, in words a reviewer can check: the ties it has inside the
 * context (foreign keys, inferred references, its name family, joins and write transactions of
 * the owner, views), who writes it, and — when it has no tie inside at all — that it was only
 * attached there. E.g. "3 FKs with stock_entry, stock_ledger; name family stock (4 tables);
 * written by stock-service".
 *
 * Read from the table graph the proposal was clustered on; a pure function.
 */
import type {TableGraph} from '../graph/build.js'
import {bareNames, nameEvidence} from '../graph/names.js'

const SIGNAL_WORDS: [signal: string, one: string, many: string][] = [
  ['fk', 'FK', 'FKs'],
  ['inferred', 'inferred reference', 'inferred references'],
  ['join', 'joined by its owner', 'joined by its owner'],
  ['transaction', 'written in one transaction', 'written in one transaction'],
  ['view', 'read together by a view', 'read together by views'],
  ['trigger', 'shared trigger', 'shared triggers'],
  ['nameContains', 'name spelling out', 'names spelling out'],
]

export interface PlacementInput {
  tg: TableGraph
  /** table → its context's name */
  contextOf: ReadonlyMap<string, string>
  /** table → its writers (workload), most first */
  writers: ReadonlyMap<string, string[]>
  /** context → its owner */
  ownerOf: ReadonlyMap<string, string | null>
  /** Deprecated tables: grouped for retirement, not placed by their ties. */
  deprecated: ReadonlySet<string>
}

/** table → its evidence, one short phrase per kind of tie. */
export function placementEvidence(input: PlacementInput): Map<string, string[]> {
  const {tg, contextOf, writers, ownerOf, deprecated} = input
  const graph = tg.graph
  const keys = graph.nodes()
  const bare = bareNames(keys.map((k) => graph.getNodeAttribute(k, 'name')))
  const family = nameEvidence(keys.map((k, i) => [k, bare[i]!] as const)).familyOf
  const perFamily = new Map<string, number>()
  for (const [t, c] of contextOf) {
    const word = family.get(t)
    if (word !== undefined) perFamily.set(`${c}\u0000${word}`, (perFamily.get(`${c}\u0000${word}`) ?? 0) + 1)
  }
  const kernel = new Set(tg.sharedKernel ?? [])
  const out = new Map<string, string[]>()
  for (const table of [...contextOf.keys()].sort()) {
    const context = contextOf.get(table)!
    const phrases: string[] = []
    if (deprecated.has(table)) phrases.push('deprecated: grouped for retirement')
    else if (graph.hasNode(table)) {
      const inside = new Map<string, string[]>()
      let tiesOutside = 0
      graph.forEachEdge(table, (_e, attrs, a, b) => {
        const other = a === table ? b : a
        if (contextOf.get(other) !== context) {
          tiesOutside++
          return
        }
        for (const signal of Object.keys(attrs.signals)) inside.set(signal, [...(inside.get(signal) ?? []), other])
      })
      for (const [signal, one, many] of SIGNAL_WORDS) {
        const with_ = [...new Set(inside.get(signal) ?? [])].sort()
        if (!with_.length) continue
        phrases.push(`${with_.length} ${with_.length === 1 ? one : many} with ${abbreviate(with_)}`)
      }
      const word = family.get(table)
      const here = word === undefined ? 0 : perFamily.get(`${context}\u0000${word}`)!
      if (here > 1) phrases.push(`name family ${word} (${here} tables here)`)
      if (kernel.has(table)) phrases.push('master data: many modules reference it (shared kernel), their references do not place it')
      if (!phrases.length) phrases.push(tiesOutside ? 'no tie inside the context: attached to its strongest neighbour' : 'no ties to any table')
    } else phrases.push('not in the table graph')
    const w = writers.get(table) ?? []
    const owner = ownerOf.get(context) ?? null
    if (w.length) phrases.push(owner && w.includes(owner) ? `written by ${owner}${w.length > 1 ? ` (and ${w.length - 1} other${w.length > 2 ? 's' : ''})` : ''}` : `written by ${abbreviate(w)}, not the owner`)
    out.set(table, phrases)
  }
  return out
}

function abbreviate(items: string[], n = 3): string {
  return items.length <= n ? items.join(', ') : `${items.slice(0, n).join(', ')} +${items.length - n}`
}
