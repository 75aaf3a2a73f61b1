/**
 * Clustering the table graph into candidate contexts: Louvain with a seeded RNG (same input,
 * same answer), pins honoured by collapsing each pinned group into one node, a repair pass that
 * splits communities that are not connected (Louvain can produce them, Traag et al. 2019), and
 * single leftovers attached to their strongest neighbour unless truly isolated.
 *
 * The resolution is fixed or chosen automatically: a sweep, keeping the most stable partition
 * (the one most similar to its neighbours in the sweep), or the one closest to a wanted number
 * of contexts.
 */
import {UndirectedGraph} from 'graphology'
import louvainModule from 'graphology-communities-louvain'
import modularityModule from 'graphology-metrics/graph/modularity.js'

import type {TableGraph, TableNode} from '../graph/build.js'
import {adjustedRandIndex} from './compare.js'

type EdgeAttrs = {weight: number}
type LouvainFn = (graph: UndirectedGraph, options: {resolution?: number; rng?: () => number; getEdgeWeight?: string}) => Record<string, number>
const louvain = louvainModule as unknown as LouvainFn
const modularity = modularityModule as unknown as (graph: UndirectedGraph, options: {getNodeCommunity: (node: string) => string | number; getEdgeWeight?: string; resolution?: number}) => number

/** mulberry32: a tiny, well-known seeded PRNG. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export interface ClusterOptions {
  seed?: number
  /** A number, or 'auto' (default): the most stable partition over a sweep. */
  resolution?: number | 'auto'
  /** Wanted number of contexts: the sweep picks the resolution whose partition comes closest. */
  contextsHint?: number
  /** table → context label; pinned tables never move. */
  pins?: ReadonlyMap<string, string>
}

export interface Clustering {
  /** table → community label ('c0', 'c1', … or the pin's context name). */
  assignment: Map<string, string>
  resolution: number
  resolutionChoice: 'fixed' | 'auto'
  modularity: number
}

export const RESOLUTION_SWEEP = [0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1, 1.1, 1.2, 1.35, 1.5, 1.75, 2, 2.5]

export function clusterTables(tg: TableGraph, options: ClusterOptions = {}): Clustering {
  const seed = options.seed ?? 42
  const pins = options.pins ?? new Map<string, string>()
  if (typeof options.resolution === 'number') {
    const assignment = partitionAt(tg, options.resolution, seed, pins)
    return {assignment, resolution: options.resolution, resolutionChoice: 'fixed', modularity: score(tg, assignment)}
  }
  const runs = RESOLUTION_SWEEP.map((resolution) => ({resolution, assignment: partitionAt(tg, resolution, seed, pins)}))
  const stability = runs.map((run, i) => {
    const neighbours = [runs[i - 1], runs[i + 1]].filter((x): x is (typeof runs)[number] => x !== undefined)
    return neighbours.reduce((s, n) => s + adjustedRandIndex(run.assignment, n.assignment), 0) / neighbours.length
  })
  const size = (a: Map<string, string>) => new Set([...a.values()].filter((label, _i, all) => all.indexOf(label) !== all.lastIndexOf(label))).size
  let best = 0
  for (let i = 1; i < runs.length; i++) {
    const better = options.contextsHint
      ? Math.abs(size(runs[i]!.assignment) - options.contextsHint) < Math.abs(size(runs[best]!.assignment) - options.contextsHint) ||
        (Math.abs(size(runs[i]!.assignment) - options.contextsHint) === Math.abs(size(runs[best]!.assignment) - options.contextsHint) && stability[i]! > stability[best]! + 1e-9)
      : stability[i]! > stability[best]! + 1e-9 ||
        (Math.abs(stability[i]! - stability[best]!) <= 1e-9 && Math.abs(runs[i]!.resolution - 1) < Math.abs(runs[best]!.resolution - 1))
    if (better) best = i
  }
  const chosen = runs[best]!
  return {assignment: chosen.assignment, resolution: chosen.resolution, resolutionChoice: 'auto', modularity: score(tg, chosen.assignment)}
}

function score(tg: TableGraph, assignment: Map<string, string>): number {
  if (tg.graph.size === 0) return 0
  return modularity(tg.graph as unknown as UndirectedGraph, {getNodeCommunity: (n) => assignment.get(n) ?? n, getEdgeWeight: 'weight'})
}

