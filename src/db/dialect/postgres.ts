/**
 * PostgreSQL (and PGlite, the same SQL in one embedded session): DDL is transactional, so a step
 * is one transaction with `SET LOCAL lock_timeout`; the plan lock is a session advisory lock on a
 * key derived from the plan name; scripts are cut into statements by PostgreSQL's own parser
 * (libpg-query), which knows a `BEGIN ATOMIC … END` body, dollar quotes and nested comments.
 */
import {createHash} from 'node:crypto'

import {loadModule, parseSync} from 'libpg-query'

import {ident} from '../../plan/quote.js'
import {sqlstateOf} from '../../util/sqlstate.js'
import {splitStatements as cutAtSemicolons} from '../../workload/mask.js'
import type {Connection} from '../connection.js'
import type {ExecutionDialect, LedgerSql, PlanLockSql, ServerPrivileges, Statement} from './types.js'

/** lock_not_available (lock_timeout, NOWAIT), deadlock_detected, serialization_failure. */
const RETRYABLE = new Set(['55P03', '40P01', '40001'])

let parser: Promise<void> | undefined

/**
 * Statements as the server's parser sees them. Its locations are UTF-8 byte offsets; a statement
 * runs from its first token to before its semicolon. A script the parser refuses is cut at
 * top-level semicolons instead: the server then reports the broken statement with its own message,
 * after the ones before it ran (a non-transactional step cleans up with down.sql as usual).
 */
export async function splitPostgres(script: string): Promise<Statement[]> {
  parser ??= loadModule()
  await parser
  let stmts: {stmt_location?: number; stmt_len?: number}[]
  try {
    stmts = parseSync(script).stmts ?? []
  } catch {
    return cutAtSemicolons(script, 'postgres')
  }
  const bytes = Buffer.from(script, 'utf8')
  const charAt = (byte: number) => bytes.subarray(0, byte).toString('utf8').length
  return stmts
    .map((s) => {
      const start = s.stmt_location ?? 0
      const end = s.stmt_len ? start + s.stmt_len : bytes.length
      return {text: bytes.subarray(start, end).toString('utf8').trim().replace(/;$/, '').trim(), offset: charAt(start)}
    })
    .filter((s) => s.text !== '')
}

/** A signed 64-bit key (as decimal text) from the plan name: stable across runs and machines. */
export function planLockKey(planName: string): string {
  const digest = createHash('sha256').update(`carve.plan:${planName}`).digest()
  return digest.readBigInt64BE(0).toString()
}

const lock: PlanLockSql = {
  async tryTake(conn, planName) {
    const [row] = await conn.query<{ok: boolean}>(`SELECT pg_try_advisory_lock(${planLockKey(planName)}::bigint) AS ok`)
    return Boolean(row?.ok)
  },
  async release(conn, planName) {
    await conn.query(`SELECT pg_advisory_unlock(${planLockKey(planName)}::bigint)`).catch(() => {})
  },
  async holder(conn, planName) {
    // A bigint advisory key is stored as classid (high 32 bits), objid (low 32 bits), objsubid 1.
    const key = BigInt.asUintN(64, BigInt(planLockKey(planName)))
    const high = Number(key >> 32n)
    const low = Number(key & 0xffffffffn)
    const [row] = await conn.query<{pid: number; application_name: string | null; client: string | null; usename: string | null; since: Date | string | null}>(
      `SELECT l.pid, a.application_name, coalesce(host(a.client_addr), CASE WHEN a.client_port = -1 THEN 'local socket' END) AS client,
              a.usename, a.backend_start AS since
         FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid
        WHERE l.locktype = 'advisory' AND l.granted AND l.classid = $1::bigint::oid AND l.objid = $2::bigint::oid AND l.objsubid = 1
          AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
          AND l.pid <> pg_backend_pid()
        LIMIT 1`,
      [high, low],
    )
    if (!row) return null
    const since = row.since === null || row.since === undefined ? null : row.since instanceof Date ? row.since.toISOString() : String(row.since)
    return {pid: Number(row.pid), application: row.application_name || null, client: row.client ?? null, user: row.usename ?? null, since}
  },
}

