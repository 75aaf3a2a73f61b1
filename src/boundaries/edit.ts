/**
 * Edits a person makes to a proposal: rename, merge, split, move tables, set owners, pin, and
 * re-cluster around the pins. Every operation is pure: it takes a Proposal and returns a new one
 * (the input is never changed) whose metrics, couplings and per-table access are recomputed
 * through `analyse`, so the numbers always match the tables. An invalid edit throws a CarveError
 * (code `boundaries.edit`) whose message says what to do instead.
 *
 * Pins live in the proposal itself (`ProposedContext.pinned`); `pinsOf` reads them as the
 * table → context map that discovery and the boundaries file use.
 */
import type {UndirectedGraph} from 'graphology'
import modularityModule from 'graphology-metrics/graph/modularity.js'

import {CarveError, EXIT} from '../errors.js'
import {buildTableGraph, type BuildOptions, type TableGraph} from '../graph/build.js'
import type {Catalog} from '../introspect/model.js'
import type {Workload} from '../workload/model.js'
import {type BoundariesFile, boundariesFromProposal} from './file.js'
import type {Proposal, ProposedContext} from './model.js'
import {analyse} from './propose.js'
import {applicationCatalog, reservedNameProblem} from './scope.js'

const modularity = modularityModule as unknown as (graph: UndirectedGraph, options: {getNodeCommunity: (node: string) => string | number; getEdgeWeight?: string}) => number

/** What every edit needs besides the proposal: built once per session. */
export interface EditEnv {
  catalog: Catalog
  workload: Workload | undefined
  /** The table graph of the catalog and workload (buildTableGraph); only read. */
  tg: TableGraph
  /** Names no context may take besides the fixed ones: the database's roles, when known. */
  reservedNames?: readonly string[]
}

/** Carve's own schema and the system catalogs are left out, as discovery leaves them out. */
export function editEnv(catalog: Catalog, workload?: Workload, options: BuildOptions & {reservedNames?: readonly string[]} = {}): EditEnv {
  const app = applicationCatalog(catalog)
  return {catalog: app, workload, tg: buildTableGraph(app, workload, options), reservedNames: options.reservedNames}
}

export type Exception = BoundariesFile['exceptions'][number]

function fail(message: string): never {
  throw new CarveError('boundaries.edit', message, {exitCode: EXIT.usage})
}

const NAME = /^[a-z0-9][a-z0-9-]*$/

/**
 * Why `name` cannot be a new context name in `p` (or null when it can). `except`: the context
 * being renamed; `reserved`: the database's roles (carve, public and pg_* are always refused).
 */
export function nameProblem(p: Proposal, name: string, except?: string, reserved: readonly string[] = []): string | null {
  if (!name) return 'give the context a name'
  if (!NAME.test(name)) {
    const suggestion = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '')
    return `use lower-case letters, digits and dashes (kebab-case)${suggestion && suggestion !== name ? `: ${suggestion}` : ', e.g. order-fulfilment'}`
  }
  if (name !== except && p.contexts.some((c) => c.name === name)) return `there is already a context called "${name}"`
  if (name !== except) return reservedNameProblem(name, reserved)
  return null
}

function contextOf(p: Proposal, name: string): ProposedContext {
  return p.contexts.find((c) => c.name === name) ?? fail(`there is no context called "${name}"`)
}

function cloneContexts(p: Proposal): ProposedContext[] {
  return p.contexts.map((c) => ({...c, tables: [...c.tables], pinned: [...c.pinned], metrics: {...c.metrics, foreignWriters: [...c.metrics.foreignWriters]}}))
}

const AUTO_DESCRIPTION = /^(Written mostly by .+?: |Tables: )/

/** The generated description, redone for new tables or owner; a person's own words are kept. */
function redescribe(c: ProposedContext): string {
  if (c.description && !AUTO_DESCRIPTION.test(c.description)) return c.description
  const head = c.tables.slice(0, 4).join(', ') + (c.tables.length > 4 ? `, … (${c.tables.length} tables)` : '')
  return c.owner ? `Written mostly by ${c.owner}: ${head}` : `Tables: ${head}`
}

