/**
 * PostgreSQL logical replication between two databases of one server, for the physical split:
 * server checks, connection strings built at run time, slots, publications, subscriptions, the
 * heartbeat that proves a catch-up, sequences, triggers carried to the target, and row-level
 * reconciliation (compare, then repair what differs).
 *
 * Two facts of PostgreSQL shape everything here:
 * - A subscription whose publisher is on the same server cannot create its slot in
 *   CREATE SUBSCRIPTION (slot creation waits for every running transaction to end, the
 *   CREATE SUBSCRIPTION's own included). Slots are created with
 *   pg_create_logical_replication_slot() in a session of their own; subscriptions are created
 *   with create_slot = false and dropped after `SET (slot_name = NONE)`, the slot separately.
 * - Before PostgreSQL 16 a subscription cannot ignore changes that were themselves replicated
 *   (origin = none), so forward and reverse replication must never run at the same time: one is
 *   stopped before the other starts, and a new slot is advanced past the echoes of the other.
 */
import type {Connection} from '../db/connection.js'
import {CarveError} from '../errors.js'
import {CARRIED_TRIGGER_MARK, HEARTBEAT_TABLE, NOT_CARRIED_TRIGGER_PREFIXES, type Rel, type SplitSequence, type SplitSpec, splitSpecSchema, type SplitTable} from '../plan/steps/split.js'
import {ident, literal, qualified} from '../plan/quote.js'
import type {CopyTable} from './backfill.js'
import {applyChanges, pendingChanges} from './change-capture.js'
import {compareTables} from './parity.js'
import {readShape, relationLabel, sleep, withStableSession, type TableShape} from './pg-table.js'
import type {RunContext} from './runner.js'

export const SPLIT_NEEDS = 'physical split needs a PostgreSQL server with wal_level=logical (or change capture)'

/** The SQLSTATE of a driver error, if any. */
export function sqlState(error: unknown): string | null {
  const code = (error as {code?: unknown})?.code
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : null
}

/** Refuse anything but a PostgreSQL server: PGlite is one database in one session, MySQL has no such replication. */
export function requireServer(conn: Connection): void {
  if (conn.engine === 'mysql') {
    throw new CarveError('split.unsupported', `the physical split is not supported on MySQL yet (${conn.label} is ${conn.flavor})`, {
      hint: 'split MySQL/MariaDB with the server\'s own replication; Carve plans levels 0–4 there',
    })
  }
  if (conn.flavor !== 'postgresql') {
    throw new CarveError('split.unsupported', `${SPLIT_NEEDS}; ${conn.label} is an embedded ${conn.flavor} database`, {
      hint: 'run the split against a PostgreSQL server (--db postgres://…): a PGlite database has no second database and no replication',
    })
  }
}

/** Logical replication needs wal_level=logical, free slots and a role allowed to create subscriptions. */
export async function requireLogical(conn: Connection): Promise<void> {
  requireServer(conn)
  const [row] = await conn.query<{wal_level: string; slots: string; senders: string; superuser: boolean; replication: boolean}>(
    `SELECT current_setting('wal_level') AS wal_level, current_setting('max_replication_slots') AS slots,
            current_setting('max_wal_senders') AS senders, r.rolsuper AS superuser, r.rolreplication AS replication
       FROM pg_roles r WHERE r.rolname = current_user`,
  )
  if (row?.wal_level !== 'logical') {
    throw new CarveError('split.wal-level', `${SPLIT_NEEDS}; ${conn.label} has wal_level=${row?.wal_level ?? 'unknown'}`, {
      hint: 'ALTER SYSTEM SET wal_level = logical; then restart the server — or plan the split with change capture (mode: change-capture)',
    })
  }
  if (Number(row.slots) < 2 || Number(row.senders) < 2) {
    throw new CarveError('split.slots', `${conn.label} allows ${row.slots} replication slots and ${row.senders} WAL senders; the split needs two of each (forward and reverse)`, {
      hint: 'raise max_replication_slots and max_wal_senders (restart needed)',
    })
  }
  if (!row.superuser && conn.serverMajor < 16) {
    throw new CarveError('split.privilege', `creating subscriptions on PostgreSQL ${conn.serverVersion} needs a superuser; ${conn.label} is not one`, {
      hint: 'run the split steps as a superuser (PostgreSQL 16+: a role with pg_create_subscription and REPLICATION)',
    })
  }
}

