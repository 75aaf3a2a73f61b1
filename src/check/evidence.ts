/**
 * The evidence behind an access finding, from the workload: the statements of one service that
 * touch a table the way the finding says, the busiest one as the sample. When the workload was
 * ingested from logs (evidence-logs.ts), first/last seen and the log line come with it.
 */
import type {StatementStats, Workload} from '../workload/model.js'
import type {Evidence} from './model.js'

/** When one service ran one statement shape: first/last time and the log line of the first. */
export interface Seen {
  first: string | null
  last: string | null
  file: string
  line: number
  /** first and last as epoch milliseconds (Infinity / -Infinity when unknown), parsed once. */
  firstMs: number
  lastMs: number
}

/** Sightings of each (service, fingerprint), kept while the logs were ingested (evidence-logs.ts). */
export interface Sightings {
  get(service: string, fingerprint: string): Seen | undefined
}

/**
 * The workload's statements by who runs them and what they touch, built once: a finding's
 * statements are a lookup, not a scan (thousands of findings × thousands of statements).
 */
export class StatementIndex {
  private byKey = new Map<string, StatementStats[]>()

  constructor(workload: Workload) {
    for (const s of workload.statements) {
      for (const service of Object.keys(s.services)) {
        for (const t of s.writes) this.add(`w\u0000${service}\u0000${t}`, s)
        for (const t of new Set([...s.reads, ...s.locks])) this.add(`r\u0000${service}\u0000${t}`, s)
        for (const [a, b] of s.joins) this.add(`j\u0000${service}\u0000${pairKey(a, b)}`, s)
      }
    }
  }

  writes(service: string, table: string): StatementStats[] {
    return this.byKey.get(`w\u0000${service}\u0000${table}`) ?? []
  }

  reads(service: string, table: string): StatementStats[] {
    return this.byKey.get(`r\u0000${service}\u0000${table}`) ?? []
  }

  joins(service: string, a: string, b: string): StatementStats[] {
    return this.byKey.get(`j\u0000${service}\u0000${pairKey(a, b)}`) ?? []
  }

  private add(key: string, s: StatementStats): void {
    const list = this.byKey.get(key)
    if (!list) this.byKey.set(key, [s])
    else if (list.at(-1) !== s) list.push(s)
  }
}

const pairKey = (a: string, b: string) => (a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`)

export function statementEvidence(statements: StatementStats[], service: string, sightings: Sightings | null, count?: number): Evidence | null {
  if (!statements.length) return null
  const calls = (s: StatementStats) => s.services[service] ?? 0
  const top = statements.reduce((best, s) => (calls(s) > calls(best) || (calls(s) === calls(best) && s.fingerprint < best.fingerprint) ? s : best))
  let first: string | null = null
  let last: string | null = null
  let source: Evidence['source'] = null
  let firstMs = Infinity
  let lastMs = -Infinity
  for (const s of statements) {
    const seen = sightings?.get(service, s.fingerprint)
    if (!seen) continue
    if (seen.first !== null && (first === null || seen.firstMs < firstMs)) {
      first = seen.first
      firstMs = seen.firstMs
      source = {file: seen.file, line: seen.line}
    }
    if (seen.last !== null && (last === null || seen.lastMs > lastMs)) {
      last = seen.last
      lastMs = seen.lastMs
    }
    if (source === null) source = {file: seen.file, line: seen.line}
  }
  return {
    fingerprint: top.fingerprint,
    sample: top.text,
    count: count ?? statements.reduce((n, s) => n + calls(s), 0),
    statements: statements.length,
    firstSeen: first,
    lastSeen: last,
    source,
  }
}
