/**
 * Change capture's queue layout: keys in columns of the key's own types (any key column names),
 * no order kept, TRUNCATE markers apart — and the upgrade from the layout an earlier Carve
 * installed (id bigserial, "table", op, key jsonb): its entries are converted and applied, never
 * dropped, whether capture is installed again or the drain meets the old queue first. On PGlite
 * always (one database); across databases when CARVE_TEST_PG_URL is set.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {Connection} from '../src/db/connection.js'
import {openPglite} from '../src/db/pglite.js'
import {openPostgres} from '../src/db/postgres.js'
import {backfillTable, type BackfillCheckpoint, type CopyTable} from '../src/execute/backfill.js'
import {applyChanges, captureNames, installCapture, pendingChanges, pendingKeys, removeCapture} from '../src/execute/change-capture.js'
import {keyTypeDrift} from '../src/execute/capture-key-types.js'
import {sqlstateOf} from '../src/util/sqlstate.js'
import {diffDumps, dumpRows} from './support/copy-fixture.js'
import {announceSkip, createPgDatabase, PG_URL} from './support/servers.js'

const OPTIONS = {batchSize: 7, maxBatchSize: 7, batchTargetMs: 1000}
// Key columns named like the queue's own columns and the trigger's variables, and worse.
const KEY = ['k0', 'Old.Key"s']
const COLUMNS = [...KEY, 'v']
const q = (name: string) => `"${name.replace(/"/g, '""')}"`
const TABLE_SQL = (schema: string) => `CREATE SCHEMA IF NOT EXISTS ${q(schema)};
CREATE TABLE ${q(schema)}.t (${q(KEY[0]!)} text NOT NULL, ${q(KEY[1]!)} numeric NOT NULL, v int, PRIMARY KEY (${KEY.map(q).join(', ')}));`

/** What an earlier Carve installed: a jsonb queue with an id, and a WHEN-guarded trigger for key changes. */
function earlierCapture(source: {schema: string; name: string}): string {
  const n = captureNames(source)
  const src = `${q(source.schema)}.${q(source.name)}`
  const queue = `carve.${q(n.queue)}`
  const key = (rec: string) => `jsonb_build_array(${KEY.map((k) => `${rec}.${q(k)}`).join(', ')})`
  const fn = (name: string, op: string, k: string) =>
    `CREATE FUNCTION carve.${q(name)}() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS $$BEGIN INSERT INTO ${queue} ("table", op, key) VALUES ('x', ${op}, ${k}); RETURN NULL; END$$;`
  return `CREATE SCHEMA IF NOT EXISTS carve;
CREATE TABLE ${queue} (id bigserial PRIMARY KEY, "table" text NOT NULL, op text NOT NULL, key jsonb);
${fn(n.rowFunction, 'left(TG_OP, 1)', key('NEW'))}
${fn(n.oldKeyFunction, `'D'`, key('OLD'))}
${fn(n.truncateFunction, `'T'`, 'NULL')}
CREATE TRIGGER carve_capture AFTER INSERT OR UPDATE ON ${src} FOR EACH ROW EXECUTE FUNCTION carve.${q(n.rowFunction)}();
CREATE TRIGGER carve_capture_moved AFTER UPDATE ON ${src} FOR EACH ROW WHEN (ROW(${KEY.map((k) => `OLD.${q(k)}`).join(', ')}) IS DISTINCT FROM ROW(${KEY.map((k) => `NEW.${q(k)}`).join(', ')})) EXECUTE FUNCTION carve.${q(n.oldKeyFunction)}();
CREATE TRIGGER carve_capture_delete AFTER DELETE ON ${src} FOR EACH ROW EXECUTE FUNCTION carve.${q(n.oldKeyFunction)}();
CREATE TRIGGER carve_capture_truncate AFTER TRUNCATE ON ${src} FOR EACH STATEMENT EXECUTE FUNCTION carve.${q(n.truncateFunction)}();`
}

const WRITES = (schema: string, round: number) => `INSERT INTO ${q(schema)}.t VALUES ('new ${round}', 1.5, 1);
UPDATE ${q(schema)}.t SET v = v + 100 WHERE ${q(KEY[1]!)} < 4;
UPDATE ${q(schema)}.t SET ${q(KEY[0]!)} = 'moved ${round}' WHERE ${q(KEY[0]!)} = 'r5';
DELETE FROM ${q(schema)}.t WHERE ${q(KEY[0]!)} IN ('r7', 'r8');`

