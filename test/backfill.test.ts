/**
 * Backfill and change capture: exact copies of every awkward type, resumption after a crash at
 * any batch, adaptive batches, throttling, "only rows existing at start" — on PGlite (same
 * database) always; across databases and under concurrent writers on a real PostgreSQL server
 * when CARVE_TEST_PG_URL is set.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {Connection} from '../src/db/connection.js'
import {openPglite} from '../src/db/pglite.js'
import {openPostgres} from '../src/db/postgres.js'
import {backfillTable, loadThrottle, nextBatchSize, replicationLagThrottle, resolveCopy, type BackfillCheckpoint, type CopyTable} from '../src/execute/backfill.js'
import {applyChanges, captureNames, installCapture, pendingChanges, removeCapture} from '../src/execute/change-capture.js'
import {splitCopyRunner} from '../src/steps/split-copy/runner.js'
import {compareTables} from '../src/execute/parity.js'
import {DEFAULT_RUN_OPTIONS, type RunContext, type RunEvent} from '../src/execute/runner.js'
import type {PlanStep} from '../src/plan/model.js'
import {
  compositeRowsSql,
  compositeTableSql,
  diffDumps,
  dumpRows,
  moodSql,
  TYPES_COLUMNS,
  TYPES_SCHEMA,
  TYPES_TABLE,
  typesRowsSql,
  typesTableSql,
} from './support/copy-fixture.js'
import {announceSkip, createPgDatabase, PG_URL} from './support/servers.js'

const TARGET_SCHEMA = 'tgt schema'
const q = (name: string) => `"${name.replace(/"/g, '""')}"`

async function count(conn: Connection, sql: string): Promise<number> {
  const [row] = await conn.query<{n: number}>(sql)
  return Number(row!.n)
}

function memoryCheckpoint(): {store: {load(): Promise<BackfillCheckpoint | null>; save(c: BackfillCheckpoint): Promise<void>}; saves: BackfillCheckpoint[]} {
  let current: BackfillCheckpoint | null = null
  const saves: BackfillCheckpoint[] = []
  return {
    saves,
    store: {
      load: async () => (current ? structuredClone(current) : null),
      save: async (c) => {
        current = structuredClone(c)
        saves.push(current)
      },
    },
  }
}

const typesCopy = (targetSchema = TARGET_SCHEMA): CopyTable => ({
  source: {schema: TYPES_SCHEMA, name: TYPES_TABLE},
  target: {schema: targetSchema, name: TYPES_TABLE},
  key: ['id'],
  columns: TYPES_COLUMNS,
})

const OPTIONS = {batchSize: 100, maxBatchSize: 100, batchTargetMs: 500}

describe('backfill within one database (PGlite)', () => {
  let conn: Connection

  beforeAll(async () => {
    conn = await openPglite(null)
    await conn.exec(moodSql())
    await conn.exec(typesTableSql(TYPES_SCHEMA, TYPES_TABLE))
    await conn.exec(typesRowsSql(TYPES_SCHEMA, TYPES_TABLE, 1000))
    await conn.exec(typesTableSql(TARGET_SCHEMA, TYPES_TABLE))
    await conn.exec(compositeTableSql('src', 'stock'))
    await conn.exec(compositeRowsSql('src', 'stock', 7, 143))
    await conn.exec(compositeTableSql('tgt', 'stock'))
  })
  afterAll(async () => {
    await conn?.close()
  })

  it('copies every row exactly: numeric, timestamptz, jsonb null, json text, bytea, arrays, enums, NaN, -0, generated and identity columns', async () => {
    const {store, saves} = memoryCheckpoint()
    const batches: number[] = []
    const cp = await backfillTable(conn, null, typesCopy(), store, {...OPTIONS, onBatch: (p) => batches.push(p.done)})
    expect(cp).toMatchObject({done: true, rows: 1000, upper: ['1000'], after: ['1000']})
    // A checkpoint at start (the upper bound) and after every one of the 10 batches.
    expect(saves.length).toBe(11)
    expect(batches).toEqual([100, 200, 300, 400, 500, 600, 700, 800, 900, 1000])
    const a = await dumpRows(conn, TYPES_SCHEMA, TYPES_TABLE, ['id'], TYPES_COLUMNS)
    const b = await dumpRows(conn, TARGET_SCHEMA, TYPES_TABLE, ['id'], TYPES_COLUMNS)
    expect(a.length).toBe(1000)
    expect(diffDumps(a, b)).toEqual({missing: [], extra: [], differing: [], duplicates: 0})
    // jsonb 'null' stayed JSON null (not SQL NULL) and json kept its exact text.
    const [row] = await conn.query<{j: string | null; isnull: boolean; raw: string}>(
      `select doc::text as j, doc is null as isnull, "raw json"::text as raw from "${TARGET_SCHEMA}"."${TYPES_TABLE}" where id = 12`,
    )
    expect(row).toEqual({j: 'null', isnull: false, raw: 'null'})
    // Running it again finds the checkpoint done and copies nothing.
    const again = await backfillTable(conn, null, typesCopy(), store, OPTIONS)
    expect(again.rows).toBe(1000)
    expect(saves.length).toBe(11)
  })

  it('resumes after a crash between a batch and its checkpoint, copying every row once', async () => {
    await conn.exec('truncate "tgt"."stock"')
    const copy: CopyTable = {source: {schema: 'src', name: 'stock'}, target: {schema: 'tgt', name: 'stock'}, key: ['tenant', 'code'], columns: ['tenant', 'code', 'qty', 'note']}
    const {store, saves} = memoryCheckpoint()
    // Crash at the 4th save: the 3rd batch is committed on the target, its checkpoint is lost.
    let calls = 0
    const crashing = {load: store.load, save: async (c: BackfillCheckpoint) => {
      if (++calls === 4) throw new Error('killed')
      await store.save(c)
    }}
    await expect(backfillTable(conn, null, copy, crashing, {...OPTIONS, batchSize: 97, maxBatchSize: 97})).rejects.toThrow('killed')
    const partial = await count(conn, 'select count(*)::int as n from tgt.stock')
    expect(partial).toBe(3 * 97)
    expect(saves.at(-1)).toMatchObject({rows: 2 * 97, done: false})
    const cp = await backfillTable(conn, null, copy, store, {...OPTIONS, batchSize: 97, maxBatchSize: 97})
    expect(cp.done).toBe(true)
    // The resumed run started after the last saved key (two batches): the third batch is copied
    // again (a no-op on the target) and counted once.
    expect(cp.rows).toBe(7 * 143)
    expect(cp.upper).toEqual(['7', 'c-0143'])
    const a = await dumpRows(conn, 'src', 'stock', ['tenant', 'code'], copy.columns)
    const b = await dumpRows(conn, 'tgt', 'stock', ['tenant', 'code'], copy.columns)
    expect(diffDumps(a, b)).toEqual({missing: [], extra: [], differing: [], duplicates: 0})
  })

  it('stops at the next batch when aborted and resumes from the checkpoint', async () => {
    await conn.exec('truncate "tgt"."stock"')
    const copy: CopyTable = {source: {schema: 'src', name: 'stock'}, target: {schema: 'tgt', name: 'stock'}, key: ['tenant', 'code'], columns: ['tenant', 'code', 'qty', 'note']}
    const {store} = memoryCheckpoint()
    const abort = new AbortController()
    const first = await backfillTable(conn, null, copy, store, {
      ...OPTIONS,
      signal: abort.signal,
      onBatch: (p) => {
        if (p.done >= 300) abort.abort()
      },
    })
    expect(first).toMatchObject({done: false, rows: 300})
    const n = await count(conn, 'select count(*)::int as n from tgt.stock')
    expect(n).toBe(300)
    const second = await backfillTable(conn, null, copy, store, OPTIONS)
    expect(second).toMatchObject({done: true, rows: 7 * 143})
  })

  it('copies only rows that existed at start: rows inserted during the copy are left to change capture', async () => {
    await conn.exec('truncate "tgt"."stock"')
    const copy: CopyTable = {source: {schema: 'src', name: 'stock'}, target: {schema: 'tgt', name: 'stock'}, key: ['tenant', 'code'], columns: ['tenant', 'code', 'qty', 'note']}
    const {store} = memoryCheckpoint()
    let inserted = 0
    const cp = await backfillTable(conn, null, copy, store, {
      ...OPTIONS,
      onBatch: async () => {
        // A writer keeps appending above the largest key: the copy must not chase it.
        await conn.query(`insert into src.stock values (8, 'new-' || $1, 1, null), (7, 'c-9999-' || $1, 1, null)`, [String(inserted)])
        inserted += 2
      },
    })
    expect(cp.done).toBe(true)
    expect(cp.upper).toEqual(['7', 'c-0143'])
    const n = await count(conn, 'select count(*)::int as n from tgt.stock')
    expect(n).toBe(7 * 143)
    expect(inserted).toBe(2 * Math.ceil((7 * 143) / 100))
    await conn.exec(`delete from src.stock where tenant = 8 or code like 'c-9999-%'`)
  })

  it('adapts the batch size toward the target time per batch, within the cap', async () => {
    expect(nextBatchSize(1000, 100, 500, 20_000)).toBe(2000) // fast: at most doubles
    expect(nextBatchSize(1000, 400, 500, 20_000)).toBe(1250)
    expect(nextBatchSize(1000, 5000, 500, 20_000)).toBe(500) // slow: at most halves
    expect(nextBatchSize(15_000, 10, 500, 20_000)).toBe(20_000) // capped
    expect(nextBatchSize(1, 10_000, 500, 20_000)).toBe(1)
    expect(nextBatchSize(150, 10_000, 500, 20_000, 100)).toBe(100) // floor
    await conn.exec('truncate "tgt"."stock"')
    const copy: CopyTable = {source: {schema: 'src', name: 'stock'}, target: {schema: 'tgt', name: 'stock'}, key: ['tenant', 'code'], columns: ['tenant', 'code', 'qty', 'note']}
    const sizes: number[] = []
    // Batches take far less than 5 s: the size doubles from 10 up to the cap of 80.
    await backfillTable(conn, null, copy, memoryCheckpoint().store, {batchSize: 10, maxBatchSize: 80, batchTargetMs: 5000, onBatch: (p) => sizes.push(p.batchSize)})
    expect(sizes.slice(0, 5)).toEqual([10, 20, 40, 80, 80])
    // A 0.01 ms target is never met: the size halves down to the floor of 100 rows.
    await conn.exec('truncate "tgt"."stock"')
    const shrinking: number[] = []
    const abort = new AbortController()
    await backfillTable(conn, null, copy, memoryCheckpoint().store, {
      batchSize: 400, maxBatchSize: 400, batchTargetMs: 0.01, signal: abort.signal,
      onBatch: (p) => {
        shrinking.push(p.batchSize)
        if (shrinking.length === 5) abort.abort()
      },
    })
    expect(shrinking).toEqual([400, 200, 100, 100, 100])
  })

  it('waits while the throttle says so, before every batch', async () => {
    await conn.exec('truncate "tgt"."stock"')
    const copy: CopyTable = {source: {schema: 'src', name: 'stock'}, target: {schema: 'tgt', name: 'stock'}, key: ['tenant', 'code'], columns: ['tenant', 'code', 'qty', 'note']}
    let asked = 0
    const started = performance.now()
    const cp = await backfillTable(conn, null, copy, memoryCheckpoint().store, {
      batchSize: 500, maxBatchSize: 500, batchTargetMs: 500,
      // Every other question answers "wait 40 ms".
      throttle: async () => (asked++ % 2 === 0 ? 40 : 0),
    })
    expect(cp.done).toBe(true)
    expect(asked).toBe(3 * 2) // 1,001 rows: three batches, each asked twice
    expect(performance.now() - started).toBeGreaterThanOrEqual(120)
  })

  it('refuses a target without a unique key (a resumed copy would duplicate rows), and unknown columns', async () => {
    await conn.exec('create table tgt.nokey (tenant int, code text, qty int, note text)')
    const copy: CopyTable = {source: {schema: 'src', name: 'stock'}, target: {schema: 'tgt', name: 'nokey'}, key: ['tenant', 'code'], columns: ['tenant', 'code', 'qty', 'note']}
    await expect(backfillTable(conn, null, copy, memoryCheckpoint().store, OPTIONS)).rejects.toThrow(/no primary key or unique index on \("tenant", "code"\)/)
    await expect(backfillTable(conn, null, {...copy, target: {schema: 'tgt', name: 'stock'}, columns: [...copy.columns, 'nope']}, memoryCheckpoint().store, OPTIONS)).rejects.toThrow(/column "nope" is not in "src"."stock"/)
    await expect(backfillTable(conn, null, {...copy, target: {schema: 'tgt', name: 'missing'}}, memoryCheckpoint().store, OPTIONS)).rejects.toThrow(/table "tgt"."missing" does not exist/)
  })

  it('falls back to ON CONFLICT when part of a batch is on the target already, and never skips a clash on another unique index', async () => {
    await conn.exec(`truncate tgt.stock; insert into tgt.stock select * from src.stock where tenant = 3 and code between 'c-0010' and 'c-0020'`)
    const copy: CopyTable = {source: {schema: 'src', name: 'stock'}, target: {schema: 'tgt', name: 'stock'}, key: ['tenant', 'code'], columns: ['tenant', 'code', 'qty', 'note']}
    const cp = await backfillTable(conn, null, copy, memoryCheckpoint().store, OPTIONS)
    expect(cp).toMatchObject({done: true, rows: 7 * 143})
    const a = await dumpRows(conn, 'src', 'stock', copy.key, copy.columns)
    expect(diffDumps(a, await dumpRows(conn, 'tgt', 'stock', copy.key, copy.columns))).toEqual({missing: [], extra: [], differing: [], duplicates: 0})
    // A unique index the source does not honour: the copy stops with the error, rows are not dropped.
    await conn.exec(`truncate tgt.stock; create unique index stock_qty on tgt.stock (qty)`)
    await expect(backfillTable(conn, null, copy, memoryCheckpoint().store, OPTIONS)).rejects.toThrow(/stock_qty/)
    await conn.exec(`drop index tgt.stock_qty`)
  })

  it('copies an empty table as done at once', async () => {
    await conn.exec('create table src.empty (id int primary key); create table tgt.empty (id int primary key)')
    const cp = await backfillTable(conn, null, {source: {schema: 'src', name: 'empty'}, target: {schema: 'tgt', name: 'empty'}, key: ['id'], columns: ['id']}, memoryCheckpoint().store, OPTIONS)
    expect(cp).toEqual({table: '"src"."empty"', upper: null, after: null, rows: 0, done: true, since: expect.any(String)})
  })
})

describe('change capture within one database (PGlite)', () => {
  let conn: Connection
  const copy: CopyTable = {source: {schema: 'src', name: 'stock'}, target: {schema: 'tgt', name: 'stock'}, key: ['tenant', 'code'], columns: ['tenant', 'code', 'qty', 'note']}

  beforeAll(async () => {
    conn = await openPglite(null)
    await conn.exec(compositeTableSql('src', 'stock'))
    await conn.exec(compositeRowsSql('src', 'stock', 3, 50))
    await conn.exec(compositeTableSql('tgt', 'stock'))
    // The application writes as a role without any grant on schema carve.
    await conn.exec(`create role app nologin; grant usage on schema src to app; grant select, insert, update, delete, truncate on src.stock to app`)
  })
  afterAll(async () => {
    await conn?.close()
  })

  it('queues inserts, updates, deletes, key changes and truncates, and applies them idempotently', async () => {
    await conn.exec(installCapture(copy))
    // Installing twice is harmless (the executor may re-run a step).
    await conn.exec(installCapture(copy))
    await backfillTable(conn, null, copy, memoryCheckpoint().store, OPTIONS)
    await conn.exec(`set role app;
      insert into src.stock values (9, 'new', 1, 'inserted');
      update src.stock set qty = -1, note = null where tenant = 1 and code <= 'c-0005';
      delete from src.stock where tenant = 2 and code > 'c-0045';
      update src.stock set code = 'moved' where tenant = 3 and code = 'c-0001';
      update src.stock set qty = qty + 1 where tenant = 9;
      reset role;`)
    expect(await pendingChanges(conn, copy.source)).toBe(1 + 5 + 5 + 2 + 1)
    const applied = await applyChanges(conn, null, copy)
    expect(applied).toMatchObject({entries: 14, deleted: 6})
    expect(await pendingChanges(conn, copy.source)).toBe(0)
    const a = await dumpRows(conn, 'src', 'stock', copy.key, copy.columns)
    expect(diffDumps(a, await dumpRows(conn, 'tgt', 'stock', copy.key, copy.columns))).toEqual({missing: [], extra: [], differing: [], duplicates: 0})
    // Applying again (a drain killed before dequeuing) changes nothing.
    expect(await applyChanges(conn, null, copy)).toMatchObject({entries: 0})

    await conn.exec(`set role app; truncate src.stock; insert into src.stock values (1, 'after truncate', 1, null); reset role`)
    await applyChanges(conn, null, copy, {batchSize: 1})
    expect(await conn.query('select tenant, code from tgt.stock')).toEqual([{tenant: 1, code: 'after truncate'}])
  })

  it('captures a partitioned table with row triggers, writes made directly to a partition included', async () => {
    const parted: CopyTable = {source: {schema: 'src', name: 'parted'}, target: {schema: 'tgt', name: 'parted'}, key: ['id'], columns: ['id', 'v']}
    await conn.exec(`create table src.parted (id int primary key, v text) partition by range (id);
      create table src.parted_1 partition of src.parted for values from (0) to (100);
      create table src.parted_2 partition of src.parted for values from (100) to (200);
      create table tgt.parted (id int primary key, v text);
      insert into src.parted select i, 'v' || i from generate_series(1, 150) i;`)
    await conn.exec(installCapture(parted))
    await backfillTable(conn, null, parted, memoryCheckpoint().store, OPTIONS)
    await conn.exec(`insert into src.parted_1 values (0, 'straight into a partition');
      update src.parted set id = 199 where id = 5;
      update src.parted_2 set v = 'changed' where id = 120;
      delete from src.parted_1 where id = 7;`)
    expect(await pendingChanges(conn, parted.source)).toBe(5)
    await applyChanges(conn, null, parted)
    const a = await dumpRows(conn, 'src', 'parted', ['id'], parted.columns)
    expect(diffDumps(a, await dumpRows(conn, 'tgt', 'parted', ['id'], parted.columns))).toEqual({missing: [], extra: [], differing: [], duplicates: 0})
    expect(a.length).toBe(150)
    await conn.exec(removeCapture(parted))
  })

  it('applies values swapped between two rows despite a unique index on the target', async () => {
    const users: CopyTable = {source: {schema: 'src', name: 'users'}, target: {schema: 'tgt', name: 'users'}, key: ['id'], columns: ['id', 'email']}
    await conn.exec(`create table src.users (id int primary key, email text unique);
      create table tgt.users (id int primary key, email text unique);
      insert into src.users values (1, 'a@x'), (2, 'b@x'), (3, 'c@x');`)
    await conn.exec(installCapture(users))
    await backfillTable(conn, null, users, memoryCheckpoint().store, OPTIONS)
    await conn.exec(`begin; update src.users set email = 'tmp' where id = 1; update src.users set email = 'a@x' where id = 2;
      update src.users set email = 'b@x' where id = 1; commit;`)
    const r = await applyChanges(conn, null, users)
    expect(r.entries).toBe(3)
    expect(await conn.query('select id, email from tgt.users order by id')).toEqual([{id: 1, email: 'b@x'}, {id: 2, email: 'a@x'}, {id: 3, email: 'c@x'}])
    expect(await pendingChanges(conn, users.source)).toBe(0)
    await conn.exec(removeCapture(users))
  })

  it('leaves entries for keys a running backfill has not reached yet', async () => {
    await conn.exec(`truncate tgt.stock; truncate src.stock; ${compositeRowsSql('src', 'stock', 3, 50)}`)
    // The setup's TRUNCATE queued a marker too: both go.
    await conn.exec(`delete from carve."${captureNames(copy.source).queue}"; delete from carve."${captureNames(copy.source).truncates}"`)
    const checkpoint: BackfillCheckpoint = {table: '"src"."stock"', upper: ['3', 'c-0050'], after: ['1', 'c-0050'], rows: 50, done: false}
    await conn.exec(`insert into tgt.stock select * from src.stock where tenant = 1`)
    // Deleted before the backfill reached them: applying these deletes now and then copying the
    // rows would resurrect them; they must wait.
    await conn.exec(`delete from src.stock where tenant in (1, 2) and code = 'c-0007'; insert into src.stock values (4, 'x', 1, null)`)
    const first = await applyChanges(conn, null, copy, {backfill: checkpoint})
    expect(first.entries).toBe(2) // tenant 1 (copied) and tenant 4 (above the upper bound)
    expect(await pendingChanges(conn, copy.source)).toBe(1)
    expect((await applyChanges(conn, null, copy, {backfill: null})).entries).toBe(0)
    expect((await applyChanges(conn, null, copy, {backfill: {...checkpoint, done: true}})).entries).toBe(1)
    await conn.exec(removeCapture(copy))
    expect(await pendingChanges(conn, copy.source)).toBe(0)
    const n = await count(conn, `select count(*)::int as n from pg_trigger where tgrelid = 'src.stock'::regclass`)
    expect(n).toBe(0)
  })
})

const pgDescribe = PG_URL ? describe : describe.skip
if (!PG_URL) announceSkip('PostgreSQL')

pgDescribe('backfill and change capture across databases (PostgreSQL server)', () => {
  let srcDb: Awaited<ReturnType<typeof createPgDatabase>>
  let tgtDb: Awaited<ReturnType<typeof createPgDatabase>>
  let source: Connection
  let target: Connection

  beforeAll(async () => {
    srcDb = await createPgDatabase('bf_src')
    tgtDb = await createPgDatabase('bf_tgt')
    source = await openPostgres(srcDb.url)
    target = await openPostgres(tgtDb.url)
    await source.exec(moodSql() + typesTableSql(TYPES_SCHEMA, TYPES_TABLE) + typesRowsSql(TYPES_SCHEMA, TYPES_TABLE, 5000))
    await target.exec(moodSql() + typesTableSql(TARGET_SCHEMA, TYPES_TABLE))
  })
  afterAll(async () => {
    await source?.close()
    await target?.close()
    await srcDb?.drop()
    await tgtDb?.drop()
  })

  it('copies every type exactly into another database, in overlapping batches', async () => {
    const {store, saves} = memoryCheckpoint()
    const cp = await backfillTable(source, target, typesCopy(), store, {batchSize: 300, maxBatchSize: 1000, batchTargetMs: 500})
    expect(cp).toMatchObject({done: true, rows: 5000, upper: ['5000']})
    expect(saves.length).toBeGreaterThan(5)
    const a = await dumpRows(source, TYPES_SCHEMA, TYPES_TABLE, ['id'], TYPES_COLUMNS)
    const b = await dumpRows(target, TARGET_SCHEMA, TYPES_TABLE, ['id'], TYPES_COLUMNS)
    expect(a.length).toBe(5000)
    expect(diffDumps(a, b)).toEqual({missing: [], extra: [], differing: [], duplicates: 0})
    expect((await compareTables(source, target, typesCopy().source, typesCopy().target, ['id'], TYPES_COLUMNS, {chunkSize: 700})).equal).toBe(true)
  })

  it('streams COPY in binary when every column has the same built-in type on both sides, exactly (NaN, infinities, -0, jsonb null, json verbatim, bytea, NULLs in arrays)', async () => {
    const columns = TYPES_COLUMNS.filter((c) => c !== 'mood')
    const copy = {...typesCopy(), columns}
    // The enum's oid differs per database: its binary form would not travel, text does.
    expect((await resolveCopy(source, target, typesCopy())).binary).toBe(false)
    expect((await resolveCopy(source, target, copy)).binary).toBe(true)
    await target.exec(`truncate ${q(TARGET_SCHEMA)}.${q(TYPES_TABLE)}`)
    const {store, saves} = memoryCheckpoint()
    const cp = await backfillTable(source, target, copy, store, {batchSize: 700, maxBatchSize: 700, batchTargetMs: 500})
    expect(cp).toMatchObject({done: true, rows: 5000, upper: ['5000']})
    // 5000 rows in batches of 700: 8 batches, a checkpoint after each (and one at the start).
    expect(saves.length).toBe(9)
    const a = await dumpRows(source, TYPES_SCHEMA, TYPES_TABLE, ['id'], columns)
    const b = await dumpRows(target, TARGET_SCHEMA, TYPES_TABLE, ['id'], columns)
    expect(a.length).toBe(5000)
    expect(diffDumps(a, b)).toEqual({missing: [], extra: [], differing: [], duplicates: 0})
  })

  it('capture lets a role without any grant on schema carve write, and the caller\'s search_path cannot swap what the triggers call', async () => {
    const role = `carve_h5cap_${process.pid}`
    const evil = `${role}_evil`
    const t = {source: {schema: 'cap', name: 't'}, key: ['id']}
    const queue = `carve."${captureNames(t.source).queue}"`
    await source.exec(`CREATE SCHEMA cap; CREATE TABLE cap.t (id int PRIMARY KEY, v text); INSERT INTO cap.t VALUES (1, 'a'), (2, 'b');`)
    await source.exec(installCapture(t))
    await source.exec(`CREATE ROLE ${role}; GRANT USAGE ON SCHEMA cap TO ${role}; GRANT SELECT, INSERT, UPDATE, DELETE ON cap.t TO ${role}; CREATE SCHEMA ${evil} AUTHORIZATION ${role}`)
    try {
      try {
        // The key comparison of the UPDATE trigger, hijacked: "keys never differ" would lose the old key 1.
        await source.exec(`SET ROLE ${role};
          CREATE FUNCTION ${evil}.same(record, record) RETURNS boolean LANGUAGE plpgsql AS $$ BEGIN RETURN false; END $$;
          CREATE OPERATOR ${evil}.*<> (FUNCTION = ${evil}.same, LEFTARG = record, RIGHTARG = record);
          SET search_path = ${evil}, pg_catalog;
          UPDATE cap.t SET v = 'b2' WHERE id = 2; UPDATE cap.t SET id = 3 WHERE id = 1; INSERT INTO cap.t VALUES (4, 'd'); DELETE FROM cap.t WHERE id = 4;`)
        await expect(source.query(`SELECT count(*) FROM ${queue}`)).rejects.toThrow(/permission denied/)
      } finally {
        await source.exec(`RESET ROLE; RESET search_path`)
      }
      // The queue keeps no order (the drain needs none): the keys, sorted.
      const queued = await source.query<{k0: number}>(`SELECT k0 FROM ${queue} ORDER BY k0`)
      expect(queued.map((r) => r.k0)).toEqual([1, 2, 3, 4, 4])
    } finally {
      // The role is cluster-wide: dropped whatever happened.
      await source.exec(removeCapture(t) + `DROP SCHEMA ${evil} CASCADE; DROP SCHEMA cap CASCADE; DROP ROLE ${role};`)
    }
  })

  it('a batch partly on the target already is written safely; a clash on another unique index fails loudly and leaves both sessions usable', async () => {
    await source.exec(compositeTableSql('src', 'stock') + compositeRowsSql('src', 'stock', 7, 143))
    // A wider key type on the target: the COPY travels as text.
    await target.exec(`CREATE SCHEMA tgt; CREATE TABLE tgt.stock (tenant bigint NOT NULL, code text NOT NULL, qty int, note text, PRIMARY KEY (tenant, code));`)
    const copy: CopyTable = {source: {schema: 'src', name: 'stock'}, target: {schema: 'tgt', name: 'stock'}, key: ['tenant', 'code'], columns: ['tenant', 'code', 'qty', 'note']}
    expect((await resolveCopy(source, target, copy)).binary).toBe(false)
    // Rows of a batch in the middle already there (one changed, as a sync would: the copy leaves it alone).
    await target.exec(`INSERT INTO tgt.stock VALUES (3, 'c-0010', 30, 'n10'), (3, 'c-0011', -1, 'written by the sync'), (3, 'c-0012', 36, NULL)`)
    const cp = await backfillTable(source, target, copy, memoryCheckpoint().store, {batchSize: 100, maxBatchSize: 100, batchTargetMs: 500})
    expect(cp).toMatchObject({done: true, rows: 7 * 143})
    const a = await dumpRows(source, 'src', 'stock', copy.key, copy.columns)
    const b = await dumpRows(target, 'tgt', 'stock', copy.key, copy.columns)
    expect(diffDumps(a, b)).toEqual({missing: [], extra: [], differing: ['(3,c-0011)'], duplicates: 0})
    // A unique index the source does not honour: the error, never a skipped row.
    await target.exec(`TRUNCATE tgt.stock; CREATE UNIQUE INDEX stock_qty ON tgt.stock (qty)`)
    await expect(backfillTable(source, target, copy, memoryCheckpoint().store, {batchSize: 100, maxBatchSize: 100, batchTargetMs: 500})).rejects.toThrow(/stock_qty/)
    // Both sessions answer again; the failed batch wrote nothing (only the first batch, committed, is there).
    expect(await count(source, 'select count(*)::int as n from src.stock')).toBe(7 * 143)
    expect(await count(target, 'select count(*)::int as n from tgt.stock')).toBe(100)
  })
})

/**
 * Acceptance: writers insert, update (keys included) and delete at a steady rate on several
 * connections while change capture queues their keys and the backfill copies; a drain runs
 * alongside, leaving alone the keys the backfill has not reached. After the writers stop and the
 * queue is drained, every row is compared: zero may differ.
 */
