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
  // Per service, then per fingerprint: a finding looks up every statement it cites, and the same
  // statement is cited by the findings of each table it touches.
  const converted = new Map<string, Map<string, Seen | null>>()
  const files = new Map<string, string>()
  const epoch = (iso: string | null, none: number) => {
    const ms = iso === null ? NaN : Date.parse(iso)
    return Number.isNaN(ms) ? none : ms
  }
  return {
    get(service, fingerprint) {
      let ofService = converted.get(service)
      if (!ofService) converted.set(service, (ofService = new Map()))
      let seen = ofService.get(fingerprint)
      if (seen === undefined) {
        const s = raw(fingerprint, service)
        if (s) {
          const first = isoTime(s.first)
          const last = isoTime(s.last)
          let file = files.get(s.file)
          if (file === undefined) files.set(s.file, (file = displayPath(s.file)))
          seen = {first, last, file, line: s.line, firstMs: epoch(first, Infinity), lastMs: epoch(last, -Infinity)}
        } else {
          seen = null
        }
        ofService.set(fingerprint, seen)
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
