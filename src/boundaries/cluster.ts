/**
 * Clustering the table graph into candidate contexts.
 *
 * - Louvain (graphology-communities-louvain) maximising modularity, seeded (same input, same
 *   answer), followed by a local-moving pass over single tables (src/graph/louvain.ts).
 * - Resolution: DEFAULT_RESOLUTION unless a number is given. Louvain is randomised, so 'auto'
 *   runs it from several seeds derived from the seed and keeps the partition of highest
 *   modularity — the usual way to use a randomised modularity heuristic. With a wanted number
 *   of contexts, a sweep over RESOLUTION_SWEEP picks the resolution coming closest.
 * - Pins: each pinned context's tables are collapsed into one node (keeping their inner weight
 *   as a self-loop), and two pinned contexts may never share a community, so pinned tables never
 *   move and never merge with another pinned context; other tables cluster around them.
 * - Repair: a community that is not connected is split into its connected parts (Louvain can
 *   produce them, Traag et al. 2019); a lone table joins the community it is tied to most
 *   strongly; a table with no ties at all stays alone.
 */
import {UndirectedGraph} from 'graphology'
import louvainModule from 'graphology-communities-louvain'

import {seededRandom} from '../random.js'
import {compactGraph, type CompactGraph, modularityOf, refinePartition} from '../graph/louvain.js'

// The package's default export is the function; its typings describe a namespace under NodeNext.
const louvainLibrary = louvainModule as unknown as (graph: UndirectedGraph, options: {resolution?: number; rng?: () => number; getEdgeWeight?: string}) => Record<string, number>
import type {TableGraph, TableNode} from '../graph/build.js'

export {seededRandom} from '../random.js'

export interface ClusterOptions {
  seed?: number
  /** A number, or 'auto' (default): DEFAULT_RESOLUTION, best of several seeded runs. */
  resolution?: number | 'auto'
  /** Wanted number of contexts: the sweep picks the resolution whose partition comes closest. */
  contextsHint?: number
  /** table → context label; pinned tables never move. */
  pins?: ReadonlyMap<string, string>
  /** Seeded Louvain runs per resolution, the best modularity kept (default RESTARTS). */
  restarts?: number
  /**
   * table → unit: unpinned tables of one unit are clustered as one node (they may still join
   * others, never split). Used for name modules (src/graph/name-trie.ts).
   */
  units?: ReadonlyMap<string, string>
}

export interface Clustering {
  /** table → community label ('c0', 'c1', … or 'pin:' + the pin's context name). */
  assignment: Map<string, string>
  resolution: number
  resolutionChoice: 'fixed' | 'auto'
  /** Standard modularity (γ = 1) of the assignment on the table graph. */
  modularity: number
}

/**
 * γ of 'auto'. Name modules are clustered as units (propose.ts), so the nodes Louvain merges are
 * already modules, not tables: at γ = 1 it merges modules that merely reference each other
 * (Moodle's plugins into the core table they hang on). Five of the six leave-one-corpus-out
 * folds of `npm run eval` choose 1.25 among 1, 1.25 and 1.5, and it keeps small obvious schemas
 * whole (docs/discovery.md).
 */
export const DEFAULT_RESOLUTION = 1.25

export const RESOLUTION_SWEEP = [0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1, 1.1, 1.2, 1.35, 1.5, 1.75, 2, 2.5]

/** Louvain runs per resolution: enough that the best of them rarely changes with the seed. */
export const RESTARTS = 8

export function clusterTables(tg: TableGraph, options: ClusterOptions = {}): Clustering {
  const seed = options.seed ?? 42
  const restarts = Math.max(1, options.restarts ?? RESTARTS)
  const problem = prepare(tg, options.pins ?? new Map(), options.units)
  const at = (resolution: number) => bestOf(problem, resolution, seed, restarts)
  if (typeof options.resolution === 'number') {
    const assignment = at(options.resolution)
    return {assignment, resolution: options.resolution, resolutionChoice: 'fixed', modularity: problem.score(assignment)}
  }
  if (!options.contextsHint) {
    const assignment = at(DEFAULT_RESOLUTION)
    return {assignment, resolution: DEFAULT_RESOLUTION, resolutionChoice: 'auto', modularity: problem.score(assignment)}
  }
  // The resolution whose partition has the wanted number of contexts (of two or more tables),
  // the one nearest γ = 1 among equals.
  const hint = options.contextsHint
  const size = (a: Map<string, string>) => {
    const counts = new Map<string, number>()
    for (const c of a.values()) counts.set(c, (counts.get(c) ?? 0) + 1)
    return [...counts.values()].filter((n) => n > 1).length
  }
  // The sweep looks with fewer restarts (it only counts contexts), the chosen resolution is run in full.
  let best: {resolution: number; off: number} | undefined
  for (const resolution of RESOLUTION_SWEEP) {
    const off = Math.abs(size(bestOf(problem, resolution, seed, Math.min(2, restarts))) - hint)
    if (!best || off < best.off || (off === best.off && Math.abs(resolution - 1) < Math.abs(best.resolution - 1))) best = {resolution, off}
  }
  const assignment = at(best!.resolution)
  return {assignment, resolution: best!.resolution, resolutionChoice: 'auto', modularity: problem.score(assignment)}
}

