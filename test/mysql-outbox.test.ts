/**
 * Level 4 on a real MariaDB: the outbox (three AFTER triggers per table writing JSON_OBJECT
 * payloads into a table in the context's database) and the read models (tables built with
 * CREATE TABLE … AS SELECT, refreshed by refresh.sql). Each step's up → verify → down leaves
 * structure, privileges and rows exactly as before (information_schema + CHECKSUM TABLE);
 * applied, a write through the old names emits its event, refresh.sql brings the copies up to
 * date, verify.sql fails when the effect is gone, and the whole plan rolls back to the start.
 */
import {randomBytes} from 'node:crypto'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {BoundariesFile} from '../src/boundaries/file.js'
import type {Connection} from '../src/db/connection.js'
import {openTarget} from '../src/db/open.js'
import {parseTarget} from '../src/db/target.js'
import {inspect} from '../src/introspect/index.js'
import {resolvePlanInput} from '../src/plan/context.js'
import {planDrafts} from '../src/plan/build.js'
import type {StepDraft} from '../src/steps/draft.js'
import type {Workload} from '../src/workload/model.js'
import {runSplit, snap} from './support/mysql-snapshot.js'
import {announceSkip, MYSQL_URL, siblingDatabaseUrl} from './support/servers.js'

const HOSTILE = "Line`s'; DROP TABLE x; €"
const hostile = `\`${HOSTILE.replace(/`/g, '``')}\``
/** The driver may hand a JSON column over parsed or as text. */
const json = (payload: unknown) => (typeof payload === 'string' ? JSON.parse(payload) : payload)

