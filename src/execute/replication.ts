/**
 * PostgreSQL logical replication between two databases of one server, for the physical split:
 * server checks, connection strings built at run time, slots, publications, subscriptions, and
 * the plumbing the split runners share (spec, files, scripts with lock retries). The heartbeat
 * and followers are in split-follow.ts, sequences and carried triggers in split-carry.ts,
 * row-level reconciliation in reconcile.ts.
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
import {dialectOf} from '../db/dialect/index.js'
import {CarveError} from '../errors.js'
import type {RelationRef} from '../introspect/model.js'
import {type SplitSpec, splitSpecSchema} from '../steps/split/generate.js'
import {ident, literal, qualified} from '../plan/quote.js'
import {sleep} from '../util/sleep.js'
import {sqlstateOf} from '../util/sqlstate.js'

export const SPLIT_NEEDS = 'physical split needs a PostgreSQL server with wal_level=logical (or change capture)'


/** Refuse anything but a PostgreSQL server: PGlite is one database in one session, MySQL has no such replication. */
export function requireServer(conn: Connection): void {
  const dialect = dialectOf(conn)
  if (!dialect.physicalSplit) {
    throw new CarveError('split.unsupported', `the physical split is not supported on MySQL yet (${conn.label} is ${conn.flavor})`, {
      hint: 'split MySQL/MariaDB with the server\'s own replication; Carve plans levels 0–4 there',
    })
  }
  if (dialect.embedded) {
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

export async function relationExists(conn: Connection, r: RelationRef): Promise<boolean> {
  const [row] = await conn.query<{ok: boolean}>(`SELECT to_regclass($1) IS NOT NULL AS ok`, [qualified(r.schema, r.name)])
  return Boolean(row?.ok)
}

export async function publicationExists(conn: Connection, name: string): Promise<boolean> {
  return (await conn.query(`SELECT 1 FROM pg_publication WHERE pubname = $1`, [name])).length > 0
}

export async function publishedTables(conn: Connection, publication: string): Promise<RelationRef[]> {
  return conn.query<RelationRef>(`SELECT schemaname AS schema, tablename AS name FROM pg_publication_tables WHERE pubname = $1 ORDER BY 1, 2`, [publication])
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
        if (sqlstateOf(error) !== '55006' || performance.now() > deadline) throw error
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
 * Move a logical slot to `lsn`, skipping what it holds before (the echoes of the other
 * direction): a subscription on it then receives exactly the transactions committed after `lsn`.
 *
 * The server never moves a slot past its WAL flush position: pg_replication_slot_advance
 * silently stops there. Apply workers commit asynchronously (a subscription's synchronous_commit
 * is off by default), so right after a catch-up the flush position usually lies before the
 * transactions they just applied — and a slot left there would send those back to where they
 * came from (a duplicate key on the other side, the stream stuck, or a keyless row doubled). So
 * the WAL is flushed first, and the position reached is checked, not assumed.
 * `check` is called between tries (a pause's clock throws when its budget is spent).
 */
export async function advanceSlot(conn: Connection, slot: string, lsn: string, check?: () => void): Promise<void> {
  for (let tries = 1; ; tries++) {
    await forceFlush(conn)
    const [row] = await conn.query<{reached: boolean; at: string}>(
      `SELECT end_lsn >= $2::pg_lsn AS reached, end_lsn::text AS at FROM pg_replication_slot_advance($1, $2::pg_lsn)`,
      [slot, lsn],
    )
    if (row?.reached) return
    check?.()
    if (tries >= 50) {
      throw new CarveError('split.slot-advance', `replication slot ${slot} in ${conn.database} stopped at ${row?.at ?? 'an unknown position'} instead of ${lsn}: the WAL up to there is not flushed`, {
        hint: 'SELECT pg_current_wal_flush_lsn() shows how far the server has flushed; a stalled WAL writer or disk holds it back',
      })
    }
    await sleep(Math.min(50, 5 * tries))
  }
}

/** The current WAL insert position, text. */
export async function walInsertLsn(conn: Connection): Promise<string> {
  const [row] = await conn.query<{lsn: string}>(`SELECT pg_current_wal_insert_lsn()::text AS lsn`)
  return row!.lsn
}

/**
 * Flush the server's WAL up to here: commit, with synchronous_commit on, a transaction that wrote
 * WAL — the commit waits for the flush of its own record and so of every record before it. The
 * WAL written is a transactional logical message, which no subscription receives (pgoutput only
 * forwards messages when asked to), so the transaction is empty to every slot. Taking an xid
 * alone (txid_current()) is not enough: a transaction that wrote no WAL before its commit record
 * commits asynchronously whatever synchronous_commit says, and flushes nothing.
 */
export async function forceFlush(conn: Connection): Promise<void> {
  await conn.exec(`BEGIN; SET LOCAL synchronous_commit = on; SELECT pg_logical_emit_message(true, 'carve', 'flush'); COMMIT;`)
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
  /**
   * Receive only changes made on the publisher itself, not those a subscription applied there
   * (`origin = none`, PostgreSQL 16+; ignored before, where the slot's start point alone keeps
   * the echoes out — see advanceSlot).
   */
  localOnly?: boolean
}

/** The WITH options of CREATE SUBSCRIPTION over an existing slot, for a subscriber of `serverMajor`. */
export function subscriptionOptions(s: NewSubscription, serverMajor: number): string {
  const origin = s.localOnly && serverMajor >= 16 ? ', origin = none' : ''
  return `create_slot = false, slot_name = ${literal(s.slot)}, copy_data = false, enabled = ${s.enabled ? 'true' : 'false'}${origin}`
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
       WITH (${subscriptionOptions(s, conn.serverMajor)})`,
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

export const OUTBOX_COLUMNS = ['id', 'aggregate_type', 'aggregate_id', 'event_type', 'payload', 'created_at'] as const
