/**
 * When and where the statements behind findings were seen in the logs: first/last seen and the
 * log line of the first execution, per service and statement shape.
 *
 * The aggregator keeps these while it counts (aggregate.ts, sightingsOf), for every shape and
 * any -j, so a check reads its logs once, at ingestion speed; here they are only turned into
 * ISO times and display paths, and only for the statements a finding cites.
 */
import {sightingsOf} from '../workload/aggregate.js'
import type {Workload} from '../workload/model.js'
import {pgTimestampToIso} from '../workload/sources/pg-logs.js'
import type {Seen, Sightings} from './evidence.js'
import {displayPath} from './locate.js'

/** The sightings of a workload ingested from logs in this process; null for a saved workload. */
export function logSightings(workload: Workload): Sightings | null {
  const raw = sightingsOf(workload)
  if (!raw) return null
  const converted = new Map<string, Seen | null>()
  return {
    get(service, fingerprint) {
      const key = `${service}\u0000${fingerprint}`
      let seen = converted.get(key)
      if (seen === undefined) {
        const s = raw(fingerprint, service)
        const first = s ? isoTime(s.first) : null
        seen = s ? {first, last: isoTime(s.last), file: displayPath(s.file), line: s.line, firstMs: first && !Number.isNaN(Date.parse(first)) ? Date.parse(first) : Infinity} : null
        converted.set(key, seen)
      }
      return seen ?? undefined
    },
  }
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
