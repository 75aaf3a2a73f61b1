/**
 * `carve plan --knex`: the plan run by knex instead of Carve's executor, the way a team whose
 * deploys already run `knex migrate:latest` would. On real servers: PostgreSQL with the shop
 * example (`carve example load shop`), MariaDB with a small schema of its own — migrate:latest
 * moves the tables behind compatibility views, migrate:rollback --all restores the schema
 * exactly (pg_dump -s / information_schema, CHECKSUM TABLE), knex's ledger table aside.
 */
import {execFile} from 'node:child_process'
import {mkdirSync, rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {promisify} from 'node:util'

import {afterAll, describe, expect, it} from 'vitest'

import {packageRoot} from '../src/paths.js'
import {runCarve} from './support/cli.js'
import {announceSkip, createPgDatabase, MYSQL_URL, PG_URL, siblingDatabaseUrl} from './support/servers.js'

const run = promisify(execFile)
const root = packageRoot()
const knexBin = join(root, 'node_modules', '.bin', 'knex')
// Inside the package (gitignored) so the knexfile finds knex and the drivers, as in a user's repo.
const work = join(root, '.carve-tmp', `knex-${process.pid}`)

async function knex(args: string[], url: string): Promise<string> {
  const {stdout, stderr} = await run(knexBin, args, {env: {...process.env, DATABASE_URL: url}, timeout: 300_000})
  return stdout + stderr
}

afterAll(() => rmSync(work, {recursive: true, force: true}))

describe.skipIf(!PG_URL)('knex migrations on PostgreSQL (the shop example)', () => {
  it('migrate:latest applies every step; migrate:rollback --all restores the schema exactly', async () => {
    const db = await createPgDatabase('knex')
    try {
      const loaded = await runCarve(['example', 'load', 'shop', '--db', db.url], {timeoutMs: 300_000})
      expect(loaded.code, loaded.stderr).toBe(0)
      const plan = join(work, 'pg')
      const planned = await runCarve(['plan', '--example', 'shop', '--out', plan, '--knex'], {timeoutMs: 300_000})
      expect(planned.code, planned.stderr).toBe(0)

      const dump = async () =>
        (await run('pg_dump', ['-s', '--no-owner', '-T', 'carve_knex_migrations*', db.url], {maxBuffer: 64 << 20})).stdout
          .split('\n')
          .filter((l) => !/^\\(un)?restrict /.test(l))
          .join('\n')
      const before = await dump()
      const knexfile = join(plan, 'knex', 'knexfile.cjs')
      expect(await knex(['migrate:latest', '--knexfile', knexfile], db.url)).toMatch(/Batch 1 run: \d+ migrations/)
      const moved = await dump()
      expect(moved).toContain('CREATE TABLE orders.orders')
      expect(moved).toMatch(/CREATE VIEW public\.orders AS/)
      expect(await knex(['migrate:rollback', '--all', '--knexfile', knexfile], db.url)).toMatch(/rolled back: \d+ migrations/)
      expect(await dump()).toBe(before)
    } finally {
      await db.drop()
    }
  }, 600_000)
})
if (!PG_URL) announceSkip('PostgreSQL')

describe.skipIf(!MYSQL_URL)('knex migrations on MariaDB/MySQL', () => {
  it('migrate:latest moves the tables into a database per context; rollback --all restores tables, triggers, FKs and rows', async () => {
    const {default: mysql} = await import('mysql2/promise')
    const {url, name} = siblingDatabaseUrl(MYSQL_URL!, 'knex')
    const suffix = name.slice(-6)
    const contexts = [`kxcrm${suffix}`, `kxsales${suffix}`]
    const admin = await mysql.createConnection({uri: MYSQL_URL!, multipleStatements: true})
    try {
      await admin.query(`CREATE DATABASE \`${name}\`; USE \`${name}\`;
        CREATE TABLE customers (id int PRIMARY KEY AUTO_INCREMENT, name varchar(50) NOT NULL);
        CREATE TABLE orders (id int PRIMARY KEY AUTO_INCREMENT, customer_id int NOT NULL, total decimal(10,2), FOREIGN KEY (customer_id) REFERENCES customers(id));
        CREATE TABLE payments (id int PRIMARY KEY AUTO_INCREMENT, order_id int NOT NULL, amount decimal(10,2), FOREIGN KEY (order_id) REFERENCES orders(id));
        CREATE TRIGGER payments_ai AFTER INSERT ON payments FOR EACH ROW UPDATE orders SET total = coalesce(total, 0) + NEW.amount WHERE id = NEW.order_id;
        INSERT INTO customers (name) VALUES ('a'), ('b'); INSERT INTO orders (customer_id, total) VALUES (1, 10), (2, 20); INSERT INTO payments (order_id, amount) VALUES (1, 5);`)
      const dir = join(work, 'mysql')
      mkdirSync(dir, {recursive: true})
      const boundaries = join(dir, 'carve.yml')
      writeFileSync(boundaries, `version: 1\ncontexts:\n  - name: ${contexts[0]}\n    owner: crm-service\n    tables: [customers]\n  - name: ${contexts[1]}\n    owner: sales-service\n    tables: [orders, payments]\n`)
      const plan = join(dir, 'plan')
      // Roles are cluster-wide: a prefix of this run's own, so parallel runs never share one.
      const prefix = `kx${suffix}_`
      // The trigger outbox: the binlog one (the default) refuses a server with log_bin OFF, as the shared test server runs.
      const planned = await runCarve(['plan', '--db', url, '--file', boundaries, '--out', plan, '--knex', '--role-prefix', prefix, '--outbox', 'trigger'], {timeoutMs: 300_000})
      expect(planned.code, planned.stderr).toBe(0)

      const schemas = [name, ...contexts].map((s) => `'${s}'`).join(', ')
      const snapshot = async () => {
        const [tables] = await admin.query(`SELECT table_schema, table_name, table_type FROM information_schema.tables WHERE table_schema IN (${schemas}) AND table_name NOT LIKE 'carve_knex%' ORDER BY 1, 2`)
        const [triggers] = await admin.query(`SELECT trigger_schema, trigger_name, event_object_table, action_statement FROM information_schema.triggers WHERE trigger_schema IN (${schemas}) ORDER BY 1, 2`)
        const [fks] = await admin.query(`SELECT constraint_schema, constraint_name, table_name, referenced_table_name FROM information_schema.referential_constraints WHERE constraint_schema IN (${schemas}) ORDER BY 1, 2`)
        const [columns] = await admin.query(`SELECT table_schema, table_name, column_name, column_type, is_nullable, column_default, extra FROM information_schema.columns WHERE table_schema IN (${schemas}) AND table_name NOT LIKE 'carve_knex%' ORDER BY 1, 2, ordinal_position`)
        const [sums] = await admin.query(`CHECKSUM TABLE \`${name}\`.customers, \`${name}\`.orders, \`${name}\`.payments`)
        return {tables, triggers, fks, columns, sums}
      }
      const before = await snapshot()
      const knexfile = join(plan, 'knex', 'knexfile.cjs')
      expect(await knex(['migrate:latest', '--knexfile', knexfile], url)).toMatch(/Batch 1 run: \d+ migrations/)
      const [moved] = await admin.query(`SELECT table_schema, table_type FROM information_schema.tables WHERE table_name = 'orders' AND table_schema IN (${schemas}) ORDER BY 1`)
      const expected = [
        {table_schema: name, table_type: 'VIEW'},
        {table_schema: contexts[1]!, table_type: 'BASE TABLE'},
      ]
      expect(moved).toEqual(expected.sort((a, b) => a.table_schema.localeCompare(b.table_schema)))
      expect(await knex(['migrate:rollback', '--all', '--knexfile', knexfile], url)).toMatch(/rolled back: \d+ migrations/)
      expect(await snapshot()).toEqual(before)
      // The roles the plan created are gone with it.
      const [roles] = await admin.query(`SELECT user FROM mysql.user WHERE user LIKE ?`, [`${prefix}%`])
      expect(roles).toEqual([])
    } finally {
      for (const db of [name, ...contexts]) await admin.query(`DROP DATABASE IF EXISTS \`${db}\``)
      await admin.end()
    }
  }, 600_000)
})
if (!MYSQL_URL) announceSkip('MariaDB/MySQL')