/** Modularity of the edited partition on the clustered graph (deprecated tables stay out, as in propose). */
function partitionModularity(env: EditEnv, contexts: ProposedContext[]): number {
  const community = new Map<string, string>()
  for (const c of contexts) for (const t of c.tables) community.set(t, c.name)
  const graph = env.tg.graph
  const deprecated = new Set(env.catalog.tables.filter((t) => t.flags.deprecated && !t.partitionOf).map((t) => env.tg.keyOf(t.schema, t.name)))
  let g = graph as unknown as UndirectedGraph
  if (deprecated.size && [...deprecated].some((d) => graph.hasNode(d))) {
    const copy = graph.copy()
    for (const d of deprecated) if (copy.hasNode(d)) copy.dropNode(d)
    g = copy as unknown as UndirectedGraph
  }
  if (g.size === 0) return 0
  let total = 0
  g.forEachEdge((_e, attrs) => (total += Number((attrs as {weight?: number}).weight ?? 1)))
  if (!(total > 0)) return 0
  const value = modularity(g, {getNodeCommunity: (n) => community.get(n) ?? `\u0000${n}`, getEdgeWeight: 'weight'})
  return Math.round(value * 10000) / 10000
}

/**
 * The proposal for these contexts: empty contexts dropped, sorted tables, pins kept only for
 * tables the context still holds, generated descriptions redone, everything recomputed.
 */
export function reanalyse(env: EditEnv, p: Proposal, contexts: ProposedContext[]): Proposal {
  const kept = contexts
    .filter((c) => c.tables.length > 0)
    .map((c) => {
      const tables = [...new Set(c.tables)].sort()
      const set = new Set(tables)
      const next = {...c, tables, pinned: [...new Set(c.pinned)].filter((t) => set.has(t)).sort()}
      return {...next, description: redescribe(next)}
    })
  const clustering = {resolution: p.resolution, resolutionChoice: p.resolutionChoice, modularity: partitionModularity(env, kept)}
  return analyse(env.catalog, env.workload, env.tg, kept, clustering, p.seed)
}

export function renameContext(env: EditEnv, p: Proposal, from: string, to: string): Proposal {
  contextOf(p, from)
  if (from === to) return p
  const problem = nameProblem(p, to, from, env.reservedNames)
  if (problem) fail(problem)
  return reanalyse(env, p, cloneContexts(p).map((c) => (c.name === from ? {...c, name: to} : c)))
}

/** `b` joins `a` (in `a`'s place); the result is called `newName`, else `a`. Owner: `a`'s, else `b`'s. */
export function mergeContexts(env: EditEnv, p: Proposal, a: string, b: string, newName?: string): Proposal {
  const x = contextOf(p, a)
  const y = contextOf(p, b)
  if (a === b) fail('pick two different contexts to merge')
  const name = newName ?? a
  if (name !== a && name !== b) {
    const problem = nameProblem(p, name, undefined, env.reservedNames)
    if (problem) fail(problem)
  }
  const merged: ProposedContext = {...x, name, owner: x.owner ?? y.owner, tables: [...x.tables, ...y.tables], pinned: [...x.pinned, ...y.pinned]}
  const contexts = cloneContexts(p).filter((c) => c.name !== b).map((c) => (c.name === a ? merged : c))
  return reanalyse(env, p, contexts)
}

/** Some of a context's tables become a new context, listed right after it. */
export function splitContext(env: EditEnv, p: Proposal, name: string, tablesToMove: string[], newName: string): Proposal {
  const source = contextOf(p, name)
  const moving = [...new Set(tablesToMove)]
  if (moving.length === 0) fail('pick at least one table to split off')
  const outside = moving.filter((t) => !source.tables.includes(t))
  if (outside.length) fail(`not in context "${name}": ${outside.join(', ')}`)
  if (moving.length === source.tables.length) fail(`that is every table of "${name}": rename the context instead`)
  const problem = nameProblem(p, newName, undefined, env.reservedNames)
  if (problem) fail(problem)
  const set = new Set(moving)
  const fresh: ProposedContext = {
    name: newName, owner: topWriter(env.workload, moving), description: '', tables: moving,
    pinned: source.pinned.filter((t) => set.has(t)), metrics: {...source.metrics, foreignWriters: []},
  }
  const contexts: ProposedContext[] = []
  for (const c of cloneContexts(p)) {
    if (c.name !== name) {
      contexts.push(c)
      continue
    }
    contexts.push({...c, tables: c.tables.filter((t) => !set.has(t)), pinned: c.pinned.filter((t) => !set.has(t))}, fresh)
  }
  return reanalyse(env, p, contexts)
}

