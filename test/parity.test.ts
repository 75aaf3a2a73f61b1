/**
 * Parity: chunked hashes find a single changed, missing or extra row and name its key — at chunk
 * boundaries of a composite key, through NULLs and awkward types, whatever the sessions' time
 * zones — on PGlite (two schemas) and across databases on a PostgreSQL server.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {Connection} from '../src/db/connection.js'
import {openPglite} from '../src/db/pglite.js'
import {openPostgres} from '../src/db/postgres.js'
import {backfillTable, type BackfillCheckpoint} from '../src/execute/backfill.js'
import {compareTables, diffTables} from '../src/execute/parity.js'
import {compositeRowsSql, compositeTableSql, moodSql, TYPES_COLUMNS, typesRowsSql, typesTableSql} from './support/copy-fixture.js'
import {announceSkip, createPgDatabase, PG_URL} from './support/servers.js'

const A = {schema: 'a', name: 'stock'}
const B = {schema: 'b', name: 'stock'}
const KEY = ['tenant', 'code']
const COLS = ['tenant', 'code', 'qty', 'note']
const T1 = {schema: 'a', name: 'types'}
const T2 = {schema: 'b', name: 'types'}

function store() {
  let c: BackfillCheckpoint | null = null
  return {load: async () => c, save: async (x: BackfillCheckpoint) => void (c = x)}
}

describe('parity on PGlite', () => {
  let conn: Connection
  const reset = async () => conn.exec(`truncate b.stock; insert into b.stock select * from a.stock`)

  beforeAll(async () => {
    conn = await openPglite(null)
    await conn.exec(compositeTableSql('a', 'stock') + compositeRowsSql('a', 'stock', 7, 143) + compositeTableSql('b', 'stock'))
    await conn.exec(moodSql() + typesTableSql('a', 'types') + typesRowsSql('a', 'types', 5000) + typesTableSql('b', 'types'))
    await backfillTable(conn, null, {source: T1, target: T2, key: ['id'], columns: TYPES_COLUMNS}, store(), {batchSize: 5000, maxBatchSize: 5000, batchTargetMs: 500})
  })
  afterAll(async () => {
    await conn?.close()
  })

  it('finds equal tables equal in one whole-table pass (one piece)', async () => {
    await reset()
    const r = await compareTables(conn, conn, A, B, KEY, COLS, {chunkSize: 100})
    expect(r).toEqual({table: '"a"."stock"', sourceRows: 1001, targetRows: 1001, chunks: 1, differingChunks: 0, sessions: 1, missing: [], extra: [], differing: [], equal: true})
  })

  it('names a single changed row, a missing row and an extra row by their keys', async () => {
    await reset()
    await conn.exec(`update b.stock set qty = qty + 1 where tenant = 3 and code = 'c-0050'`)
    let r = await compareTables(conn, conn, A, B, KEY, COLS, {chunkSize: 100})
    expect(r).toMatchObject({equal: false, differingChunks: 1, differing: [['3', 'c-0050']], missing: [], extra: [], sourceRows: 1001, targetRows: 1001})

    await reset()
    await conn.exec(`delete from b.stock where tenant = 5 and code = 'c-0100'`)
    r = await compareTables(conn, conn, A, B, KEY, COLS, {chunkSize: 100})
    expect(r).toMatchObject({equal: false, differingChunks: 1, missing: [['5', 'c-0100']], extra: [], differing: [], targetRows: 1000})

    await reset()
    // One extra row in the middle, one beyond the source's last key (the open-ended last chunk).
    await conn.exec(`insert into b.stock values (2, 'c-0050x', 1, null), (99, 'zzz', 1, null)`)
    r = await compareTables(conn, conn, A, B, KEY, COLS, {chunkSize: 100})
    expect(r).toMatchObject({equal: false, differingChunks: 2, extra: [['2', 'c-0050x'], ['99', 'zzz']], missing: [], differing: [], targetRows: 1003})
  })

  it('finds differences on both sides of a chunk boundary of a composite key', async () => {
    await reset()
    // Chunks of 100: row 200 (tenant 2, code c-0057) ends the second chunk, row 201 starts the third.
    const [last, first] = await conn.query<{tenant: number; code: string}>(`select tenant, code from a.stock order by tenant, code offset 199 limit 2`)
    expect([last, first]).toEqual([{tenant: 2, code: 'c-0057'}, {tenant: 2, code: 'c-0058'}])
    await conn.exec(`update b.stock set note = 'changed' where (tenant, code) in ((2, 'c-0057'), (2, 'c-0058'))`)
    const r = await compareTables(conn, conn, A, B, KEY, COLS, {chunkSize: 100})
    expect(r).toMatchObject({differingChunks: 2, differing: [['2', 'c-0057'], ['2', 'c-0058']]})
  })

  it('tells NULL from empty and JSON null from SQL NULL, numeric scale, -0 and array NULLs', async () => {
    const changes: [string, number][] = [
      [`update b.types set note = '' where id = 5`, 5], // NULL → ''
      [`update b.types set doc = null where id = 6`, 6], // jsonb 'null' → SQL NULL
      [`update b.types set price = 1.5 where id = 11`, 11], // 1.500 → 1.5
      [`update b.types set f8 = 0 where id = 9`, 9], // -0 → 0
      [`update b.types set tags = array[null, 'NULL'] where id = 10`, 10],
      [`update b.types set tags = array['NULL', 'NULL'] where id = 16`, 16],
    ]
    const written = TYPES_COLUMNS.filter((c) => c !== 'total').map((c) => `"${c}"`).join(', ')
    for (const [sql, id] of changes) {
      await conn.exec(`truncate b.types; insert into b.types (${written}) overriding system value select ${written} from a.types`)
      expect((await compareTables(conn, conn, T1, T2, ['id'], TYPES_COLUMNS)).equal).toBe(true)
      await conn.exec(sql)
      const r = await compareTables(conn, conn, T1, T2, ['id'], TYPES_COLUMNS)
      expect([sql, r.differing]).toEqual([sql, [[String(id)]]])
    }
  })

  it('compares the same instants equal whatever the sessions\' time zones, and restores the session', async () => {
    await conn.exec(`set timezone = 'Asia/Kolkata'; set datestyle = 'SQL, DMY'`)
    const r = await compareTables(conn, conn, A, B, KEY, COLS)
    expect(r.sourceRows).toBe(1001)
    const [s] = await conn.query<{tz: string; ds: string}>(`select current_setting('TimeZone') as tz, current_setting('DateStyle') as ds`)
    expect(s).toEqual({tz: 'Asia/Kolkata', ds: 'SQL, DMY'})
    await conn.exec(`reset timezone; reset datestyle`)
  })

  it('bisects a large differing chunk down to the row, and lists at most maxKeys', async () => {
    const written = TYPES_COLUMNS.filter((c) => c !== 'total').map((c) => `"${c}"`).join(', ')
    await conn.exec(`truncate b.types; insert into b.types (${written}) overriding system value select ${written} from a.types`)
    await conn.exec(`update b.types set note = 'x' where id = 4321`)
    // One chunk of 5,000 rows: bisected until pieces are small enough to compare row by row.
    const one = await compareTables(conn, conn, T1, T2, ['id'], TYPES_COLUMNS, {chunkSize: 10_000})
    expect(one).toMatchObject({chunks: 1, differingChunks: 1, differing: [['4321']]})
    await conn.exec(`update b.types set note = 'y' where id % 100 = 0`)
    const many = await compareTables(conn, conn, T1, T2, ['id'], TYPES_COLUMNS, {chunkSize: 1000, maxKeys: 7})
    expect(many.differing).toEqual([['100'], ['200'], ['300'], ['400'], ['500'], ['600'], ['700']])
    expect(many.differingChunks).toBe(5)
    // diffTables reports every difference when asked.
    const all: string[] = []
    await diffTables(conn, conn, T1, T2, ['id'], TYPES_COLUMNS, {chunkSize: 1000, onDifference: (kind, k) => void all.push(`${kind}:${k[0]}`)})
    expect(all.length).toBe(51)
    expect(all).toContain('differing:4321')
  })

  it('integer keys (bucketed by value in one pass): rows beyond the source\'s smallest and largest keys are extra, gaps are fine', async () => {
    const written = TYPES_COLUMNS.filter((c) => c !== 'total').map((c) => `"${c}"`).join(', ')
    await conn.exec(`truncate b.types; insert into b.types (${written}) overriding system value select ${written} from a.types`)
    await conn.exec(`insert into b.types (${written}) overriding system value select ${written.replace('"id"', '"id" - 1000000')} from a.types where id in (1, 2)`)
    await conn.exec(`insert into b.types (${written}) overriding system value select ${written.replace('"id"', '"id" + 1000000')} from a.types where id = 5000`)
    await conn.exec(`delete from b.types where id between 2000 and 2999`)
    const r = await compareTables(conn, conn, T1, T2, ['id'], TYPES_COLUMNS, {chunkSize: 700, maxKeys: 5000})
    expect(r.extra).toEqual([['-999999'], ['-999998'], ['1005000']])
    expect(r.missing.length).toBe(1000)
    expect(r.missing[0]).toEqual(['2000'])
    expect(r.differing).toEqual([])
    expect(r.chunks).toBe(Math.ceil(5000 / 700))
  })

  it('reports every row of a non-empty target as extra when the source is empty', async () => {
    await conn.exec(`create table a.none (like a.stock including all); create table b.many (like a.stock including all); insert into b.many select * from a.stock`)
    const r = await compareTables(conn, conn, {schema: 'a', name: 'none'}, {schema: 'b', name: 'many'}, KEY, COLS, {maxKeys: 3})
    expect(r).toMatchObject({sourceRows: 0, targetRows: 1001, chunks: 1, differingChunks: 1, extra: [['1', 'c-0001'], ['1', 'c-0002'], ['1', 'c-0003']], equal: false})
  })
})

const pgDescribe = PG_URL ? describe : describe.skip
if (!PG_URL) announceSkip('PostgreSQL')

pgDescribe('parity across databases (PostgreSQL server)', () => {
  let dbs: Awaited<ReturnType<typeof createPgDatabase>>[] = []
  let source: Connection
  let target: Connection

  beforeAll(async () => {
    dbs = [await createPgDatabase('par_a'), await createPgDatabase('par_b')]
    source = await openPostgres(dbs[0]!.url)
    target = await openPostgres(dbs[1]!.url)
    await source.exec(moodSql() + typesTableSql('a', 'types') + typesRowsSql('a', 'types', 20_000))
    await target.exec(moodSql() + typesTableSql('b', 'types'))
    await backfillTable(source, target, {source: T1, target: T2, key: ['id'], columns: TYPES_COLUMNS}, store(), {batchSize: 5000, maxBatchSize: 5000, batchTargetMs: 500})
  })
  afterAll(async () => {
    await source?.close()
    await target?.close()
    for (const d of dbs) await d.drop()
  })

  it('finds a copy equal with sessions in different time zones, then names a changed, a missing and an extra row', async () => {
    await source.exec(`set timezone = 'Pacific/Chatham'`)
    await target.exec(`set timezone = 'America/St_Johns'; set extra_float_digits = 0`)
    const same = await compareTables(source, target, T1, T2, ['id'], TYPES_COLUMNS, {chunkSize: 3000})
    // Equal: settled by the whole-table pass, one statement on one session per side.
    expect(same).toMatchObject({equal: true, sourceRows: 20_000, targetRows: 20_000, chunks: 1, sessions: 2})
    await target.exec(`update b.types set created = created + interval '1 microsecond' where id = 7778;
      delete from b.types where id = 15000; insert into b.types (id, note) overriding system value values (20001, 'extra')`)
    const r = await compareTables(source, target, T1, T2, ['id'], TYPES_COLUMNS, {chunkSize: 3000})
    expect(r).toMatchObject({equal: false, differing: [['7778']], missing: [['15000']], extra: [['20001']], differingChunks: 3})
  })

  it('hashes each side on two sessions sharing one snapshot (integer and composite keys), their text forms pinned too', async () => {
    // Fresh sessions of the target's database start in another time zone with fewer float digits:
    // the second sessions must pin the same text forms as the first.
    await target.exec(`ALTER DATABASE "${dbs[1]!.name}" SET timezone = 'America/St_Johns'; ALTER DATABASE "${dbs[1]!.name}" SET extra_float_digits = 0`)
    await source.exec(compositeTableSql('a', 'stock') + compositeRowsSql('a', 'stock', 30, 700) + 'ANALYZE a.types; ANALYZE a.stock;')
    await target.exec(compositeTableSql('b', 'stock'))
    await backfillTable(source, target, {source: A, target: B, key: KEY, columns: COLS}, store(), {batchSize: 5000, maxBatchSize: 5000, batchTargetMs: 500})
    await target.exec(`update b.types set created = created + interval '1 microsecond' where id = 7780;
      delete from b.stock where tenant = 29 and code = 'c-0699'; update b.stock set note = 'x' where tenant = 2 and code = 'c-0001'`)
    // parallelMinBytes 0: two sessions per side whatever the size (the default waits for 64 MB).
    const types = await compareTables(source, target, T1, T2, ['id'], TYPES_COLUMNS, {chunkSize: 3000, parallelMinBytes: 0})
    expect(types).toMatchObject({sessions: 4, differing: [['7778'], ['7780']], missing: [['15000']], extra: [['20001']], sourceRows: 20_000})
    const stock = await compareTables(source, target, A, B, KEY, COLS, {chunkSize: 1000, parallelMinBytes: 0})
    expect(stock).toMatchObject({sessions: 4, chunks: 22, differing: [['2', 'c-0001']], missing: [['29', 'c-0699']], extra: [], sourceRows: 21_000, targetRows: 20_999})
  })

  it('catches one changed row (same value, other text) in a table below the two-session size and in one above it', async () => {
    // Two fresh tables; the size threshold is put between their heap sizes, measured here, so the
    // small one is chunked on one session per side and the big one on two sharing a snapshot.
    const sizes: Record<string, number> = {}
    for (const [name, rows] of [['few', 3000], ['many', 60_000]] as const) {
      await source.exec(typesTableSql('a', name) + typesRowsSql('a', name, rows) + `ANALYZE a.${name}`)
      await target.exec(typesTableSql('b', name))
      const t = {source: {schema: 'a', name}, target: {schema: 'b', name}, key: ['id'], columns: TYPES_COLUMNS}
      await backfillTable(source, target, t, store(), {batchSize: 20_000, maxBatchSize: 20_000, batchTargetMs: 500})
      const [row] = await source.query<{b: string}>(`select pg_relation_size('a.${name}')::text as b`)
      sizes[name] = Number(row!.b)
    }
    expect(sizes.many!).toBeGreaterThan(4 * sizes.few!)
    const parallelMinBytes = Math.floor((sizes.few! + sizes.many!) / 2)
    for (const [name, sessions, id] of [['few', 2, 2001], ['many', 4, 45_001]] as const) {
      const [a, b] = [{schema: 'a', name}, {schema: 'b', name}]
      const equal = await compareTables(source, target, a, b, ['id'], TYPES_COLUMNS, {chunkSize: 1000, parallelMinBytes})
      expect(equal).toMatchObject({equal: true, chunks: 1, differingChunks: 0})
      // Row ids ≡ 1 (mod 5) hold price 1.500: 1.5 is the same number, but not the same row.
      await target.exec(`update b.${name} set price = 1.5 where id = ${id}`)
      const r = await compareTables(source, target, a, b, ['id'], TYPES_COLUMNS, {chunkSize: 1000, parallelMinBytes})
      expect(r).toMatchObject({equal: false, sessions, differingChunks: 1, differing: [[String(id)]], missing: [], extra: []})
      expect(r.chunks).toBeGreaterThan(1)
    }
  })

  it('names one changed row in each of several key ranges, the first and last keys, a row only on the target beyond the source\'s last key', async () => {
    await source.exec(typesTableSql('a', 'ranged') + typesRowsSql('a', 'ranged', 20_000) + 'ANALYZE a.ranged')
    await target.exec(typesTableSql('b', 'ranged'))
    const t = {source: {schema: 'a', name: 'ranged'}, target: {schema: 'b', name: 'ranged'}, key: ['id'], columns: TYPES_COLUMNS}
    await backfillTable(source, target, t, store(), {batchSize: 20_000, maxBatchSize: 20_000, batchTargetMs: 500})
    const [a, b] = [t.source, t.target]
    expect(await compareTables(source, target, a, b, ['id'], TYPES_COLUMNS, {chunkSize: 1000})).toMatchObject({equal: true, chunks: 1, sourceRows: 20_000, targetRows: 20_000})
    await target.exec(`update b.ranged set note = 'x' where id = 9001`)
    const one = await compareTables(source, target, a, b, ['id'], TYPES_COLUMNS, {chunkSize: 1000})
    expect(one).toMatchObject({equal: false, differing: [['9001']], missing: [], extra: [], differingChunks: 1, sourceRows: 20_000, targetRows: 20_000})
    // First key, last key, one in each of three other ranges, and one beyond the source's largest key.
    await target.exec(`update b.ranged set note = 'x' where id in (1, 4000, 14000, 20000);
      insert into b.ranged (id, note) overriding system value values (2000000000, 'beyond')`)
    const many = await compareTables(source, target, a, b, ['id'], TYPES_COLUMNS, {chunkSize: 1000})
    expect(many).toMatchObject({differing: [['1'], ['4000'], ['9001'], ['14000'], ['20000']], extra: [['2000000000']], missing: [], sourceRows: 20_000, targetRows: 20_001})
    // The same with the default chunking: same keys.
    for (const options of [{}]) {
      const r = await compareTables(source, target, a, b, ['id'], TYPES_COLUMNS, options)
      expect([r.differing, r.extra, r.missing]).toEqual([many.differing, many.extra, many.missing])
    }
  })

  it('names changed rows of a composite key, and of a text key in a non-C collation (en-x-icu) at its first, last and middle keys', async () => {
    await target.exec(`update b.stock set qty = -1 where (tenant, code) in ((1, 'c-0001'), (15, 'c-0350'), (30, 'c-0700'))`)
    const stock = await compareTables(source, target, A, B, KEY, COLS, {chunkSize: 1000})
    expect(stock).toMatchObject({differing: [['1', 'c-0001'], ['2', 'c-0001'], ['15', 'c-0350'], ['30', 'c-0700']], missing: [['29', 'c-0699']], extra: []})
    // Text keys whose order in en-x-icu is not their byte order ('b' < 'B' < 'c' there; 'B' < 'b' in C).
    const ddl = (s: string) => `CREATE TABLE ${s}.words (w text COLLATE "en-x-icu" PRIMARY KEY, n int);`
    const rows = `INSERT INTO a.words SELECT w, i FROM (SELECT i, CASE i % 4 WHEN 0 THEN 'w' WHEN 1 THEN 'W' WHEN 2 THEN 'é' ELSE 'E' END || chr(97 + i % 26) || i AS w FROM generate_series(1, 8000) i) x; ANALYZE a.words;`
    await source.exec(ddl('a') + rows)
    await target.exec(ddl('b'))
    const words = {source: {schema: 'a', name: 'words'}, target: {schema: 'b', name: 'words'}, key: ['w'], columns: ['w', 'n']}
    await backfillTable(source, target, words, store(), {batchSize: 20_000, maxBatchSize: 20_000, batchTargetMs: 500})
    const [wa, wb] = [words.source, words.target]
    const equal = await compareTables(source, target, wa, wb, ['w'], ['w', 'n'], {chunkSize: 500})
    expect(equal).toMatchObject({equal: true, chunks: 1, sourceRows: 8000, targetRows: 8000})
    const keys = (await source.query<{w: string}>(`select w from a.words order by w collate "C" offset 0`)).map((r) => r.w)
    const changed = [keys[0]!, keys[2500]!, keys[5000]!, keys[7999]!]
    await target.exec(`update b.words set n = -n where w in (${changed.map((k) => `'${k}'`).join(', ')}); insert into b.words values ('zzz-beyond', 0), ('Ω', 0)`)
    const r = await compareTables(source, target, wa, wb, ['w'], ['w', 'n'], {chunkSize: 500, maxKeys: 100})
    const sorted = (x: unknown[][]) => x.map((k) => String(k[0])).sort()
    expect(sorted(r.differing)).toEqual([...changed].sort())
    expect(sorted(r.extra)).toEqual(['zzz-beyond', 'Ω'].sort())
    expect(r.missing).toEqual([])
  })
})
