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

type ByService = Map<string, Map<string, StatementStats[]>>

/**
 * The workload's statements by who runs them and what they touch, built once: a finding's
 * statements are a lookup, not a scan (thousands of findings × thousands of statements). Keyed
 * service → table (or join pair) in nested maps: no key string is built per statement and table.
 */
export class StatementIndex {
  private byWrite: ByService = new Map()
  private byRead: ByService = new Map()
  private byJoin: ByService = new Map()

  constructor(workload: Workload) {
    for (const s of workload.statements) {
      // Per statement, not per statement and service: most statements are run by several.
      const reads = s.locks.length ? [...new Set([...s.reads, ...s.locks])] : s.reads
      const joins = s.joins.length ? s.joins.map(([a, b]) => pairKey(a, b)) : s.joins
      for (const service in s.services) {
        if (s.writes.length) add(this.byWrite, service, s.writes, s)
        if (reads.length) add(this.byRead, service, reads, s)
        if (joins.length) add(this.byJoin, service, joins as string[], s)
      }
    }
  }

  writes(service: string, table: string): StatementStats[] {
    return this.byWrite.get(service)?.get(table) ?? []
  }

  reads(service: string, table: string): StatementStats[] {
    return this.byRead.get(service)?.get(table) ?? []
  }

  joins(service: string, a: string, b: string): StatementStats[] {
    return this.byJoin.get(service)?.get(pairKey(a, b)) ?? []
  }
}

function add(index: ByService, service: string, keys: string[], s: StatementStats): void {
  let ofService = index.get(service)
  if (!ofService) index.set(service, (ofService = new Map()))
  for (const k of keys) {
    const list = ofService.get(k)
    if (!list) ofService.set(k, [s])
    else if (list[list.length - 1] !== s) list.push(s)
  }
}

const pairKey = (a: string, b: string) => (a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`)

export function statementEvidence(statements: StatementStats[], service: string, sightings: Sightings | null, count?: number): Evidence | null {
  if (!statements.length) return null
  let top = statements[0]!
  let topCalls = top.services[service] ?? 0
  let total = 0
  let earliest: Seen | null = null
  let latest: Seen | null = null
  let located: Seen | null = null
  for (const s of statements) {
    const calls = s.services[service] ?? 0
    total += calls
    if (calls > topCalls || (calls === topCalls && s.fingerprint < top.fingerprint)) {
      top = s
      topCalls = calls
    }
    const seen = sightings?.get(service, s.fingerprint)
    if (!seen) continue
    if (seen.first !== null && (earliest === null || seen.firstMs < earliest.firstMs)) earliest = seen
    if (seen.last !== null && (latest === null || seen.lastMs > latest.lastMs)) latest = seen
    located ??= seen
  }
  // The line is the earliest execution's; without any time, the first statement's that has one.
  const at = earliest ?? located
  return {
    fingerprint: top.fingerprint,
    sample: top.text,
    count: count ?? total,
    statements: statements.length,
    firstSeen: earliest && sightings!.iso(earliest.first!),
    lastSeen: latest && sightings!.iso(latest.last!),
    source: at && {file: at.file, line: at.line},
  }
}
