/**
 * The evidence behind an access finding, from the workload: the statements of one service that
 * touch a table the way the finding says, the busiest one as the sample. When the workload was
 * ingested from logs (evidence-logs.ts), first/last seen and the log line come with it.
 */
import type {StatementStats, Workload} from '../workload/model.js'
import type {Evidence} from './model.js'

/**
 * When one service ran one statement shape: first/last time as logged and the log line of the
 * first. Compared by epoch milliseconds (`ms`, parsed once per timestamp); only the times a
 * finding cites are turned into ISO text (`iso`), so a check with tens of thousands of findings
 * converts a few per finding, not every statement each one cites.
 */
export interface Seen {
  first: string | null
  last: string | null
  file: string
  line: number
  /** first and last as epoch milliseconds (Infinity / -Infinity when unknown). */
  firstMs: number
  lastMs: number
}

/** Sightings of each (service, fingerprint), kept while the logs were ingested (evidence-logs.ts). */
export interface Sightings {
  get(service: string, fingerprint: string): Seen | undefined
  /** A time as the report gives it (ISO 8601 when it can be read unambiguously). */
  iso(time: string): string | null
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
 * as the index has looked them up so far. Typed arrays: no object per statement and service for
 * the garbage collector to copy, and no property lookup by service name per statement cited.
 */
interface ServiceShare {
  /** Executions by the service; NaN when it does not run the statement. */
  calls: Float64Array
  /** 0 not looked up yet, else RESOLVED plus what the sighting has. */
  state: Uint8Array
  firstMs: Float64Array
  lastMs: Float64Array
}

const RESOLVED = 1
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

  constructor(
    workload: Workload,
    private readonly sightings: Sightings | null,
  ) {
    this.statements = workload.statements
    const n = this.statements.length
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
      let st = state[i]!
      if (st === 0) st = this.resolve(share, i, service)
      if (!(st & SEEN)) continue
      // Strictly earlier / later: of equal times, the statement first in the workload.
      if (st & HAS_FIRST && (earliest < 0 || firstMs[i]! < firstMs[earliest]!)) earliest = i
      if (st & HAS_LAST && (latest < 0 || lastMs[i]! > lastMs[latest]!)) latest = i
      if (located < 0) located = i
    }
    if (top === null) return null
    const seen = (i: number) => (i < 0 ? null : this.sightings!.get(service, this.statements[i]!.fingerprint)!)
    // The line is the earliest execution's; without any time, the first statement's that has one.
    const at = seen(earliest >= 0 ? earliest : located)
    return {
      fingerprint: top.fingerprint,
      sample: top.text,
      total,
      statements: count,
      firstSeen: earliest >= 0 ? this.sightings!.iso(seen(earliest)!.first!) : null,
      lastSeen: latest >= 0 ? this.sightings!.iso(seen(latest)!.last!) : null,
      source: at && {file: at.file, line: at.line},
      alsoWritten: alsoWritten ? [...alsoWritten] : [],
    }
  }

  /** Look up the service's sighting of statement `i` once: what it has, and its times. */
  private resolve(share: ServiceShare, i: number, service: string): number {
    const seen = this.sightings?.get(service, this.statements[i]!.fingerprint)
    let st = RESOLVED
    if (seen) {
      st |= SEEN | (seen.first !== null ? HAS_FIRST : 0) | (seen.last !== null ? HAS_LAST : 0)
      share.firstMs[i] = seen.firstMs
      share.lastMs[i] = seen.lastMs
    }
    share.state[i] = st
    return st
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