/** Tables (from any contexts) move to `toContext`; a pinned table stays pinned, to its new home; emptied contexts disappear. */
export function moveTables(env: EditEnv, p: Proposal, tables: string[], toContext: string): Proposal {
  contextOf(p, toContext)
  const moving = [...new Set(tables)]
  if (moving.length === 0) fail('pick at least one table to move')
  const home = new Map(p.contexts.flatMap((c) => c.tables.map((t) => [t, c.name] as const)))
  const unknown = moving.filter((t) => !home.has(t))
  if (unknown.length) fail(`no context holds ${unknown.join(', ')}`)
  const set = new Set(moving)
  const wasPinned = new Set(p.contexts.flatMap((c) => c.pinned).filter((t) => set.has(t)))
  const contexts = cloneContexts(p).map((c) => {
    if (c.name === toContext) return {...c, tables: [...c.tables, ...moving.filter((t) => home.get(t) !== toContext)], pinned: [...c.pinned, ...wasPinned]}
    return {...c, tables: c.tables.filter((t) => !set.has(t)), pinned: c.pinned.filter((t) => !set.has(t))}
  })
  return reanalyse(env, p, contexts)
}

export function setOwner(env: EditEnv, p: Proposal, context: string, service: string | null): Proposal {
  contextOf(p, context)
  const owner = service === null ? null : service.trim()
  if (owner === '') fail('give the owning service a name, or choose "no owner"')
  return reanalyse(env, p, cloneContexts(p).map((c) => (c.name === context ? {...c, owner} : c)))
}

/** Pin every table of the context: re-clustering will keep them together, under this name. */
export function pinContext(env: EditEnv, p: Proposal, context: string): Proposal {
  contextOf(p, context)
  return reanalyse(env, p, cloneContexts(p).map((c) => (c.name === context ? {...c, pinned: [...c.tables]} : c)))
}

export function unpinContext(env: EditEnv, p: Proposal, context: string): Proposal {
  contextOf(p, context)
  return reanalyse(env, p, cloneContexts(p).map((c) => (c.name === context ? {...c, pinned: []} : c)))
}

/** Pin these tables where they are now. */
export function pinTables(env: EditEnv, p: Proposal, tables: string[]): Proposal {
  const set = new Set(tables)
  return reanalyse(env, p, cloneContexts(p).map((c) => ({...c, pinned: [...c.pinned, ...c.tables.filter((t) => set.has(t))]})))
}

/**
 * The session's pins, table → context. Deprecated tables are left out: discovery always puts
 * them in their own group (and ignores pins on them), so that grouping is not a person's pin.
 */
export function pinsOf(p: Proposal): Map<string, string> {
  const deprecated = new Set(p.tables.filter((t) => t.deprecated).map((t) => t.table))
  const pins = new Map<string, string>()
  for (const c of p.contexts) for (const t of c.pinned) if (!deprecated.has(t)) pins.set(t, c.name)
  return pins
}

/** Owners a person set or accepted, by context name: re-clustering keeps them. */
export function ownersOf(p: Proposal): Map<string, string> {
  return new Map(p.contexts.filter((c) => c.owner).map((c) => [c.name, c.owner!]))
}

export interface ReclusterDecisions {
  pins: Map<string, string>
  owners: Map<string, string>
  /** table → its context now: names continue, and a pinned context keeps its other tables. */
  previous: Map<string, string>
}

/**
 * Cluster again around the pins: `run` is discovery (propose) with the session's settings. Pinned
 * tables stay in their contexts under their names, and so do the tables that were with them and
 * still belong together; the other contexts take the current names by overlap, and contexts that
 * keep a name keep its owner and description.
 */