interface Opened {
  source: Connection
  target: Connection | null
  close(): Promise<void>
  /** Another session on the source's database (servers only: PGlite has one). */
  another?: () => Promise<Connection>
}

function scenario(open: () => Promise<Opened>, sessions = false) {
  let another: Opened['another']
  let source: Connection
  let target: Connection | null
  let close: () => Promise<void>
  const table: CopyTable = {source: {schema: 'src', name: 't'}, target: {schema: 'tgt', name: 't'}, key: KEY, columns: COLUMNS}
  const same = async () => {
    const a = await dumpRows(source, 'src', 't', KEY, COLUMNS)
    expect(diffDumps(a, await dumpRows(target ?? source, 'tgt', 't', KEY, COLUMNS))).toEqual({missing: [], extra: [], differing: [], duplicates: 0})
    return a.length
  }
  const fresh = async () => {
    await source.exec(`${removeCapture(table)} DROP SCHEMA IF EXISTS src CASCADE; ${TABLE_SQL('src')}
      INSERT INTO src.t SELECT 'r' || i, i, i FROM generate_series(1, 40) i;`)
    await (target ?? source).exec(`DROP SCHEMA IF EXISTS tgt CASCADE; ${TABLE_SQL('tgt')}`)
  }
  const backfill = async () => {
    let cp: BackfillCheckpoint | null = null
    await backfillTable(source, target, table, {load: async () => cp, save: async (c) => void (cp = c)}, OPTIONS)
  }

  beforeAll(async () => {
    ;({source, target, close, another} = await open())
  })
  afterAll(async () => {
    await source?.exec(removeCapture(table)).catch(() => {})
    await close?.()
  })

  it('queues typed keys under any column names, and applies them in batches', async () => {
    await fresh()
    await source.exec(installCapture(table))
    await backfill()
    await source.exec(WRITES('src', 1))
    // 1 insert, 4 updates (the inserted row too), a key change (new key + old key), 2 deletes.
    expect(await pendingChanges(source, table.source)).toBe(9)
    expect(await pendingKeys(source, table)).toContain(JSON.stringify(['r5', '5']))
    const r = await applyChanges(source, target, table, {batchSize: 3})
    expect(r.entries).toBe(9)
    expect(await same()).toBe(39)
    expect(await pendingChanges(source, table.source)).toBe(0)
  })

  it('converts a queue of the earlier layout when capture is installed again, entries and TRUNCATE kept', async () => {
    await fresh()
    await source.exec(earlierCapture(table.source))
    await backfill()
    await source.exec(WRITES('src', 1))
    await source.exec(`TRUNCATE src.t; INSERT INTO src.t SELECT 'r' || i, i, -i FROM generate_series(30, 45) i;`)
    await source.exec(WRITES('src', 2))
    const before = await pendingChanges(source, table.source)
    // Round 2 after the TRUNCATE finds only its own insert to update, nothing to move or delete.
    expect(before).toBe(9 + 1 + 16 + 2)
    await source.exec(installCapture(table))
    // The old queue's triggers are gone, the old entries are in the new queue.
    const names = await source.query<{tgname: string}>(`SELECT tgname FROM pg_trigger WHERE tgrelid = 'src.t'::regclass ORDER BY 1`)
    expect(names.map((n) => n.tgname)).toEqual(['carve_capture', 'carve_capture_delete', 'carve_capture_truncate', 'carve_capture_updated'])
    expect(await pendingChanges(source, table.source)).toBe(before)
    await source.exec(`UPDATE src.t SET v = 0 WHERE ${q(KEY[0]!)} = 'r31'`)
    expect((await applyChanges(source, target, table, {batchSize: 5})).entries).toBe(before + 1)
    expect(await same()).toBe(17)
  })

  it('the drain meeting a queue of the earlier layout converts it first and applies every entry', async () => {
    await fresh()
    await source.exec(earlierCapture(table.source))
    await backfill()
    await source.exec(WRITES('src', 1))
    expect(await pendingKeys(source, table)).toContain(JSON.stringify(['r5', '5']))
    expect((await applyChanges(source, target, table)).entries).toBe(9)
    expect(await same()).toBe(39)
    // Capture goes on with the new triggers.
    await source.exec(`DELETE FROM src.t WHERE ${q(KEY[0]!)} = 'r20'`)
    expect((await applyChanges(source, target, table)).entries).toBe(1)
    expect(await same()).toBe(38)
  })

  it.runIf(sessions)('converting an earlier queue waits at most lock_timeout behind a writer, retries, and keeps every entry', async () => {
    await fresh()
    await source.exec(earlierCapture(table.source))
    await backfill()
    await source.exec(WRITES('src', 1))
    // A writer's open transaction holds ROW EXCLUSIVE on the source, which the conversion's lock waits for.
    const writer = await another!()
    const bystander = await another!()
    try {
      await writer.exec(`BEGIN; UPDATE src.t SET v = -1 WHERE ${q(KEY[0]!)} = 'r1'`)
      const stuck = applyChanges(source, target, table, {lockTimeoutMs: 50, lockRetries: 1}).then(
        () => 'applied',
        (error: unknown) => sqlstateOf(error),
      )
      // Other writers are not queued behind the waiting conversion (no lock_timeout would queue
      // them behind its lock request); the statement_timeout only stops a hang from hanging the test.
      await bystander.exec(`SET statement_timeout = '20s'`)
      await bystander.exec(`INSERT INTO src.t VALUES ('bystander', 0, 0)`)
      expect(await stuck).toBe('55P03')
      await writer.exec('COMMIT')
    } finally {
      await writer.exec('ROLLBACK').catch(() => {})
      await writer.close()
      await bystander.close()
    }
    // Nothing was converted by the failed attempts; now it is, and every entry is applied.
    expect((await applyChanges(source, target, table, {lockTimeoutMs: 50, lockRetries: 1})).entries).toBe(9 + 1 + 1)
    expect(await same()).toBe(40)
  })

  it('the queue follows a key column whose type changed at the next drain, entries kept', async () => {
    await fresh()
    const alter = (schema: string, to: string) => `ALTER TABLE ${q(schema)}.t ALTER COLUMN ${q(KEY[1]!)} TYPE ${to}`
    await source.exec(alter('src', 'int'))
    await (target ?? source).exec(alter('tgt', 'int'))
    await source.exec(installCapture(table))
    await backfill()
    await source.exec(WRITES('src', 1))
    // int → bigint (ids outgrowing their type), and the text key gets a collation of its own.
    const widen = (schema: string) => `${alter(schema, 'bigint')}, ALTER COLUMN ${q(KEY[0]!)} TYPE text COLLATE "C"`
    await source.exec(widen('src'))
    await (target ?? source).exec(widen('tgt'))
    expect((await keyTypeDrift(source, table)).map((d) => d.type).sort()).toEqual(['bigint', 'text'])
    expect((await applyChanges(source, target, table)).entries).toBe(9)
    expect(await keyTypeDrift(source, table)).toEqual([])
    // A key past the old type's range: the application's write succeeds, is queued and applied.
    await source.exec(`INSERT INTO src.t VALUES ('big', 9000000000000, 1)`)
    expect((await applyChanges(source, target, table)).entries).toBe(1)
    expect(await same()).toBe(40)
  })

  it('a TRUNCATE applied after keys written since it keeps them, in whatever order the queue returns them', async () => {
    await fresh()
    await source.exec(installCapture(table))
    await backfill()
    await source.exec(`TRUNCATE src.t; INSERT INTO src.t SELECT 'r' || i, i, i FROM generate_series(100, 130) i;`)
    // Batches of 1: every batch carries the marker until one applies it; later ones keep their keys.
    expect((await applyChanges(source, target, table, {batchSize: 1})).entries).toBe(32)
    expect(await same()).toBe(31)
  })
}

describe('change-capture queue layout (PGlite, one database)', () => {
  scenario(async () => {
    const conn = await openPglite(null)
    return {source: conn, target: null, close: () => conn.close()}
  })
})

const pgDescribe = PG_URL ? describe : describe.skip
if (!PG_URL) announceSkip('PostgreSQL')
pgDescribe('change-capture queue layout (PostgreSQL, across databases)', () => {
  let drop: (() => Promise<void>)[] = []
  afterAll(async () => {
    for (const d of drop) await d()
    drop = []
  })
  scenario(async () => {
    const a = await createPgDatabase('caplayout_src')
    const b = await createPgDatabase('caplayout_tgt')
    drop.push(a.drop, b.drop)
    const source = await openPostgres(a.url)
    const target = await openPostgres(b.url)
    return {source, target, close: async () => (await source.close(), await target.close()), another: () => openPostgres(a.url)}
  }, true)
})
