/**
 * carve relay on a private PostgreSQL cluster (wal_level=logical; the shared server runs at
 * replica): the events the WAL outbox delivers (shape, types, keys, order), delivery exactly once
 * into a file across a crash between the sink's write and the slot's advance, a line cut by a
 * kill, and the real thing — the relay process SIGKILLed again and again while writers write,
 * restarted each time, then every committed change is in the file exactly once.
 *
 * The publication is created with the SQL the plan's outbox step writes (publication.ts), and
 * dropped with its down: the relay's slot goes with it, the replica identity comes back.
 */
import {spawn, type ChildProcess} from 'node:child_process'
import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {Ajv2020} from 'ajv/dist/2020.js'
import pg from 'pg'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {boundariesSchema} from '../src/boundaries/file.js'
import {openPostgres} from '../src/db/postgres.js'
import {inspect} from '../src/introspect/index.js'
import {resolvePlanInput} from '../src/plan/context.js'
import {asyncApiDocument} from '../src/plan/stubs/asyncapi.js'

import {runRelay} from '../src/execute/relay/relay.js'
import {parseSink, type Sink} from '../src/execute/relay/sinks.js'
import {EVENTS_PUBLICATION_MARK} from '../src/steps/outbox/wal.js'
import {createPublicationSql, dropPublicationSql, eventsPublication, relaySlot, type PublishedTable} from '../src/steps/outbox/publication.js'
import {packageRoot} from '../src/paths.js'
import {runCarve} from './support/cli.js'
import {clusterUnavailableReason, startPgCluster, type PgCluster} from './support/pg-cluster.js'

const reason = clusterUnavailableReason()
if (reason) console.warn(`[carve tests] SKIPPING carve relay on a private PostgreSQL cluster (wal_level=logical): ${reason}`)

const TABLES: PublishedTable[] = [
  {schema: 'orders', name: 'orders', key: ['id'], partitioned: false},
  {schema: 'orders', name: 'order_notes', key: [], partitioned: false},
]

const SCHEMA = `CREATE SCHEMA orders;
CREATE TABLE orders.orders (id bigint PRIMARY KEY, note text, amount numeric(10,2), paid boolean, meta jsonb, at timestamptz, tags text[]);
CREATE TABLE orders.order_notes (order_id bigint, body text);`

function lines(path: string): Record<string, unknown>[] {
  return readFileSync(path, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>)
}