/** A libpq conninfo value, quoted. */
function conninfoValue(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`
}

/**
 * The connection string a subscription uses to reach `database` on the server `conn` is
 * connected to. Built at run time and handed to the server only (it lands in pg_subscription,
 * readable by superusers): never printed, never written to a plan file. The server connects to
 * itself, so the address is the one this session reached it on (or its socket directory).
 * `CARVE_REPLICATION_CONNINFO` (e.g. `host=10.0.0.5 user=replicator password=…`) replaces the
 * derived parts; PGPASSWORD is passed along when set.
 */
export async function conninfoFor(conn: Connection, database: string): Promise<string> {
  const override = process.env.CARVE_REPLICATION_CONNINFO
  const parts: string[] = []
  if (override) {
    parts.push(override.trim())
  } else {
    const [row] = await conn.query<{host: string | null; sockets: string; port: string; user: string}>(
      `SELECT host(inet_server_addr()) AS host, current_setting('unix_socket_directories') AS sockets,
              current_setting('port') AS port, current_user AS user`,
    )
    const host = row!.host ?? row!.sockets.split(',')[0]!.trim()
    if (!host) throw new CarveError('split.conninfo', `cannot tell how ${conn.label} reaches itself (no TCP address, no socket directory)`, {hint: 'set CARVE_REPLICATION_CONNINFO, e.g. host=127.0.0.1 port=5432 user=postgres'})
    parts.push(`host=${conninfoValue(host)}`, `port=${conninfoValue(row!.port)}`, `user=${conninfoValue(row!.user)}`)
    if (process.env.PGPASSWORD) parts.push(`password=${conninfoValue(process.env.PGPASSWORD)}`)
  }
  parts.push(`dbname=${conninfoValue(database)}`, `application_name=${conninfoValue('carve_split')}`)
  return parts.join(' ')
}

// ——— objects ————————————————————————————————————————————————————————————————————————

export async function databaseExists(conn: Connection, name: string): Promise<boolean> {
  const rows = await conn.query(`SELECT 1 FROM pg_database WHERE datname = $1`, [name])
  return rows.length > 0
}

/** CREATE DATABASE with the source's encoding and collation, so text keys sort alike on both sides (parity pages by key). */
export async function createDatabaseLike(conn: Connection, name: string): Promise<void> {
  // The locale provider column came in 15 (daticulocale) and was renamed in 17 (datlocale).
  const provider = conn.serverMajor >= 17 ? 'datlocprovider::text, datlocale' : conn.serverMajor >= 15 ? 'datlocprovider::text, daticulocale' : 'NULL, NULL'
  const [db] = await conn.query<{encoding: string; collate: string; ctype: string; provider: string | null; locale: string | null}>(
    `SELECT pg_encoding_to_char(encoding) AS encoding, datcollate AS collate, datctype AS ctype, x.provider, x.locale
       FROM pg_database, LATERAL (SELECT ${provider}) AS x(provider, locale) WHERE datname = current_database()`,
  )
  const locale =
    db!.provider === 'i' && db!.locale ? ` LOCALE_PROVIDER icu ICU_LOCALE ${literal(db!.locale)}` : db!.provider === 'b' && db!.locale ? ` LOCALE_PROVIDER builtin BUILTIN_LOCALE ${literal(db!.locale)}` : ''
  await conn.exec(`CREATE DATABASE ${ident(name)} TEMPLATE template0 ENCODING ${literal(db!.encoding)} LC_COLLATE ${literal(db!.collate)} LC_CTYPE ${literal(db!.ctype)}${locale}`)
}

export async function dropDatabase(conn: Connection, name: string): Promise<void> {
  if (!(await databaseExists(conn, name))) return
  if (conn.serverMajor >= 13) {
    await conn.exec(`DROP DATABASE IF EXISTS ${ident(name)} WITH (FORCE)`)
  } else {
    await conn.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [name])
    await conn.exec(`DROP DATABASE IF EXISTS ${ident(name)}`)
  }
}

export async function relationExists(conn: Connection, r: Rel): Promise<boolean> {
  const [row] = await conn.query<{ok: boolean}>(`SELECT to_regclass($1) IS NOT NULL AS ok`, [qualified(r.schema, r.name)])
  return Boolean(row?.ok)
}

export async function publicationExists(conn: Connection, name: string): Promise<boolean> {
  return (await conn.query(`SELECT 1 FROM pg_publication WHERE pubname = $1`, [name])).length > 0
}

export async function publishedTables(conn: Connection, publication: string): Promise<Rel[]> {
  return conn.query<Rel>(`SELECT schemaname AS schema, tablename AS name FROM pg_publication_tables WHERE pubname = $1 ORDER BY 1, 2`, [publication])
}

export interface SlotState {
  exists: boolean
  active: boolean
  /** Bytes of WAL between the server's current position and what the subscriber confirmed. */
  lagBytes: number | null
}

export async function slotState(conn: Connection, slot: string): Promise<SlotState> {
  const [row] = await conn.query<{active: boolean; lag: string | null}>(
    `SELECT active, pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)::int8::text AS lag FROM pg_replication_slots WHERE slot_name = $1`,
    [slot],
  )
  return row ? {exists: true, active: row.active, lagBytes: row.lag === null ? null : Number(row.lag)} : {exists: false, active: false, lagBytes: null}
}

/** Create a logical slot (pgoutput) unless it exists; returns its consistent point. Must not run inside a transaction. */
export async function createSlot(conn: Connection, slot: string): Promise<string | null> {
  if ((await slotState(conn, slot)).exists) return null
  const [row] = await conn.query<{lsn: string}>(`SELECT lsn::text AS lsn FROM pg_create_logical_replication_slot($1, 'pgoutput')`, [slot])
  return row!.lsn
}

/** Drop a slot once no WAL sender uses it (a subscription just disabled lets go within moments). */
export async function dropSlot(conn: Connection, slot: string, timeoutMs = 30_000): Promise<void> {
  const deadline = performance.now() + timeoutMs
  for (;;) {
    const state = await slotState(conn, slot)
    if (!state.exists) return
    if (!state.active) {
      try {
        await conn.query(`SELECT pg_drop_replication_slot($1)`, [slot])
        return
      } catch (error) {
        // Taken again between the check and the drop: wait and retry.
        if (sqlState(error) !== '55006' || performance.now() > deadline) throw error
      }
    } else if (performance.now() > deadline) {
      throw new CarveError('split.slot-busy', `replication slot ${slot} is still in use after ${Math.round(timeoutMs / 1000)} s`, {
        hint: 'SELECT * FROM pg_stat_replication shows who streams from it; disable that subscription first',
      })
    }
    await sleep(100)
  }
}

/**
 * Move a slot to `lsn`, skipping what it holds before (the echoes of the other direction). The
 * WAL up to `lsn` is flushed first: the server never advances a slot past its flush position.
 */
export async function advanceSlot(conn: Connection, slot: string, lsn: string): Promise<void> {
  await forceFlush(conn)
  await conn.query(`SELECT pg_replication_slot_advance($1, $2::pg_lsn)`, [slot, lsn])
}

/** The current WAL insert position, text. */
export async function walInsertLsn(conn: Connection): Promise<string> {
  const [row] = await conn.query<{lsn: string}>(`SELECT pg_current_wal_insert_lsn()::text AS lsn`)
  return row!.lsn
}

/** Commit a transaction that has an xid with synchronous_commit on: WAL is flushed up to here. */
export async function forceFlush(conn: Connection): Promise<void> {
  await conn.exec(`BEGIN; SET LOCAL synchronous_commit = on; SELECT txid_current(); COMMIT;`)
}

export interface SubscriptionState {
  exists: boolean
  enabled: boolean
  /** The apply worker's pid (null when it is not running). */
  pid: number | null
  publications: string[]
  slot: string | null
  /** Relation states (pg_subscription_rel): i, d, f, s, r. */
  relStates: Record<string, number>
}

export async function subscriptionState(conn: Connection, name: string): Promise<SubscriptionState> {
  const [row] = await conn.query<{enabled: boolean; pubs: string[]; slot: string | null; pid: number | null; states: Record<string, number> | null}>(
    `SELECT s.subenabled AS enabled, s.subpublications::text[] AS pubs, s.subslotname::text AS slot,
            (SELECT st.pid FROM pg_stat_subscription st WHERE st.subid = s.oid AND st.relid IS NULL LIMIT 1) AS pid,
            (SELECT json_object_agg(x.srsubstate, x.n) FROM (SELECT srsubstate, count(*) AS n FROM pg_subscription_rel WHERE srsubid = s.oid GROUP BY 1) x) AS states
       FROM pg_subscription s WHERE s.subname = $1 AND s.subdbid = (SELECT oid FROM pg_database WHERE datname = current_database())`,
    [name],
  )
  if (!row) return {exists: false, enabled: false, pid: null, publications: [], slot: null, relStates: {}}
  return {exists: true, enabled: row.enabled, pid: row.pid, publications: row.pubs ?? [], slot: row.slot, relStates: row.states ?? {}}
}

export interface NewSubscription {
  name: string
  conninfo: string
  publications: string[]
  slot: string
  enabled: boolean
}

/**
 * CREATE SUBSCRIPTION over an existing slot, without copying (the rows are already there, or
 * the slot was positioned exactly). The conninfo is passed as a literal in the statement (the
 * command takes no parameters); the statement is never logged by Carve.
 */
export async function createSubscription(conn: Connection, s: NewSubscription): Promise<void> {
  if ((await subscriptionState(conn, s.name)).exists) return
  await conn.exec(
    `CREATE SUBSCRIPTION ${ident(s.name)} CONNECTION ${literal(s.conninfo)} PUBLICATION ${s.publications.map(ident).join(', ')}
       WITH (create_slot = false, slot_name = ${literal(s.slot)}, copy_data = false, enabled = ${s.enabled ? 'true' : 'false'})`,
  )
}

/** Stop a subscription and drop it, leaving its slot on the publisher (dropSlot drops it). */
export async function dropSubscription(conn: Connection, name: string): Promise<void> {
  const state = await subscriptionState(conn, name)
  if (!state.exists) return
  if (state.enabled) await conn.exec(`ALTER SUBSCRIPTION ${ident(name)} DISABLE`)
  if (state.slot !== null) await conn.exec(`ALTER SUBSCRIPTION ${ident(name)} SET (slot_name = NONE)`)
  await conn.exec(`DROP SUBSCRIPTION ${ident(name)}`)
}

export async function setSubscriptionEnabled(conn: Connection, name: string, enabled: boolean): Promise<void> {
  const state = await subscriptionState(conn, name)
  if (state.exists && state.enabled !== enabled) await conn.exec(`ALTER SUBSCRIPTION ${ident(name)} ${enabled ? 'ENABLE' : 'DISABLE'}`)
}

/** Wait until the subscription's worker no longer runs (after DISABLE), so its slot is free. */
export async function waitWorkerStopped(conn: Connection, name: string, timeoutMs = 30_000): Promise<void> {
  const deadline = performance.now() + timeoutMs
  while ((await subscriptionState(conn, name)).pid !== null) {
    if (performance.now() > deadline) throw new CarveError('split.worker', `the apply worker of subscription ${name} did not stop within ${Math.round(timeoutMs / 1000)} s`)
    await sleep(50)
  }
}

// ——— heartbeat ——————————————————————————————————————————————————————————————————————

/**
 * Bump the context's heartbeat on `conn` (committed with synchronous_commit on, so the WAL
 * sender can ship it at once) and return the new sequence number. When the other side shows
 * it, every transaction committed before the bump has been applied there.
 */
export async function bumpHeartbeat(conn: Connection, meta: string, context: string): Promise<number> {
  await conn.exec(`BEGIN; SET LOCAL synchronous_commit = on;`)
  try {
    const rows = await conn.query<{seq: string}>(
      `UPDATE ${qualified(meta, HEARTBEAT_TABLE)} SET seq = seq + 1, at = clock_timestamp() WHERE context = $1 RETURNING seq::text`,
      [context],
    )
    await conn.exec('COMMIT')
    if (!rows[0]) throw new CarveError('split.heartbeat', `no heartbeat row for context ${context} in ${conn.database}`, {hint: 'split-prepare creates it; apply that step again'})
    return Number(rows[0].seq)
  } catch (error) {
    await conn.exec('ROLLBACK').catch(() => {})
    throw error
  }
}

export async function heartbeatSeq(conn: Connection, meta: string, context: string): Promise<number> {
  const [row] = await conn.query<{seq: string}>(`SELECT seq::text FROM ${qualified(meta, HEARTBEAT_TABLE)} WHERE context = $1`, [context])
  return row ? Number(row.seq) : -1
}

export interface WaitOptions {
  /** performance.now() value after which waiting fails; Infinity: wait until done or aborted. */
  deadline: number
  signal?: AbortSignal
  pollMs: number
  /** Called about once a second while waiting. */
  onWait?: (waitedMs: number) => Promise<void> | void
}

export class DeadlineExceeded extends Error {
  constructor(what: string) {
    super(`${what}: deadline exceeded`)
    this.name = 'DeadlineExceeded'
  }
}

/** Wait until the heartbeat shows `seq` on `conn`; returns the milliseconds waited. */
export async function waitHeartbeat(conn: Connection, meta: string, context: string, seq: number, options: WaitOptions): Promise<number> {
  const started = performance.now()
  let lastReport = started
  for (;;) {
    if ((await heartbeatSeq(conn, meta, context)) >= seq) return performance.now() - started
    const now = performance.now()
    if (now > options.deadline) throw new DeadlineExceeded('catch-up')
    if (options.signal?.aborted) throw new DeadlineExceeded('catch-up (interrupted)')
    if (options.onWait && now - lastReport >= 1000) {
      lastReport = now
      await options.onWait(now - started)
    }
    await sleep(Math.min(options.pollMs, Math.max(1, options.deadline - now)))
  }
}

// ——— sequences ——————————————————————————————————————————————————————————————————————

async function sequenceOf(conn: Connection, seq: Rel | null, table: Rel, column: string): Promise<string | null> {
  if (seq) return qualified(seq.schema, seq.name)
  const [row] = await conn.query<{s: string | null}>(`SELECT pg_get_serial_sequence($1, $2) AS s`, [qualified(table.schema, table.name), column])
  return row?.s ?? null
}

/**
 * Set each sequence on `to` at least as far as on `from` (and past the column's largest value):
 * replication copies rows, not sequence positions, so without this the first insert after a
 * switch would reuse a key.
 */
export async function syncSequences(from: Connection, to: Connection, spec: SplitSpec, direction: 'forward' | 'reverse'): Promise<number> {
  let n = 0
  const sequences: SplitSequence[] = [...spec.sequences]
  // The outbox's identity too, when the outbox moved (it exists only at run time).
  if (await relationExists(from, spec.outbox)) sequences.push({source: null, target: null, source_table: spec.outbox, target_table: spec.outbox, column: 'id'})
  for (const s of sequences) {
    const [fromSeq, fromTable, toSeq, toTable] =
      direction === 'forward' ? [s.source, s.source_table, s.target, s.target_table] : [s.target, s.target_table, s.source, s.source_table]
    const a = await sequenceOf(from, fromSeq, fromTable, s.column)
    const b = await sequenceOf(to, toSeq, toTable, s.column)
    if (!a || !b) continue
    const [v] = await from.query<{v: string | null}>(`SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END::text AS v FROM ${a}`)
    await to.query(
      `SELECT setval($1::regclass, greatest($2::bigint, (SELECT coalesce(max(${ident(s.column)})::bigint, 0) FROM ${qualified(toTable.schema, toTable.name)}), 1), true)`,
      [b, v?.v ?? '0'],
    )
    n++
  }
  return n
}

// ——— triggers carried to the target ————————————————————————————————————————————————

/**
 * Copy the triggers of the split tables (and the functions they call) from the source to the
 * target, each created DISABLED and marked: enabled at the cut-over, when the target starts
 * taking writes. Disabled until then because the copy writes as an ordinary session (an outbox
 * trigger would emit every copied row as an event again) — replication never fires them.
 * Carve's own split triggers and loose-FK triggers (which feed another context's queue on the
 * source) are not carried.
 */
export async function carryTriggers(source: Connection, target: Connection, tables: {source: Rel; target: Rel}[]): Promise<{carried: string[]; skipped: string[]}> {
  const carried: string[] = []
  const skipped: string[] = []
  for (const t of tables) {
    const rows = await source.query<{name: string; def: string; fn: string; fnschema: string; fndef: string}>(
      `SELECT t.tgname AS name, pg_get_triggerdef(t.oid) AS def, p.oid::regprocedure::text AS fn, n.nspname AS fnschema, pg_get_functiondef(p.oid) AS fndef
         FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE t.tgrelid = to_regclass($1) AND NOT t.tgisinternal ORDER BY t.tgname`,
      [qualified(t.source.schema, t.source.name)],
    )
    for (const r of rows) {
      const label = `${t.source.schema}.${t.source.name}.${r.name}`
      if (NOT_CARRIED_TRIGGER_PREFIXES.some((p) => r.name.startsWith(p))) {
        if (r.name.startsWith('carve_loose_fk_')) skipped.push(label)
        continue
      }
      const exists = await target.query(`SELECT 1 FROM pg_trigger WHERE tgrelid = to_regclass($1) AND tgname = $2`, [qualified(t.target.schema, t.target.name), r.name])
      if (exists.length) continue
      const def = retargetTrigger(r.def, t.source, t.target)
      if (!def) {
        skipped.push(label)
        continue
      }
      await target.exec(`BEGIN;