/** One Louvain run at `resolution`, with pins, repair and leftovers handled. */
export function partitionAt(tg: TableGraph, resolution: number, seed: number, pins: ReadonlyMap<string, string>): Map<string, string> {
  const {graph} = tg
  // Collapse each pinned group into one node so Louvain moves the group as a whole.
  const nodeOf = (table: string) => (pins.has(table) ? `pin\u0000${pins.get(table)}` : table)
  const work = new UndirectedGraph<Record<string, never>, EdgeAttrs>()
  graph.forEachNode((n) => work.mergeNode(nodeOf(n)))
  graph.forEachEdge((_e, attrs, a, b) => {
    const x = nodeOf(a)
    const y = nodeOf(b)
    if (x === y) return
    if (work.hasEdge(x, y)) work.updateEdgeAttribute(x, y, 'weight', (v) => (v ?? 0) + attrs.weight)
    else work.addEdge(x, y, {weight: attrs.weight})
  })
  const communities = work.order ? louvain(work as unknown as UndirectedGraph, {resolution, rng: seededRandom(seed), getEdgeWeight: 'weight'}) : {}

  const assignment = new Map<string, string>()
  graph.forEachNode((n) => assignment.set(n, `c${communities[nodeOf(n)]}`))

  // A community holding several pinned groups is split between them: each other member joins
  // the pinned group it is tied to most strongly; pinned tables carry their context's label.
  const pinsByCommunity = new Map<string, string[]>()
  for (const [table, ctx] of pins) {
    if (!graph.hasNode(table)) continue
    const c = assignment.get(table)!
    const list = pinsByCommunity.get(c) ?? []
    if (!list.includes(ctx)) list.push(ctx)
    pinsByCommunity.set(c, list)
  }
  for (const [community, contexts] of pinsByCommunity) {
    const members = [...assignment].filter(([, c]) => c === community).map(([t]) => t)
    for (const table of members) {
      if (pins.has(table)) {
        assignment.set(table, `pin:${pins.get(table)}`)
        continue
      }
      let best = contexts.sort()[0]!
      let bestWeight = -1
      for (const ctx of contexts) {
        let w = 0
        graph.forEachNeighbor(table, (nb) => {
          if (pins.get(nb) === ctx) w += graph.getEdgeAttribute(table, nb, 'weight')
        })
        if (w > bestWeight) {
          bestWeight = w
          best = ctx
        }
      }
      assignment.set(table, `pin:${best}`)
    }
  }

  splitDisconnected(tg, assignment, pins)
  attachLeftovers(tg, assignment, pins)
  return canonical(assignment)
}

/** Split every community into its connected components (pinned groups stay whole). */
function splitDisconnected(tg: TableGraph, assignment: Map<string, string>, pins: ReadonlyMap<string, string>): void {
  const {graph} = tg
  const members = new Map<string, string[]>()
  for (const [t, c] of assignment) members.set(c, [...(members.get(c) ?? []), t])
  let fresh = 0
  for (const [community, tables] of members) {
    if (tables.length < 2) continue
    const inside = new Set(tables)
    const seen = new Set<string>()
    const components: string[][] = []
    for (const start of tables) {
      if (seen.has(start)) continue
      const component: string[] = []
      const stack = [start]
      seen.add(start)
      while (stack.length) {
        const t = stack.pop()!
        component.push(t)
        const visit = (nb: string) => {
          if (inside.has(nb) && !seen.has(nb)) {
            seen.add(nb)
            stack.push(nb)
          }
        }
        graph.forEachNeighbor(t, visit)
        // Tables pinned together are connected by the person's decision.
        if (pins.has(t)) for (const other of tables) if (pins.get(other) === pins.get(t)) visit(other)
      }
      components.push(component)
    }
    if (components.length < 2) continue
    // The largest component keeps the label (and a pin label stays with its pinned tables).
    components.sort((a, b) => b.length - a.length)
    for (const component of components.slice(1)) {
      if (component.some((t) => pins.has(t))) continue
      const label = `${community}.${fresh++}`
      for (const t of component) assignment.set(t, label)
    }
  }
}

/** A lone table joins the community it is tied to most strongly; a table with no ties stays alone. */
function attachLeftovers(tg: TableGraph, assignment: Map<string, string>, pins: ReadonlyMap<string, string>): void {
  const {graph} = tg
  const sizes = new Map<string, number>()
  for (const c of assignment.values()) sizes.set(c, (sizes.get(c) ?? 0) + 1)
  const lone = [...assignment].filter(([t, c]) => sizes.get(c) === 1 && !pins.has(t)).map(([t]) => t).sort()
  for (const table of lone) {
    const weights = new Map<string, number>()
    graph.forEachNeighbor(table, (nb, _attrs) => {
      const c = assignment.get(nb)!
      if (c === assignment.get(table)) return
      weights.set(c, (weights.get(c) ?? 0) + graph.getEdgeAttribute(table, nb, 'weight'))
    })
    const best = [...weights].sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1))[0]
    if (best) assignment.set(table, best[0])
  }
}

/** Relabel communities c0, c1, … by first appearance in sorted table order: stable output. */
function canonical(assignment: Map<string, string>): Map<string, string> {
  const relabel = new Map<string, string>()
  const out = new Map<string, string>()
  for (const table of [...assignment.keys()].sort()) {
    const c = assignment.get(table)!
    if (!relabel.has(c)) relabel.set(c, c.startsWith('pin:') ? c : `c${relabel.size}`)
    out.set(table, relabel.get(c)!)
  }
  return out
}

export type {TableNode}