describe.skipIf(reason !== null)('carve relay (private cluster, wal_level=logical)', () => {
  let cluster: PgCluster
  let url: string
  let admin: pg.Client
  const dir = mkdtempSync(join(tmpdir(), 'carve-relay-'))

  beforeAll(async () => {
    // synchronous_commit on, as on a production server: logical decoding reads only WAL already flushed.
    cluster = await startPgCluster({wal_level: 'logical', max_replication_slots: 4, max_wal_senders: 4, synchronous_commit: 'on'})
    const c = new pg.Client({connectionString: cluster.url()})
    await c.connect()
    await c.query('CREATE DATABASE app')
    await c.end()
    url = cluster.url('app')
    admin = new pg.Client({connectionString: url})
    await admin.connect()
    await admin.query(SCHEMA)
    await admin.query(createPublicationSql(eventsPublication('orders'), TABLES, EVENTS_PUBLICATION_MARK))
  }, 120_000)

  afterAll(async () => {
    await admin?.end().catch(() => {})
    await cluster?.stop()
    rmSync(dir, {recursive: true, force: true})
  })

  it('delivers inserts, updates and deletes in the outbox\'s shape, typed as to_jsonb types them, in commit order', async () => {
    const file = join(dir, 'shape.jsonl')
    // The first run creates the slot: events start there.
    const first = await runRelay(url, {context: 'orders', sink: parseSink(`file:${file}`), once: true})
    expect(first).toMatchObject({slotCreated: true, delivered: 0})
    await admin.query(`BEGIN;
      INSERT INTO orders.orders VALUES (1, 'first', 12.50, true, '{"a": [1, 2]}', '2026-06-01 10:00:00.25+00', '{x,y}');
      INSERT INTO orders.order_notes VALUES (1, 'call back');
      COMMIT`)
    await admin.query(`UPDATE orders.orders SET note = 'changed' WHERE id = 1`)
    await admin.query(`UPDATE orders.order_notes SET body = 'done' WHERE order_id = 1`)
    await admin.query(`DELETE FROM orders.orders WHERE id = 1`)
    const run = await runRelay(url, {context: 'orders', sink: parseSink(`file:${file}`), once: true})
    expect(run).toMatchObject({slotCreated: false, delivered: 5, transactions: 4, skipped: 0})
    const events = lines(file)
    expect(events.map((e) => [e.event_type, e.aggregate_type, e.aggregate_id])).toEqual([
      ['orders.created', 'orders', '1'],
      ['order_notes.created', 'order_notes', ''],
      ['orders.updated', 'orders', '1'],
      ['order_notes.updated', 'order_notes', ''],
      ['orders.deleted', 'orders', '1'],
    ])
    // The same JSON to_jsonb gives for the row (what the trigger outbox writes).
    const [expected] = (await admin.query(`SELECT to_jsonb(r) AS j FROM (SELECT 1::bigint AS id, 'first'::text AS note, 12.50::numeric(10,2) AS amount, true AS paid, '{"a": [1, 2]}'::jsonb AS meta, '2026-06-01 10:00:00.25+00'::timestamptz AS at, '{x,y}'::text[] AS tags) r`)).rows as {j: Record<string, unknown>}[]
    const created = events[0]!.payload as Record<string, unknown>
    expect(created).toEqual(expected!.j)
    // A delete of a table with a key carries the key; one without carries the whole old row.
    expect(events[4]!.payload).toEqual({id: 1})
    expect(events[3]!.payload).toEqual({order_id: 1, body: 'done'})
    const ids = events.map((e) => e.id as string)
    expect([...ids].sort()).toEqual(ids)
    expect(new Set(ids).size).toBe(ids.length)
    // The contract: the AsyncAPI document of the WAL outbox (generated for these tables) accepts every event.
    const conn = await openPostgres(url)
    const input = resolvePlanInput(await inspect(conn), boundariesSchema.parse({version: 1, contexts: [{name: 'orders', owner: 'orders-service', tables: ['orders.orders', 'orders.order_notes']}]}), null, {name: 'relay-test', conventions: {outboxDelivery: 'wal'}})
    await conn.close()
    const doc = asyncApiDocument(input.contexts[0]!, input) as {components: {schemas: Record<string, {properties: {aggregate_type: {const: string}}}>}}
    const ajv = new Ajv2020({strict: false, allErrors: true})
    ajv.addSchema({$id: 'events', components: doc.components})
    for (const e of events) {
      const type = Object.keys(doc.components.schemas).find((k) => k.endsWith('Event') && doc.components.schemas[k]!.properties.aggregate_type.const === e.aggregate_type)!
      const validate = ajv.getSchema(`events#/components/schemas/${type}`)!
      expect(validate(e), `${JSON.stringify(e)}: ${JSON.stringify(validate.errors)}`).toBe(true)
    }
    // Nothing new: nothing delivered, nothing repeated.
    expect(await runRelay(url, {context: 'orders', sink: parseSink(`file:${file}`), once: true})).toMatchObject({delivered: 0, skipped: 0})
    expect(lines(file)).toHaveLength(5)
  }, 60_000)

  it('a crash after the sink wrote and before the slot moved: the restarted relay skips what the file has; a line cut by a kill is written again', async () => {
    const file = join(dir, 'crash.jsonl')
    const slot = 'carve_relay_crash'
    await runRelay(url, {context: 'orders', slot, sink: parseSink(`file:${file}`), once: true})
    await admin.query(`INSERT INTO orders.orders (id, note) SELECT g, 'c' FROM generate_series(100, 109) g`)
    await admin.query(`INSERT INTO orders.orders (id, note) SELECT g, 'd' FROM generate_series(110, 114) g`)
    // A sink that writes, then dies before returning: the slot never hears of the batch.
    const real = parseSink(`file:${file}`)
    const crashing: Sink = {...real, describe: real.describe, open: () => real.open(), close: () => real.close(), write: async (e) => {
      await real.write(e)
      throw new Error('killed after the write')
    }}
    await expect(runRelay(url, {context: 'orders', slot, sink: crashing, once: true})).rejects.toThrow(/killed after the write/)
    expect(lines(file)).toHaveLength(15)
    // And the last line cut in half, as a kill in the middle of a write leaves it.
    const text = readFileSync(file, 'utf8')
    writeFileSync(file, text.slice(0, text.length - 20))
    const again = await runRelay(url, {context: 'orders', slot, sink: parseSink(`file:${file}`), once: true})
    expect(again).toMatchObject({delivered: 1, skipped: 14})
    const events = lines(file)
    expect(events.map((e) => e.aggregate_id)).toEqual(Array.from({length: 15}, (_, i) => String(100 + i)))
    await admin.query(`SELECT pg_drop_replication_slot('${slot}')`)
  }, 60_000)

  it('SIGKILLed again and again while writers write: every committed change reaches the file exactly once', async () => {
    const file = join(dir, 'killed.jsonl')
    const slot = 'carve_relay_killed'
    const start = (): ChildProcess =>
      spawn(process.execPath, [join(packageRoot(), 'bin', 'run.js'), 'relay', '--context', 'orders', '--slot', slot, '--db', url, '--sink', `file:${file}`, '--batch-size', '40', '--poll-interval', '10'], {stdio: ['ignore', 'ignore', 'pipe'], env: {...process.env, DATABASE_URL: undefined}})
    // The slot exists before any write: from there on nothing may be lost.
    expect((await runCarve(['relay', '--context', 'orders', '--slot', slot, '--db', url, '--sink', `file:${file}`, '--once'])).code).toBe(0)
    let writing = true
    let next = 1000
    const committed: number[] = []
    const writer = async () => {
      const c = new pg.Client({connectionString: url})
      await c.connect()
      while (writing) {
        // One to three rows a transaction, some updated in the same transaction.
        const ids = Array.from({length: 1 + (next % 3)}, () => next++)
        await c.query(`BEGIN; INSERT INTO orders.orders (id, note) SELECT unnest($1::bigint[]), 'w'; UPDATE orders.orders SET paid = true WHERE id = $2; COMMIT`.replace(/\$1/, `'{${ids.join(',')}}'`).replace(/\$2/, String(ids[0])))
        committed.push(...ids)
      }
      await c.end()
    }
    const writers = [writer(), writer()]
    let kills = 0
    let killedWithNewLines = 0
    for (let round = 0; round < 6; round++) {
      const child = start()
      const before = existsSync(file) ? readFileSync(file).length : 0
      // Kill it once it is busy delivering (the file grew), at a moment of its choosing.
      const deadline = Date.now() + 20_000
      while ((existsSync(file) ? readFileSync(file).length : 0) <= before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5))
      await new Promise((r) => setTimeout(r, 20 + ((round * 37) % 60)))
      const grew = (existsSync(file) ? readFileSync(file).length : 0) > before
      child.kill('SIGKILL')
      await new Promise((r) => child.once('close', r))
      kills++
      if (grew) killedWithNewLines++
    }
    writing = false
    await Promise.all(writers)
    const drained = await runCarve(['relay', '--context', 'orders', '--slot', slot, '--db', url, '--sink', `file:${file}`, '--once', '--json'])
    expect(drained.code, drained.stderr).toBe(0)
    const events = lines(file)
    const ids = events.map((e) => e.id as string)
    expect(new Set(ids).size).toBe(ids.length)
    expect([...ids].sort()).toEqual(ids)
    const created = events.filter((e) => e.event_type === 'orders.created').map((e) => Number(e.aggregate_id))
    const updated = events.filter((e) => e.event_type === 'orders.updated').map((e) => Number(e.aggregate_id))
    expect(created.length).toBe(committed.length)
    expect(new Set(created)).toEqual(new Set(committed))
    expect(new Set(created).size).toBe(created.length)
    expect(updated.length).toBeGreaterThan(0)
    expect(new Set(updated).size).toBe(updated.length)
    expect(kills).toBe(6)
    expect(killedWithNewLines).toBeGreaterThan(3)
    console.log(`[relay kill test] ${kills} SIGKILLs (${killedWithNewLines} mid-delivery), ${committed.length} rows committed, ${events.length} events in the file, ${JSON.parse(drained.stdout).skipped} re-read after the last kill and skipped`)
    await admin.query(`SELECT pg_drop_replication_slot('${slot}')`)
  }, 180_000)

  it('errors say what to do: no publication, a busy slot, a bad sink; the outbox step\'s down drops the slot and puts the replica identity back', async () => {
    const noPub = await runCarve(['relay', '--context', 'billing', '--db', url, '--once'])
    expect(noPub.code).toBe(1)
    expect(noPub.stderr).toMatch(/no publication carve_events_billing in database app/)
    expect(noPub.stderr).toMatch(/hint: apply the plan's outbox step/)
    const badSink = await runCarve(['relay', '--context', 'orders', '--db', url, '--sink', 'kafka:x'])
    expect(badSink.code).toBe(2)
    expect(badSink.stderr).toMatch(/unknown sink "kafka:x"/)
    // A relay running on the slot: a second one is refused, and so is the rollback that would drop the slot under it.
    const file = join(dir, 'busy.jsonl')
    const running = spawn(process.execPath, [join(packageRoot(), 'bin', 'run.js'), 'relay', '--context', 'orders', '--db', url, '--sink', `file:${file}`], {stdio: ['ignore', 'ignore', 'pipe'], env: {...process.env, DATABASE_URL: undefined}})
    let err = ''
    running.stderr!.on('data', (d) => (err += d))
    const deadline = Date.now() + 30_000
    while (!/relaying/.test(err) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
    await new Promise((r) => setTimeout(r, 1500))
    const second = await runCarve(['relay', '--context', 'orders', '--db', url, '--once'])
    expect(second.code, second.stderr).toBe(1)
    expect(second.stderr).toMatch(/replication slot carve_relay_orders is being read by another carve relay/)
    const down = dropPublicationSql(eventsPublication('orders'), EVENTS_PUBLICATION_MARK, [relaySlot('orders')])
    await expect(admin.query(down)).rejects.toThrow(/replication slot carve_relay_orders is in use: stop its reader/)
    running.kill('SIGTERM')
    expect(await new Promise((r) => running.once('close', r))).toBe(0)
    const rc = (await admin.query<{rc: string}>(`SELECT relreplident::text AS rc FROM pg_class WHERE oid = 'orders.order_notes'::regclass`)).rows[0]!.rc
    expect(rc).toBe('f')
    await admin.query(down)
    const left = await admin.query(`SELECT (SELECT count(*) FROM pg_publication)::int AS pubs, (SELECT count(*) FROM pg_replication_slots WHERE slot_name = $1)::int AS slots, (SELECT relreplident::text FROM pg_class WHERE oid = 'orders.order_notes'::regclass) AS ident`, [relaySlot('orders')])
    expect(left.rows[0]).toEqual({pubs: 0, slots: 0, ident: 'd'})
  }, 60_000)
})
