/**
 * The binlog outbox on MySQL/MariaDB (the default, `--outbox wal`): no trigger and no outbox
 * table on the write path, a check that the server's binary log can feed a change reader, the
 * published tables recorded in the meta database, and Debezium's MySQL/MariaDB connector
 * configuration per context.
 *
 * - Plan generation (pure): the step, the connector configuration and events.md.
 * - The shared server (CARVE_TEST_MYSQL_URL) when its binary log is off: up.sql refuses, saying
 *   what to set, and leaves nothing behind; verify.sql fails the same way; the plan carries a note.
 * - A private MariaDB started with the binary log on (test/support/mariadb-server.ts): up → verify →
 *   down leaves everything as before; applied, a write adds no row anywhere but the binary log;
 *   verify fails when a table is no longer recorded; `carve assess` sees level 4's outbox.
 */
import {randomBytes} from 'node:crypto'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {BoundariesFile} from '../src/boundaries/file.js'
import type {Connection} from '../src/db/connection.js'
import {openMysql} from '../src/db/mysql.js'
import {inspect} from '../src/introspect/index.js'
import {planDialect} from '../src/plan/dialects/index.js'
import {type PlanInput, resolvePlanInput} from '../src/plan/context.js'
import {planDrafts} from '../src/plan/build.js'
import {apiStubFiles} from '../src/plan/stubs/index.js'
import {eventDeliveryFields} from '../src/plan/stubs/event-delivery.js'
import {gatherAssessmentFacts} from '../src/assess/assess-facts.js'
import {assess} from '../src/assess/assess.js'
import type {StepDraft} from '../src/steps/draft.js'
import {runSplit, snap} from './support/mysql-snapshot.js'
import {mariadbUnavailableReason, startMariadb, type PrivateMariadb} from './support/mariadb-server.js'
import {MYSQL_URL, siblingDatabaseUrl} from './support/servers.js'

const SCHEMA = `
  CREATE TABLE customer (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(100) NOT NULL);
  CREATE TABLE \`order\` (id BIGINT AUTO_INCREMENT PRIMARY KEY, customer_id INT NOT NULL, total DECIMAL(10,2) NOT NULL);
  CREATE TABLE payment (id INT AUTO_INCREMENT PRIMARY KEY, order_id BIGINT NOT NULL, amount DECIMAL(10,2) NOT NULL);
  INSERT INTO customer (name) VALUES ('Ada'), ('Bob');
  INSERT INTO \`order\` (customer_id, total) VALUES (1, 10.5), (2, 99);
  INSERT INTO payment (order_id, amount) VALUES (1, 10.5);
`

interface Lane {
  tag: string
  prefix: string
  sales: string
  money: string
  meta: string
  app: string
  databases: () => string[]
}

function lane(app: string): Lane {
  const tag = randomBytes(3).toString('hex')
  const meta = `carvemeta_${tag}`
  return {tag, prefix: `bl${tag}_`, sales: `sales-${tag}`, money: `money-${tag}`, meta, app, databases: () => [app, `sales_${tag}`, `money_${tag}`, meta]}
}

function boundaries(l: Lane): BoundariesFile {
  return {
    version: 1,
    contexts: [
      {name: l.sales, owner: 'sales-service', description: '', tables: ['customer', 'order']},
      {name: l.money, owner: 'money-service', description: '', tables: ['payment']},
    ],
    pins: {},
    classifications: {},
    exceptions: [],
  }
}

async function planFor(conn: Connection, l: Lane, outboxDelivery?: 'wal' | 'trigger'): Promise<{input: PlanInput; drafts: StepDraft[]}> {
  const input = resolvePlanInput(await inspect(conn), boundaries(l), null, {name: `binlog-${l.tag}`, conventions: {rolePrefix: l.prefix, metaSchema: l.meta, ...(outboxDelivery ? {outboxDelivery} : {})}})
  return {input, drafts: planDrafts(input, {targetLevel: 4}).drafts}
}

async function cleanup(admin: Connection, l: Lane, roles: string[]): Promise<void> {
  await admin.exec('SET SESSION foreign_key_checks = 0').catch(() => {})
  for (const db of l.databases()) await admin.exec(`DROP DATABASE IF EXISTS \`${db}\``).catch(() => {})
  for (const r of roles) await admin.exec(`DROP ROLE IF EXISTS \`${r}\``).catch(() => {})
}

