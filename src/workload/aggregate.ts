/**
 * Statement events → the access matrix. One pass, memory bounded by distinct statements,
 * services, tables and live sessions — never by the number of log lines.
 */
import type {StatementAnalyzer} from './analyzer.js'
import {type AttributionEvidence, Attributor} from './attribution.js'
import type {StatementEvent} from './events.js'
import {maskSql, sqlcommenterTags} from './mask.js'
import {type StatementStats, type TableAccess, type TableClassification, type TableUsage, type Workload, WORKLOAD_FORMAT, type WorkloadSource} from './model.js'
import type {StatementInfo, StatementKind} from './statement.js'
import {rememberSightings, sight, TimestampKeeper, type ServiceTally} from './sightings.js'
import {isSystemRelation} from './system-catalog.js'
import {defaultSchemaDropped} from './default-schema.js'

export {sightingsByShape, type Sighting, type SightingsByService} from './sightings.js'

const MAX_UNPARSED_SAMPLES = 20
const MAX_TEXT = 2000

/** A statement's stats while counting: the output shape, with a Map for services and its analysis. */
type FingerprintAcc = Pick<StatementStats, 'fingerprint' | 'kind' | 'text' | 'calls' | 'totalMs' | 'rows'> & {
  services: Map<string, ServiceTally>
  infos: StatementInfo[]
}

/**
 * A statement shape (masked text) as this aggregator has resolved it: its analysis with the
 * default schema dropped, and its stats (none when it did not parse).
 */
interface Shape {
  acc?: FingerprintAcc
  infos: StatementInfo[]
  approximate: boolean
  routes: Map<string, Route>
}

/**
 * One service's executions of a shape: its tally and the executions not yet added to the access
 * matrix. The matrix and join counters are settled from these when the counts are handed over
 * (settleRoutes), not on every execution: a route per shape and service is ~300,000 at 1 GB, and
 * holding the counters each execution adds to cost ~600 bytes a route where this costs ~50.
 */
interface Route {
  tally: ServiceTally
  calls: number
}

interface SessionState {
  txn?: string
  explicit: boolean
  writes: Set<string>
  service: string
}

