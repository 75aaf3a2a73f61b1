/**
 * What Carve adds around graphology-communities-louvain (which does the multi-level Louvain
 * itself, see src/boundaries/cluster.ts):
 *
 * - a compact CSR copy of the graph, for fast modularity scoring and repair;
 * - generalised modularity with a resolution γ (Reichardt & Bornholdt 2006):
 *   Q = Σ_c [ in_c / 2m − γ (tot_c / 2m)² ], self-loops kept (a collapsed pin group keeps its
 *   inner weight, so its degree — and the null model — stay right);
 * - a refinement pass: local moving of single nodes after Louvain's aggregation, which never
 *   revisits them (the weakness Traag et al. 2019 point out), honouring cannot-link groups so
 *   two pinned contexts never share a community; a community of its own is one of a node's
 *   choices, so a node whose ties do not pay for its community's size leaves it. Seeded; ties
 *   break on the lowest index.
 *
 * Nodes are 0..n-1; edges are given once per unordered pair (a, b, weight), a === b allowed.
 */

export interface CompactGraph {
  n: number
  /** CSR adjacency: neighbours of i are adj[start[i] .. start[i+1]), without self-loops. */
  start: Int32Array
  adj: Int32Array
  w: Float64Array
  /** Weight of the self-loop on i (counted twice in the node's strength). */
  loop: Float64Array
  /** Strength: Σ of incident edge weights, self-loops twice. */
  k: Float64Array
  /** 2m: the sum of all strengths. */
  m2: number
}

export function compactGraph(n: number, edges: ReadonlyArray<readonly [number, number, number]>): CompactGraph {
  const loop = new Float64Array(n)
  const deg = new Int32Array(n + 1)
  for (const [a, b, x] of edges) {
    if (!(x > 0)) continue
    if (a === b) loop[a] = loop[a]! + x
    else {
      deg[a]!++
      deg[b]!++
    }
  }
  const start = new Int32Array(n + 1)
  for (let i = 0; i < n; i++) start[i + 1] = start[i]! + deg[i]!
  const fill = start.slice(0, n)
  const adj = new Int32Array(start[n]!)
  const w = new Float64Array(start[n]!)
  const k = new Float64Array(n)
  for (const [a, b, x] of edges) {
    if (!(x > 0) || a === b) continue
    adj[fill[a]!] = b
    w[fill[a]!++] = x
    adj[fill[b]!] = a
    w[fill[b]!++] = x
  }
  let m2 = 0
  for (let i = 0; i < n; i++) {
    let s = 2 * loop[i]!
    for (let e = start[i]!; e < start[i + 1]!; e++) s += w[e]!
    k[i] = s
    m2 += s
  }
  return {n, start, adj, w, loop, k, m2}
}

/** Generalised modularity of a partition (community per node). */
export function modularityOf(g: CompactGraph, comm: ArrayLike<number>, gamma = 1): number {
  if (g.m2 === 0) return 0
  const count = maxPlusOne(comm)
  const inside = new Float64Array(count)
  const tot = new Float64Array(count)
  for (let i = 0; i < g.n; i++) {
    const c = comm[i]!
    tot[c] = tot[c]! + g.k[i]!
    inside[c] = inside[c]! + 2 * g.loop[i]!
    for (let e = g.start[i]!; e < g.start[i + 1]!; e++) if (comm[g.adj[e]!] === c) inside[c] = inside[c]! + g.w[e]!
  }
  let q = 0
  for (let c = 0; c < count; c++) q += inside[c]! / g.m2 - gamma * (tot[c]! / g.m2) ** 2
  return q
}

/**
 * A local-moving pass over single nodes (the refinement Louvain's aggregation never revisits),
 * honouring cannot-link groups. `comm` is changed in place and renumbered.
 */
export function refinePartition(g: CompactGraph, comm: Int32Array, gamma: number, rng: () => number, group?: Int32Array): Int32Array {
  // A community may hold at most one group: later groups leave for fresh communities first.
  if (group) {
    const owner = new Map<number, number>()
    let next = maxPlusOne(comm)
    const moved = new Map<string, number>()
    for (let i = 0; i < g.n; i++) {
      const gi = group[i]!
      if (gi < 0) continue
      const c = comm[i]!
      if (!owner.has(c)) owner.set(c, gi)
      else if (owner.get(c) !== gi) {
        const key = `${c}:${gi}`
        if (!moved.has(key)) moved.set(key, next++)
        comm[i] = moved.get(key)!
      }
    }
  }
  localMoving(g, comm, gamma, rng, group ?? new Int32Array(g.n).fill(-1))
  return renumber(comm)
}

