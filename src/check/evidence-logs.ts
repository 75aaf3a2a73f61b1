/**
 * When and where the statements behind findings were seen in the logs: first/last seen and the
 * log line of the first execution, per service and statement shape.
 *
 * The aggregator keeps these while it counts (aggregate.ts, sightingsOf), for every shape and
 * any -j, so a check reads its logs once, at ingestion speed; here they are only turned into
 * epoch times (to compare) and display paths, and only for the statements a finding cites; ISO
 * text only for the times a finding reports.
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
  // Each (service, fingerprint) is asked for once (the statement index keeps the answer); what
  // many of them share is converted once: display paths per file, epoch and ISO per timestamp
  // (consecutive log entries mostly share theirs, and sightings keep one string for each).
  const files = new Map<string, string>()
  const epochs = new Map<string, number>()
  const isoTexts = new Map<string, string | null>()
  const epoch = (text: string | null, none: number): number => {
    if (text === null) return none
    let ms = epochs.get(text)
    if (ms === undefined) epochs.set(text, (ms = epochOf(text, NaN)))
    return Number.isNaN(ms) ? none : ms
  }
  return {
    get(service, fingerprint) {
      const s = raw(fingerprint, service)
      if (!s) return undefined
      const first = s.first || null
      const last = s.last || null
      let file = files.get(s.file)
      if (file === undefined) files.set(s.file, (file = displayPath(s.file)))
      return {first, last, file, line: s.line, firstMs: epoch(first, Infinity), lastMs: epoch(last, -Infinity)}
    },
    iso(time) {
      let text = isoTexts.get(time)
      if (text === undefined) isoTexts.set(time, (text = isoTime(time)))
      return text
    },
  }
}

/** PostgreSQL's usual `%t`/`%m` in UTC: read by hand, the common case of epochOf. */
const PG_UTC = /^(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)(?:\.(\d{1,3}))? (?:UTC|GMT)$/

/**
 * A logged time as epoch milliseconds, `none` when it cannot be read: the instant isoTime gives.
 * PostgreSQL's UTC stamps are computed from their fields (a check compares the times of every
 * statement its findings cite: hundreds of thousands); anything unusual (a day past 28, a time
 * zone, more digits) goes the way of isoTime.
 */
export function epochOf(text: string | null, none: number): number {
  if (text === null) return none
  const m = PG_UTC.exec(text)
  if (m) {
    const year = +m[1]!
    const month = +m[2]!
    const day = +m[3]!
    const hour = +m[4]!
    const minute = +m[5]!
    const second = +m[6]!
    if (year >= 1000 && month >= 1 && month <= 12 && day >= 1 && day <= 28 && hour < 24 && minute < 60 && second < 60) {
      return Date.UTC(year, month - 1, day, hour, minute, second, m[7] ? +m[7].padEnd(3, '0') : 0)
    }
  }
  const iso = isoTime(text)
  const ms = iso === null ? NaN : Date.parse(iso)
  return Number.isNaN(ms) ? none : ms
}

/** A logged timestamp as ISO 8601, or null when it cannot be read unambiguously. */
export function isoTime(text: string | undefined): string | null {
  if (!text) return null
  const direct = Date.parse(text)
  if (!Number.isNaN(direct) && /[zZ]|[+-]\d\d:?\d\d$/.test(text)) return new Date(direct).toISOString()
  const pg = pgTimestampToIso(text)
  if (pg && !Number.isNaN(Date.parse(pg)) && pg !== text) return pg
  // MySQL general log: `YYMMDD HH:MM:SS` in the server's time zone, which the log does not say.
  return text
}