const bump = (m: Map<string, number>, k: string, n: number) => m.set(k, (m.get(k) ?? 0) + n)
const toRecord = (m: Map<string, number>) => Object.fromEntries([...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
const callsRecord = (m: Map<string, ServiceTally>) => Object.fromEntries([...m].map(([k, t]) => [k, t.calls] as const).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))

export interface AggregateOptions {
  attributor?: Attributor
  /** Tables of the catalog, to report the ones no statement touched (dead-table candidates). */
  knownTables?: string[]
}

type Pairs = [string, number][]

/** Everything an aggregator has counted, as plain data: what a worker thread sends back. */
export interface AggregatorState {
  fingerprints: {fingerprint: string; kind: StatementKind; text: string; calls: number; totalMs: number; rows: number; services: [string, ServiceTally][]; infos: StatementInfo[]}[]
  services: {name: string; calls: number; evidence: Pairs}[]
  access: {service: string; table: string; read: number; write: number; lock: number; ddl: number}[]
  /** Accesses to system catalogs, kept out of the access matrix. */
  system: {service: string; table: string; read: number; write: number; lock: number; ddl: number}[]
  approximateCalls: number
  joins: {tables: string[]; calls: number; services: Pairs}[]
  txnGroups: {tables: string[]; calls: number; services: Pairs}[]
  unparsed: {calls: number; distinct: string[]; samples: {text: string; error: string; file: string; line: number}[]}
  events: number
  calls: number
  transactions: number
}

export class WorkloadAggregator {
  private attributor: Attributor
  private fingerprints = new Map<string, FingerprintAcc>()
  private shapes = new Map<string, Shape>()
  private services = new Map<string, {calls: number; evidence: Map<string, number>}>()
  private access = new Map<string, TableAccess>()
  private system = new Map<string, TableAccess>()
  private systemNames = new Map<string, boolean>()
  private approximateCalls = 0
  private joins = new Map<string, {tables: string[]; calls: number; services: Map<string, number>}>()
  private txnGroups = new Map<string, {tables: string[]; calls: number; services: Map<string, number>}>()
  /** Live sessions per file (two maps, not one keyed by a string built for every statement). */
  private sessions = new Map<string, Map<string, SessionState>>()
  private unparsed = {calls: 0, distinct: new Set<string>(), samples: [] as {text: string; error: string; file: string; line: number}[]}
  private events = 0
  private calls = 0
  private transactions = 0
  private sources: WorkloadSource[] = []
  private from: string | null = null
  private to: string | null = null
  private timestamps = new TimestampKeeper()

  constructor(private readonly analyzer: StatementAnalyzer, private readonly options: AggregateOptions = {}) {
    this.attributor = options.attributor ?? new Attributor()
  }

  /** Feed one event; synchronous so it can sit in the hot loop of a reader. */
  add(event: StatementEvent): void {
    this.events++
    this.calls += event.calls
    const masked = maskSql(event.sql, this.analyzer.dialect)
    const {service, evidence} = this.attributor.attribute({
      tags: masked.comments.length ? sqlcommenterTags(masked.comments) : undefined,
      application: event.application,
      user: event.user,
      client: event.client,
    })
    this.noteService(service, evidence, event.calls)
    // Everything derived from the statement's shape is worked out once per shape (and default
    // schema, which only MySQL takes from the session); a log line then costs one lookup.
    const shapeKey = !this.analyzer.shapesPerDatabase || !event.database ? masked.key : `${event.database}\u0000${masked.key}`
    const shape = this.shapes.get(shapeKey) ?? this.newShape(shapeKey, event, masked.key)
    if (!shape.acc) {
      this.unparsed.calls += event.calls
      return
    }
    const acc = shape.acc
    acc.calls += event.calls
    acc.totalMs += event.totalMs ?? 0
    acc.rows += event.rows ?? 0
    let route = shape.routes.get(service)
    if (!route) {
      route = this.newRoute(shape, service, event)
    } else {
      route.tally.calls += event.calls
      sight(route.tally, event.at, event.file, event.line, this.timestamps.own)
    }
    route.calls += event.calls
    if (shape.approximate) this.approximateCalls += event.calls
    this.trackTransaction(event, shape.infos, service)
  }

  /** First sight of a statement shape: analyze it (cached by the analyzer too) and find its stats. */
  private newShape(shapeKey: string, event: StatementEvent, key: string): Shape {
    const analysis = this.analyzer.analyze(event.sql, key)
    let shape: Shape
    if (analysis.error !== undefined) {
      shape = {infos: [], routes: new Map(), approximate: false}
      if (!this.unparsed.distinct.has(analysis.fingerprint)) {
        this.unparsed.distinct.add(analysis.fingerprint)
        if (this.unparsed.samples.length < MAX_UNPARSED_SAMPLES) {
          this.unparsed.samples.push({text: key.slice(0, MAX_TEXT), error: analysis.error, file: event.file, line: event.line})
        }
      }
    } else {
      const infos = defaultSchemaDropped(analysis.infos, this.analyzer.dialect, event.database)
      let acc = this.fingerprints.get(analysis.fingerprint)
      if (!acc) {
        acc = {fingerprint: analysis.fingerprint, kind: mainKind(infos), text: key.slice(0, MAX_TEXT), calls: 0, totalMs: 0, rows: 0, services: new Map(), infos}
        this.fingerprints.set(analysis.fingerprint, acc)
      } else if (acc.text !== key && key.slice(0, MAX_TEXT) < acc.text) {
        // One shape, several spellings: keep the smallest, never the first read (-j reads out of order).
        acc.text = key.slice(0, MAX_TEXT)
      }
      shape = {acc, infos, routes: new Map(), approximate: infos.some((i) => i.approximate)}
    }
    this.shapes.set(shapeKey, shape)
    return shape
  }

  /** First execution of a shape by a service: its tally and the counters it adds to, found once. */
  private newRoute(shape: Shape, service: string, event: StatementEvent): Route {
    const acc = shape.acc!
    let tally = acc.services.get(service)
    if (!tally) {
      const at = this.timestamps.own(event.at)
      acc.services.set(service, (tally = {calls: event.calls, first: at, last: at, file: event.file, line: event.line}))
    } else {
      tally.calls += event.calls
      sight(tally, event.at, event.file, event.line, this.timestamps.own)
    }
    const route: Route = {tally, calls: 0}
    shape.routes.set(service, route)
    return route
  }

  /**
   * Add the routes' executions to the access matrix and the join counters, once per route and
   * table rather than once per execution; their counts go back to zero, so settling again adds
   * nothing. Every route makes its cells and join entries even with no executions, as counting
   * on each execution did.
   */
  private settleRoutes(): void {
    for (const shape of this.shapes.values()) {
      for (const [service, route] of shape.routes) {
        const calls = route.calls
        route.calls = 0
        for (const info of shape.infos) {
          for (const t of info.reads) this.cell(service, t).read += calls
          for (const t of info.writes) this.cell(service, t).write += calls
          for (const t of info.locks) this.cell(service, t).lock += calls
          for (const t of info.ddl) this.cell(service, t).ddl += calls
          for (const [a, b] of info.joins) {
            if (this.isSystem(a) || this.isSystem(b)) continue
            const k = `${a}\u0000${b}`
            let j = this.joins.get(k)
            if (!j) this.joins.set(k, (j = {tables: [a, b], calls: 0, services: new Map()}))
            j.calls += calls
            bump(j.services, service, calls)
          }
        }
      }
    }
  }

  /** Each source reports its own time window (readers know their timestamp formats). */
  addSource(source: WorkloadSource, window?: {from?: string; to?: string}): void {
    this.sources.push(source)
    if (window?.from && (this.from === null || window.from < this.from)) this.from = window.from
    if (window?.to && (this.to === null || window.to > this.to)) this.to = window.to
  }

  private noteService(service: string, evidence: AttributionEvidence, calls: number): void {
    let s = this.services.get(service)
    if (!s) this.services.set(service, (s = {calls: 0, evidence: new Map()}))
    s.calls += calls
    bump(s.evidence, evidence, calls)
  }

  /** The access counters of (service, table): the access matrix's, or the system catalogs' apart. */
  private cell(service: string, table: string): TableAccess {
    const k = `${service}\u0000${table}`
    const into = this.isSystem(table) ? this.system : this.access
    let a = into.get(k)
    if (!a) into.set(k, (a = {service, table, read: 0, write: 0, lock: 0, ddl: 0}))
    return a
  }

  /** System catalogs go to their own section (system-catalog.ts), cached per name. */
  private isSystem(table: string): boolean {
    let known = this.systemNames.get(table)
    if (known === undefined) this.systemNames.set(table, (known = isSystemRelation(table, this.analyzer.dialect)))
    return known
  }

  /**
   * Reconstruct transactions per session: explicit BEGIN … COMMIT, or the transaction id the log
   * carries (PostgreSQL %v), else each statement is its own (autocommit) transaction.
   */
  private trackTransaction(event: StatementEvent, infos: StatementInfo[], service: string): void {
    if (event.session === undefined) {
      for (const info of infos) if (info.writes.length) this.closeWrites(info.writes, service)
      return
    }
    let ofFile = this.sessions.get(event.file)
    if (!ofFile) this.sessions.set(event.file, (ofFile = new Map()))
    let s = ofFile.get(event.session)
    if (!s) ofFile.set(event.session, (s = {explicit: false, writes: new Set(), service}))
    if (event.txn && s.txn !== event.txn) {
      this.closeSession(s)
      s.txn = event.txn
    }
    s.service = service
    for (const info of infos) {
      if (info.kind === 'begin') {
        this.closeSession(s)
        s.explicit = true
      } else if (info.kind === 'commit') {
        this.closeSession(s)
        s.explicit = false
      } else if (info.kind === 'rollback') {
        s.writes.clear()
        s.explicit = false
      } else if (s.explicit || event.txn) {
        for (const t of info.writes) s.writes.add(t)
      } else if (info.writes.length) {
        this.closeWrites(info.writes, service)
      }
    }
  }

  private closeSession(s: SessionState): void {
    if (s.writes.size === 0) return
    this.closeGroup(s.writes, s.service)
    s.writes.clear()
  }

  /** An autocommit statement's writes (sorted and unique already): one transaction. */
  private closeWrites(writes: string[], service: string): void {
    if (writes.length < 2) this.transactions++
    else this.closeGroup(new Set(writes), service)
  }

  private closeGroup(writes: Set<string>, service: string): void {
    this.transactions++
    if (writes.size < 2) return
    const tables = [...writes].sort()
    const k = tables.join('\u0000')
    let g = this.txnGroups.get(k)
    if (!g) this.txnGroups.set(k, (g = {tables, calls: 0, services: new Map()}))
    g.calls++
    bump(g.services, service, 1)
  }

  /** Close what is open and hand over the counts (a worker calls this at the end of its share). */
  snapshot(): AggregatorState {
    this.closeSessions()
    this.settleRoutes()
    const groups = (m: Map<string, {tables: string[]; calls: number; services: Map<string, number>}>) =>
      [...m.values()].map((g) => ({tables: g.tables, calls: g.calls, services: [...g.services]}))
    return {
      fingerprints: [...this.fingerprints.values()].map((f) => ({...f, services: [...f.services]})),
      services: [...this.services].map(([name, x]) => ({name, calls: x.calls, evidence: [...x.evidence]})),
      access: [...this.access.values()],
      system: [...this.system.values()],
      approximateCalls: this.approximateCalls,
      joins: groups(this.joins),
      txnGroups: groups(this.txnGroups),
      unparsed: {calls: this.unparsed.calls, distinct: [...this.unparsed.distinct], samples: this.unparsed.samples},
      events: this.events,
      calls: this.calls,
      transactions: this.transactions,
    }
  }

  /** Add another aggregator's counts (from a worker) to this one. */
  merge(state: AggregatorState): void {
    this.events += state.events
    this.calls += state.calls
    this.transactions += state.transactions
    for (const f of state.fingerprints) {
      const acc = this.fingerprints.get(f.fingerprint)
      if (!acc) {
        this.fingerprints.set(f.fingerprint, {...f, services: new Map(f.services)})
        continue
      }
      if (f.text < acc.text) acc.text = f.text
      acc.calls += f.calls
      acc.totalMs += f.totalMs
      acc.rows += f.rows
      for (const [k, t] of f.services) {
        const mine = acc.services.get(k)
        if (!mine) {
          acc.services.set(k, t)
          continue
        }
        mine.calls += t.calls
        // Earliest first (its location with it), latest last: the same order add() keeps.
        sight(mine, t.first, t.file, t.line, (at) => at)
        if (t.last !== undefined && (mine.last === undefined || t.last > mine.last)) mine.last = t.last
      }
    }
    for (const x of state.services) {
      let s = this.services.get(x.name)
      if (!s) this.services.set(x.name, (s = {calls: 0, evidence: new Map()}))
      s.calls += x.calls
      for (const [k, n] of x.evidence) bump(s.evidence, k, n)
    }
    for (const [into, list] of [[this.access, state.access], [this.system, state.system]] as const) {
      for (const a of list) {
        const k = `${a.service}\u0000${a.table}`
        const mine = into.get(k)
        if (!mine) into.set(k, {...a})
        else for (const op of ['read', 'write', 'lock', 'ddl'] as const) mine[op] += a[op]
      }
    }
    this.approximateCalls += state.approximateCalls
    const mergeGroups = (into: Map<string, {tables: string[]; calls: number; services: Map<string, number>}>, from: AggregatorState['joins']) => {
      for (const g of from) {
        const k = g.tables.join('\u0000')
        let mine = into.get(k)
        if (!mine) into.set(k, (mine = {tables: g.tables, calls: 0, services: new Map()}))
        mine.calls += g.calls
        for (const [s, n] of g.services) bump(mine.services, s, n)
      }
    }
    mergeGroups(this.joins, state.joins)
    mergeGroups(this.txnGroups, state.txnGroups)
    this.unparsed.calls += state.unparsed.calls
    for (const d of state.unparsed.distinct) this.unparsed.distinct.add(d)
    for (const sample of state.unparsed.samples) {
      if (this.unparsed.samples.length < MAX_UNPARSED_SAMPLES && !this.unparsed.samples.some((x) => x.text === sample.text)) this.unparsed.samples.push(sample)
    }
  }

  private closeSessions(): void {
    // A transaction still open when the input ends is dropped: its COMMIT is not in the window.
    for (const ofFile of this.sessions.values()) for (const s of ofFile.values()) if (!s.explicit || s.txn) this.closeSession(s)
    this.sessions.clear()
  }

  finish(engine: 'postgres' | 'mysql'): Workload {
    this.closeSessions()
    this.settleRoutes()

    const statements: StatementStats[] = [...this.fingerprints.values()]
      .map((f) => {
        const merged = mergeInfos(f.infos)
        return {
          fingerprint: f.fingerprint, kind: f.kind, text: f.text, calls: f.calls,
          totalMs: Math.round(f.totalMs * 1000) / 1000, rows: f.rows, services: callsRecord(f.services), ...merged,
        }
      })
      .sort((a, b) => b.calls - a.calls || (a.fingerprint < b.fingerprint ? -1 : 1))

    const byTableThenService = (a: {table: string; service: string}, b: {table: string; service: string}) => (a.table === b.table ? (a.service < b.service ? -1 : 1) : a.table < b.table ? -1 : 1)
    const access = [...this.access.values()].sort(byTableThenService)
    const usage = new Map<string, {readers: Map<string, number>; writers: Map<string, number>; ddl: Map<string, number>}>()
    const use = (t: string) => {
      let u = usage.get(t)
      if (!u) usage.set(t, (u = {readers: new Map(), writers: new Map(), ddl: new Map()}))
      return u
    }
    for (const a of access) {
      const u = use(a.table)
      if (a.read + a.lock) bump(u.readers, a.service, a.read + a.lock)
      if (a.write) bump(u.writers, a.service, a.write)
      if (a.ddl) bump(u.ddl, a.service, a.ddl)
    }
    for (const t of this.options.knownTables ?? []) use(t)
    const tables: TableUsage[] = [...usage]
      .map(([table, u]) => ({table, readers: toRecord(u.readers), writers: toRecord(u.writers), ddl: toRecord(u.ddl), classification: classify(u.writers.size, u.readers.size + u.ddl.size)}))
      .sort((a, b) => (a.table < b.table ? -1 : 1))

    const groups = (m: Map<string, {tables: string[]; calls: number; services: Map<string, number>}>) =>
      [...m.values()]
        .map((g) => ({tables: g.tables, calls: g.calls, services: toRecord(g.services)}))
        .sort((a, b) => b.calls - a.calls || (a.tables.join() < b.tables.join() ? -1 : 1))

    const parsedCalls = this.calls - this.unparsed.calls
    const workload: Workload = {
      format: WORKLOAD_FORMAT,
      engine,
      window: {from: this.from, to: this.to},
      sources: this.sources,
      totals: {
        events: this.events, calls: this.calls, fingerprints: this.fingerprints.size + this.unparsed.distinct.size,
        parsedCalls, unparsedCalls: this.unparsed.calls, transactions: this.transactions,
        multiTableWriteTransactions: [...this.txnGroups.values()].reduce((n, g) => n + g.calls, 0),
        approximateCalls: this.approximateCalls,
      },
      services: [...this.services]
        .map(([name, s]) => ({name, calls: s.calls, evidence: toRecord(s.evidence)}))
        .sort((a, b) => b.calls - a.calls || (a.name < b.name ? -1 : 1)),
      statements,
      access,
      system: [...this.system.values()].sort(byTableThenService),
      joins: groups(this.joins),
      transactions: groups(this.txnGroups),
      tables,
      unparsed: {calls: this.unparsed.calls, distinct: this.unparsed.distinct.size, samples: this.unparsed.samples},
    }
    rememberSightings(workload, new Map([...this.fingerprints].map(([k, f]) => [k, f.services])))
    return workload
  }
}

export function classify(writers: number, others: number): TableClassification {
  if (writers === 0) return others ? 'read-only' : 'untouched'
  if (writers === 1) return 'single-writer'
  if (writers <= 3) return 'shared-writers'
  return 'common'
}

function mainKind(infos: StatementInfo[]): StatementKind {
  const data = infos.find((i) => !['begin', 'commit', 'rollback', 'other'].includes(i.kind))
  return (data ?? infos[0])?.kind ?? 'other'
}

function mergeInfos(infos: StatementInfo[]): Pick<StatementStats, 'reads' | 'writes' | 'locks' | 'ddl' | 'maintenance' | 'joins' | 'approximate'> {
  const u = (f: (i: StatementInfo) => string[]) => [...new Set(infos.flatMap(f))].sort()
  const joins = new Map<string, [string, string]>()
  for (const i of infos) for (const j of i.joins) joins.set(j.join('\u0000'), j)
  return {
    reads: u((i) => i.reads), writes: u((i) => i.writes), locks: u((i) => i.locks), ddl: u((i) => i.ddl), maintenance: u((i) => i.maintenance),
    joins: [...joins.keys()].sort().map((k) => joins.get(k)!),
    ...(infos.some((i) => i.approximate) ? {approximate: true as const} : {}),
  }
}