/** One seeded Louvain run at `resolution`, with pins, repair and leftovers handled. */
export function partitionAt(tg: TableGraph, resolution: number, seed: number, pins: ReadonlyMap<string, string>): Map<string, string> {
  return bestOf(prepare(tg, pins), resolution, seed, 1)
}

/**
 * The repair steps on a given partition (table → label): communities that are not connected
 * are split into their connected parts, lone tables join the community they are tied to most.
 * Pinned tables keep their pin's label.
 */
export function repairPartition(tg: TableGraph, assignment: ReadonlyMap<string, string>, pins: ReadonlyMap<string, string> = new Map()): Map<string, string> {
  const p = prepare(tg, pins)
  const ids = new Map<string, number>()
  const community = Int32Array.from(p.tables, (t, i) => {
    const c = p.pinOf[i] !== undefined ? `pin:${p.pinOf[i]}` : (assignment.get(t) ?? `table:${t}`)
    if (!ids.has(c)) ids.set(c, ids.size)
    return ids.get(c)!
  })
  splitDisconnected(p, community)
  attachLeftovers(p, community)
  return label(p, community)
}

interface Problem {
  /** Sorted table keys; tables are numbered by this order. */
  tables: string[]
  pinOf: (string | undefined)[]
  /** Louvain's graph: pinned tables of one context collapsed into one node. */
  cg: CompactGraph
  nodeOf: Int32Array
  group: Int32Array
  /** The same collapsed graph for graphology-communities-louvain (self-loops keep pinned groups' inner weight). */
  graphology: UndirectedGraph
  /** The table graph without collapsing, for repair and scoring. */
  tableGraph: CompactGraph
  score: (assignment: Map<string, string>) => number
}

function prepare(tg: TableGraph, pins: ReadonlyMap<string, string>, units: ReadonlyMap<string, string> = new Map()): Problem {
  const {graph} = tg
  const tables = graph.nodes().sort()
  const index = new Map(tables.map((t, i) => [t, i]))
  const pinOf = tables.map((t) => pins.get(t))
  const contexts = [...new Set(pinOf.filter((p): p is string => p !== undefined))].sort()
  const nodeOf = new Int32Array(tables.length)
  const groupOfNode: number[] = []
  const pinNode = new Map<string, number>()
  const unitNode = new Map<string, number>()
  tables.forEach((t, i) => {
    const pin = pinOf[i]
    if (pin !== undefined && pinNode.has(pin)) {
      nodeOf[i] = pinNode.get(pin)!
      return
    }
    const unit = pin === undefined ? units.get(t) : undefined
    if (unit !== undefined) {
      if (!unitNode.has(unit)) {
        unitNode.set(unit, groupOfNode.length)
        groupOfNode.push(-1)
      }
      nodeOf[i] = unitNode.get(unit)!
      return
    }
    nodeOf[i] = groupOfNode.length
    groupOfNode.push(pin === undefined ? -1 : contexts.indexOf(pin))
    if (pin !== undefined) pinNode.set(pin, nodeOf[i]!)
  })
  const tableEdges: [number, number, number][] = []
  graph.forEachEdge((_e, attrs, a, b) => {
    tableEdges.push([index.get(a)!, index.get(b)!, attrs.weight])
  })
  tableEdges.sort((x, y) => x[0] - y[0] || x[1] - y[1])
  const merged = new Map<string, [number, number, number]>()
  for (const [a, b, w] of tableEdges) {
    const x = Math.min(nodeOf[a]!, nodeOf[b]!)
    const y = Math.max(nodeOf[a]!, nodeOf[b]!)
    const k = `${x},${y}`
    const e = merged.get(k)
    if (e) e[2] += w
    else merged.set(k, [x, y, w])
  }
  const cg = compactGraph(groupOfNode.length, [...merged.values()])
  const graphology = new UndirectedGraph({allowSelfLoops: true})
  for (let i = 0; i < groupOfNode.length; i++) graphology.addNode(String(i))
  for (const [a, b, w] of merged.values()) if (w > 0) graphology.addEdge(String(a), String(b), {weight: w})
  const tableGraph = compactGraph(tables.length, tableEdges)
  const score = (assignment: Map<string, string>) => {
    const ids = new Map<string, number>()
    const comm = tables.map((t) => {
      const c = assignment.get(t) ?? t
      if (!ids.has(c)) ids.set(c, ids.size)
      return ids.get(c)!
    })
    return modularityOf(tableGraph, comm, 1)
  }
  return {tables, pinOf, cg, graphology, nodeOf, group: Int32Array.from(groupOfNode), tableGraph, score}
}

