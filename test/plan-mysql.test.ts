/**
 * The MySQL/MariaDB plan steps on a real MariaDB: every step's up.sql, verify.sql and down.sql
 * leave the database exactly as before (structure, privileges, rows), applied together they keep
 * the old table names working through the compatibility views, verify.sql fails loudly when a
 * step's effect is absent, and the files also run split at semicolons (as the executor sends
 * them). Generation itself (refusals, determinism, quoting) is checked on a hand-made catalog
 * everywhere.
 */
import {randomBytes} from 'node:crypto'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {BoundariesFile} from '../src/boundaries/file.js'
import type {Connection} from '../src/db/connection.js'
import {openTarget} from '../src/db/open.js'
import {parseTarget} from '../src/db/target.js'
import {inspect} from '../src/introspect/index.js'
import type {Catalog, Table} from '../src/introspect/model.js'
import {buildPlan} from '../src/plan/build.js'
import {type PlanInput, resolvePlanInput} from '../src/plan/context.js'
import {planSchema} from '../src/plan/model.js'
import {planDrafts} from '../src/plan/build.js'
import {MYSQL_NOTES} from '../src/steps/mysql-notes.js'
import {unqualifiedNames} from '../src/steps/move-to-schema/mysql.js'
import type {StepDraft} from '../src/steps/draft.js'
import {journalUnits} from '../src/execute/journal.js'
import {splitStatements} from '../src/workload/mask.js'
import {runSplit, snap} from './support/mysql-snapshot.js'
import {announceSkip, MYSQL_URL, siblingDatabaseUrl} from './support/servers.js'

const HOSTILE = "Order`Lines'; DROP TABLE x; Prix_€"

// ---------------------------------------------------------------------------------------------
// generation, on a hand-made catalog (no server)

function table(name: string, columns: string[], extra: Partial<Table> = {}): Table {
  return {
    schema: 'app',
    name,
    kind: 'table',
    comment: null,
    columns: columns.map((c, i) => ({name: c, type: 'int(11)', nullable: i > 0, default: null, identity: i === 0 ? 'auto_increment' : null, generated: null, comment: null, position: i + 1})),
    primaryKey: [columns[0]!],
    primaryKeyName: 'PRIMARY',
    uniques: [],
    checks: [],
    foreignKeys: [],
    indexes: [],
    triggers: [],
    estimatedRows: 10,
    sizeBytes: 16384,
    partitioning: null,
    partitionOf: null,
    flags: {scd2: null, tenantColumn: null, deprecated: null},
    ...extra,
  }
}

function handCatalog(flavor: 'mariadb' | 'mysql', auditTrigger: string | null): Catalog {
  const trigger = (name: string, definition: string) => ({name, timing: 'AFTER', events: ['INSERT'], level: 'row' as const, function: null, definition, enabled: true})
  return {
    format: 'carve.catalog/v1',
    database: {engine: 'mysql', flavor, serverVersion: flavor === 'mariadb' ? '10.11.19-MariaDB' : '8.0.36', serverMajor: flavor === 'mariadb' ? 10 : 8, name: 'app'},
    schemas: ['app'],
    tables: [
      table('customer', ['id', 'name'], {triggers: auditTrigger ? [trigger('customer_audit', auditTrigger)] : []}),
      table(HOSTILE, ['id', 'order_id', 'currency']),
      table('currency', ['code', 'name']),
      table('legacy_audit', ['id', 'note']),
      table('payment', ['id', 'customer_id'], {
        foreignKeys: [{name: 'fk_payment_customer', columns: ['customer_id'], refSchema: 'app', refTable: 'customer', refColumns: ['id'], onDelete: 'cascade', onUpdate: 'restrict', deferrable: false, validated: true}],
        triggers: [trigger('payment_logged', 'INSERT INTO payment_log (payment_id) VALUES (NEW.id)')],
      }),
      table('payment_log', ['id', 'payment_id']),
    ],
    views: [],
    functions: [],
    sequences: [],
    enums: [],
    inferredReferences: [],
    stats: {catalogQueries: 0, elapsedMs: 0},
  }
}

