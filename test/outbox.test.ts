/**
 * The outbox step's two deliveries, applied on PostgreSQL 15 and on PGlite:
 *
 * - `trigger` (carve plan --outbox trigger): statement-level triggers with transition tables
 *   (row triggers on a partitioned table) write one outbox row per changed row, in the writing
 *   transaction — multi-row statements, composite keys, partitions routed to the root's name;
 *   verify passes, down leaves nothing.
 * - `wal` (the default): a publication over the tables and no trigger; a table without a key
 *   gets REPLICA IDENTITY FULL (its updates would be rejected otherwise), one a DBA had set
 *   already keeps its setting through the rollback; verify fails when a table is unpublished.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {boundariesSchema} from '../src/boundaries/file.js'
import type {Connection} from '../src/db/connection.js'
import {openPglite} from '../src/db/pglite.js'
import {openPostgres} from '../src/db/postgres.js'
import {inspect} from '../src/introspect/index.js'
import {resolvePlanInput} from '../src/plan/context.js'
import {Locator} from '../src/steps/common.js'
import {outboxStep} from '../src/steps/outbox/postgres.js'
import {announceSkip, createPgDatabase, PG_URL} from './support/servers.js'

const SCHEMA = `CREATE SCHEMA shop;
CREATE TABLE shop.orders (id bigint PRIMARY KEY, note text, total numeric(10,2));
CREATE TABLE shop.lines (order_id bigint, n int, qty int, PRIMARY KEY (order_id, n));
CREATE TABLE shop.log (msg text);
CREATE TABLE shop.notes (body text);
ALTER TABLE shop.notes REPLICA IDENTITY FULL;
CREATE TABLE shop.payments (id int, paid date NOT NULL, amount int, PRIMARY KEY (id, paid)) PARTITION BY RANGE (paid);
CREATE TABLE shop.payments_2026 PARTITION OF shop.payments FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');`

async function plan(conn: Connection, delivery: 'wal' | 'trigger') {
  const catalog = await inspect(conn)
  const boundaries = boundariesSchema.parse({version: 1, contexts: [{name: 'shop', owner: 'shop-service', tables: ['shop.orders', 'shop.lines', 'shop.log', 'shop.notes', 'shop.payments']}]})
  const input = resolvePlanInput(catalog, boundaries, null, {name: 'outbox-test', conventions: {outboxDelivery: delivery, rolePrefix: 'carve_h4ob_'}})
  const ctx = input.contexts[0]!
  return {ctx, step: outboxStep(ctx, input, new Locator(input, []), [])!}
}

async function inTx(conn: Connection, sql: string): Promise<void> {
  await conn.exec('BEGIN')
  try {
    await conn.exec(sql)
    await conn.exec('COMMIT')
  } catch (error) {
    await conn.exec('ROLLBACK')
    throw error
  }
}

async function structure(conn: Connection): Promise<string> {
  const rows = await conn.query<{s: string}>(`SELECT string_agg(x, E'\\n' ORDER BY x) AS s FROM (
    SELECT 'trigger ' || tgname || ' on ' || tgrelid::regclass::text AS x FROM pg_trigger WHERE NOT tgisinternal
    UNION ALL SELECT 'relation ' || c.oid::regclass::text || ' identity ' || c.relreplident::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'shop'
    UNION ALL SELECT 'function ' || p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'shop'
    UNION ALL SELECT 'publication ' || pubname FROM pg_publication) q`)
  return rows[0]!.s ?? ''
}

function suite(name: string, open: () => Promise<{conn: Connection; close: () => Promise<void>}>) {
  describe(name, () => {
    let conn: Connection
    let close: () => Promise<void>
    beforeAll(async () => {
      ;({conn, close} = await open())
      await conn.exec(SCHEMA)
      await conn.exec(`DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'carve_h4ob_shop_service') THEN CREATE ROLE carve_h4ob_shop_service NOLOGIN; END IF; END $$`)
    }, 120_000)
    afterAll(async () => {
      await conn?.exec('DROP ROLE IF EXISTS carve_h4ob_shop_service').catch(() => {})
      await close?.()
    })

    it('trigger: one event per changed row from statement-level triggers, in the writing transaction; verify passes; down leaves nothing', async () => {
      const before = await structure(conn)
      const {step} = await plan(conn, 'trigger')
      expect(step.up).toMatch(/FOR EACH STATEMENT/)
      expect(step.up).toMatch(/CREATE TRIGGER "carve_outbox" AFTER INSERT OR UPDATE OR DELETE ON "shop"."payments"\n  FOR EACH ROW/)
      await inTx(conn, step.up)
      await inTx(conn, step.verify)
      await conn.exec(`INSERT INTO shop.orders VALUES (1, 'a', 1.50), (2, 'b', 2.00), (3, 'c', 3.00)`)
      await conn.exec(`INSERT INTO shop.lines VALUES (1, 1, 5), (1, 2, 7)`)
      await conn.exec(`UPDATE shop.orders SET note = note || '!' WHERE id <= 2`)
      await conn.exec(`DELETE FROM shop.lines WHERE n = 2`)
      await conn.exec(`INSERT INTO shop.log VALUES ('x')`)
      await conn.exec(`INSERT INTO shop.payments_2026 VALUES (9, '2026-03-01', 10)`)
      await conn.exec(`BEGIN; INSERT INTO shop.orders VALUES (4, 'gone', 0); ROLLBACK`)
      const events = await conn.query<{aggregate_type: string; aggregate_id: string; event_type: string; payload: Record<string, unknown>}>('SELECT aggregate_type, aggregate_id, event_type, payload FROM shop.outbox ORDER BY id')
      expect(events.map((e) => `${e.event_type} ${e.aggregate_id}`)).toEqual([
        'orders.created 1', 'orders.created 2', 'orders.created 3',
        'lines.created 1,1', 'lines.created 1,2',
        'orders.updated 1', 'orders.updated 2',
        'lines.deleted 1,2',
        'log.created ',
        'payments.created 9,2026-03-01',
      ])
      expect(events[5]!.payload).toEqual({id: 1, note: 'a!', total: 1.5})
      expect(events[7]!.payload).toEqual({order_id: 1, n: 2, qty: 7})
      await inTx(conn, step.down)
      expect(await structure(conn)).toBe(before)
      await conn.exec('TRUNCATE shop.orders, shop.lines, shop.log, shop.payments')
    }, 60_000)

    it('wal: a publication and no trigger; a keyless table gets REPLICA IDENTITY FULL and its updates still work; a DBA\'s own FULL survives the rollback', async () => {
      const before = await structure(conn)
      const {step} = await plan(conn, 'wal')
      expect(step.up).not.toMatch(/TRIGGER/)
      await inTx(conn, step.up)
      await inTx(conn, step.verify)
      const idents = await conn.query<{r: string; i: string}>(`SELECT c.relname AS r, c.relreplident::text AS i FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'shop' AND c.relkind IN ('r', 'p') ORDER BY 1`)
      expect(Object.fromEntries(idents.map((x) => [x.r, x.i]))).toMatchObject({orders: 'd', lines: 'd', log: 'f', notes: 'f'})
      const published = await conn.query<{t: string}>(`SELECT schemaname || '.' || tablename AS t FROM pg_publication_tables WHERE pubname = 'carve_events_shop' ORDER BY 1`)
      expect(published.map((p) => p.t)).toEqual(['shop.lines', 'shop.log', 'shop.notes', 'shop.orders', 'shop.payments'])
      // Published tables without a key still take updates and deletes (replica identity full).
      await conn.exec(`INSERT INTO shop.log VALUES ('x'); UPDATE shop.log SET msg = 'y'; DELETE FROM shop.log`)
      // verify fails loudly when a table leaves the publication.
      await expect(inTx(conn, `ALTER PUBLICATION carve_events_shop DROP TABLE shop.lines; ${step.verify}`)).rejects.toThrow(/publication carve_events_shop does not cover "shop"."lines"/)
      await inTx(conn, step.down)
      expect(await structure(conn)).toBe(before)
    }, 60_000)

    it('wal: a publication of that name that the plan did not create fails up and is never dropped by down', async () => {
      const {step} = await plan(conn, 'wal')
      await conn.exec('CREATE PUBLICATION carve_events_shop FOR TABLE shop.orders')
      try {
        await expect(inTx(conn, step.up)).rejects.toThrow(/already exists/)
        await inTx(conn, step.down)
        expect(await conn.query(`SELECT 1 FROM pg_publication WHERE pubname = 'carve_events_shop'`)).toHaveLength(1)
      } finally {
        await conn.exec('DROP PUBLICATION carve_events_shop')
      }
    }, 60_000)
  })
}

if (PG_URL) {
  suite('outbox step on PostgreSQL', async () => {
    const db = await createPgDatabase('outbox')
    const conn = await openPostgres(db.url)
    return {conn, close: async () => {
      await conn.close()
      await db.drop()
    }}
  })
} else announceSkip('PostgreSQL')

suite('outbox step on PGlite', async () => {
  const conn = await openPglite(null)
  return {conn, close: () => conn.close()}
})