pgDescribe('backfill under concurrent writers with change capture (PostgreSQL server)', () => {
  const ROWS = 100_000
  const WRITERS = 6
  let srcDb: Awaited<ReturnType<typeof createPgDatabase>>
  let tgtDb: Awaited<ReturnType<typeof createPgDatabase>>

  const ddl = (schema: string) => `CREATE SCHEMA IF NOT EXISTS ${schema};
CREATE TABLE ${schema}.accounts (id bigint PRIMARY KEY, owner text NOT NULL, balance numeric(14,2), updated timestamptz, meta jsonb, tags text[]);`
  const columns = ['id', 'owner', 'balance', 'updated', 'meta', 'tags']

  beforeAll(async () => {
    srcDb = await createPgDatabase('cw_src')
    tgtDb = await createPgDatabase('cw_tgt')
    const s = await openPostgres(srcDb.url)
    await s.exec(ddl('app') + ddl('accounts_copy') + `
      INSERT INTO app.accounts SELECT i, 'owner ' || (i % 977), (i % 10000) / 100.0, now() - i * interval '1 second',
        CASE WHEN i % 10 = 0 THEN 'null'::jsonb ELSE jsonb_build_object('v', 0) END, ARRAY['t', i::text] FROM generate_series(1, ${ROWS}) i;
      ANALYZE app.accounts;`)
    await s.close()
    const t = await openPostgres(tgtDb.url)
    await t.exec(ddl('accounts'))
    await t.close()
  })
  afterAll(async () => {
    await srcDb?.drop()
    await tgtDb?.drop()
  })

  /** Writers on their own connections; returns a stop function reporting what they did. */
  function startWriters(url: string): {stop: () => Promise<Record<string, number>>; total: () => number} {
    const counts: Record<string, number> = {insert: 0, update: 0, delete: 0, reinsert: 0, 'key change': 0, 'multi-row tx': 0}
    let nextId = ROWS + 1
    let stopped = false
    const loops = Array.from({length: WRITERS}, async (_, w) => {
      const c = await openPostgres(url)
      let seed = 7919 * (w + 1)
      const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648)
      const anyId = () => 1 + Math.floor(rand() * (nextId - 1))
      try {
        while (!stopped) {
          const r = rand()
          if (r < 0.3) {
            await c.query(`INSERT INTO app.accounts VALUES ($1, 'new', 1.23, now(), '{"new": true}', '{}') ON CONFLICT DO NOTHING`, [nextId++])
            counts.insert!++
          } else if (r < 0.65) {
            await c.query(`UPDATE app.accounts SET balance = balance + 1, updated = clock_timestamp(), meta = jsonb_build_object('w', $2::int), tags = tags || $2::text WHERE id = $1`, [anyId(), w])
            counts.update!++
          } else if (r < 0.85) {
            await c.query(`DELETE FROM app.accounts WHERE id = $1`, [anyId()])
            counts.delete!++
          } else if (r < 0.92) {
            // A deleted key coming back: below the backfill's upper bound, after its start.
            await c.query(`INSERT INTO app.accounts VALUES ($1, 'back', 0, now(), 'null', NULL) ON CONFLICT (id) DO UPDATE SET owner = 'back again'`, [anyId()])
            counts.reinsert!++
          } else if (r < 0.95) {
            await c.query(`UPDATE app.accounts SET id = $2 WHERE id = $1`, [anyId(), nextId++]).catch(() => {})
            counts['key change']!++
          } else {
            const [a, b] = [anyId(), anyId()]
            await c.exec('BEGIN')
            await c.query(`UPDATE app.accounts SET balance = balance - 5 WHERE id = $1`, [a])
            await c.query(`UPDATE app.accounts SET balance = balance + 5 WHERE id = $1`, [b])
            await c.exec('COMMIT')
            counts['multi-row tx']!++
          }
          await new Promise((r) => setTimeout(r, 1))
        }
      } finally {
        await c.close()
      }
    })
    return {
      total: () => Object.values(counts).reduce((x, y) => x + y, 0),
      async stop() {
        stopped = true
        await Promise.all(loops)
        return counts
      },
    }
  }

  for (const mode of ['another database', 'the same database'] as const) {
    it(`copies into ${mode} with zero differing rows after the drain, checked row by row`, async () => {
      const cross = mode === 'another database'
      const copy: CopyTable = {source: {schema: 'app', name: 'accounts'}, target: {schema: cross ? 'accounts' : 'accounts_copy', name: 'accounts'}, key: ['id'], columns}
      const source = await openPostgres(srcDb.url)
      const target = cross ? await openPostgres(tgtDb.url) : null
      const drainSource = await openPostgres(srcDb.url)
      const drainTarget = cross ? await openPostgres(tgtDb.url) : null
      try {
        await source.exec(installCapture(copy))
        const writers = startWriters(srcDb.url)
        await new Promise((r) => setTimeout(r, 300))
        const {store} = memoryCheckpoint()
        let latest: BackfillCheckpoint | null = null
        const tracked = {load: store.load, save: async (c: BackfillCheckpoint) => {
          await store.save(c)
          latest = structuredClone(c)
        }}
        let backfillDone = false
        let drains = 0
        let drained = 0
        const drainer = (async () => {
          while (!backfillDone) {
            const r = await applyChanges(drainSource, drainTarget, copy, {backfill: latest})
            drains++
            drained += r.entries
            await new Promise((r) => setTimeout(r, 20))
          }
        })()
        const started = performance.now()
        // Small batches and a 10 ms pause before each (the throttle hook) stretch the copy over a
        // few seconds, so most writes land while it runs.
        let asked = 0
        const cp = await backfillTable(source, target, copy, tracked, {batchSize: 500, maxBatchSize: 1000, batchTargetMs: 50, throttle: async () => (asked++ % 2 === 0 ? 10 : 0)})
        const backfillMs = performance.now() - started
        backfillDone = true
        await drainer
        // Writes go on after the copy, until a few thousand have been made in all.
        const until = performance.now() + 20_000
        do await new Promise((r) => setTimeout(r, 200))
        while (writers.total() < 3000 && performance.now() < until)
        const counts = await writers.stop()
        // Before the last drain the tables differ, every difference a queued change: verify accepts that…
        const step = splitCopyStep({target_database: cross ? tgtDb.name : srcDb.name, tables: [copy]})
        const f = fakeContext(source, async () => openPostgres(tgtDb.url))
        const queued = await pendingChanges(source, copy.source)
        await splitCopyRunner.verify(f.ctx, step)
        const verdict = f.events.at(-1)!.message
        const final = await applyChanges(drainSource, drainTarget, copy)
        expect(await pendingChanges(source, copy.source)).toBe(0)

        const a = await dumpRows(source, 'app', 'accounts', ['id'], columns)
        const b = await dumpRows(target ?? source, copy.target.schema, 'accounts', ['id'], columns)
        const diff = diffDumps(a, b)
        const writes = Object.values(counts).reduce((x, y) => x + y, 0)
        console.log(
          `[concurrent writers, ${mode}] ${cp.rows} rows backfilled in ${(backfillMs / 1000).toFixed(2)} s; ${writes} writes by ${WRITERS} connections ` +
            `(${Object.entries(counts).map(([k, v]) => `${v} ${k}`).join(', ')}); ${drains} drains during the copy applied ${drained} entries, ` +
            `the final drain ${final.entries}; compared ${a.length} source rows with ${b.length} target rows: ` +
            `${diff.missing.length} missing, ${diff.extra.length} extra, ${diff.differing.length} differing, ${diff.duplicates} duplicated`,
        )
        expect(writes).toBeGreaterThanOrEqual(3000)
        expect(counts.delete).toBeGreaterThan(100)
        expect(cp.done).toBe(true)
        expect(a.length).toBeGreaterThan(ROWS / 2)
        expect(diff).toEqual({missing: [], extra: [], differing: [], duplicates: 0})
        expect((await compareTables(source, target ?? source, copy.source, copy.target, ['id'], columns)).equal).toBe(true)
        console.log(`[concurrent writers, ${mode}] split-copy verify with ${queued} changes queued: ${verdict}`)
        expect(verdict).toMatch(/differences, each explained: \d+ with a change queued for sync$/)
        // …and after it, finds them equal.
        await splitCopyRunner.verify(f.ctx, step)
        expect(f.events.at(-1)!.message).toBe(`"app"."accounts": equal (${a.length} rows)`)
        await f.close()
      } finally {
        await source.exec(removeCapture(copy)).catch(() => {})
        for (const c of [source, target, drainSource, drainTarget]) await c?.close()
      }
    })
  }
})