/** Moves nodes one at a time to the neighbouring community with the best gain; true if any moved. */
function localMoving(g: CompactGraph, comm: Int32Array, gamma: number, rng: () => number, group: Int32Array): boolean {
  const n = g.n
  const tot = new Float64Array(n)
  const commGroup = new Int32Array(n).fill(-1)
  for (let i = 0; i < n; i++) {
    tot[comm[i]!] = tot[comm[i]!]! + g.k[i]!
    if (group[i]! >= 0) commGroup[comm[i]!] = group[i]!
  }
  const weightTo = new Float64Array(n)
  const touched = new Int32Array(n)
  // Members per community and the ids no community uses, for moves to a community of one's own.
  const members = new Int32Array(n)
  for (let i = 0; i < n; i++) members[comm[i]!]!++
  const empty: number[] = []
  for (let c = n - 1; c >= 0; c--) if (members[c] === 0) empty.push(c)
  const order = identity(n)
  let movedAny = false
  for (let pass = 0; pass < 100; pass++) {
    // Fisher–Yates with the seeded generator: a different visiting order per pass.
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(rng() * (i + 1))
      const t = order[i]!
      order[i] = order[j]!
      order[j] = t
    }
    let moves = 0
    for (let oi = 0; oi < n; oi++) {
      const i = order[oi]!
      const ki = g.k[i]!
      const own = comm[i]!
      let nt = 0
      for (let e = g.start[i]!; e < g.start[i + 1]!; e++) {
        const c = comm[g.adj[e]!]!
        if (weightTo[c] === 0) touched[nt++] = c
        weightTo[c] = weightTo[c]! + g.w[e]!
      }
      tot[own] = tot[own]! - ki
      if (group[i]! >= 0) commGroup[own] = -1
      let best = own
      let bestGain = weightTo[own]! - (gamma * ki * tot[own]!) / g.m2
      for (let t = 0; t < nt; t++) {
        const c = touched[t]!
        if (c === own) continue
        if (group[i]! >= 0 && commGroup[c]! >= 0 && commGroup[c] !== group[i]) continue
        const gain = weightTo[c]! - (gamma * ki * tot[c]!) / g.m2
        if (gain > bestGain + 1e-12 || (Math.abs(gain - bestGain) <= 1e-12 && c < best && best !== own)) {
          best = c
          bestGain = gain
        }
      }
      for (let t = 0; t < nt; t++) weightTo[touched[t]!] = 0
      // A community of its own is a candidate too (gain 0). Louvain merges greedily while
      // communities are still small and never revisits the merge; a node (a name module) whose
      // ties no longer pay for its community's size stays there, badly connected (Traag et al.
      // 2019). Moodle's mod_chat sat in `course` on one reference counted a quarter.
      if (bestGain < -1e-12 && members[own]! > 1 && empty.length) {
        best = empty.pop()!
        bestGain = 0
      }
      tot[best] = tot[best]! + ki
      members[own]!--
      members[best]!++
      if (members[own] === 0) empty.push(own)
      if (group[i]! >= 0) commGroup[best] = group[i]!
      if (best !== own) {
        comm[i] = best
        moves++
      }
    }
    if (moves === 0) break
    movedAny = true
  }
  return movedAny
}

function identity(n: number): Int32Array {
  const a = new Int32Array(n)
  for (let i = 0; i < n; i++) a[i] = i
  return a
}

function maxPlusOne(a: ArrayLike<number>): number {
  let m = -1
  for (let i = 0; i < a.length; i++) if (a[i]! > m) m = a[i]!
  return m + 1
}

/** Community ids 0..c-1 in order of first appearance (by node index). */
function renumber(comm: Int32Array): Int32Array {
  const map = new Map<number, number>()
  const out = new Int32Array(comm.length)
  for (let i = 0; i < comm.length; i++) {
    let c = map.get(comm[i]!)
    if (c === undefined) map.set(comm[i]!, (c = map.size))
    out[i] = c
  }
  return out
}
