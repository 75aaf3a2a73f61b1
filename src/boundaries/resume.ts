/**
 * A session resumes from the boundaries file: the contexts, owners, descriptions and pins the
 * team saved, not a fresh proposal that would silently replace them. Discovery's proposal is
 * what re-clustering offers; it only places the tables the file does not know yet (created
 * since): with the file context holding most of their proposed context, else in a context of
 * their own under the proposal's name.
 */
import {type EditEnv, reanalyse} from './edit.js'
import type {BoundariesFile} from './file.js'
import type {Proposal, ProposedContext} from './model.js'

export function proposalFromFile(env: EditEnv, file: BoundariesFile, fresh: Proposal): Proposal {
  const existing = new Set(fresh.tables.map((t) => t.table))
  const contexts: ProposedContext[] = file.contexts.map((c) => ({
    name: c.name, owner: c.owner, description: c.description,
    tables: c.tables.filter((t) => existing.has(t)),
    pinned: c.tables.filter((t) => file.pins[t] === c.name),
    metrics: {tables: 0, crossFksOut: 0, crossFksIn: 0, crossJoinCalls: 0, crossWriteTransactions: 0, foreignWriters: []},
  }))
  const placed = new Set(contexts.flatMap((c) => c.tables))
  const byName = new Map(contexts.map((c) => [c.name, c]))
  for (const proposed of fresh.contexts) {
    const unplaced = proposed.tables.filter((t) => !placed.has(t))
    if (!unplaced.length) continue
    const counts = new Map<string, number>()
    for (const c of contexts) {
      const n = c.tables.filter((t) => proposed.tables.includes(t)).length
      if (n) counts.set(c.name, n)
    }
    const home = [...counts].sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1))[0]?.[0]
    if (home) byName.get(home)!.tables.push(...unplaced)
    else {
      let name = proposed.name
      for (let k = 2; byName.has(name); k++) name = `${proposed.name}-${k}`
      const c: ProposedContext = {...proposed, name, tables: unplaced, pinned: [], description: ''}
      contexts.push(c)
      byName.set(name, c)
    }
    for (const t of unplaced) placed.add(t)
  }
  const resumed = reanalyse(env, fresh, contexts)
  // The file's own words stay as they are, even empty ones: saving without edits changes nothing.
  const described = new Map(file.contexts.map((c) => [c.name, c.description]))
  return {...resumed, contexts: resumed.contexts.map((c) => (described.has(c.name) ? {...c, description: described.get(c.name)!} : c))}
}