/** A RunContext as the executor provides it, with the checkpoint kept in memory. */
function fakeContext(conn: Connection, connect: (name: string) => Promise<Connection> = async () => conn) {
  const events: RunEvent[] = []
  let checkpoint: unknown = null
  const opened: Connection[] = []
  const abort = new AbortController()
  const ctx: RunContext = {
    conn,
    async connectDatabase(name) {
      const c = await connect(name)
      if (c !== conn) opened.push(c)
      return c
    },
    planDir: '/nonexistent',
    files: {},
    loadCheckpoint: async <T>() => structuredClone(checkpoint) as T | null,
    saveCheckpoint: async (state) => void (checkpoint = structuredClone(state)),
    emit: (e) => void events.push({step: '009-split-copy-orders', ...e}),
    signal: abort.signal,
    options: {...DEFAULT_RUN_OPTIONS, batchSize: 200, maxBatchSize: 400},
  }
  return {ctx, events, checkpoint: () => checkpoint, abort, close: async () => Promise.all(opened.map((c) => c.close()))}
}

function splitCopyStep(spec: Record<string, unknown>): PlanStep {
  return {
    id: '009-split-copy-orders', title: 'copy orders', context: 'orders', kind: 'split-copy', level: {from: 2, to: 3},
    depends_on: [], transactional: false, locks: [], irreversible: false, files: {}, checksums: {}, spec,
  }
}