export function recluster(env: EditEnv, p: Proposal, run: (decisions: ReclusterDecisions) => Proposal): Proposal {
  const previous = new Map(p.contexts.flatMap((c) => c.tables.map((t) => [t, c.name] as const)))
  const fresh = run({pins: pinsOf(p), owners: ownersOf(p), previous})
  const before = new Map(p.contexts.map((c) => [c.name, c]))
  const contexts = fresh.contexts.map((c) => {
    const old = before.get(c.name)
    return {
      ...c, tables: [...c.tables], pinned: [...c.pinned], metrics: {...c.metrics, foreignWriters: []},
      owner: old ? old.owner : c.owner,
      description: old && !AUTO_DESCRIPTION.test(old.description) ? old.description : c.description,
    }
  })
  return reanalyse(env, {...fresh, seed: p.seed}, contexts)
}

/** Why `text` is not a usable expiry date (YYYY-MM-DD, a real date, after `today`), or null. */
export function expiryProblem(text: string, today: string = todayIso()): string | null {
  const value = text.trim()
  if (!/^\d{4}-\d\d-\d\d$/.test(value)) return 'use a date like 2027-03-31 (YYYY-MM-DD)'
  const [y, m, d] = value.split('-').map(Number) as [number, number, number]
  const date = new Date(Date.UTC(y, m - 1, d))
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return `${value} is not a real date`
  if (value <= today) return `the exception must expire after today (${today}): pick a future date`
  return null
}

/** Today's date in local time, YYYY-MM-DD. */
export function todayIso(now: Date = new Date()): string {
  return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`
}

/**
 * An accepted exception to the boundaries (a consumer that may keep reading or writing a table
 * it does not own, until a date, with a plan to stop). Replaces an existing exception for the
 * same consumer, table and access; returns a new file.
 */
export function recordException(file: BoundariesFile, exception: Exception, today: string = todayIso()): BoundariesFile {
  const e: Exception = {
    consumer: exception.consumer.trim(), table: exception.table.trim(), access: exception.access,
    approved_by: exception.approved_by.trim(), expires: exception.expires.trim(), exit_plan: exception.exit_plan.trim(),
  }
  if (!e.consumer) fail('an exception needs the consumer (the service that reads or writes the table)')
  if (!e.table) fail('an exception needs the table')
  if (e.access !== 'read' && e.access !== 'write') fail('access is read or write')
  if (!e.approved_by) fail('an exception needs the person who approved it')
  if (!e.exit_plan) fail('an exception needs an exit plan: how the consumer will stop needing it')
  const problem = expiryProblem(e.expires, today)
  if (problem) fail(problem)
  const others = file.exceptions.filter((x) => !(x.consumer === e.consumer && x.table === e.table && x.access === e.access))
  return {...file, exceptions: [...others, e]}
}

/**
 * The boundaries file a session would save: the contexts as edited, the session's pins and
 * exceptions, the base file's classifications (plus deprecated and reference tables).
 * Descriptions come from the proposal (the session starts with the file's descriptions).
 */
export function sessionBoundaries(p: Proposal, base: BoundariesFile, reviewed: Iterable<string> = []): BoundariesFile {
  // The base's tables count as known (their classifications are the file's), its descriptions do
  // not: the session's contexts carry the descriptions as edited.
  const file = boundariesFromProposal(p, {...base, reviewed: [], contexts: base.contexts.map((c) => ({...c, name: '\u0000', description: ''}))})
  const pins = Object.fromEntries([...pinsOf(p)].sort(([a], [b]) => (a < b ? -1 : 1)))
  const names = new Set(p.contexts.map((c) => c.name))
  const marks = [...new Set(reviewed)].filter((r) => names.has(r)).sort()
  return {version: 1, contexts: file.contexts, pins, ...(marks.length ? {reviewed: marks} : {}), classifications: file.classifications, exceptions: file.exceptions}
}

/** The file's own descriptions on the proposal's contexts of the same name. */
export function withFileDescriptions(p: Proposal, file: BoundariesFile): Proposal {
  const described = new Map(file.contexts.filter((c) => c.description).map((c) => [c.name, c.description]))
  if (!described.size) return p
  return {...p, contexts: p.contexts.map((c) => ({...c, description: described.get(c.name) ?? c.description}))}
}

function topWriter(workload: Workload | undefined, tables: string[]): string | null {
  const set = new Set(tables)
  const totals = new Map<string, number>()
  for (const u of workload?.tables ?? []) if (set.has(u.table)) for (const [s, n] of Object.entries(u.writers)) totals.set(s, (totals.get(s) ?? 0) + n)
  return [...totals].sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1))[0]?.[0] ?? null
}