const handBoundaries: BoundariesFile = {
  version: 1,
  contexts: [
    {name: 'sales', owner: "sales 'service'", description: 'customers; and "lines"\nsecond line', tables: ['customer', HOSTILE]},
    {name: 'money', owner: 'money-service', description: '', tables: ['currency', 'payment', 'payment_log']},
  ],
  pins: {},
  classifications: {},
  exceptions: [],
}

function handInput(flavor: 'mariadb' | 'mysql', auditTrigger: string | null): PlanInput {
  return resolvePlanInput(handCatalog(flavor, auditTrigger), handBoundaries, null, {name: 'hand'})
}

describe('MySQL plan generation', () => {
  it('produces the PostgreSQL keys, kinds, levels and dependencies for the concepts MySQL has, and notes the rest', () => {
    const {drafts, notes} = planDrafts(handInput('mariadb', null), {targetLevel: 4})
    expect(drafts.map((d) => `${d.key} ${d.kind} ${d.level.from}→${d.level.to} [${d.dependsOn.join(',')}]`)).toEqual([
      'document-ownership-sales document-ownership 0→1 []',
      'document-ownership-money document-ownership 0→1 []',
      'move-to-schema-sales move-to-schema 1→2 [document-ownership-sales]',
      'move-to-schema-money move-to-schema 1→2 [document-ownership-money]',
      'service-roles service-roles 1→2 []',
      'grants-sales grants 1→2 [service-roles,move-to-schema-sales]',
      'grants-money grants 1→2 [service-roles,move-to-schema-money]',
      'replace-foreign-keys-money replace-foreign-keys 2→3 [move-to-schema-money,move-to-schema-sales]',
      'outbox-sales outbox 3→4 [grants-sales]',
      'outbox-money outbox 3→4 [replace-foreign-keys-money]',
    ])
    // Level 4: an outbox per moved context; no workload here, so no read models.
    expect(drafts.some((d) => d.kind === 'read-models')).toBe(false)
    // Events come from the binary log by default (no trigger on the write path), from triggers with --outbox trigger.
    const outboxes = drafts.filter((d) => d.kind === 'outbox')
    for (const d of outboxes) {
      expect(d.up).not.toMatch(/CREATE TRIGGER/)
      expect(d.up).toContain('@@GLOBAL.binlog_format')
      expect(d.locks).toEqual([])
    }
    const asked = handInput('mariadb', null)
    const triggered = planDrafts({...asked, conventions: {...asked.conventions, outboxDelivery: 'trigger'}}, {targetLevel: 4}).drafts.filter((d) => d.kind === 'outbox')
    expect(triggered.map((d) => d.key)).toEqual(outboxes.map((d) => d.key))
    for (const d of triggered) expect(d.up).toMatch(/CREATE TRIGGER IF NOT EXISTS .* AFTER INSERT ON/)
    expect(notes.some((n) => n.startsWith(MYSQL_NOTES.split))).toBe(true)
    expect(notes).toContain(MYSQL_NOTES.looseFks)
    expect(notes.some((n) => n.includes('legacy_audit'))).toBe(true)
    // The builder accepts the drafts (dependencies on earlier steps only) and the manifest validates.
    const plan = buildPlan(handInput('mariadb', null), {})
    expect(() => planSchema.parse(plan.manifest)).not.toThrow()
    expect(plan.manifest.engine).toBe('mysql')
    expect(planDrafts(handInput('mariadb', null), {targetLevel: 2}).drafts.map((d) => d.kind)).not.toContain('replace-foreign-keys')
  })

  it('is deterministic and quotes every name', () => {
    const a = planDrafts(handInput('mariadb', null), {targetLevel: 4})
    const b = planDrafts(handInput('mariadb', null), {targetLevel: 4})
    expect(JSON.stringify(b)).toBe(JSON.stringify(a))
    const move = a.drafts.find((d) => d.key === 'move-to-schema-sales')!
    // One RENAME swaps the placeholder out, the table into the context's database and the view (made beforehand) into the old name.
    expect(move.up).toMatch(/RENAME TABLE `sales`.`Order``Lines''; DROP TABLE x; Prix_€` TO `sales`.`carve_p_[0-9a-f]{12}`, `app`.`Order``Lines''; DROP TABLE x; Prix_€` TO `sales`.`Order``Lines''; DROP TABLE x; Prix_€`, `app`.`carve_v_[0-9a-f]{12}` TO `app`.`Order``Lines''; DROP TABLE x; Prix_€`/)
    expect(move.up).toMatch(/CREATE OR REPLACE ALGORITHM = MERGE SQL SECURITY DEFINER VIEW `app`.`carve_v_[0-9a-f]{12}` AS/)
    for (const d of a.drafts) {
      for (const text of [d.up, d.down, d.verify]) {
        expect(text).not.toMatch(/^second line/m)
        // Outside comments and quotes, the hostile name never appears bare.
        for (const st of splitStatements(text, 'mysql')) expect(st.text.replace(/^--.*$/gm, '').replace(/`(?:[^`]|``)*`|'(?:[^'\\]|''|\\.)*'/g, '')).not.toContain('DROP TABLE x')
      }
    }
  })

  it('refuses to move a context whose trigger names a table that stays behind, unless the name is qualified', () => {
    const refused = planDrafts(handInput('mariadb', 'INSERT INTO legacy_audit (note) VALUES (NEW.name)'), {targetLevel: 4})
    expect(refused.drafts.map((d) => d.key)).not.toContain('move-to-schema-sales')
    expect(refused.drafts.find((d) => d.key === 'grants-sales')!.dependsOn).toEqual(['service-roles', 'document-ownership-sales'])
    expect(refused.notes.find((n) => n.startsWith('context sales is not moved'))).toMatch(/trigger customer_audit on app\.customer names legacy_audit without a database/)
    // The FK step then depends only on the other context's move.
    expect(refused.drafts.find((d) => d.key === 'replace-foreign-keys-money')!.dependsOn).toEqual(['move-to-schema-money'])
    const qualified = planDrafts(handInput('mariadb', "INSERT INTO `app`.legacy_audit (note) VALUES (CONCAT('legacy_audit ', NEW.name)) -- legacy_audit"), {targetLevel: 4})
    expect(qualified.drafts.map((d) => d.key)).toContain('move-to-schema-sales')
    expect([...unqualifiedNames("SET NEW.x = (SELECT `a``b`.c FROM `a``b` JOIN db.t2 ON 1 WHERE s = 'q' /* t3 */)")].sort()).toEqual(['a`b', 'from', 'join', 'on', 'select', 'set', 'where', 's', '1'].sort())
  })

  it('writes the MySQL 8 forms where MariaDB and MySQL differ', () => {
    const maria = planDrafts(handInput('mariadb', null), {targetLevel: 4}).drafts
    const my = planDrafts(handInput('mysql', null), {targetLevel: 4}).drafts
    const verify = (ds: StepDraft[], key: string) => ds.find((d) => d.key === key)!.verify
    expect(verify(maria, 'document-ownership-sales')).toContain("SIGNAL SQLSTATE ''45000''")
    expect(verify(my, 'document-ownership-sales')).not.toContain('SIGNAL')
    expect(verify(my, 'document-ownership-sales')).toContain("CONCAT('SET SESSION sql_mode = ', QUOTE(@carve_msg))")
    expect(verify(maria, 'grants-sales')).toContain("'''carve_sales_service_")
    expect(verify(maria, 'grants-sales')).toMatch(/'''carve_money_service''@'''''/)
    expect(verify(my, 'grants-sales')).toMatch(/'''carve_money_service''@''%'''/)
  })
})

// ---------------------------------------------------------------------------------------------
// on MariaDB

describe.runIf(MYSQL_URL)('MySQL plan steps on MariaDB', () => {
  const tag = randomBytes(3).toString('hex')
  const prefix = `h8${tag}_`
  const sales = `sales-${tag}`
  const money = `money-${tag}`
  const meta = `carvemeta_${tag}`
  const salesDb = `sales_${tag}`
  const moneyDb = `money_${tag}`
  let admin: Connection
  let conn: Connection
  let app: string
  let appUrl = ''
  let input: PlanInput
  let drafts: StepDraft[]
  let notes: string[]
  let databases: string[]
  const reporting = `${prefix}reporting`
  const step = (key: string) => drafts.find((d) => d.key === key)!
  const snapshot = (options?: {autoIncrement?: boolean}) => snap(conn, databases, prefix, options)

  beforeAll(async () => {
    const {openMysql} = await import('../src/db/mysql.js')
    admin = await openMysql(MYSQL_URL!)
    const db = siblingDatabaseUrl(MYSQL_URL!, 'plmy')
    app = db.name
    appUrl = db.url
    await admin.exec(`CREATE DATABASE \`${app}\``)
    conn = await openTarget(parseTarget(db.url))
    const hostile = `\`${HOSTILE.replace(/`/g, '``')}\``
    await conn.exec(`
      CREATE TABLE customer (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(100) NOT NULL, email VARCHAR(200) NULL);
      CREATE TABLE \`order\` (
        id BIGINT AUTO_INCREMENT PRIMARY KEY, customer_id INT NOT NULL, total DECIMAL(10,2) NOT NULL DEFAULT 0, status VARCHAR(20) NOT NULL DEFAULT 'new',
        CONSTRAINT fk_order_customer FOREIGN KEY (customer_id) REFERENCES customer (id));
      CREATE TRIGGER order_total_floor BEFORE INSERT ON \`order\` FOR EACH ROW BEGIN IF NEW.total < 0 THEN SET NEW.total = 0; END IF; END;
      CREATE TABLE currency (code CHAR(3) PRIMARY KEY, name VARCHAR(50) NOT NULL);
      CREATE TABLE ${hostile} (
        id INT AUTO_INCREMENT PRIMARY KEY, order_id BIGINT NOT NULL, \`qty; "n"\` INT NOT NULL, currency CHAR(3) NOT NULL,
        CONSTRAINT fk_lines_order FOREIGN KEY (order_id) REFERENCES \`order\` (id) ON DELETE CASCADE,
        CONSTRAINT \`fk_lines_€\` FOREIGN KEY (currency) REFERENCES currency (code));
      CREATE TABLE payment (
        id INT AUTO_INCREMENT PRIMARY KEY, order_id BIGINT NOT NULL, amount DECIMAL(10,2) NOT NULL, currency CHAR(3) NOT NULL,
        CONSTRAINT fk_payment_order FOREIGN KEY (order_id) REFERENCES \`order\` (id) ON DELETE CASCADE,
        CONSTRAINT fk_payment_currency FOREIGN KEY (currency) REFERENCES currency (code));
      CREATE TABLE payment_log (id INT AUTO_INCREMENT PRIMARY KEY, payment_id INT NOT NULL, amount DECIMAL(10,2) NOT NULL);
      CREATE TRIGGER payment_logged AFTER INSERT ON payment FOR EACH ROW INSERT INTO payment_log (payment_id, amount) VALUES (NEW.id, NEW.amount);
      CREATE TABLE legacy_audit (id INT AUTO_INCREMENT PRIMARY KEY, note TEXT);
      CREATE VIEW order_summary AS SELECT o.id, c.name, o.total FROM \`order\` o JOIN customer c ON c.id = o.customer_id;
      INSERT INTO customer (name, email) VALUES ('Ada', 'ada@example.com'), ('Bob', NULL), ('Čapek', 'k@example.cz');
      INSERT INTO currency VALUES ('EUR', 'euro'), ('USD', 'dollar');
      INSERT INTO \`order\` (customer_id, total) VALUES (1, 10.5), (1, -3), (2, 99), (3, 7);
      INSERT INTO ${hostile} (order_id, \`qty; "n"\`, currency) VALUES (1, 2, 'EUR'), (1, 1, 'USD'), (3, 5, 'EUR');
      INSERT INTO payment (order_id, amount, currency) VALUES (1, 10.5, 'EUR'), (3, 99, 'USD');
      INSERT INTO legacy_audit (note) VALUES ('kept where it is');
      CREATE ROLE IF NOT EXISTS \`${reporting}\`;
      GRANT INSERT ON \`${app}\`.customer TO \`${reporting}\`;
    `)
    const catalog = await inspect(conn)
    const boundaries: BoundariesFile = {
      version: 1,
      contexts: [
        {name: sales, owner: 'sales-service', description: 'customers and orders', tables: ['customer', 'order', HOSTILE]},
        {name: money, owner: 'money-service', description: '', tables: ['currency', 'payment', 'payment_log']},
      ],
      pins: {},
      classifications: {},
      exceptions: [],
    }
    // The trigger outbox: this server's binary log may be off (the binlog outbox is tested in mysql-binlog-outbox.test.ts).
    input = resolvePlanInput(catalog, boundaries, null, {name: 'mysql-test', conventions: {rolePrefix: prefix, metaSchema: meta, outboxDelivery: 'trigger'}})
    ;({drafts, notes} = planDrafts(input, {targetLevel: 4}))
    databases = [app, salesDb, moneyDb, meta]
  }, 120_000)

  afterAll(async () => {
    if (admin) {
      // A failed run can leave foreign keys between the databases: they must not keep one alive.
      await admin.exec('SET SESSION foreign_key_checks = 0').catch(() => {})
      for (const db of [app, salesDb, moneyDb, meta]) if (db) await admin.exec(`DROP DATABASE IF EXISTS \`${db}\``).catch(() => {})
      for (const s of input?.services ?? []) await admin.exec(`DROP ROLE IF EXISTS \`${s.role}\``).catch(() => {})
      await admin.exec(`DROP ROLE IF EXISTS \`${reporting}\``).catch(() => {})
      await admin.close()
    }
    await conn?.close()
  })

  it('plans both contexts: ownership, moves, roles, grants and the cross-context foreign keys', () => {
    expect(drafts.map((d) => d.key)).toEqual([
      `document-ownership-${sales}`,
      `document-ownership-${money}`,
      `move-to-schema-${sales}`,
      `move-to-schema-${money}`,
      'service-roles',
      `grants-${sales}`,
      `grants-${money}`,
      `replace-foreign-keys-${sales}`,
      `replace-foreign-keys-${money}`,
      `outbox-${sales}`,
      `outbox-${money}`,
    ])
    expect(notes.filter((n) => n.includes('is not moved'))).toEqual([])
    expect(step(`replace-foreign-keys-${sales}`).extraFiles!['reconcile.sql']).toContain('fk_lines_€')
  })

  it('up.sql, verify.sql then down.sql of each step leaves structure, privileges and rows exactly as before; all applied, the old names still work', async () => {
    const start = await snapshot()
    for (const d of drafts) {
      const before = await snapshot({autoIncrement: true})
      await conn.exec(d.up)
      await conn.exec(d.verify)
      await conn.exec(d.down)
      const after = await snapshot({autoIncrement: true})
      expect(after.structure, `${d.key}: structure after down`).toBe(before.structure)
      expect(after.data, `${d.key}: rows after down`).toEqual(before.data)
      // Then apply it for real (twice: up.sql is idempotent), so the next step starts where the plan says.
      await conn.exec(d.up)
      await conn.exec(d.up)
      await conn.exec(d.verify)
    }

    // Everything applied: tables in the context databases, views under the old names.
    const kinds = await conn.query<{db: string; name: string; type: string}>(
      `SELECT TABLE_SCHEMA AS db, TABLE_NAME AS name, TABLE_TYPE AS type FROM information_schema.TABLES WHERE TABLE_SCHEMA IN (?) ORDER BY 1, 2`,
      [[app, salesDb, moneyDb]],
    )
    const where = (name: string) => kinds.filter((k) => k.name === name).map((k) => `${k.db === app ? 'app' : k.db}:${k.type}`).sort()
    expect(where('order')).toEqual(['app:VIEW', `${salesDb}:BASE TABLE`])
    expect(where(HOSTILE)).toEqual(['app:VIEW', `${salesDb}:BASE TABLE`])
    expect(where('payment_log')).toEqual(['app:VIEW', `${moneyDb}:BASE TABLE`])
    expect(where('legacy_audit')).toEqual(['app:BASE TABLE'])
    const registry = await conn.query<{db: string; n: number}>(`SELECT table_schema AS db, COUNT(*) AS n FROM \`${meta}\`.ownership GROUP BY table_schema ORDER BY 1`)
    expect(registry).toEqual([
      {db: moneyDb, n: 3},
      {db: salesDb, n: 3},
    ])
    const fks = await conn.query<{name: string}>(`SELECT CONSTRAINT_NAME AS name FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA IN (?) ORDER BY 1`, [[app, salesDb, moneyDb]])
    expect(fks.map((f) => f.name)).toEqual(['fk_lines_order', 'fk_order_customer', 'fk_payment_currency'])

    // SELECT, INSERT (auto_increment, triggers), UPDATE and DELETE through the old names.
    const q1 = async <T>(sql: string, params?: unknown[]) => (await conn.query<T>(sql, params))[0]!
    expect((await q1<{n: number}>('SELECT COUNT(*) AS n FROM `order`')).n).toBe(4)
    expect((await q1<{n: number}>('SELECT COUNT(*) AS n FROM order_summary')).n).toBe(4)
    await conn.query("INSERT INTO customer (name) VALUES ('through the view')")
    const {id: customerId} = await q1<{id: number}>('SELECT LAST_INSERT_ID() AS id')
    expect(customerId).toBeGreaterThan(3)
    expect((await q1<{name: string}>(`SELECT name FROM \`${salesDb}\`.customer WHERE id = ?`, [customerId])).name).toBe('through the view')
    await conn.query('INSERT INTO `order` (customer_id, total) VALUES (?, -42)', [customerId])
    const {id: orderId} = await q1<{id: number}>('SELECT LAST_INSERT_ID() AS id')
    expect((await q1<{total: string}>(`SELECT total FROM \`${salesDb}\`.\`order\` WHERE id = ?`, [orderId])).total).toBe('0.00') // the moved trigger fired
    const hostile = `\`${HOSTILE.replace(/`/g, '``')}\``
    await conn.query(`INSERT INTO ${hostile} (order_id, \`qty; "n"\`, currency) VALUES (?, 3, 'EUR')`, [orderId])
    await conn.query(`UPDATE ${hostile} SET \`qty; "n"\` = 4 WHERE order_id = ?`, [orderId])
    expect((await q1<{q: number}>(`SELECT \`qty; "n"\` AS q FROM \`${salesDb}\`.${hostile} WHERE order_id = ?`, [orderId])).q).toBe(4)
    await conn.query("INSERT INTO payment (order_id, amount, currency) VALUES (?, 12.5, 'USD')", [orderId])
    const {id: paymentId} = await q1<{id: number}>('SELECT LAST_INSERT_ID() AS id')
    expect((await q1<{amount: string}>(`SELECT amount FROM \`${moneyDb}\`.payment_log WHERE payment_id = ?`, [paymentId])).amount).toBe('12.50') // trigger naming its own context's table
    await conn.query("UPDATE customer SET email = 'v@example.com' WHERE id = ?", [customerId])
    expect((await q1<{email: string}>(`SELECT email FROM \`${salesDb}\`.customer WHERE id = ?`, [customerId])).email).toBe('v@example.com')
    await conn.query('DELETE FROM payment_log WHERE payment_id = ?', [paymentId])
    await conn.query('DELETE FROM payment WHERE id = ?', [paymentId])
    await conn.query(`DELETE FROM ${hostile} WHERE order_id = ?`, [orderId])
    await conn.query('DELETE FROM `order` WHERE id = ?', [orderId])
    await conn.query('DELETE FROM customer WHERE id = ?', [customerId])

    // Everything rolled back, in reverse: the database is what it was (the AUTO_INCREMENT counters moved on).
    for (const d of [...drafts].reverse()) await conn.exec(d.down)
    const end = await snapshot()
    expect(end.structure).toBe(start.structure)
    expect(end.data).toEqual(start.data)
    expect(JSON.parse(end.structure).present).toEqual([app])
    // The role that existed before the plan is still there, with the INSERT it had (revoked by the grants step, given back).
    const privileges = await conn.query<{priv: string}>(`SELECT PRIVILEGE_TYPE AS priv FROM information_schema.TABLE_PRIVILEGES WHERE GRANTEE = ? AND TABLE_SCHEMA = ?`, [`'${reporting}'@''`, app])
    expect(privileges.map((p) => p.priv)).toEqual(['INSERT'])
    expect((JSON.parse(end.structure).roles as {user: string}[]).map((r) => r.user)).toEqual([reporting])
  }, 300_000)

  it('verify.sql fails loudly when a step\'s effect is absent', async () => {
    const own = step(`document-ownership-${sales}`)
    const move = step(`move-to-schema-${sales}`)
    const moneyOwn = step(`document-ownership-${money}`)
    const moneyMove = step(`move-to-schema-${money}`)
    const roles = step('service-roles')
    const grants = step(`grants-${sales}`)
    const fk = step(`replace-foreign-keys-${sales}`)
    // Nothing applied: every verify fails, with its own message.
    await expect(conn.exec(own.verify)).rejects.toThrow(/carve verify: the ownership registry carvemeta_\w+\.ownership does not exist/)
    await expect(conn.exec(move.verify)).rejects.toThrow(/carve verify: sales_\w+\.customer is not a table in database/)
    await expect(conn.exec(roles.verify)).rejects.toThrow(/carve verify: missing roles: h8\w+_money_service, h8\w+_sales_service/)
    await expect(conn.exec(grants.verify)).rejects.toThrow(/carve verify: the service roles do not exist/)
    await expect(conn.exec(fk.verify)).rejects.toThrow(/carve verify: sales_\w+\.Order`Lines'; DROP TABLE x; Prix_€ is not a table \(apply the steps this one depends on first\)/)
    const applied = [own, moneyOwn, move, moneyMove, roles, grants]
    for (const d of applied) await conn.exec(d.up)
    try {
      await expect(conn.exec(fk.verify)).rejects.toThrow(/carve verify: the cross-context foreign key fk_lines_€ on sales_\w+\.Order`Lines'; DROP TABLE x; Prix_€ still exists/)
      applied.push(fk)
      await conn.exec(fk.up)
      for (const d of applied) await conn.exec(d.verify)
      await conn.exec(`DELETE FROM \`${meta}\`.ownership WHERE table_name = 'order'`)
      await expect(conn.exec(own.verify)).rejects.toThrow(/carve verify: no recorded owner sales-service for: order/)
      await conn.exec(own.up)

      await conn.exec('DROP VIEW customer')
      await expect(conn.exec(move.verify)).rejects.toThrow(/carve verify: the compatibility view \w+\.customer is missing/)
      await conn.exec(move.up)
      await conn.exec(move.verify)
      await conn.exec(`DROP TRIGGER \`${salesDb}\`.order_total_floor`)
      await expect(conn.exec(move.verify)).rejects.toThrow(/carve verify: trigger order_total_floor is missing on sales_\w+\.order/)
      await conn.exec(move.up)

      await conn.exec(`GRANT DELETE ON \`${salesDb}\`.\`order\` TO \`${prefix}money_service\``)
      await expect(conn.exec(grants.verify)).rejects.toThrow(new RegExp(`carve verify: role ${prefix}money_service can still write sales_\\w+\\.order`))
      await conn.exec(`REVOKE DELETE ON \`${salesDb}\`.\`order\` FROM \`${prefix}money_service\``)
      await conn.exec(`GRANT INSERT ON \`${app}\`.* TO \`${prefix}money_service\``)
      await expect(conn.exec(grants.verify)).rejects.toThrow(/can still write \w+\.customer/)
      await conn.exec(`REVOKE INSERT ON \`${app}\`.* FROM \`${prefix}money_service\``)
      await conn.exec(`REVOKE UPDATE ON \`${salesDb}\`.customer FROM \`${prefix}sales_service\``)
      await expect(conn.exec(grants.verify)).rejects.toThrow(new RegExp(`carve verify: the owner role ${prefix}sales_service cannot read and write sales_\\w+\\.customer`))
      await conn.exec(grants.up)
      await conn.exec(grants.verify)

      // The foreign key comes back only when the data allows it: an orphan makes the rollback fail.
      await conn.exec(`INSERT INTO \`${salesDb}\`.\`Order\`\`Lines'; DROP TABLE x; Prix_€\` (order_id, \`qty; "n"\`, currency) VALUES (1, 1, 'XXX')`)
      await expect(conn.exec(fk.down)).rejects.toThrow(/foreign key constraint fails/i)
      const orphans = await conn.query<{currency: string; orphan_rows: number}>(fk.extraFiles!['reconcile.sql']!)
      expect(orphans).toEqual([{currency: 'XXX', orphan_rows: 1}])
      await conn.exec(`DELETE FROM \`${salesDb}\`.\`Order\`\`Lines'; DROP TABLE x; Prix_€\` WHERE currency = 'XXX'`)
    } finally {
      for (const d of [...applied].reverse()) await conn.exec(d.down)
    }
    // A plan for MySQL 8 fails its checks with the sql_mode error, which carries the message.
    const my = planDrafts({...input, catalog: {...input.catalog, database: {...input.catalog.database, flavor: 'mysql'}}}, {targetLevel: 4}).drafts
    await expect(conn.exec(my.find((d) => d.key === own.key)!.verify)).rejects.toThrow(/Variable 'sql_mode' can't be set to the value of 'carve verify: the ownership registry/)
  }, 300_000)

  it('a move cut after any of its first statements: down.sql puts everything back; in a new session the rest of up.sql completes it', async () => {
    const own = step(`document-ownership-${sales}`)
    const move = step(`move-to-schema-${sales}`)
    await conn.exec(own.up)
    const before = await snapshot()
    const units = journalUnits(move.up)
    const run = async (c: Connection, us: typeof units) => {
      for (const u of us) for (const st of u.statements) await c.query(st.text)
    }
    // The first table's whole move (placeholder, temporary view, triggers off, swap, triggers on,
    // placeholder dropped) and the start of the next, as a crash would leave them.
    const cuts = Array.from({length: Math.min(units.length - 1, 16)}, (_, i) => i + 1)
    for (const k of cuts) {
      await run(conn, units.slice(0, k))
      await run(conn, journalUnits(move.down))
      const back = await snapshot()
      expect(back.structure, `cut after statement ${k} of ${units.length}, then down.sql`).toBe(before.structure)
      expect(back.data).toEqual(before.data)
    }
    const {openMysql} = await import('../src/db/mysql.js')
    for (const k of [3, 8, 12].filter((x) => x < units.length)) {
      await run(conn, units.slice(0, k))
      const resumed = await openMysql(appUrl)
      try {
        await run(resumed, units.slice(k))
        await resumed.exec(move.verify)
      } finally {
        await resumed.close()
      }
      await conn.exec(move.down)
      expect((await snapshot()).structure, `cut after statement ${k}, resumed, then down.sql`).toBe(before.structure)
    }
    await conn.exec(own.down)
  }, 300_000)

  it('runs the same files split at semicolons, one statement at a time, as the executor sends them', async () => {
    const before = await snapshot()
    for (const d of drafts) {
      await runSplit(conn, d.up)
      await runSplit(conn, d.verify)
    }
    expect((await conn.query<{n: number}>(`SELECT COUNT(*) AS n FROM \`${salesDb}\`.\`order\``))[0]!.n).toBe(4)
    const triggers = await conn.query<{name: string}>(`SELECT TRIGGER_NAME AS name FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA IN (?) ORDER BY 1`, [[salesDb, moneyDb]])
    // The tables' own triggers, moved, and three outbox triggers on each of the six tables.
    expect(triggers.map((t) => t.name).filter((n) => !n.startsWith('carve_outbox_'))).toEqual(['order_total_floor', 'payment_logged'])
    expect(triggers.filter((t) => /^carve_outbox_[0-9a-f]{12}_(ins|upd|del)$/.test(t.name))).toHaveLength(18)
    for (const d of [...drafts].reverse()) await runSplit(conn, d.down)
    const after = await snapshot()
    expect(after.structure).toBe(before.structure)
    expect(after.data).toEqual(before.data)
  }, 300_000)
})
if (!MYSQL_URL) announceSkip('MariaDB/MySQL')