/** `runs` seeded Louvain runs at `resolution`; the one of highest modularity, repaired and labelled. */
function bestOf(p: Problem, resolution: number, seed: number, runs: number): Map<string, string> {
  let best: Int32Array | undefined
  let bestQ = -Infinity
  for (let r = 0; r < runs; r++) {
    const rng = seededRandom(seed + r * 0x9e3779b1)
    // graphology-communities-louvain does the multi-level work; Carve's pass then enforces pins
    // (no two pinned contexts in one community) and moves single tables Louvain left behind.
    const found = louvainLibrary(p.graphology, {resolution, rng, getEdgeWeight: 'weight'})
    const comm = refinePartition(p.cg, Int32Array.from({length: p.cg.n}, (_x, i) => found[String(i)]!), resolution, rng, p.group)
    const q = modularityOf(p.cg, comm, resolution)
    if (q > bestQ + 1e-12) {
      bestQ = q
      best = comm
    }
  }
  const community = new Int32Array(p.tables.length)
  for (let i = 0; i < p.tables.length; i++) community[i] = best ? best[p.nodeOf[i]!]! : i
  splitDisconnected(p, community)
  attachLeftovers(p, community)
  return label(p, community)
}

/** Split every community into its connected parts; the part holding a pin (else the largest) keeps the id. */
function splitDisconnected(p: Problem, community: Int32Array): void {
  const g = p.tableGraph
  const n = p.tables.length
  let next = 0
  for (let i = 0; i < n; i++) next = Math.max(next, community[i]! + 1)
  const part = new Int32Array(n).fill(-1)
  const byCommunity = new Map<number, number[]>()
  for (let i = 0; i < n; i++) {
    const list = byCommunity.get(community[i]!)
    if (list) list.push(i)
    else byCommunity.set(community[i]!, [i])
  }
  for (const [c, members] of byCommunity) {
    if (members.length < 2) continue
    const parts: number[][] = []
    for (const start of members) {
      if (part[start]! >= 0) continue
      const id = parts.length
      const stack = [start]
      const found: number[] = []
      part[start] = id
      while (stack.length) {
        const t = stack.pop()!
        found.push(t)
        const visit = (u: number) => {
          if (community[u] === c && part[u]! < 0) {
            part[u] = id
            stack.push(u)
          }
        }
        for (let e = g.start[t]!; e < g.start[t + 1]!; e++) visit(g.adj[e]!)
        // Tables pinned together are connected by the person's decision.
        if (p.pinOf[t] !== undefined) for (const u of members) if (p.pinOf[u] === p.pinOf[t]) visit(u)
      }
      parts.push(found)
    }
    if (parts.length < 2) continue
    const keep = parts.findIndex((x) => x.some((t) => p.pinOf[t] !== undefined))
    const keeper = keep >= 0 ? keep : parts.reduce((b, x, i) => (x.length > parts[b]!.length ? i : b), 0)
    parts.forEach((x, i) => {
      if (i === keeper) return
      const id = next++
      for (const t of x) community[t] = id
    })
  }
}

/** A lone table joins the community it is tied to most strongly; a table with no ties stays alone. */
function attachLeftovers(p: Problem, community: Int32Array): void {
  const g = p.tableGraph
  const n = p.tables.length
  const size = new Map<number, number>()
  for (let i = 0; i < n; i++) size.set(community[i]!, (size.get(community[i]!) ?? 0) + 1)
  for (let i = 0; i < n; i++) {
    if (size.get(community[i]!) !== 1 || p.pinOf[i] !== undefined) continue
    const weights = new Map<number, number>()
    for (let e = g.start[i]!; e < g.start[i + 1]!; e++) {
      const c = community[g.adj[e]!]!
      if (c !== community[i]) weights.set(c, (weights.get(c) ?? 0) + g.w[e]!)
    }
    let best = -1
    let bestWeight = 0
    for (const [c, w] of weights) if (w > bestWeight + 1e-12 || (Math.abs(w - bestWeight) <= 1e-12 && c < best)) [best, bestWeight] = [c, w]
    if (best < 0) continue
    size.set(community[i]!, 0)
    community[i] = best
    size.set(best, (size.get(best) ?? 0) + 1)
  }
}

/** Pinned communities carry 'pin:' + their context; others c0, c1, … by first table in sorted order. */
function label(p: Problem, community: Int32Array): Map<string, string> {
  const pinned = new Map<number, string>()
  p.tables.forEach((_t, i) => {
    if (p.pinOf[i] !== undefined) pinned.set(community[i]!, p.pinOf[i]!)
  })
  const names = new Map<number, string>()
  const out = new Map<string, string>()
  let fresh = 0
  p.tables.forEach((t, i) => {
    const c = community[i]!
    if (!names.has(c)) names.set(c, pinned.has(c) ? `pin:${pinned.get(c)}` : `c${fresh++}`)
    out.set(t, names.get(c)!)
  })
  return out
}

export type {TableNode}
