/**
 * A second, narrow pass over the log files for the evidence a workload does not keep: when each
 * offending statement was first and last seen, and the log line of its first execution.
 *
 * Only statements behind a finding matter, so each event is first tested against the names of
 * the tables those findings are about (one compiled regular expression over the raw text);
 * only the few that match are masked, fingerprinted (cached per masked text, so each shape is
 * parsed once) and attributed to a service. With few violations the pass costs a fraction of the
 * ingestion; `npm run bench` measures it (check-logs).
 */
import type {EventSink} from '../workload/events.js'
import {type Attributor} from '../workload/attribution.js'
import {StatementAnalyzer} from '../workload/analyzer.js'
import {detectFormat} from '../workload/ingest.js'
import {maskSql, sqlcommenterTags} from '../workload/mask.js'
import {pgTimestampToIso} from '../workload/sources/pg-logs.js'
import {type FileFormat, runUnit, settlePrefix} from '../workload/sources/registry.js'
import {type Sightings, sightingKey} from './evidence.js'
import {displayPath} from './locate.js'

export interface SightingOptions {
  files: string[]
  engine: 'postgres' | 'mysql'
  format?: FileFormat
  logLinePrefix?: string
  attributor: Attributor
  /** Statement fingerprints worth locating, and the table names (unqualified) they touch. */
  fingerprints: Set<string>
  tables: string[]
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

export async function collectSightings(options: SightingOptions): Promise<Sightings> {
  const raw = new Map<string, {first?: string; last?: string; file: string; line: number}>()
  if (!options.fingerprints.size || !options.tables.length) return new Map()
  const names = [...new Set(options.tables.map((t) => t.split('.').pop()!))].sort((a, b) => b.length - a.length)
  const mentions = new RegExp(`(?:^|[^A-Za-z0-9_$])(?:${names.map(escape).join('|')})(?![A-Za-z0-9_$])`, 'i')
  const analyzer = await StatementAnalyzer.create(options.engine)
  const sink: EventSink = (event) => {
    if (!mentions.test(event.sql)) return
    const masked = maskSql(event.sql, analyzer.dialect)
    const analysis = analyzer.analyze(event.sql, masked.key)
    if (!options.fingerprints.has(analysis.fingerprint)) return
    const {service} = options.attributor.attribute({
      tags: masked.comments.length ? sqlcommenterTags(masked.comments) : undefined,
      application: event.application,
      user: event.user,
      client: event.client,
    })
    const key = sightingKey(service, analysis.fingerprint)
    const seen = raw.get(key)
    // Timestamps compare as logged (one log format sorts as text); converted once at the end.
    if (!seen) raw.set(key, {first: event.at, last: event.at, file: event.file, line: event.line})
    else if (event.at) {
      if (seen.first === undefined || event.at < seen.first) Object.assign(seen, {first: event.at, file: event.file, line: event.line})
      if (seen.last === undefined || event.at > seen.last) seen.last = event.at
    }
  }
  for (const file of options.files) {
    const format = options.format ?? (await detectFormat(file, options.logLinePrefix))
    if (!format) continue
    await runUnit({file, format, prefix: await settlePrefix(file, format, options.logLinePrefix)}, sink, () => {})
  }
  const sightings: Sightings = new Map()
  for (const [key, s] of raw) {
    const first = isoTime(s.first)
    const last = isoTime(s.last)
    sightings.set(key, {first, last, file: displayPath(s.file), line: s.line, firstMs: first && !Number.isNaN(Date.parse(first)) ? Date.parse(first) : Infinity})
  }
  return sightings
}

/** A logged timestamp as ISO 8601, or null when it cannot be read unambiguously. */
function isoTime(text: string | undefined): string | null {
  if (!text) return null
  const direct = Date.parse(text)
  if (!Number.isNaN(direct) && /[zZ]|[+-]\d\d:?\d\d$/.test(text)) return new Date(direct).toISOString()
  const pg = pgTimestampToIso(text)
  if (pg && !Number.isNaN(Date.parse(pg)) && pg !== text) return pg
  // MySQL general log: `YYMMDD HH:MM:SS` in the server's time zone, which the log does not say.
  return text
}
