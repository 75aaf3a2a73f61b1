/**
 * MySQL and MariaDB: every DDL statement commits by itself, so a step cannot be one transaction —
 * the executor journals it statement by statement instead (execute/journal.ts); the plan lock is
 * GET_LOCK on a name holding the database and the plan; lock waits are bounded by
 * lock_wait_timeout (metadata) and innodb_lock_wait_timeout (rows), in whole seconds. Scripts are
 * cut at top-level semicolons (generated MySQL files are plain statement lists: no compound
 * BEGIN … END blocks, see steps/mysql-notes.ts).
 */
import {createHash} from 'node:crypto'

import {mysqlIdent} from '../../plan/quote.js'
import {splitStatements as cutAtSemicolons} from '../../workload/mask.js'
import type {Connection} from '../connection.js'
import type {ExecutionDialect, LedgerSql, PlanLockSql} from './types.js'

/** ER_LOCK_WAIT_TIMEOUT (lock_wait_timeout / innodb_lock_wait_timeout), ER_LOCK_DEADLOCK. */
const RETRYABLE = new Set([1205, 1213])

/** MySQL lock names are at most 64 characters. */
export function mysqlLockName(conn: Pick<Connection, 'database'>, planName: string): string {
  const full = `carve:${conn.database}/${planName}`
  return full.length <= 64 ? full : `carve:${createHash('sha256').update(full).digest('hex').slice(0, 57)}`
}

const lock: PlanLockSql = {
  async tryTake(conn, planName) {
    const [row] = await conn.query<{ok: number | null}>('SELECT GET_LOCK(?, 0) AS ok', [mysqlLockName(conn, planName)])
    return Number(row?.ok) === 1
  },
  async release(conn, planName) {
    await conn.query('SELECT RELEASE_LOCK(?)', [mysqlLockName(conn, planName)]).catch(() => {})
  },
  async holder(conn, planName) {
    const [row] = await conn.query<{id: number | null}>('SELECT IS_USED_LOCK(?) AS id', [mysqlLockName(conn, planName)])
    if (row?.id === null || row?.id === undefined) return null
    const [p] = await conn.query<{host: string | null; user: string | null; time: number | null}>(
      'SELECT HOST AS host, USER AS user, TIME AS time FROM information_schema.PROCESSLIST WHERE ID = ?',
      [row.id],
    )
    const since = p?.time !== null && p?.time !== undefined ? new Date(Date.now() - Number(p.time) * 1000).toISOString() : null
    return {pid: Number(row.id), application: null, client: p?.host ?? null, user: p?.user ?? null, since}
  },
}

const LEDGER_DDL = [
  'CREATE DATABASE IF NOT EXISTS carve',
  `CREATE TABLE IF NOT EXISTS carve.ledger_steps (
  plan varchar(255) NOT NULL,
  step varchar(255) NOT NULL,
  kind varchar(64) NOT NULL,
  checksum char(64) NOT NULL,
  state varchar(16) NOT NULL,
  applied_at datetime(3) NULL,
  applied_by varchar(512) NULL,
  duration_ms bigint NULL,
  changed_at datetime(3) NOT NULL,
  changed_by varchar(512) NOT NULL,
  checkpoint longtext NULL,
  PRIMARY KEY (plan, step)
)`,
  `CREATE TABLE IF NOT EXISTS carve.ledger_events (
  id bigint NOT NULL AUTO_INCREMENT PRIMARY KEY,
  plan varchar(255) NOT NULL,
  step varchar(255) NULL,
  event varchar(16) NOT NULL,
  at datetime(3) NOT NULL,
  \`by\` varchar(512) NOT NULL,
  detail text NULL,
  KEY ledger_events_plan (plan, id)
)`,
]

const ledger: LedgerSql = {
  async ensure(conn) {
    for (const statement of LEDGER_DDL) await conn.query(statement)
  },
  async exists(conn) {
    const [row] = await conn.query<{n: number}>(`SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = 'carve' AND table_name IN ('ledger_steps', 'ledger_events')`)
    return Number(row?.n) === 2
  },
  // `carve` is one database per server: the plan's database is part of the key.
  planKey: (conn, planName) => `${conn.database}/${planName}`,
  params: (sql) => sql.replace(/\$\d+(::jsonb)?/g, '?'),
  now: 'UTC_TIMESTAMP(3)',
  clock: 'UTC_TIMESTAMP(3)',
  currentUser: 'SELECT CURRENT_USER() AS u',
  upsert: (columns) => `ON DUPLICATE KEY UPDATE ${columns.map((c) => `${c} = VALUES(${c})`).join(', ')}`,
  // longtext holding JSON.
  json: (value) => (value === null || value === undefined ? null : typeof value === 'string' ? JSON.parse(value) : value),
}

const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000))

export const mysqlDialect: ExecutionDialect = {
  engine: 'mysql',
  name: 'MySQL/MariaDB',
  transactionalDdl: false,
  embedded: false,
  physicalSplit: false,
  readsPrivileges: false,
  applyNotice: 'MySQL/MariaDB has no transactional DDL: each step runs statement by statement, and a failed step runs its down.sql to clean up',
  partialRollbackHint: 'the ledger records how far down.sql got (carve status shows it); fix the cause and run carve rollback again to resume it',
  statementByStatementReason: 'MySQL/MariaDB has no transactional DDL',
  beginTransaction: 'START TRANSACTION',
  transactionLockTimeout: () => null,
  sessionLockTimeout: (ms) => [`SET SESSION lock_wait_timeout = ${seconds(ms)}`, `SET SESSION innodb_lock_wait_timeout = ${seconds(ms)}`],
  resetSessionLockTimeout: ['SET SESSION lock_wait_timeout = DEFAULT', 'SET SESSION innodb_lock_wait_timeout = DEFAULT'],
  // A DDL statement queued for a metadata lock blocks the application's next requests on the
  // table (see runStatement in execute/journal.ts): lock_wait_timeout 0 makes the request fail at once.
  journalLockTimeout: (ms) => ['SET SESSION lock_wait_timeout = 0', `SET SESSION innodb_lock_wait_timeout = ${seconds(ms)}`],
  isRetryable: (error) => RETRYABLE.has(Number((error as {errno?: unknown})?.errno)),
  splitStatements: async (script) => cutAtSemicolons(script, 'mysql'),
  quoteIdent: mysqlIdent,
  lock,
  ledger,
  privileges: async () => null,
}