CREATE SCHEMA IF NOT EXISTS ${ident(r.fnschema)};
${r.fndef};
${def};
ALTER TABLE ${qualified(t.target.schema, t.target.name)} DISABLE TRIGGER ${ident(r.name)};
COMMENT ON TRIGGER ${ident(r.name)} ON ${qualified(t.target.schema, t.target.name)} IS ${literal(CARRIED_TRIGGER_MARK)};
COMMIT;`).catch(async (error) => {
        await target.exec('ROLLBACK').catch(() => {})
        throw new CarveError('split.trigger', `trigger ${label} could not be created in ${target.database}: ${(error as Error).message}`, {
          hint: 'the trigger or its function refers to something the target lacks; move that dependency with the context or drop the trigger first',
          cause: error,
        })
      })
      carried.push(label)
    }
  }
  return {carried, skipped}
}

/** pg_get_triggerdef names the table qualified (`ON schema.name`); aim it at the target table. */
function retargetTrigger(def: string, source: Rel, target: Rel): string | null {
  const forms = [`${quoteIfNeeded(source.schema)}.${quoteIfNeeded(source.name)}`, qualified(source.schema, source.name)]
  for (const f of forms) {
    const at = def.indexOf(` ON ${f} `)
    if (at >= 0) return `${def.slice(0, at)} ON ${qualified(target.schema, target.name)} ${def.slice(at + f.length + 5)}`
  }
  return null
}

function quoteIfNeeded(name: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(name) ? name : ident(name)
}

/** Enable or disable the triggers carried to the target (those carrying Carve's mark). */
export async function setCarriedTriggers(conn: Connection, tables: Rel[], enabled: boolean): Promise<number> {
  const rows = await conn.query<{rel: string; name: string; enabled: string}>(
    `SELECT t.tgrelid::regclass::text AS rel, t.tgname AS name, t.tgenabled::text AS enabled
       FROM pg_trigger t
      WHERE t.tgrelid = ANY(SELECT to_regclass(x) FROM unnest($1::text[]) x) AND NOT t.tgisinternal
        AND obj_description(t.oid, 'pg_trigger') = $2`,
    [tables.map((t) => qualified(t.schema, t.name)), CARRIED_TRIGGER_MARK],
  )
  let n = 0
  for (const r of rows) {
    if ((r.enabled !== 'D') === enabled) continue
    await conn.exec(`ALTER TABLE ${r.rel} ${enabled ? 'ENABLE' : 'DISABLE'} TRIGGER ${ident(r.name)}`)
    n++
  }
  return n
}

// ——— reconciliation: compare and repair ————————————————————————————————————————————

export interface TableDiff {
  table: string
  rows: number
  /** Keys (text forms) that differ; for a table without a key, a single [] when the contents differ. */
  keys: string[][]
  /** More keys differ than were listed. */
  truncated: boolean
}

/** Compare one table exactly (parity.ts for keyed tables; a multiset hash for the others). */
export async function diffTable(source: Connection, target: Connection, t: SplitTable, from: 'source' | 'target' = 'source', maxKeys = 10_000): Promise<TableDiff> {
  const [a, b, ra, rb] = from === 'source' ? [source, target, t.source, t.target] : [target, source, t.target, t.source]
  if (!t.key.length) {
    const [ha, hb] = await withStableSession([a, b], () => Promise.all([multisetHash(a, ra, t.columns), multisetHash(b, rb, t.columns)]))
    const equal = ha.n === hb.n && ha.hash === hb.hash
    return {table: relationLabel(t.target), rows: ha.n, keys: equal ? [] : [[]], truncated: false}
  }
  const report = await compareTables(a, b, ra, rb, t.key, t.columns, {maxKeys})
  const keys = [...report.missing, ...report.differing, ...report.extra].map((k) => k.map((v) => (v === null ? null : String(v))) as string[])
  return {table: report.table, rows: report.sourceRows, keys, truncated: keys.length >= maxKeys}
}

async function multisetHash(conn: Connection, r: Rel, columns: string[]): Promise<{n: number; hash: string | null}> {
  const row = `ROW(${columns.map((c) => `t.${ident(c)}`).join(', ')})::text`
  const [res] = await conn.query<{n: string; h: string | null}>(`SELECT count(*)::text AS n, md5(string_agg(h, '' ORDER BY h)) AS h FROM (SELECT md5(${row}) AS h FROM ${qualified(r.schema, r.name)} t) x`)
  return {n: Number(res!.n), hash: res!.h}
}

interface KeyedRows {
  shape: TableShape
  /** JSON of the key → [row hash, column text forms]. */
  rows: Map<string, {hash: string; values: (string | null)[]}>
}

function keyFilter(key: string[], types: string[], from: number): string {
  const cols = key.map((k) => `t.${ident(k)}`)
  const sel = key.map((_, i) => `u.k${i}::${types[i]}`)
  return `(${cols.join(', ')}) IN (SELECT ${sel.join(', ')} FROM unnest(${key.map((_, i) => `$${from + i}::text[]`).join(', ')}) AS u(${key.map((_, i) => `k${i}`).join(', ')}))`
}

function keyColumnsParams(keys: string[][], width: number): (string | null)[][] {
  return Array.from({length: width}, (_, i) => keys.map((k) => k[i] ?? null))
}

async function rowsByKeys(conn: Connection, r: Rel, key: string[], columns: string[], keys: string[][]): Promise<KeyedRows> {
  const shape = await readShape(conn, r)
  const types = key.map((k) => shape.columns.get(k)!.type)
  const out = new Map<string, {hash: string; values: (string | null)[]}>()
  if (!keys.length) return {shape, rows: out}
  const rows = await conn.query<{k: string[]; h: string; v: (string | null)[]}>(
    `SELECT ARRAY[${key.map((k) => `t.${ident(k)}::text`).join(', ')}] AS k, md5(ROW(${columns.map((c) => `t.${ident(c)}`).join(', ')})::text) AS h,
            ARRAY[${columns.map((c) => `t.${ident(c)}::text`).join(', ')}] AS v
       FROM ${qualified(r.schema, r.name)} t WHERE ${keyFilter(key, types, 1)}`,
    keyColumnsParams(keys, key.length),
  )
  for (const row of rows) out.set(JSON.stringify(row.k), {hash: row.h, values: row.v})
  return {shape, rows: out}
}

/** Of `keys`, those whose row differs between the two sides right now (missing on one side counts). */
export async function differingKeys(a: Connection, b: Connection, ra: Rel, rb: Rel, t: SplitTable, keys: string[][]): Promise<string[][]> {
  if (!keys.length) return []
  return withStableSession([a, b], async () => {
    const [x, y] = [await rowsByKeys(a, ra, t.key, t.columns, keys), await rowsByKeys(b, rb, t.key, t.columns, keys)]
    return keys.filter((k) => {
      const id = JSON.stringify(k)
      return x.rows.get(id)?.hash !== y.rows.get(id)?.hash
    })
  })
}

/**
 * Make the rows of `keys` on `to` what they are on `from`: delete them on `to`, insert `from`'s
 * rows (their text forms cast back to the column types). The session runs as a replica
 * (session_replication_role): foreign keys, guard triggers and carried triggers do not fire —
 * this restores a copy, it is not an application write.
 */
export async function repairKeys(from: Connection, to: Connection, rf: Rel, rt: Rel, t: SplitTable, keys: string[][]): Promise<number> {
  if (!keys.length) return 0
  return withStableSession([from, to], async () => {
    const src = await rowsByKeys(from, rf, t.key, t.columns, keys)
    const shape = await readShape(to, rt)
    const types = t.key.map((k) => shape.columns.get(k)!.type)
    const cols = t.columns.filter((c) => !shape.columns.get(c)?.generated)
    const colIndex = cols.map((c) => t.columns.indexOf(c))
    const present = [...src.rows.values()]
    const overriding = cols.some((c) => shape.columns.get(c)!.identityAlways) ? ' OVERRIDING SYSTEM VALUE' : ''
    await to.exec(`BEGIN; SET LOCAL session_replication_role = replica;`)
    try {
      await to.query(`DELETE FROM ${qualified(rt.schema, rt.name)} t WHERE ${keyFilter(t.key, types, 1)}`, keyColumnsParams(keys, t.key.length))
      if (present.length) {
        await to.query(
          `INSERT INTO ${qualified(rt.schema, rt.name)} (${cols.map(ident).join(', ')})${overriding}
           SELECT ${cols.map((c, i) => `u.c${i}::${shape.columns.get(c)!.type}`).join(', ')}
             FROM unnest(${cols.map((_, i) => `$${i + 1}::text[]`).join(', ')}) AS u(${cols.map((_, i) => `c${i}`).join(', ')})`,
          colIndex.map((ci) => present.map((r) => r.values[ci] ?? null)),
        )
      }
      await to.exec('COMMIT')
    } catch (error) {
      await to.exec('ROLLBACK').catch(() => {})
      throw error
    }
    return keys.length
  })
}

/** Replace the whole content of a table without a key on `to` with `from`'s (small tables: the rows pass through memory). */
export async function replaceKeyless(from: Connection, to: Connection, rf: Rel, rt: Rel, t: SplitTable): Promise<number> {
  return withStableSession([from, to], async () => {
    const shape = await readShape(to, rt)
    const cols = t.columns.filter((c) => !shape.columns.get(c)?.generated)
    const [row] = await from.query<Record<string, string | null>>(
      `SELECT count(*)::text AS n, ${cols.map((c, i) => `array_agg(t.${ident(c)}::text)::text AS c${i}`).join(', ')} FROM ${qualified(rf.schema, rf.name)} t`,
    )
    const overriding = cols.some((c) => shape.columns.get(c)!.identityAlways) ? ' OVERRIDING SYSTEM VALUE' : ''
    await to.exec(`BEGIN; SET LOCAL session_replication_role = replica;`)
    try {
      await to.exec(`DELETE FROM ${qualified(rt.schema, rt.name)}`)
      if (Number(row!.n) > 0) {
        await to.query(
          `INSERT INTO ${qualified(rt.schema, rt.name)} (${cols.map(ident).join(', ')})${overriding}
           SELECT ${cols.map((c, i) => `u.c${i}::${shape.columns.get(c)!.type}`).join(', ')}
             FROM unnest(${cols.map((_, i) => `$${i + 1}::text[]`).join(', ')}) AS u(${cols.map((_, i) => `c${i}`).join(', ')})`,
          cols.map((_, i) => row![`c${i}`]),
        )
      }
      await to.exec('COMMIT')
    } catch (error) {
      await to.exec('ROLLBACK').catch(() => {})
      throw error
    }
    return Number(row!.n)
  })
}

export interface ReconcileReport {
  tables: number
  rows: number
  /** Milliseconds of the first full comparison alone (what a comparison with writes paused costs). */
  diffMs: number
  /** Rows found different at first comparison (lag included when the source is live). */
  found: number
  /** Rows still different after catch-up, repaired from the truth side. */
  repaired: number
  /** Rows still different at the end (0 means exact). */
  remaining: number
  ms: number
}

export interface ReconcileOptions {
  /** Which side holds the truth: 'source' before the cut-over, 'target' after it. */
  truth: 'source' | 'target'
  /** Wait until the other side has every change committed so far (a heartbeat round). */
  catchUp: () => Promise<void>
  /** Rounds of recheck-and-repair before giving up (differences left are reported, not thrown). */
  rounds: number
  /**
   * Writes are paused and the copy has caught up: differences are real, and a table without a
   * key may be replaced whole. Live, such a table is only compared (replacing it while rows
   * stream in would duplicate them).
   */
  frozen?: boolean
  /** Repair what still differs after a catch-up (false: only report it — verification). */
  repair?: boolean
  /** Called between tables and rounds: throws to stop (a pause budget). */
  check?: () => void
  emit?: RunContext['emit']
}

/**
 * Compare every table; keys that differ are re-checked after a catch-up (a live source differs
 * from a lagging target by the lag), and those still different are repaired from the truth side
 * and checked again. With writes paused, one round makes the target exact.
 */
export async function reconcile(source: Connection, target: Connection, tables: SplitTable[], options: ReconcileOptions): Promise<ReconcileReport> {
  const started = performance.now()
  const report: ReconcileReport = {tables: tables.length, rows: 0, diffMs: 0, found: 0, repaired: 0, remaining: 0, ms: 0}
  const [truth, copy] = options.truth === 'source' ? [source, target] : [target, source]
  const side = (t: SplitTable) => (options.truth === 'source' ? {rt: t.source, rc: t.target} : {rt: t.target, rc: t.source})
  for (const t of tables) {
    options.check?.()
    const {rt, rc} = side(t)
    const diffStarted = performance.now()
    let diff = await diffTable(source, target, t, options.truth)
    report.diffMs += performance.now() - diffStarted
    report.rows += diff.rows
    report.found += diff.keys.length
    let pending = diff.keys
    for (let round = 0; pending.length && round < options.rounds; round++) {
      options.check?.()
      await options.catchUp()
      options.check?.()
      if (!t.key.length) {
        const again = await diffTable(source, target, t, options.truth)
        if (!again.keys.length || options.repair === false || !options.frozen) {
          pending = again.keys
          if (!pending.length) break
          continue
        }
        report.repaired += await replaceKeyless(truth, copy, rt, rc, t)
        pending = (await diffTable(source, target, t, options.truth)).keys
        continue
      }
      const still = await differingKeys(truth, copy, rt, rc, t, pending)
      if (options.repair === false) {
        pending = still
        continue
      }
      if (still.length) report.repaired += await repairKeys(truth, copy, rt, rc, t, still)
      pending = await differingKeys(truth, copy, rt, rc, t, still)
      if (!pending.length && diff.truncated) {
        // More keys differed than one pass lists: compare the table again.
        diff = await diffTable(source, target, t, options.truth)
        pending = diff.keys
      }
    }
    report.remaining += pending.length
    if (pending.length) options.emit?.({phase: 'parity', message: `${diff.table}: ${pending.length} row${pending.length === 1 ? '' : 's'} still differ${pending.length === 1 ? 's' : ''} (rows changing faster than the comparison)`})
  }
  report.ms = performance.now() - started
  return report
}

// ——— step plumbing ————————————————————————————————————————————————————————————————

/** The split spec of a step, validated (a hand-edited plan.yml fails here, not half-way). */
export function splitSpecOf(step: {id: string; spec?: Record<string, unknown>}): SplitSpec {
  const parsed = splitSpecSchema.safeParse(step.spec ?? {})
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new CarveError('plan.invalid', `step ${step.id}: spec.${issue?.path.join('.') ?? ''} ${issue?.message ?? 'is invalid'}`, {hint: 'regenerate the plan (carve plan --split) rather than editing a split step\'s spec by hand'})
  }
  return parsed.data
}

export function fileOf(files: Partial<Record<string, string>>, name: string, step: {id: string}): string {
  const text = files[name]
  if (text === undefined) throw new CarveError('plan.invalid', `step ${step.id} has no ${name} file`, {hint: 'regenerate the plan'})
  return text
}

/**
 * Run a script in one transaction with lock_timeout; on a lock timeout (55P03) roll back, wait
 * with jittered backoff and try again — the executor's rule for SQL steps, for the source-side
 * scripts the split runners run themselves.
 */
export async function runScript(conn: Connection, sql: string, options: {lockTimeoutMs: number; lockRetries: number; signal?: AbortSignal}): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    await conn.exec('BEGIN')
    try {
      await conn.exec(`SET LOCAL lock_timeout = '${Math.max(1, Math.round(options.lockTimeoutMs))}ms'`)
      await conn.exec(sql)
      await conn.exec('COMMIT')
      return
    } catch (error) {
      await conn.exec('ROLLBACK').catch(() => {})
      if (sqlState(error) !== '55P03' || attempt >= options.lockRetries || options.signal?.aborted) throw error
      await sleep(Math.round(250 * 2 ** attempt * (0.5 + Math.random())), options.signal)
    }
  }
}

// ——— followers: how one side catches up with the other ——————————————————————————————

/** Bring one side up to date with every change committed on the other so far. */
export interface Follower {
  /**
   * Returns the milliseconds it took. `exact`: keep going until nothing is pending (only
   * meaningful while writes are paused); otherwise one pass over what was pending is enough.
   */
  catchUp(deadline: number, exact?: boolean): Promise<number>
  readonly how: string
}

/** Logical replication: bump the heartbeat on `from`, wait for it on `to`. */
export function heartbeatFollower(beat: Connection, to: Connection, spec: SplitSpec, signal?: AbortSignal, onWait?: WaitOptions['onWait']): Follower {
  return {
    how: 'logical replication',
    async catchUp(deadline) {
      const seq = await bumpHeartbeat(beat, spec.meta_schema, spec.context)
      return waitHeartbeat(to, spec.meta_schema, spec.context, seq, {deadline, pollMs: Number.isFinite(deadline) ? 2 : 50, signal, onWait})
    },
  }
}

/** A session on `conn`'s database that writes as a replica: guards, FKs and carried triggers do not fire. */
export async function replicaSession(open: () => Promise<Connection>): Promise<Connection> {
  const conn = await open()
  await conn.exec(`SET session_replication_role = replica`)
  return conn
}

/**
 * Change capture: drain the queues of `tables` on `from` into `to` (a replica session, see
 * replicaSession). Each queued key is re-read on `from` and written on `to` — Backfill's
 * applyChanges, idempotent and order-free.
 */
export function captureFollower(from: Connection, to: Connection, tables: CopyTable[], signal?: AbortSignal): Follower {
  return {
    how: 'change capture',
    async catchUp(deadline, exact = true) {
      const started = performance.now()
      for (;;) {
        for (const t of tables) await applyChanges(from, to, t, {signal})
        if (!exact) return performance.now() - started
        let pending = 0
        for (const t of tables) pending += await pendingChanges(from, t.source)
        if (pending === 0) return performance.now() - started
        if (performance.now() > deadline) throw new DeadlineExceeded('drain')
        if (signal?.aborted) throw new DeadlineExceeded('drain (interrupted)')
      }
    },
  }
}

/** The tables change capture drains for a split, in one direction: the keyed tables, plus the outbox when it moved. */
export async function captureTables(conn: Connection, spec: SplitSpec, direction: 'forward' | 'reverse'): Promise<CopyTable[]> {
  const tables: CopyTable[] = spec.tables
    .filter((t) => t.key.length)
    .map((t) => (direction === 'forward' ? {source: t.source, target: t.target, key: t.key, columns: t.columns} : {source: t.target, target: t.source, key: t.key, columns: t.columns}))
  if (await relationExists(conn, spec.outbox)) tables.push({source: spec.outbox, target: spec.outbox, key: ['id'], columns: [...OUTBOX_COLUMNS]})
  return tables
}

export const OUTBOX_COLUMNS = ['id', 'aggregate_type', 'aggregate_id', 'event_type', 'payload', 'created_at'] as const
