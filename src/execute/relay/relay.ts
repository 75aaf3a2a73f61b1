/**
 * `carve relay`: a small reader of a context's events from the WAL, for teams without Kafka and
 * for tests. It reads the context's replication slot through SQL (pg_logical_slot_peek_binary_
 * changes with pgoutput over the context's publication), turns each committed change into an
 * event of the outbox's shape, hands a batch of whole transactions to the sink, and only then
 * moves the slot past them (pg_replication_slot_advance to the last commit's end LSN).
 *
 * Position and restarts: the slot is the position. A relay killed between the sink's write and
 * the advance reads those transactions again on restart; a file sink remembers the last event id
 * it holds (ids are WAL positions) and skips what it already has, and drops a line cut by the
 * kill — so a file receives every event exactly once across restarts. stdout cannot be read
 * back: there delivery is at least once, consumers deduplicate by id.
 */
import pg from 'pg'

import {CarveError} from '../../errors.js'
import {eventsPublication, relaySlot} from '../../steps/outbox/publication.js'
import {comparePositions, toEvent, type EventPosition, type OutboxEvent} from './events.js'
import {decodePgOutput, formatLsn, parseLsn, type Relation, type TupleValue} from './pgoutput.js'
import type {Sink} from './sinks.js'
import {sleep} from '../../util/sleep.js'

export interface RelayOptions {
  context: string
  /** Default: the plan's names for the context (carve_events_<context>, carve_relay_<context>). */
  publication?: string
  slot?: string
  sink: Sink
  /** Changes per read (whole transactions are always read together, so a read may return more). */
  batchChanges?: number
  /** Wait between reads when nothing new arrived. */
  pollMs?: number
  /** Deliver what the slot holds now, then return (cron jobs, tests). */
  once?: boolean
  signal?: AbortSignal
  onProgress?: (message: string) => void
}

export interface RelayResult {
  context: string
  publication: string
  slot: string
  sink: string
  slotCreated: boolean
  /** Events written to the sink by this run. */
  delivered: number
  /** Events read again after a restart that the sink already held (not written twice). */
  skipped: number
  transactions: number
  truncatesIgnored: number
  /** The slot's confirmed position when the relay stopped. */
  position: string | null
}

/** The first key of the relay's advisory lock (the second is hashtext(slot name)): 'crvr'. */
export const RELAY_LOCK_CLASS = 0x63727672

interface SlotRow {
  plugin: string | null
  slot_type: string
  active: boolean
  active_pid: number | null
  database: string | null
  confirmed_flush_lsn: string | null
}

/** Checks that say what to do: wal_level, the publication, a slot that is someone else's. */
async function prepare(client: pg.Client, publication: string, slot: string, context: string, log: (m: string) => void): Promise<boolean> {
  const {rows: settings} = await client.query<{wal_level: string; db: string}>(`SELECT current_setting('wal_level') AS wal_level, current_database() AS db`)
  const wal = settings[0]!.wal_level
  if (wal !== 'logical') {
    throw new CarveError('relay.wal-level', `the server runs with wal_level=${wal}: events are read from the WAL by logical decoding, which needs wal_level=logical`, {
      hint: 'set it and restart PostgreSQL: ALTER SYSTEM SET wal_level = logical; (managed services: rds.logical_replication=1, cloudsql.logical_decoding=on, …) — or plan with --outbox trigger for in-transaction events without it',
    })
  }
  const {rows: pubs} = await client.query(`SELECT 1 FROM pg_catalog.pg_publication WHERE pubname = $1`, [publication])
  if (!pubs.length) {
    throw new CarveError('relay.no-publication', `no publication ${publication} in database ${settings[0]!.db}: the events of context ${context} are not published`, {
      hint: `apply the plan's outbox step for ${context} first (carve apply PLAN), planned with the default --outbox wal; carve status PLAN shows where the plan stands`,
    })
  }
  // One reader per slot: reading through SQL holds the slot only during each read, so the slot's
  // own "active" flag cannot keep a second relay out. A session advisory lock does (and goes
  // with the connection when a relay is killed). down.sql looks for it before dropping the slot.
  const {rows: locked} = await client.query<{ok: boolean}>(`SELECT pg_catalog.pg_try_advisory_lock(${RELAY_LOCK_CLASS}, hashtext($1)) AS ok`, [slot])
  if (!locked[0]!.ok) throw new CarveError('relay.slot-busy', `replication slot ${slot} is being read by another carve relay`, {hint: 'run one relay per context; stop the other one first'})
  const {rows: slots} = await client.query<SlotRow>(`SELECT plugin, slot_type, active, active_pid, database, confirmed_flush_lsn::text FROM pg_catalog.pg_replication_slots WHERE slot_name = $1`, [slot])
  const found = slots[0]
  if (found) {
    if (found.slot_type !== 'logical' || found.plugin !== 'pgoutput' || found.database !== settings[0]!.db) {
      throw new CarveError('relay.foreign-slot', `replication slot ${slot} exists but is not a pgoutput slot of database ${settings[0]!.db} (${found.slot_type}, ${found.plugin ?? 'no plugin'}, ${found.database ?? 'no database'})`, {hint: 'drop it (SELECT pg_drop_replication_slot(…)) or pass --slot NAME'})
    }
    if (found.active) throw new CarveError('relay.slot-busy', `replication slot ${slot} is in use by server process ${found.active_pid}: another relay or connector reads it`, {hint: 'run one relay per context; stop the other one first'})
    return false
  }
  log(`creating replication slot ${slot} (pgoutput): events are kept from now on until the relay delivers them`)
  try {
    await client.query(`SELECT pg_catalog.pg_create_logical_replication_slot($1, 'pgoutput')`, [slot])
  } catch (error) {
    const e = error as {code?: string; message: string}
    if (e.code === '42710') return false // created by a relay started at the same moment
    if (e.code === '53400') throw new CarveError('relay.slots-full', `cannot create replication slot ${slot}: ${e.message}`, {hint: 'raise max_replication_slots (restart) or drop a slot no longer read'})
    throw error
  }
  return true
}

