/**
 * performance_schema.events_statements_summary_by_digest from a live MySQL / MariaDB: one event
 * per (schema, digest) with its totals. Digests carry no user, so they are attributed by schema
 * only (SCHEMA_NAME, the default database the statements ran in).
 *
 * MySQL 8 keeps a QUERY_SAMPLE_TEXT (a real statement with its literals): it is preferred for
 * parsing, since DIGEST_TEXT has `?` placeholders, `(...)` for value lists, and is cut at
 * max_digest_length (ending in `...`). A truncated text is still emitted, with a warning.
 */
import type {Connection} from '../../db/connection.js'
import {requireEngine} from '../../db/engine.js'
import {CarveError} from '../../errors.js'
import type {EventSink, SourceWarning} from '../events.js'
import type {SourceReport} from './report.js'

const TABLE = 'events_statements_summary_by_digest'
const MAX_SAMPLES = 20

const NO_DIGESTS_HINT =
  'enable it with performance_schema=ON in the server configuration ([mysqld] section; it needs a restart), ' +
  'or ingest the general query log instead (SET GLOBAL general_log=1, then carve reads the file)'

export interface DigestRow {
  SCHEMA_NAME: string | null
  DIGEST_TEXT: string | null
  COUNT_STAR: number | string
  SUM_TIMER_WAIT: number | string | null
  SUM_ROWS_SENT: number | string | null
  SUM_ROWS_AFFECTED: number | string | null
  FIRST_SEEN: string | Date | null
  LAST_SEEN: string | Date | null
  QUERY_SAMPLE_TEXT?: string | null
}

const toNumber = (v: number | string | null | undefined): number => {
  if (v === null || v === undefined) return 0
  const n = typeof v === 'number' ? v : Number(v)
  return Number.isFinite(n) ? n : 0
}

/** `2025-11-21 18:40:01.123456` (server time, no zone) → `2025-11-21T18:40:01.123456`. */
function seenToIso(v: string | Date | null): string | undefined {
  if (v === null) return undefined
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? undefined : v.toISOString()
  const text = String(v).trim()
  if (!text || text.startsWith('0000-00-00')) return undefined
  return /^\d{4}-\d\d-\d\d \d/.test(text) ? text.replace(' ', 'T') : text
}

/** DIGEST_TEXT writes a list of values as `(...)`; `(?)` parses and touches the same tables. */
function parseableDigest(text: string): string {
  return text.split('(...)').join('(?)')
}

export async function readMysqlDigests(conn: Connection, sink: EventSink): Promise<SourceReport> {
  requireEngine(conn, 'mysql', () => new CarveError('workload.no-digests', 'statement digests are a MySQL / MariaDB feature', {hint: 'for PostgreSQL use --format pg_stat_statements'}))
  const [enabled] = await conn.query<{on: number | string | null}>('SELECT @@performance_schema AS `on`')
  if (!enabled || Number(enabled.on) !== 1) {
    throw new CarveError('workload.no-digests', `performance_schema is OFF on ${conn.label}: no statement digests to read`, {hint: NO_DIGESTS_HINT})
  }
  const columns = await conn.query<{name: string}>(
    `SELECT COLUMN_NAME AS name FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = 'performance_schema' AND TABLE_NAME = ?`,
    [TABLE],
  )
  const have = new Set(columns.map((c) => String(c.name).toUpperCase()))
  if (!have.has('DIGEST_TEXT')) {
    throw new CarveError('workload.no-digests', `performance_schema.${TABLE} is missing on ${conn.label}`, {hint: NO_DIGESTS_HINT})
  }
  const sample = have.has('QUERY_SAMPLE_TEXT') ? ', QUERY_SAMPLE_TEXT' : ''
  let rows: DigestRow[]
  try {
    rows = await conn.query<DigestRow>(
      `SELECT SCHEMA_NAME, DIGEST_TEXT, COUNT_STAR, SUM_TIMER_WAIT, SUM_ROWS_SENT, SUM_ROWS_AFFECTED, FIRST_SEEN, LAST_SEEN${sample}
         FROM performance_schema.${TABLE}
        WHERE DIGEST_TEXT IS NOT NULL AND COUNT_STAR > 0 AND (SCHEMA_NAME = ? OR SCHEMA_NAME IS NULL)
        ORDER BY COUNT_STAR DESC`,
      [conn.database],
    )
  } catch (error) {
    throw new CarveError('workload.no-digests', `reading performance_schema.${TABLE} failed: ${(error as Error).message}`, {
      hint: `the user needs SELECT on performance_schema.* (GRANT SELECT ON performance_schema.* TO …); ${NO_DIGESTS_HINT}`,
      cause: error,
    })
  }
  return emitDigests(rows, conn.label, sink)
}

/** Map digest rows to events (separate so the mapping is testable without a server). */
export function emitDigests(rows: readonly DigestRow[], label: string, sink: EventSink): SourceReport {
  const file = `performance_schema@${label}`
  const truncated: number[] = []
  let truncatedCount = 0
  let from: string | undefined
  let to: string | undefined
  let n = 0
  for (const r of rows) {
    const digest = r.DIGEST_TEXT ?? ''
    const sampleText = r.QUERY_SAMPLE_TEXT?.trim() ? r.QUERY_SAMPLE_TEXT : undefined
    const text = sampleText ?? parseableDigest(digest)
    if (!text.trim()) continue
    n++
    const cut = sampleText ? sampleText.trimEnd().endsWith('...') : digest.trimEnd().endsWith('...')
    if (cut) {
      truncatedCount++
      if (truncated.length < MAX_SAMPLES) truncated.push(n)
    }
    const first = seenToIso(r.FIRST_SEEN)
    const last = seenToIso(r.LAST_SEEN)
    if (first && (!from || first < from)) from = first
    if (last && (!to || last > to)) to = last
    const sent = toNumber(r.SUM_ROWS_SENT)
    const affected = toNumber(r.SUM_ROWS_AFFECTED)
    sink({
      sql: text,
      calls: toNumber(r.COUNT_STAR),
      totalMs: toNumber(r.SUM_TIMER_WAIT) / 1e9, // picoseconds
      rows: sent > 0 ? sent : affected,
      database: r.SCHEMA_NAME ?? undefined,
      file,
      line: n,
    })
  }
  const warnings: SourceWarning[] = []
  if (truncatedCount) {
    warnings.push({
      file,
      line: truncated[0],
      message:
        `${truncatedCount} digest text${truncatedCount > 1 ? 's are' : ' is'} truncated (max_digest_length) and may name fewer tables than ran ` +
        `(rows ${truncated.join(', ')}${truncatedCount > truncated.length ? ', …' : ''}); raise max_digest_length and performance_schema_max_digest_length (restart)`,
    })
  }
  return {format: 'mysql-digest', lines: rows.length, events: n, warnings, from, to}
}