describe('split-copy step (PGlite, copy within the database)', () => {
  let conn: Connection
  const table = {source: {schema: 'src', name: 'stock'}, target: {schema: 'tgt', name: 'stock'}, key: ['tenant', 'code'], columns: ['tenant', 'code', 'qty', 'note']}

  beforeAll(async () => {
    conn = await openPglite(null)
    await conn.exec(compositeTableSql('src', 'stock') + compositeRowsSql('src', 'stock', 5, 200) + compositeTableSql('tgt', 'stock'))
  })
  afterAll(async () => {
    await conn?.close()
  })

  it('describes itself for --dry-run and refuses a malformed spec with exit code 2', () => {
    const step = splitCopyStep({target_database: 'template1', tables: [table], max_active_sessions: 40})
    expect(splitCopyRunner.describe(step, {})).toMatch(/into database template1:\n {2}"src"."stock" → "tgt"."stock" {2}key \(tenant, code\), 4 columns\n.*\n.*\npauses while: more than 40 active sessions$/)
    try {
      splitCopyRunner.describe(splitCopyStep({target_database: 'x', tables: [{...table, key: []}]}), {})
      expect.unreachable()
    } catch (error) {
      expect(error).toMatchObject({code: 'plan.spec', exitCode: 2, message: expect.stringContaining('spec.tables.0.key')})
    }
  })

  it('copies with progress events and a checkpoint per table, verifies, fails on a lost row, accepts queued changes, rolls back', async () => {
    const step = splitCopyStep({target_database: conn.database, tables: [table]})
    const f = fakeContext(conn)
    await splitCopyRunner.apply(f.ctx, step)
    const copies = f.events.filter((e) => e.phase === 'copy')
    expect(copies.length).toBeGreaterThanOrEqual(4)
    expect(copies.at(-1)).toMatchObject({done: 1000, total: 1000})
    expect(copies[0]!.rate).toBeGreaterThan(0)
    expect(f.events.at(-1)).toMatchObject({phase: 'parity', message: 'after copy: "src"."stock": equal (1000 rows)'})
    expect(f.checkpoint()).toEqual({'"src"."stock"': {table: '"src"."stock"', upper: ['5', 'c-0200'], after: ['5', 'c-0200'], rows: 1000, done: true, since: expect.stringMatching(/^\d+$/)}})
    await splitCopyRunner.verify(f.ctx, step)

    // No change capture (logical replication): writes made since the copy started are the sync's.
    await conn.exec(`update src.stock set qty = -5 where tenant = 5 and code = 'c-0005'; insert into src.stock values (1, 'c-0000a', 1, null);
      delete from src.stock where tenant = 5 and code = 'c-0006'`)
    await splitCopyRunner.verify(f.ctx, step)
    expect(f.events.at(-1)!.message).toBe(
      '"src"."stock": 1000 source rows, 1000 target rows; 3 differences, each explained: 2 written since the copy started, 1 extra on the target (deleted since, on their way through replication)',
    )
    await conn.exec(`truncate tgt.stock; insert into tgt.stock select * from src.stock`)

    // A row lost on the target: verify fails and names it.
    await conn.exec(`delete from tgt.stock where tenant = 2 and code = 'c-0033'`)
    await expect(splitCopyRunner.verify(f.ctx, step)).rejects.toThrow(/"src"."stock" → "tgt"."stock": 1 missing on the target \(\(2, c-0033\)\)/)

    // With change capture installed, a difference whose key is queued is a change on its way.
    await conn.exec(`insert into tgt.stock select * from src.stock where tenant = 2 and code = 'c-0033'`)
    await conn.exec(installCapture(table))
    await conn.exec(`update src.stock set qty = 0 where tenant = 4 and code = 'c-0100'; delete from src.stock where tenant = 1 and code = 'c-0001'`)
    await splitCopyRunner.verify(f.ctx, step)
    expect(f.events.at(-1)!.message).toBe('"src"."stock": 999 source rows, 1000 target rows; 2 differences, each explained: 2 with a change queued for sync')
    // …but not one that nothing explains.
    await conn.exec(`update tgt.stock set note = 'tampered' where tenant = 3 and code = 'c-0003'`)
    await expect(splitCopyRunner.verify(f.ctx, step)).rejects.toThrow(/1 differing \(\(3, c-0003\)\)/)
    await conn.exec(removeCapture(table))

    await splitCopyRunner.rollback(f.ctx, step)
    expect(await count(conn, 'select count(*)::int as n from tgt.stock')).toBe(0)
    expect(f.checkpoint()).toEqual({})
  })

  it('stops at a batch boundary when interrupted (exit 130) and resumes from the ledger checkpoint', async () => {
    const step = splitCopyStep({target_database: conn.database, tables: [table]})
    const f = fakeContext(conn)
    f.ctx.options = {...f.ctx.options, maxBatchSize: 200}
    const emit = f.ctx.emit
    f.ctx.emit = (e) => {
      emit(e)
      if (e.phase === 'copy' && (e.done ?? 0) >= 400) f.abort.abort()
    }
    await expect(splitCopyRunner.apply(f.ctx, step)).rejects.toMatchObject({code: 'interrupted', exitCode: 130})
    expect(await count(conn, 'select count(*)::int as n from tgt.stock')).toBe(400)
    const g = fakeContext(conn)
    await g.ctx.saveCheckpoint(f.checkpoint())
    await splitCopyRunner.apply(g.ctx, step)
    expect(g.events.find((e) => e.phase === 'copy')).toMatchObject({done: 600})
    expect(await count(conn, 'select count(*)::int as n from tgt.stock')).toBe(999)
  })
})