export async function runRelay(url: string, options: RelayOptions): Promise<RelayResult> {
  const publication = options.publication ?? eventsPublication(options.context)
  const slot = options.slot ?? relaySlot(options.context)
  const log = options.onProgress ?? (() => {})
  const batch = options.batchChanges ?? 2000
  const pollMs = options.pollMs ?? 250
  const client = new pg.Client({connectionString: url, application_name: `carve relay ${options.context}`})
  client.on('error', () => {})
  try {
    await client.connect()
  } catch (error) {
    throw new CarveError('db.unreachable', `cannot connect to the database: ${(error as Error).message}`, {hint: 'check --db (or DATABASE_URL)'})
  }
  const result: RelayResult = {context: options.context, publication, slot, sink: options.sink.describe(), slotCreated: false, delivered: 0, skipped: 0, transactions: 0, truncatesIgnored: 0, position: null}
  try {
    result.slotCreated = await prepare(client, publication, slot, options.context, log)
    // The sink's last event: everything at or before it was delivered by an earlier run.
    let delivered: EventPosition | null = await options.sink.open()
    const relations = new Map<number, Relation>()
    for (;;) {
      if (options.signal?.aborted) break
      const {rows} = await client.query<{data: Buffer}>(
        `SELECT data FROM pg_catalog.pg_logical_slot_peek_binary_changes($1, NULL, $2, 'proto_version', '1', 'publication_names', $3)`,
        [slot, batch, publication],
      )
      const events: OutboxEvent[] = []
      let lastEnd: bigint | null = null
      let tx: {xid: number; time: Date; pending: {relation: Relation; kind: 'created' | 'updated' | 'deleted'; values: TupleValue[]; key: TupleValue[]}[]} | null = null
      for (const {data} of rows) {
        const m = decodePgOutput(data)
        if (m.tag === 'relation') relations.set(m.relation.id, m.relation)
        else if (m.tag === 'begin') tx = {xid: m.xid, time: m.commitTime, pending: []}
        else if (m.tag === 'insert' || m.tag === 'update' || m.tag === 'delete') {
          const relation = relations.get(m.relationId)
          if (!relation || !tx) throw new Error(`pgoutput: a change of relation ${m.relationId} outside a transaction or before its description`)
          if (m.tag === 'insert') tx.pending.push({relation, kind: 'created', values: m.row, key: m.row})
          else if (m.tag === 'update') tx.pending.push({relation, kind: 'updated', values: m.row, key: m.row})
          else {
            // A key-only old row carries nulls for the other columns: the payload is the key.
            const values = m.oldIsKey ? m.old.map((v, i) => (relation.columns[i]!.key ? v : {unchanged: true as const})) : m.old
            tx.pending.push({relation, kind: 'deleted', values, key: m.old})
          }
        } else if (m.tag === 'truncate') result.truncatesIgnored++
        else if (m.tag === 'commit' && tx) {
          tx.pending.forEach((c, index) => {
            const pos = {lsn: m.endLsn, index}
            if (delivered && comparePositions(pos, delivered) <= 0) {
              result.skipped++
              return
            }
            events.push(toEvent(c.relation, c.kind, c.values, c.key, pos, tx!.xid, tx!.time))
          })
          lastEnd = m.endLsn
          result.transactions++
          tx = null
        }
      }
      if (events.length) {
        await options.sink.write(events)
        result.delivered += events.length
        delivered = {lsn: lastEnd!, index: Number.MAX_SAFE_INTEGER}
      }
      if (lastEnd !== null) {
        // Only now, with the batch safely in the sink: the slot forgets it.
        const {rows: pos} = await client.query<{confirmed: string | null}>(`SELECT confirmed_flush_lsn::text AS confirmed FROM pg_catalog.pg_replication_slots WHERE slot_name = $1`, [slot])
        const confirmed = pos[0]?.confirmed ? parseLsn(pos[0].confirmed) : 0n
        if (lastEnd > confirmed) await client.query(`SELECT pg_catalog.pg_replication_slot_advance($1, $2::pg_lsn)`, [slot, formatLsn(lastEnd)])
        log(`delivered ${events.length} event${events.length === 1 ? '' : 's'} up to ${formatLsn(lastEnd)}`)
        continue
      }
      if (options.once) break
      await sleep(pollMs, options.signal)
    }
    const {rows: pos} = await client.query<{confirmed: string | null}>(`SELECT confirmed_flush_lsn::text AS confirmed FROM pg_catalog.pg_replication_slots WHERE slot_name = $1`, [slot])
    result.position = pos[0]?.confirmed ?? null
    return result
  } finally {
    await options.sink.close().catch(() => {})
    await client.end().catch(() => {})
  }
}

