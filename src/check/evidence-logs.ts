/**
 * When and where the statements behind findings were seen in the logs: first/last seen and the
 * log line of the first execution, per service and statement shape.
 *
 * The aggregator keeps these while it counts (aggregate.ts, sightingsByShape), for every shape and
 * any -j, so a check reads its logs once, at ingestion speed; here they are only turned into
 * epoch times (to compare) and display paths, and only for the statements a finding cites; ISO
 * text only for the times a finding reports.
 */
import {sightingsByShape} from '../workload/aggregate.js'
import type {Workload} from '../workload/model.js'
import {pgTimestampToIso} from '../workload/sources/pg-logs.js'
import type {Sightings} from './evidence.js'
import {displayPath} from './locate.js'

/** The sightings of a workload ingested from logs in this process; null for a saved workload. */
export function logSightings(workload: Workload): Sightings | null {
  const byShape = sightingsByShape(workload)
  if (!byShape) return null
  // What many sightings share is converted once: display paths per file, ISO text per cited
  // timestamp, and epoch times that PostgreSQL's UTC stamps do not give by hand (epochOf).
  const files = new Map<string, string>()
  const slowEpochs = new Map<string, number>()
  const isoTexts = new Map<string, string | null>()
  return {
    of: byShape,
    ms(time) {
      const ms = pgUtcMs(time)
      if (!Number.isNaN(ms)) return ms
      let slow = slowEpochs.get(time)
      if (slow === undefined) slowEpochs.set(time, (slow = epochOf(time, NaN)))
      return slow
    },
    iso(time) {
      let text = isoTexts.get(time)
      if (text === undefined) isoTexts.set(time, (text = isoTime(time)))
      return text
    },
    path(file) {
      let path = files.get(file)
      if (path === undefined) files.set(file, (path = displayPath(file)))
      return path
    },
  }
}

const digit = (text: string, at: number): number => {
  const d = text.charCodeAt(at) - 48
  return d >= 0 && d <= 9 ? d : NaN
}
const twoDigits = (text: string, at: number): number => digit(text, at) * 10 + digit(text, at + 1)

/**
 * PostgreSQL's usual `%t`/`%m` in UTC (`YYYY-MM-DD HH:MM:SS[.f{1,3}] UTC|GMT`) as epoch
 * milliseconds, read character by character: a check compares the times of every statement its
 * findings cite (a million at 1 GB of logs), and a regular expression or a cache lookup per time
 * cost more than the reading. NaN for anything else, and for what Date.UTC would roll over (a
 * day past 28, hour 24 …): those go the general way (epochOf).
 */
export function pgUtcMs(text: string): number {
  const n = text.length
  if (n < 23 || n > 27 || n === 24) return NaN
  if (text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45 || text.charCodeAt(10) !== 32 || text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58) return NaN
  const zone = text.slice(n - 4)
  if (zone !== ' UTC' && zone !== ' GMT') return NaN
  let ms = 0
  if (n > 23) {
    // `.f`, `.ff` or `.fff` before the zone: tenths, hundredths, thousandths.
    if (text.charCodeAt(19) !== 46) return NaN
    for (let at = 20, scale = 100; at < n - 4; at++, scale /= 10) ms += digit(text, at) * scale
  }
  const year = twoDigits(text, 0) * 100 + twoDigits(text, 2)
  const month = twoDigits(text, 5)
  const day = twoDigits(text, 8)
  const hour = twoDigits(text, 11)
  const minute = twoDigits(text, 14)
  const second = twoDigits(text, 17)
  // NaN (a non-digit) fails every comparison.
  if (!(year >= 1000 && month >= 1 && month <= 12 && day >= 1 && day <= 28 && hour < 24 && minute < 60 && second < 60 && ms >= 0)) return NaN
  return Date.UTC(year, month - 1, day, hour, minute, second, ms)
}

/**
 * A logged time as epoch milliseconds, `none` when it cannot be read: the instant isoTime gives.
 * PostgreSQL's UTC stamps are read by hand (pgUtcMs); anything unusual (a day past 28, a time
 * zone, more digits) goes the way of isoTime.
 */
export function epochOf(text: string | null, none: number): number {
  if (text === null) return none
  const fast = pgUtcMs(text)
  if (!Number.isNaN(fast)) return fast
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
