/**
 * The evidence behind an access finding, from the workload: the statements of one service that
 * touch a table the way the finding says, the busiest one as the sample. When the workload was
 * ingested from logs (evidence-logs.ts), first/last seen and the log line come with it.
 */
import type {StatementStats, Workload} from '../workload/model.js'
import type {SightingsByService} from '../workload/sightings.js'
import type {Evidence} from './model.js'

/**
 * Sightings of each (service, fingerprint), kept while the logs were ingested (evidence-logs.ts):
 * read in place, by statement shape, with the times as logged. A check compares them as epoch
 * milliseconds (`ms`, once per statement and service it cites) and turns into ISO text (`iso`)
 * only the times a finding reports.
 */
export interface Sightings {
  /** Every service's sighting of a statement shape. */
  of(fingerprint: string): SightingsByService | undefined
  /** A logged time as epoch milliseconds; NaN when it cannot be read. */
  ms(time: string): number
  /** A time as the report gives it (ISO 8601 when it can be read unambiguously). */
  iso(time: string): string | null
  /** A log file as the report names it. */
  path(file: string): string
}

/** What the evidence of a list of statements holds besides the count, worked out once per list. */
interface Summary extends Omit<Evidence, 'count'> {
  total: number
  /** Tables the list's statements write besides the one it is for (write lists; see writesWithin). */
  alsoWritten: string[]
}

/** Statements (by their position in the workload) by table or join pair. */
type ByTable = Map<string, number[]>

/**
 * One service's share of every statement (by position): its executions, and its sighting times
 * once the index has looked the statement up. Typed arrays: no object per statement and service
 * for the garbage collector to copy, and no property lookup by service name per statement cited.
 */
interface ServiceShare {
  /** Executions by the service; NaN when it does not run the statement. */
  calls: Float64Array
  /** What the sighting has (SEEN, HAS_FIRST, HAS_LAST); 0 when none or not looked up yet. */
  state: Uint8Array
  firstMs: Float64Array
  lastMs: Float64Array
}

const SEEN = 2
const HAS_FIRST = 4
const HAS_LAST = 8

/**
 * The workload's statements by what they touch, built once: a finding's statements are a
 * lookup, not a scan (thousands of findings × thousands of statements). Keyed by table (or join
 * pair), holding statement positions, and a finding's service picked from there by its share
 * (typed arrays per service). An index of objects per service, table and statement (a few
 * hundred thousand at 256 MB of logs) outlives the young generation, and a check spent more in
 * the garbage collector copying it than in the lookups it saved.
 *
 * A finding's evidence is summarized once per service and list and shared by every finding
 * citing the same list (a write by the foreign-write finding and by every transaction group of
 * its table); only the count is the finding's own.
 */
export class StatementIndex {
  private readonly statements: StatementStats[]
  private byWrite: ByTable = new Map()
  private byRead: ByTable = new Map()
  private byJoin: ByTable = new Map()
  private summaries = new Map<ByTable, Map<string, Map<string, Summary | null>>>()
  private shares = new Map<string, ServiceShare>()
  /** Statements whose sightings have been looked up (for every service at once). */
  private resolved: Uint8Array

  constructor(
    workload: Workload,
    private readonly sightings: Sightings | null,
  ) {
    this.statements = workload.statements
    const n = this.statements.length
    this.resolved = new Uint8Array(n)
    this.statements.forEach((s, i) => {
      for (const service in s.services) {
        let share = this.shares.get(service)
        if (!share) this.shares.set(service, (share = {calls: new Float64Array(n).fill(NaN), state: new Uint8Array(n), firstMs: new Float64Array(n), lastMs: new Float64Array(n)}))
        share.calls[i] = s.services[service]!
      }
      if (s.writes.length) add(this.byWrite, s.writes, i)
      if (s.reads.length || s.locks.length) add(this.byRead, s.locks.length ? [...new Set([...s.reads, ...s.locks])] : s.reads, i)
      if (s.joins.length) add(this.byJoin, s.joins.map(([a, b]) => pairKey(a, b)), i)
    })
  }

  /** The evidence of the service's writes to the table. */
  writes(service: string, table: string, count?: number): Evidence | null {
    return evidence(this.summary(this.byWrite, service, table), count)
  }

  reads(service: string, table: string, count?: number): Evidence | null {
    return evidence(this.summary(this.byRead, service, table), count)
  }

  joins(service: string, a: string, b: string, count?: number): Evidence | null {
    return evidence(this.summary(this.byJoin, service, pairKey(a, b)), count)
  }

  /**
   * The evidence of the service's writes to the table by statements that write nothing outside
   * `tables` (a transaction group). Mostly every statement does (one statement writes one
   * table), and the evidence of all its writes to the table serves every group.
   */
  writesWithin(service: string, table: string, tables: Set<string>, count?: number): Evidence | null {
    if (!tables.has(table)) return null
    const all = this.summary(this.byWrite, service, table)
    if (!all || all.alsoWritten.every((w) => tables.has(w))) return evidence(all, count)
    return evidence(this.summarize(this.byWrite.get(table)!, service, table, (s) => s.writes.every((w) => tables.has(w))), count)
  }