describe.runIf(MYSQL_URL)('MySQL/MariaDB outbox and read models', () => {
  const tag = randomBytes(3).toString('hex')
  const prefix = `h7${tag}_`
  const sales = `sales-${tag}`
  const money = `money-${tag}`
  const batch = `batch-${tag}`
  const reporting = `reporting-${tag}`
  const [salesDb, moneyDb, batchDb, reportingDb, meta] = [`sales_${tag}`, `money_${tag}`, `batch_${tag}`, `reporting_${tag}`, `carvemeta_${tag}`]
  let admin: Connection
  let conn: Connection
  let app = ''
  let drafts: StepDraft[] = []
  let notes: string[] = []
  let roles: string[] = []
  const databases = () => [app, salesDb, moneyDb, batchDb, reportingDb, meta]
  const snapshot = (autoIncrement = false) => snap(conn, databases(), prefix, {autoIncrement})
  const step = (key: string) => drafts.find((d) => d.key === key)!
  const rows = async <T>(sql: string, params?: unknown[]) => conn.query<T>(sql, params)
  const one = async <T>(sql: string, params?: unknown[]) => (await conn.query<T>(sql, params))[0]!

  beforeAll(async () => {
    const {openMysql} = await import('../src/db/mysql.js')
    admin = await openMysql(MYSQL_URL!)
    const db = siblingDatabaseUrl(MYSQL_URL!, 'mob')
    app = db.name
    await admin.exec(`CREATE DATABASE \`${app}\``)
    conn = await openTarget(parseTarget(db.url))
    await conn.exec(`
      CREATE TABLE customer (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(100) NOT NULL, email VARCHAR(200) NULL);
      CREATE TABLE \`order\` (id BIGINT AUTO_INCREMENT PRIMARY KEY, customer_id INT NOT NULL, total DECIMAL(10,2) NOT NULL,
        CONSTRAINT fk_order_customer FOREIGN KEY (customer_id) REFERENCES customer (id));
      CREATE TRIGGER order_total_floor BEFORE INSERT ON \`order\` FOR EACH ROW BEGIN IF NEW.total < 0 THEN SET NEW.total = 0; END IF; END;
      CREATE TABLE ${hostile} (id INT AUTO_INCREMENT PRIMARY KEY, order_id BIGINT NOT NULL, \`qty; "n"\` INT NOT NULL);
      CREATE TABLE payment (id INT AUTO_INCREMENT PRIMARY KEY, order_id BIGINT NOT NULL, amount DECIMAL(10,2) NOT NULL);
      CREATE TABLE payment_log (id INT AUTO_INCREMENT PRIMARY KEY, payment_id INT NOT NULL);
      CREATE TRIGGER payment_logged AFTER INSERT ON payment FOR EACH ROW INSERT INTO payment_log (payment_id) VALUES (NEW.id);
      CREATE VIEW order_payments AS SELECT o.id AS order_id, o.total, p.amount FROM \`order\` o JOIN payment p ON p.order_id = o.id;
      INSERT INTO customer (name, email) VALUES ('Ada', 'ada@example.com'), ('Bob', NULL), ('Čapek', 'k@example.cz');
      INSERT INTO \`order\` (customer_id, total) VALUES (1, 10.5), (2, 99), (3, 7);
      INSERT INTO ${hostile} (order_id, \`qty; "n"\`) VALUES (1, 2), (3, 5);
      INSERT INTO payment (order_id, amount) VALUES (1, 10.5), (2, 99);
    `)
    const boundaries: BoundariesFile = {
      version: 1,
      contexts: [
        {name: sales, owner: 'sales-service', description: '', tables: ['customer', 'order', HOSTILE]},
        {name: money, owner: 'money-service', description: '', tables: ['payment', 'payment_log']},
      ],
      pins: {},
      classifications: {},
      exceptions: [],
    }
    // Who reads what (the workload's table access): money's owner reads customers, a batch job
    // without a context reads orders and lines.
    const access = [
      {service: 'money-service', table: 'customer', read: 5, write: 0, lock: 0, ddl: 0},
      {service: batch, table: 'order', read: 3, write: 0, lock: 0, ddl: 0},
      {service: batch, table: HOSTILE, read: 2, write: 0, lock: 0, ddl: 0},
    ]
    const workload = {access, joins: []} as unknown as Workload
    const input = resolvePlanInput(await inspect(conn), boundaries, workload, {name: 'outbox-test', conventions: {rolePrefix: prefix, metaSchema: meta, reportingService: reporting, outboxDelivery: 'trigger'}})
    ;({drafts, notes} = planDrafts(input, {targetLevel: 4}))
    roles = input.services.map((s) => s.role)
  }, 120_000)

  afterAll(async () => {
    if (admin) {
      await admin.exec('SET SESSION foreign_key_checks = 0').catch(() => {})
      for (const db of databases()) if (db) await admin.exec(`DROP DATABASE IF EXISTS \`${db}\``).catch(() => {})
      for (const r of roles) await admin.exec(`DROP ROLE IF EXISTS \`${r}\``).catch(() => {})
      await admin.close()
    }
    await conn?.close()
  })

  it('plans an outbox per moved context, read models for the readers and a projection of the view joining both contexts', () => {
    const level4 = drafts.filter((d) => d.level.to === 4)
    expect(level4.map((d) => `${d.key} [${d.dependsOn.join(',')}]`)).toEqual([
      `outbox-${sales} [grants-${sales}]`,
      `outbox-${money} [grants-${money}]`,
      `read-models-${money} [outbox-${money},move-to-schema-${sales}]`,
      `read-models-reporting [move-to-schema-${sales},move-to-schema-${money},service-roles]`,
    ])
    // Every context moved: no note about outboxes or read models (--outbox trigger, as asked).
    expect(notes.filter((n) => /outbox|read model/.test(n))).toEqual([])
    expect(step(`read-models-${money}`).extraFiles!['refresh.sql']).toContain(`REPLACE INTO \`${moneyDb}\`.\`rm_${sales.replace('-', '_')}_customer\``)
  })

  it('each level-4 step: up → verify → down leaves everything as before; applied, writes emit events and refresh.sql updates the copies; all rolled back, the database is as it was', async () => {
    const start = await snapshot()
    const level4 = drafts.filter((d) => d.level.to === 4)
    for (const d of drafts.filter((x) => x.level.to < 4)) await conn.exec(d.up)
    for (const d of level4) {
      const before = await snapshot(true)
      // As the executor sends them: one statement at a time.
      await runSplit(conn, d.up)
      await runSplit(conn, d.verify)
      await runSplit(conn, d.down)
      const after = await snapshot(true)
      expect(after.structure, `${d.key}: structure after down`).toBe(before.structure)
      expect(after.data, `${d.key}: rows after down`).toEqual(before.data)
      await conn.exec(d.up)
      await conn.exec(d.up) // idempotent
      await conn.exec(d.verify)
    }

    // Events, written through the old names (the compatibility views) by the triggers.
    const events = async (db: string) =>
      rows<{aggregate_type: string; aggregate_id: string; event_type: string; payload: unknown}>(`SELECT aggregate_type, aggregate_id, event_type, payload FROM \`${db}\`.outbox ORDER BY id`)
    expect(await events(salesDb)).toEqual([])
    await conn.query("INSERT INTO customer (name) VALUES ('Dora')")
    const {id: dora} = await one<{id: number}>('SELECT LAST_INSERT_ID() AS id')
    await conn.query("UPDATE customer SET email = 'd@example.com' WHERE id = ?", [dora])
    await conn.query(`INSERT INTO \`order\` (customer_id, total) VALUES (?, -5)`, [dora])
    const {id: order} = await one<{id: number}>('SELECT LAST_INSERT_ID() AS id')
    await conn.query(`INSERT INTO ${hostile} (order_id, \`qty; "n"\`) VALUES (?, 4)`, [order])
    await conn.query('INSERT INTO payment (order_id, amount) VALUES (?, 12.5)', [order])
    const sold = await events(salesDb)
    expect(sold.map((e) => `${e.event_type} ${e.aggregate_id}`)).toEqual([`customer.created ${dora}`, `customer.updated ${dora}`, `order.created ${order}`, `${HOSTILE}.created ${sold[3]!.aggregate_id}`])
    expect(json(sold[1]!.payload)).toEqual({id: dora, name: 'Dora', email: 'd@example.com'})
    expect(json(sold[2]!.payload)).toMatchObject({id: order, total: 0}) // the table's own BEFORE trigger ran first
    expect(json(sold[3]!.payload)).toMatchObject({order_id: order, 'qty; "n"': 4})
    const paid = await events(moneyDb)
    // The table's own trigger (payment_logged, created first) still fires first; its insert is an event too.
    expect(paid.map((e) => e.event_type)).toEqual(['payment_log.created', 'payment.created'])
    await conn.query(`DELETE FROM ${hostile} WHERE order_id = ?`, [order])
    const last = (await events(salesDb)).at(-1)!
    expect(last.event_type).toBe(`${HOSTILE}.deleted`)
    expect(json(last.payload)).toMatchObject({order_id: order})

    // Read models: copies as of the apply; refresh.sql (sent one statement at a time) brings them up to date.
    const rmCustomer = `\`${moneyDb}\`.\`rm_${sales.replace('-', '_')}_customer\``
    const copy = async () => rows<{id: number; name: string; email: string | null}>(`SELECT id, name, email FROM ${rmCustomer} ORDER BY id`)
    const source = async () => rows<{id: number; name: string; email: string | null}>(`SELECT id, name, email FROM \`${salesDb}\`.customer ORDER BY id`)
    expect((await copy()).map((r) => r.name)).toEqual(['Ada', 'Bob', 'Čapek'])
    await conn.query("UPDATE customer SET name = 'Ada L.' WHERE id = 1")
    await conn.query('UPDATE `order` SET customer_id = 1 WHERE customer_id = 2')
    await conn.query('DELETE FROM customer WHERE id = 2')
    for (const key of [`read-models-${money}`, 'read-models-reporting']) await runSplit(conn, step(key).extraFiles!['refresh.sql']!)
    expect(await copy()).toEqual(await source())
    expect((await copy()).map((r) => r.name)).toEqual(['Ada L.', 'Čapek', 'Dora'])
    const projection = await rows<{order_id: number; amount: string}>(`SELECT order_id, amount FROM \`${reportingDb}\`.rm_order_payments ORDER BY order_id, amount`)
    expect(projection).toEqual(await rows(`SELECT order_id, amount FROM \`${app}\`.order_payments ORDER BY order_id, amount`))
    expect(projection.length).toBe(3)
    // The batch job's copies: its orders and lines (a read model's name is made safe: [a-z0-9_] and a hash).
    const batchCopies = await rows<{name: string; n: number}>(`SELECT TABLE_NAME AS name, TABLE_ROWS AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? ORDER BY 1`, [batchDb])
    expect(batchCopies.map((t) => t.name.replace(/_[0-9a-f]{6}$/, '_<hash>'))).toEqual([`rm_sales_${tag}_line_s_drop_table_x_<hash>`, `rm_sales_${tag}_order`])
    const {n: lines} = await one<{n: number}>(`SELECT COUNT(*) AS n FROM \`${batchDb}\`.\`${batchCopies[0]!.name}\``)
    expect(lines).toBe(2)
    // The readers' roles may read their copies.
    const grants = await rows<{grantee: string; db: string}>(`SELECT GRANTEE AS grantee, TABLE_SCHEMA AS db FROM information_schema.TABLE_PRIVILEGES WHERE TABLE_SCHEMA IN (?) AND TABLE_NAME LIKE 'rm\\_%' AND PRIVILEGE_TYPE = 'SELECT' ORDER BY 2, 1`, [[moneyDb, batchDb, reportingDb]])
    expect(new Set(grants.map((g) => `${g.db} ${g.grantee}`))).toEqual(
      new Set([`${batchDb} '${prefix}batch_${tag}'@''`, `${moneyDb} '${prefix}money_service'@''`, `${reportingDb} '${prefix}reporting_${tag}'@''`]),
    )

    // verify.sql fails when the effect is gone.
    const outbox = step(`outbox-${sales}`)
    const {name: trigger} = await one<{name: string}>(`SELECT TRIGGER_NAME AS name FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ? AND TRIGGER_NAME LIKE 'carve\\_outbox\\_%\\_upd' ORDER BY 1 LIMIT 1`, [salesDb])
    await conn.exec(`DROP TRIGGER \`${salesDb}\`.\`${trigger}\``)
    await expect(conn.exec(outbox.verify)).rejects.toThrow(new RegExp(`carve verify: sales_\\w+\\..+ has no outbox trigger ${trigger}`))
    await conn.exec(outbox.up)
    await conn.exec(outbox.verify)
    await conn.exec(`DELETE FROM ${rmCustomer}`)
    await expect(conn.exec(step(`read-models-${money}`).verify)).rejects.toThrow(/carve verify: the read model money_\w+\.rm_sales_\w+_customer is empty while sales-\w+\.customer has rows/)
    await runSplit(conn, step(`read-models-${money}`).extraFiles!['refresh.sql']!)
    await conn.exec(step(`read-models-${money}`).verify)

    // A table the plan did not create is never adopted, and never dropped by down.sql.
    await conn.exec(step(`read-models-${money}`).down)
    await conn.exec(`CREATE TABLE ${rmCustomer} (id INT PRIMARY KEY)`)
    await expect(conn.exec(step(`read-models-${money}`).up)).rejects.toThrow(/carve: money_\w+\.rm_sales_\w+_customer exists and was not created by this plan/)
    await conn.exec(step(`read-models-${money}`).down)
    expect(await rows(`SELECT 1 AS x FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?`, [moneyDb, `rm_${sales.replace('-', '_')}_customer`])).toEqual([{x: 1}])
    await conn.exec(`DROP TABLE ${rmCustomer}`)

    // Everything rolled back, in reverse: the database is what it was, but for the rows written above.
    for (const d of [...drafts].reverse()) await conn.exec(d.down)
    const end = await snapshot()
    expect(end.structure.replace(/"estimatedRows":[^,]*,/g, '')).toBe(start.structure.replace(/"estimatedRows":[^,]*,/g, ''))
    expect(JSON.parse(end.structure).present).toEqual([app])
  }, 300_000)
})
if (!MYSQL_URL) announceSkip('MariaDB/MySQL')
