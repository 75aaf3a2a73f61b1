/**
 * pgbouncer's own log: connections, pools and stats, never the statements that pass through it
 * (pgbouncer does not parse SQL). Recognised so that such a file is reported for what it is —
 * "holds no statements, read the PostgreSQL server's log" — instead of as an unknown format.
 *
 *   2026-11-21 18:00:00.123 UTC [812] LOG C-0x55d0c8a0e0f0: shop/orders@10.0.0.7:51234 login attempt: db=shop user=orders tls=no
 *   2026-11-21 18:01:00.001 UTC [812] LOG stats: 12 xacts/s, 40 queries/s, …
 */
import {forEachLine, newLineWarnings} from './lines.js'
import type {SourceReport} from './report.js'
import {WarningTally} from './warnings.js'

const PGBOUNCER_LINE = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?(?: \S+)? \[\d+\] (?:LOG|WARNING|ERROR|FATAL|NOISE|DEBUG) (?:[CS]-0x[0-9a-f]+:|stats:|kernel |listening |process up|Stats:|file descriptor|tls|got SIG|shutting down|server lifetime|sbuf_|dns|resolv|closing because)/

export const isPgbouncerLine = (line: string) => PGBOUNCER_LINE.test(line)

export async function readPgbouncerLog(path: string): Promise<SourceReport> {
  const tally = new WarningTally()
  const lineWarnings = newLineWarnings()
  let lines = 0
  let recognised = 0
  await forEachLine(path, lineWarnings, (_n, text) => {
    lines++
    if (isPgbouncerLine(text)) recognised++
  })
  const warnings = tally.report(path, lineWarnings)
  warnings.unshift({file: path, message: `a pgbouncer log (${recognised} of ${lines} lines): it records connections, not statements — ingest the PostgreSQL server's log instead`})
  return {format: 'pgbouncer', lines, events: 0, warnings}
}