  private summary(index: ByTable, service: string, key: string): Summary | null {
    let ofIndex = this.summaries.get(index)
    if (!ofIndex) this.summaries.set(index, (ofIndex = new Map()))
    let ofService = ofIndex.get(service)
    if (!ofService) ofIndex.set(service, (ofService = new Map()))
    let summary = ofService.get(key)
    if (summary === undefined) {
      const list = index.get(key)
      ofService.set(key, (summary = list ? this.summarize(list, service, key) : null))
    }
    return summary
  }

  /** The service's statements of the list (those `keep` keeps) summarized; null when none. */
  private summarize(list: number[], service: string, key: string, keep?: (s: StatementStats) => boolean): Summary | null {
    const share = this.shares.get(service)
    if (!share) return null
    const {calls: callsOf, state, firstMs, lastMs} = share
    let top: StatementStats | null = null
    let topCalls = 0
    let total = 0
    let count = 0
    // Positions of the statements whose sighting gives the first and last time, and the line.
    let earliest = -1
    let latest = -1
    let located = -1
    let alsoWritten: Set<string> | null = null
    for (const i of list) {
      const calls = callsOf[i]!
      if (Number.isNaN(calls)) continue
      const s = this.statements[i]!
      if (keep && !keep(s)) continue
      count++
      total += calls
      if (top === null || calls > topCalls || (calls === topCalls && s.fingerprint < top.fingerprint)) {
        top = s
        topCalls = calls
      }
      if (s.writes.length > 1) for (const w of s.writes) if (w !== key) (alsoWritten ??= new Set()).add(w)
      if (!this.resolved[i]) this.resolve(i)
      const st = state[i]!
      if (!(st & SEEN)) continue
      // Strictly earlier / later: of equal times, the statement first in the workload.
      if (st & HAS_FIRST && (earliest < 0 || firstMs[i]! < firstMs[earliest]!)) earliest = i
      if (st & HAS_LAST && (latest < 0 || lastMs[i]! > lastMs[latest]!)) latest = i
      if (located < 0) located = i
    }
    if (top === null) return null
    const sightings = this.sightings!
    const seen = (i: number) => (i < 0 ? null : sightings.of(this.statements[i]!.fingerprint)!.get(service)!)
    // The line is the earliest execution's; without any time, the first statement's that has one.
    const at = seen(earliest >= 0 ? earliest : located)
    return {
      fingerprint: top.fingerprint,
      sample: top.text,
      total,
      statements: count,
      firstSeen: earliest >= 0 ? sightings.iso(seen(earliest)!.first!) : null,
      lastSeen: latest >= 0 ? sightings.iso(seen(latest)!.last!) : null,
      source: at && {file: sightings.path(at.file), line: at.line},
      alsoWritten: alsoWritten ? [...alsoWritten] : [],
    }
  }

  /**
   * Look up the sightings of statement `i` once, for every service that ran it: one lookup by
   * shape, the times read as epoch milliseconds. Unreadable times compare as unknown ones do
   * (first Infinity, last -Infinity) but still count as times the report gives.
   */
  private resolve(i: number): void {
    this.resolved[i] = 1
    const bySvc = this.sightings?.of(this.statements[i]!.fingerprint)
    if (!bySvc) return
    for (const [service, seen] of bySvc) {
      const share = this.shares.get(service)
      if (!share) continue
      let st = SEEN
      // An empty time is none (as logged without one).
      if (seen.first) {
        st |= HAS_FIRST
        const ms = this.sightings!.ms(seen.first)
        share.firstMs[i] = Number.isNaN(ms) ? Infinity : ms
      } else share.firstMs[i] = Infinity
      if (seen.last) {
        st |= HAS_LAST
        const ms = this.sightings!.ms(seen.last)
        share.lastMs[i] = Number.isNaN(ms) ? -Infinity : ms
      } else share.lastMs[i] = -Infinity
      share.state[i] = st
    }
  }
}

/** A finding's evidence: its list's summary with the finding's own count. */
function evidence(s: Summary | null, count: number | undefined): Evidence | null {
  if (!s) return null
  return {
    fingerprint: s.fingerprint,
    sample: s.sample,
    count: count ?? s.total,
    statements: s.statements,
    firstSeen: s.firstSeen,
    lastSeen: s.lastSeen,
    source: s.source && {file: s.source.file, line: s.source.line},
  }
}

function add(index: ByTable, keys: string[], i: number): void {
  for (const k of keys) {
    const list = index.get(k)
    if (!list) index.set(k, [i])
    else if (list[list.length - 1] !== i) list.push(i)
  }
}

const pairKey = (a: string, b: string) => (a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`)