const LEDGER_DDL = `
CREATE SCHEMA IF NOT EXISTS carve;
CREATE TABLE IF NOT EXISTS carve.ledger_steps (
  plan text NOT NULL,
  step text NOT NULL,
  kind text NOT NULL,
  checksum text NOT NULL,
  state text NOT NULL CHECK (state IN ('applied', 'failed', 'rolled-back', 'in-progress')),
  applied_at timestamptz,
  applied_by text,
  duration_ms bigint,
  changed_at timestamptz NOT NULL,
  changed_by text NOT NULL,
  checkpoint jsonb,
  PRIMARY KEY (plan, step)
);
CREATE TABLE IF NOT EXISTS carve.ledger_events (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  plan text NOT NULL,
  step text,
  event text NOT NULL CHECK (event IN ('apply', 'verify', 'rollback', 'fail', 'checkpoint')),
  at timestamptz NOT NULL DEFAULT clock_timestamp(),
  "by" text NOT NULL,
  detail text
);
CREATE INDEX IF NOT EXISTS ledger_events_plan ON carve.ledger_events (plan, id);
`

/** Serialises ledger creation between runs of different plans (a transaction-level lock). */
const LEDGER_DDL_LOCK = 7_215_061_524_012_371n

const ledger: LedgerSql = {
  async ensure(conn) {
    if (await ledger.exists(conn)) return
    await conn.query('BEGIN')
    try {
      await conn.query(`SELECT pg_advisory_xact_lock(${LEDGER_DDL_LOCK})`)
      await conn.exec(LEDGER_DDL)
      await conn.query('COMMIT')
    } catch (error) {
      await conn.query('ROLLBACK').catch(() => {})
      throw error
    }
  },
  async exists(conn) {
    const [row] = await conn.query<{ok: boolean}>(`SELECT to_regclass('carve.ledger_steps') IS NOT NULL AND to_regclass('carve.ledger_events') IS NOT NULL AS ok`)
    return Boolean(row?.ok)
  },
  // The ledger lives in the plan's own database.
  planKey: (_conn, planName) => planName,
  params: (sql) => sql,
  now: 'now()',
  clock: 'clock_timestamp()',
  currentUser: 'SELECT current_user AS u',
  upsert: (columns) => `ON CONFLICT (plan, step) DO UPDATE SET ${columns.map((c) => `${c} = EXCLUDED.${c}`).join(', ')}`,
  json: (value) => value ?? null,
}

async function privileges(conn: Connection, roles: string[]): Promise<ServerPrivileges | null> {
  const [row] = await conn.query<{wal_level: string | null; slots: string | null; senders: string | null; superuser: boolean; replication: boolean; createdb: boolean; createrole: boolean; existing: string[] | null}>(
    `SELECT current_setting('wal_level', true) AS wal_level,
            current_setting('max_replication_slots', true) AS slots,
            current_setting('max_wal_senders', true) AS senders,
            r.rolsuper AS superuser, r.rolreplication AS replication, r.rolcreatedb AS createdb, r.rolcreaterole AS createrole,
            (SELECT array_agg(rolname::text ORDER BY rolname) FROM pg_roles WHERE rolname = ANY($1::text[])) AS existing
       FROM pg_roles r WHERE r.rolname = current_user`,
    [roles],
  )
  if (!row) return null
  return {
    walLevel: row.wal_level,
    maxReplicationSlots: row.slots === null ? null : Number(row.slots),
    maxWalSenders: row.senders === null ? null : Number(row.senders),
    superuser: row.superuser,
    replication: row.replication,
    createDb: row.createdb,
    createRole: row.createrole,
    existingRoles: row.existing ?? [],
  }
}

export const postgresDialect: ExecutionDialect = {
  engine: 'postgres',
  name: 'PostgreSQL',
  transactionalDdl: true,
  embedded: false,
  physicalSplit: true,
  readsPrivileges: true,
  applyNotice: null,
  partialRollbackHint: 'down.sql ran statement by statement and stopped: check what is left of the step',
  statementByStatementReason: 'the step is marked transactional: false',
  beginTransaction: 'BEGIN',
  transactionLockTimeout: (ms) => `SET LOCAL lock_timeout = '${Math.round(ms)}ms'`,
  sessionLockTimeout: (ms) => [`SET lock_timeout = '${Math.round(ms)}ms'`],
  resetSessionLockTimeout: ['RESET lock_timeout'],
  journalLockTimeout: null,
  isRetryable: (error) => RETRYABLE.has(sqlstateOf(error) ?? ''),
  splitStatements: splitPostgres,
  quoteIdent: ident,
  lock,
  ledger,
  privileges,
}

/** PGlite: PostgreSQL's SQL in one embedded session — no second database, no replication. */
export const pgliteDialect: ExecutionDialect = {...postgresDialect, embedded: true}