describe.runIf(MYSQL_URL)('binlog outbox on the shared server', () => {
  let admin: Connection
  let conn: Connection
  let l: Lane
  let input: PlanInput
  let drafts: StepDraft[] = []
  let logBin = true

  beforeAll(async () => {
    admin = await openMysql(MYSQL_URL!)
    const db = siblingDatabaseUrl(MYSQL_URL!, 'blo')
    l = lane(db.name)
    await admin.exec(`CREATE DATABASE \`${l.app}\``)
    conn = await openMysql(db.url)
    await conn.exec(SCHEMA)
    ;({input, drafts} = await planFor(conn, l))
    logBin = Number((await conn.query<{b: number}>('SELECT @@GLOBAL.log_bin AS b'))[0]!.b) === 1
  }, 120_000)

  afterAll(async () => {
    if (admin) {
      await cleanup(admin, l, input?.services.map((s) => s.role) ?? [])
      await admin.close()
    }
    await conn?.close()
  })

  it('plans the binlog outbox by default: no trigger, no outbox table, no lock; the connector configuration per context', () => {
    const outboxes = drafts.filter((d) => d.kind === 'outbox')
    expect(outboxes.map((d) => d.key)).toEqual([`outbox-${l.sales}`, `outbox-${l.money}`])
    for (const d of outboxes) {
      expect(d.up).not.toMatch(/TRIGGER|CREATE TABLE IF NOT EXISTS `sales_|JSON_OBJECT/)
      expect(d.locks).toEqual([])
      expect(d.readme).toContain('binary log')
    }
    const files = apiStubFiles(input)
    const flavor = input.catalog.database.flavor
    const file = `contexts/${l.sales}/api/debezium-${flavor === 'mariadb' ? 'mariadb' : 'mysql'}.json`
    const config = JSON.parse(files.get(file)!).config as Record<string, string>
    expect(config['connector.class']).toBe(flavor === 'mariadb' ? 'io.debezium.connector.mariadb.MariaDbConnector' : 'io.debezium.connector.mysql.MySqlConnector')
    expect(config['database.include.list']).toBe(`sales_${l.tag}`)
    expect(config['table.include.list']!.split(',').sort()).toEqual([`sales_${l.tag}\\.customer`, `sales_${l.tag}\\.order`])
    expect(config['snapshot.mode']).toBe('no_data')
    expect(config['schema.history.internal.kafka.topic']).toMatch(/schema-history$/)
    expect(Number(config['database.server.id'])).toBeGreaterThan(1)
    expect(config['transforms.route.replacement']).toBe(`${l.sales}.$1`)
    // No credentials in the plan: everything secret comes from the worker's properties file.
    expect(config['database.password']).toMatch(/^\$\{file:/)
    expect(eventDeliveryFields(input.contexts[0]!, input).readers).toContain(`api/debezium-${flavor === 'mariadb' ? 'mariadb' : 'mysql'}.json`)
  })

  it('--outbox trigger keeps the triggers, and the connector then reads the outbox table through the outbox event router', async () => {
    const t = await planFor(conn, l, 'trigger')
    expect(t.drafts.find((d) => d.key === `outbox-${l.sales}`)!.up).toMatch(/CREATE TRIGGER IF NOT EXISTS/)
    const files = apiStubFiles(t.input)
    const [name] = [...files.keys()].filter((k) => k.startsWith(`contexts/${l.sales}/api/debezium-`))
    const config = JSON.parse(files.get(name!)!).config as Record<string, string>
    expect(config['transforms.outbox.type']).toBe('io.debezium.transforms.outbox.EventRouter')
    expect(config['table.include.list']).toBe(`sales_${l.tag}\\.outbox`)
  })

  it('without a usable binary log: the plan says so, up.sql refuses saying what to set and leaves nothing, verify.sql fails', async (testCtx) => {
    if (logBin) {
      testCtx.skip()
      return
    }
    const facts = await planDialect('mysql').readServer(conn, {contexts: [l.sales], outbox: 'wal', split: null})
    expect(facts.notes.join('\n')).toMatch(/log_bin is OFF.*--outbox trigger/)
    for (const d of drafts.filter((x) => x.level.to < 4)) await runSplit(conn, d.up)
    const step = drafts.find((d) => d.key === `outbox-${l.sales}`)!
    const before = await snap(conn, l.databases(), l.prefix)
    await expect(runSplit(conn, step.up)).rejects.toThrow(/carve: context .*log_bin=OFF.*set log_bin, binlog_format=ROW, binlog_row_image=FULL.*--outbox trigger/)
    expect((await snap(conn, l.databases(), l.prefix)).structure).toBe(before.structure)
    await expect(runSplit(conn, step.verify)).rejects.toThrow(/carve verify: context .*log_bin=OFF/)
    // Tables recorded as published (a server whose binlog was turned off later): assess says the evidence is not enough, and why.
    await conn.exec(`CREATE TABLE \`${l.meta}\`.publications (publication varchar(64) NOT NULL, table_schema varchar(64) NOT NULL, table_name varchar(64) NOT NULL, plan varchar(200) NOT NULL, PRIMARY KEY (publication, table_schema, table_name))`)
    const publication = `carve_events_${l.sales.replace(/-/g, '_')}`
    await conn.query(`INSERT INTO \`${l.meta}\`.publications VALUES (?, ?, 'customer', 'x'), (?, ?, 'order', 'x')`, [publication, `sales_${l.tag}`, publication, `sales_${l.tag}`])
    const assessed = await gatherAssessmentFacts(conn, {boundaries: boundaries(l), conventions: input.conventions})
    const check = assess(assessed, boundaries(l), null, {today: '2026-06-01', conventions: input.conventions}).contexts.find((c) => c.name === l.sales)!.checks.find((c) => c.level === 4 && c.id === 'outbox')!
    expect(check.ok).toBe(false)
    expect(check.message).toMatch(/publishes all 2 owned tables, but the binary log cannot feed a change reader: log_bin is OFF/)
    await conn.exec(`DROP TABLE \`${l.meta}\`.publications`)
    for (const d of drafts.filter((x) => x.level.to < 4).reverse()) await runSplit(conn, d.down)
  })
})

const noMariadb = mariadbUnavailableReason()

describe.skipIf(noMariadb !== null)('binlog outbox on a private MariaDB with the binary log on', () => {
  let server: PrivateMariadb
  let admin: Connection
  let conn: Connection
  let l: Lane
  let input: PlanInput
  let drafts: StepDraft[] = []

  beforeAll(async () => {
    server = await startMariadb({binlog: true})
    admin = await openMysql(server.url('mysql'))
    l = lane(`app_${randomBytes(3).toString('hex')}`)
    await admin.exec(`CREATE DATABASE \`${l.app}\``)
    conn = await openMysql(server.url(l.app))
    await conn.exec(SCHEMA)
    ;({input, drafts} = await planFor(conn, l))
  }, 180_000)

  afterAll(async () => {
    await conn?.close()
    await admin?.close()
    await server?.stop()
  })

  it('the plan has no binlog note; up → verify → down leaves everything as before; applied, a write adds nothing but binary log events', async () => {
    expect((await planDialect('mysql').readServer(conn, {contexts: [l.sales], outbox: 'wal', split: null})).notes).toEqual([])
    for (const d of drafts.filter((x) => x.level.to < 4)) await runSplit(conn, d.up)
    const outboxes = drafts.filter((d) => d.kind === 'outbox')
    for (const d of outboxes) {
      const before = await snap(conn, l.databases(), l.prefix, {autoIncrement: true})
      await runSplit(conn, d.up)
      await runSplit(conn, d.verify)
      await runSplit(conn, d.down)
      const after = await snap(conn, l.databases(), l.prefix, {autoIncrement: true})
      expect(after.structure, `${d.key}: structure after down`).toBe(before.structure)
      expect(after.data, `${d.key}: rows after down`).toEqual(before.data)
    }
    for (const d of outboxes) await runSplit(conn, d.up)
    const tablesBefore = (await snap(conn, l.databases(), l.prefix)).structure
    const {File: file, Position: position} = (await conn.query<{File: string; Position: number}>('SHOW MASTER STATUS'))[0]!
    await conn.exec(`INSERT INTO \`${l.app}\`.customer (name) VALUES ('Carla')`)
    // No trigger, no table: the structure is what it was, and the change is in the binary log as a row event.
    expect((await snap(conn, l.databases(), l.prefix)).structure).toBe(tablesBefore)
    const events = await conn.query<{Event_type: string}>(`SHOW BINLOG EVENTS IN '${file}' FROM ${Number(position)}`)
    expect(events.map((e) => e.Event_type)).toContain('Write_rows_v1')
    // The assessment sees level 4's outbox through the recorded publication and the binlog settings.
    const outboxCheck = async () => {
      const facts = await gatherAssessmentFacts(conn, {boundaries: boundaries(l), conventions: input.conventions})
      const a = assess(facts, boundaries(l), null, {today: '2026-06-01', conventions: input.conventions})
      return a.contexts.find((c) => c.name === l.sales)!.checks.find((c) => c.level === 4 && c.id === 'outbox')!
    }
    const applied = await outboxCheck()
    expect(applied.ok, applied.message).toBe(true)
    expect(applied.message).toMatch(/publishes all 2 owned tables \(events from the binary log\)/)
    // Without the recorded publication the evidence is gone.
    await runSplit(conn, drafts.find((d) => d.key === `outbox-${l.sales}`)!.down)
    expect((await outboxCheck()).ok).toBe(false)
    await runSplit(conn, drafts.find((d) => d.key === `outbox-${l.sales}`)!.up)
  })

  it('verify.sql fails when a published table is no longer recorded; the whole plan rolls back to the start', async () => {
    const step = drafts.find((d) => d.key === `outbox-${l.money}`)!
    await conn.exec(`DELETE FROM \`${l.meta}\`.publications WHERE table_name = 'payment'`)
    await expect(runSplit(conn, step.verify)).rejects.toThrow(/carve verify: .*does not publish .*payment/)
    for (const d of [...drafts].reverse()) await runSplit(conn, d.down)
    const left = await conn.query<{n: number}>(`SELECT COUNT(*) AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA IN (?)`, [[`sales_${l.tag}`, `money_${l.tag}`, l.meta]])
    expect(Number(left[0]!.n)).toBe(0)
  })
})
