/**
 * The evidence behind an access finding, from the workload: the statements of one service that
 * touch a table the way the finding says, the busiest one as the sample. When a log pass has
 * been made (evidence-logs.ts), first/last seen and the log line come from it.
 */
import type {StatementStats, Workload} from '../workload/model.js'
import type {Evidence} from './model.js'

/** First/last time and first log line of each (service, fingerprint), from a pass over the logs. */
export type Sightings = Map<string, {first: string | null; last: string | null; file: string; line: number; firstMs: number}>

export const sightingKey = (service: string, fingerprint: string): string => `${service}\u0000${fingerprint}`

export function statementEvidence(
  workload: Workload,
  service: string,
  matches: (s: StatementStats) => boolean,
  sightings: Sightings | null,
  count?: number,
): Evidence | null {
  const statements = workload.statements.filter((s) => (s.services[service] ?? 0) > 0 && matches(s))
  if (!statements.length) return null
  const calls = (s: StatementStats) => s.services[service] ?? 0
  const top = statements.reduce((best, s) => (calls(s) > calls(best) || (calls(s) === calls(best) && s.fingerprint < best.fingerprint) ? s : best))
  let first: string | null = null
  let last: string | null = null
  let source: Evidence['source'] = null
  let firstMs = Infinity
  for (const s of statements) {
    const seen = sightings?.get(sightingKey(service, s.fingerprint))
    if (!seen) continue
    if (seen.first !== null && (first === null || seen.firstMs < firstMs)) {
      first = seen.first
      firstMs = seen.firstMs
      source = {file: seen.file, line: seen.line}
    }
    if (seen.last !== null && (last === null || Date.parse(seen.last) > Date.parse(last))) last = seen.last
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