pgDescribe('split-copy step into another database (PostgreSQL server)', () => {
  let srcDb: Awaited<ReturnType<typeof createPgDatabase>>
  let tgtDb: Awaited<ReturnType<typeof createPgDatabase>>

  beforeAll(async () => {
    srcDb = await createPgDatabase('sc_src')
    tgtDb = await createPgDatabase('sc_tgt')
    const s = await openPostgres(srcDb.url)
    await s.exec(moodSql() + typesTableSql(TYPES_SCHEMA, TYPES_TABLE) + typesRowsSql(TYPES_SCHEMA, TYPES_TABLE, 3000) + compositeTableSql('src', 'stock') + compositeRowsSql('src', 'stock', 3, 300))
    await s.close()
    const t = await openPostgres(tgtDb.url)
    await t.exec(moodSql() + typesTableSql(TARGET_SCHEMA, TYPES_TABLE) + compositeTableSql('tgt', 'stock'))
    await t.close()
  })
  afterAll(async () => {
    await srcDb?.drop()
    await tgtDb?.drop()
  })

  it('copies two tables with replication-lag and load throttles, verifies parity, rolls back', async () => {
    const source = await openPostgres(srcDb.url)
    const f = fakeContext(source, async (name) => {
      expect(name).toBe(tgtDb.name)
      return openPostgres(tgtDb.url)
    })
    try {
      const step = splitCopyStep({
        target_database: tgtDb.name,
        tables: [typesCopy(), {source: {schema: 'src', name: 'stock'}, target: {schema: 'tgt', name: 'stock'}, key: ['tenant', 'code'], columns: ['tenant', 'code', 'qty', 'note']}],
        max_replication_lag_bytes: 64 * 1024 * 1024,
        max_active_sessions: 50,
      })
      await splitCopyRunner.apply(f.ctx, step)
      expect(f.events.filter((e) => e.phase === 'parity').map((e) => e.message)).toEqual([
        `after copy: "${TYPES_SCHEMA.replace(/"/g, '""')}"."${TYPES_TABLE}": equal (3000 rows)`,
        'after copy: "src"."stock": equal (900 rows)',
      ])
      await splitCopyRunner.verify(f.ctx, step)
      await splitCopyRunner.rollback(f.ctx, step)
      const target = await openPostgres(tgtDb.url)
      expect(await count(target, `select (select count(*) from tgt.stock) + (select count(*) from "${TARGET_SCHEMA}"."${TYPES_TABLE}") as n`)).toBe(0)
      await target.close()
    } finally {
      await f.close()
      await source.close()
    }
  })

  it('a write in flight when the copy starts counts as written since, even while a later transaction stays open', async () => {
    // Seen in CI under load: the writer's xid equals the copy's horizon, and another session
    // holds a newer xid, so the snapshot's xmax lags the next xid. The row must still be
    // explained as written since the copy started (the sync brings it), not reported as lost.
    const source = await openPostgres(srcDb.url)
    const writer = await openPostgres(srcDb.url)
    const other = await openPostgres(srcDb.url)
    const table = {source: {schema: 'src', name: 'stock'}, target: {schema: 'tgt', name: 'stock'}, key: ['tenant', 'code'], columns: ['tenant', 'code', 'qty', 'note']}
    const f = fakeContext(source, async () => openPostgres(tgtDb.url))
    try {
      const step = splitCopyStep({target_database: tgtDb.name, tables: [table]})
      await splitCopyRunner.apply(f.ctx, step)
      await writer.exec(`begin; update src.stock set qty = qty + 1000 where tenant = 2 and code = 'c-0007'`)
      const [{xid}] = (await writer.query<{xid: string}>('select txid_current()::text as xid')) as [{xid: string}]
      // The copy's horizon as backfillTable records it, taken while that write is in flight.
      const [{since}] = (await source.query<{since: string}>('select txid_snapshot_xmin(txid_current_snapshot())::text as since')) as [{since: string}]
      expect(BigInt(since)).toBeLessThanOrEqual(BigInt(xid))
      const cp = f.checkpoint() as Record<string, {since: string}>
      cp['"src"."stock"']!.since = since
      await other.exec('begin')
      await other.query('select txid_current()')
      await writer.exec('commit')
      await splitCopyRunner.verify(f.ctx, step)
      expect(f.events.at(-1)!.message).toBe('"src"."stock": 900 source rows, 900 target rows; 1 differences, each explained: 1 written since the copy started')
      await other.exec('rollback')
      await splitCopyRunner.rollback(f.ctx, step)
    } finally {
      await f.close()
      await Promise.all([source.close(), writer.close(), other.close()])
    }
  })

  it('replicationLagThrottle and loadThrottle read the server\'s statistics', async () => {
    const source = await openPostgres(srcDb.url)
    try {
      expect(await replicationLagThrottle(source, 1)()).toBe(0) // no replicas or active slots here
      // Other sessions running statements: the threshold decides.
      const busy = await openPostgres(srcDb.url)
      const sleeping = busy.query('select pg_sleep(1.5)')
      await new Promise((r) => setTimeout(r, 300))
      expect(await loadThrottle(source, 0, 123)()).toBe(123)
      expect(await loadThrottle(source, 1000)()).toBe(0)
      await sleeping
      await busy.close()
    } finally {
      await source.close()
    }
  })
})
