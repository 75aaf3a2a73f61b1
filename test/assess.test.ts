/**
 * `carve assess`: the maturity levels measured on real databases whose state the tests drive by
 * hand with SQL — the example on PGlite (everywhere), a small schema on PostgreSQL and MariaDB
 * (when their URLs are set) — and the command as a user runs it.
 */
import {randomBytes} from 'node:crypto'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {exampleBoundaries} from '../src/boundaries/example-contexts.js'
import type {BoundariesFile} from '../src/boundaries/file.js'
import type {Connection} from '../src/db/connection.js'
import {exampleDir, openExample} from '../src/db/examples.js'
import {openTarget} from '../src/db/open.js'
import {type Assessment, assess, type ContextAssessment} from '../src/assess/assess.js'
import {gatherAssessmentFacts} from '../src/assess/assess-facts.js'
import {loadServiceMap} from '../src/workload/service-map.js'
import {listExampleLogs} from '../src/workload/example-logs.js'
import {ingest} from '../src/workload/ingest.js'
import type {Workload} from '../src/workload/model.js'
import {hasStackTrace, runCarve} from './support/cli.js'
import {adminUrl, announceSkip, createPgDatabase, MYSQL_URL, PG_URL, siblingDatabaseUrl} from './support/servers.js'

const tmp = mkdtempSync(join(tmpdir(), 'carve-assess-'))
afterAll(() => rmSync(tmp, {recursive: true, force: true}))

function check(c: ContextAssessment, id: string) {
  const found = c.checks.find((k) => k.id === id)
  if (!found) throw new Error(`no check ${id} in ${c.checks.map((k) => k.id).join(', ')}`)
  return found
}

function context(a: Assessment, name: string): ContextAssessment {
  const c = a.contexts.find((x) => x.name === name)
  if (!c) throw new Error(`no context ${name}`)
  return c
}

describe('the example\'s designed contexts as a boundaries file', () => {
  it('keeps the designed contexts and adds reference-data and legacy with their classifications', () => {
    const file = exampleBoundaries(exampleDir('shop'))!
    expect(file.contexts.map((c) => c.name)).toEqual(['auth', 'ums', 'rbac', 'audit', 'catalog', 'pricing', 'availability', 'orders', 'billing', 'payments', 'memberships', 'reference-data', 'legacy'])
    const ref = file.contexts.find((c) => c.name === 'reference-data')!
    expect(ref.owner).toBe('reference-data')
    expect(ref.tables).toContain('countries')
    expect(file.classifications.countries).toBe('shared-reference')
    const legacy = file.contexts.find((c) => c.name === 'legacy')!
    expect(legacy.owner).toBe('admin')
    expect(legacy.tables.sort()).toEqual(['legacy_user_prefs', 'old_payment_log'])
    expect(file.classifications.old_payment_log).toBe('deprecated')
    expect(exampleBoundaries(tmp)).toBeNull()
  })
})

describe('assessment of the example on PGlite, with its workload', () => {
  let conn: Connection
  let boundaries: BoundariesFile
  let workload: Workload
  const today = '2026-06-01'

  beforeAll(async () => {
    const dir = exampleDir('shop')
    boundaries = exampleBoundaries(dir)!
    workload = await ingest({files: listExampleLogs(dir), serviceMap: loadServiceMap(join(dir, 'logs', 'service-map.yml')), workers: 1})
    conn = await openExample('shop')
  })
  afterAll(async () => {
    await conn?.close()
  })

  /** Each context's foreign writers, straight from the workload (not through the assessment). */
  function foreignWrites(): Map<string, {consumer: string; table: string}[]> {
    const out = new Map<string, {consumer: string; table: string}[]>()
    for (const c of boundaries.contexts) {
      const list = workload.access.filter((a) => c.tables.includes(a.table) && a.service !== c.owner && a.write + a.lock > 0).map((a) => ({consumer: a.service, table: a.table}))
      out.set(c.name, list)
    }
    return out
  }

  it('every context is at level 0; the evidence names each unlisted foreign write', async () => {
    const a = assess(await gatherAssessmentFacts(conn, {boundaries}), boundaries, workload, {today})
    expect(a.contexts).toHaveLength(boundaries.contexts.length)
    const writes = foreignWrites()
    expect([...writes.values()].filter((w) => w.length).length).toBeGreaterThan(5)
    for (const c of a.contexts) {
      expect(c.level, c.name).toBe(0)
      const registry = check(c, 'ownership-recorded')
      expect(registry.ok).toBe(false)
      expect(registry.message).toMatch(/no carve\.ownership/)
      const listed = check(c, 'foreign-writes-listed')
      const expected = writes.get(c.name)!
      expect(listed.ok, c.name).toBe(expected.length === 0)
      const unlisted = (listed.facts.unlisted as {consumer: string; table: string}[]).map((u) => `${u.consumer}:${u.table}`).sort()
      expect(unlisted, c.name).toEqual(expected.map((e) => `${e.consumer}:${e.table}`).sort())
      if (expected.length) expect(listed.message).toContain(`${expected.map((e) => e)[0]!.consumer} writes`)
      expect(c.next).toMatch(/^level 1: /)
      // The baseline names tables several services write.
      const writers = check(c, 'writers')
      for (const s of writers.facts.sharedWriters as {table: string; writers: string[]}[]) expect(writers.message).toContain(s.table)
    }
    const orders = context(a, 'orders')
    expect(check(orders, 'writers').message).toMatch(/orders \(admin, orders-service, payments-service\)/)
  })

  it('with ownership recorded, contexts without unlisted foreign writes reach level 1; listing the writes as exceptions lifts the others; an expired one drops them back', async () => {
    const rows = boundaries.contexts.flatMap((c) => c.tables.map((t) => `('public.${t}', '${c.name}', '${c.owner}', '${boundaries.classifications[t] ?? 'owned'}')`))
    await conn.exec(`create schema carve;
      create table carve.ownership (relation regclass primary key, context text not null, owner text not null, classification text not null);
      insert into carve.ownership values ${rows.join(',\n')};`)
    const facts = await gatherAssessmentFacts(conn, {boundaries})
    const a = assess(facts, boundaries, workload, {today})
    const writes = foreignWrites()
    for (const c of a.contexts) {
      expect(check(c, 'ownership-recorded').ok, c.name).toBe(true)
      expect(c.level, c.name).toBe(writes.get(c.name)!.length ? 0 : 1)
    }
    const legacy = context(a, 'legacy')
    expect(legacy.level).toBe(1)
    expect(legacy.next).toMatch(/^level 2: move .* into schema legacy.*create role carve_admin/)

    const exceptions = writes.get('orders')!.map((w) => ({consumer: w.consumer, table: w.table, access: 'write' as const, approved_by: 'ana@example.com', expires: '2026-12-31', exit_plan: 'orders API'}))
    const withExceptions = {...boundaries, exceptions}
    const lifted = context(assess(facts, withExceptions, workload, {today}), 'orders')
    expect(lifted.level).toBe(1)
    expect(check(lifted, 'foreign-writes-listed').message).toMatch(/every foreign write is a listed exception/)
    expect(check(lifted, 'no-open-exceptions').ok).toBe(false)

    const later = context(assess(facts, withExceptions, workload, {today: '2027-01-01'}), 'orders')
    expect(later.level).toBe(0)
    expect(check(later, 'exceptions-current').message).toMatch(/expired before 2027-01-01: .*admin write orders \(expired 2026-12-31\)/)
  })
})

/* ------------------------------------------------------------------------------------------------ */

const SCHEMA = `
create table customers (id int primary key, name text not null);
create table orders (id int primary key, customer_id int not null references customers (id), total numeric not null);
create table order_lines (order_id int not null references orders (id), line int not null, sku text not null, primary key (order_id, line));
insert into customers values (1, 'Ada');
insert into orders values (1, 1, 10);
insert into order_lines values (1, 1, 'sku-1');
`

/** Who touches what, as SQL files per service: ingested by the real workload reader. */
function writeWorkloadFolder(dir: string): void {
  writeFileSync(join(dir, 'orders-service.sql'), 'insert into orders (id, customer_id, total) values (2, 1, 5);\ninsert into order_lines values (2, 1, \'sku-2\');\nselect total from orders where id = 2;\nselect name from customers where id = 1;\n')
  writeFileSync(join(dir, 'crm-service.sql'), 'insert into customers values (2, \'Bob\');\nupdate orders set total = 0 where customer_id = 2;\n')
  writeFileSync(join(dir, 'reporting.sql'), 'select o.id, count(*) from orders o join order_lines l on l.order_id = o.id group by o.id;\n')
}

const pgSuite = PG_URL ? describe : describe.skip
if (!PG_URL) announceSkip('PostgreSQL')

pgSuite('assessment on PostgreSQL, state driven by hand', () => {
  const prefix = `carve_t${randomBytes(3).toString('hex')}_`
  const conventions = {rolePrefix: prefix}
  const ownerRole = `${prefix}orders_service`
  const crmRole = `${prefix}crm_service`
  const today = '2026-06-01'
  let db: Awaited<ReturnType<typeof createPgDatabase>>
  let target: Awaited<ReturnType<typeof createPgDatabase>> | undefined
  let conn: Connection
  let workload: Workload
  const boundaries: BoundariesFile = {
    version: 1,
    contexts: [
      {name: 'orders', owner: 'orders-service', description: '', tables: ['orders', 'order_lines']},
      {name: 'crm', owner: 'crm-service', description: '', tables: ['customers']},
    ],
    pins: {},
    classifications: {},
    exceptions: [{consumer: 'crm-service', table: 'orders', access: 'write', approved_by: 'ana@example.com', expires: '2026-12-31', exit_plan: 'order API'}],
  }
  const connectDatabase = (name: string) => openTarget({kind: 'postgres', url: adminUrl(PG_URL!, name)})

  async function orders(files: BoundariesFile = boundaries, day = today): Promise<ContextAssessment> {
    const facts = await gatherAssessmentFacts(conn, {boundaries: files, conventions, connectDatabase})
    return context(assess(facts, files, workload, {today: day, conventions}), 'orders')
  }

  beforeAll(async () => {
    db = await createPgDatabase('assess')
    conn = await openTarget({kind: 'postgres', url: db.url})
    await conn.exec(SCHEMA)
    const dir = mkdtempSync(join(tmp, 'workload-'))
    writeWorkloadFolder(dir)
    workload = await ingest({files: [dir], workers: 1})
  })
  afterAll(async () => {
    await conn?.close()
    await db?.drop()
    await target?.drop()
    // Roles are cluster-wide: drop this run's, whatever state the tests left.
    const admin = await openTarget({kind: 'postgres', url: PG_URL!})
    try {
      for (const role of [ownerRole, crmRole]) await admin.exec(`drop role if exists "${role}"`)
    } finally {
      await admin.close()
    }
  })

  it('level 0: no registry; the exception covers crm-service\'s write; the workload shows who writes', async () => {
    const c = await orders()
    expect(c.level).toBe(0)
    expect(check(c, 'ownership-recorded').message).toMatch(/no carve\.ownership table/)
    expect(check(c, 'foreign-writes-listed').ok).toBe(true)
    expect(check(c, 'writers').message).toBe('1 table written by several services: orders (crm-service, orders-service)')
    expect(check(c, 'write-grants').ok).toBe(true)
    expect(check(c, 'owner-role').message).toBe(`role ${ownerRole} of orders-service does not exist`)
    // Without the exception the write is unlisted and named.
    const c2 = await orders({...boundaries, exceptions: []})
    expect(check(c2, 'foreign-writes-listed').message).toMatch(/1 foreign write not listed as exceptions: crm-service writes orders/)
  })

  it('level 1: ownership recorded in carve.ownership; an expired exception drops it back', async () => {
    await conn.exec(`create schema carve;
      create table carve.ownership (relation regclass primary key, context text not null, owner text not null, classification text not null);
      insert into carve.ownership values ('public.orders', 'orders', 'orders-service', 'owned');`)
    const partial = await orders()
    expect(partial.level).toBe(0)
    expect(check(partial, 'ownership-recorded').message).toBe('carve.ownership: 1 table not recorded: public.order_lines')
    await conn.exec(`insert into carve.ownership values ('public.order_lines', 'orders', 'orders-service', 'owned'), ('public.customers', 'crm', 'crm-service', 'owned');`)
    const c = await orders()
    expect(c.level).toBe(1)
    expect(check(c, 'ownership-recorded').message).toBe('carve.ownership records all 2 tables for orders-service')
    expect(c.next).toMatch(/^level 2: move orders, order_lines into schema orders; create role /)
    const expired = await orders(boundaries, '2027-01-01')
    expect(expired.level).toBe(0)
    expect(check(expired, 'exceptions-current').message).toMatch(/crm-service write orders \(expired 2026-12-31\)/)
  })

  it('level 2: tables moved into the schema (compatibility views left), owner role granted writes', async () => {
    await conn.exec(`create role "${ownerRole}" nologin; create role "${crmRole}" nologin;
      create schema orders;
      alter table public.orders set schema orders;
      create view public.orders as select * from orders.orders;`)
    const half = await orders()
    expect(half.level).toBe(1)
    expect(check(half, 'schema').message).toBe('1 table outside schema orders: public.order_lines')
    await conn.exec(`alter table public.order_lines set schema orders;
      create view public.order_lines as select * from orders.order_lines;`)
    const noGrants = await orders()
    expect(noGrants.level).toBe(1)
    expect(check(noGrants, 'owner-role').message).toMatch(new RegExp(`^${ownerRole} cannot write 2 tables: orders\\.orders \\(no INSERT, UPDATE, DELETE, USAGE on orders\\)`))
    await conn.exec(`grant usage on schema orders to "${ownerRole}";
      grant select, insert, update, delete on orders.orders, orders.order_lines to "${ownerRole}";`)
    const c = await orders()
    expect(c.level).toBe(2)
    // The registry rows follow the tables (regclass is an oid).
    expect(check(c, 'ownership-recorded').ok).toBe(true)
    expect(check(c, 'schema').message).toBe('all 2 tables in schema orders')
    expect(check(c, 'write-grants').message).toMatch(new RegExp(`^no role other than ${ownerRole} holds write privileges, PUBLIC none \\(table owners aside: postgres\\)`))
    expect(c.next).toMatch(/^level 3: split orders into its own database/)
  })

  it('a write grant to another role, PUBLIC or through the compatibility view drops it back to level 1, naming the grantee', async () => {
    await conn.exec(`grant insert, update on orders.order_lines to "${crmRole}";`)
    const c = await orders()
    expect(c.level).toBe(1)
    expect(check(c, 'write-grants').message).toBe(`other roles can write: ${crmRole} on orders.order_lines INSERT/UPDATE`)
    expect(c.next).toContain(`revoke write privileges of ${crmRole}`)
    await conn.exec(`revoke insert, update on orders.order_lines from "${crmRole}"; grant delete on public.orders to public;`)
    const viaView = await orders()
    expect(viaView.level).toBe(1)
    expect(check(viaView, 'write-grants').message).toBe('other roles can write: PUBLIC on public.orders (view) DELETE')
    await conn.exec(`revoke delete on public.orders from public; revoke delete on orders.orders from "${ownerRole}";`)
    const ownerCannot = await orders()
    expect(ownerCannot.level).toBe(1)
    expect(check(ownerCannot, 'owner-role').message).toBe(`${ownerRole} cannot write 1 table: orders.orders (no DELETE)`)
    await conn.exec(`grant delete on orders.orders to "${ownerRole}";`)
    expect((await orders()).level).toBe(2)
  })

  it('outbox and read models: level 4\'s evidence passes while the level stays 2, and the next step names level 3', async () => {
    await conn.exec(`
      create table orders.outbox (id bigint generated always as identity primary key, aggregate_type text not null, aggregate_id text not null,
        event_type text not null, payload jsonb not null, created_at timestamptz not null default now());
      create function orders.carve_outbox() returns trigger language plpgsql as $$
      begin
        insert into orders.outbox (aggregate_type, aggregate_id, event_type, payload)
        values (tg_table_name, coalesce(to_jsonb(new), to_jsonb(old))->>'id', lower(tg_op), coalesce(to_jsonb(new), to_jsonb(old)));
        return null;
      end $$;
      create trigger carve_outbox after insert or update or delete on orders.orders for each row execute function orders.carve_outbox();`)
    const partial = await orders()
    expect(check(partial, 'outbox').message).toBe('no enabled row trigger carve_outbox on orders.order_lines')
    expect(check(partial, 'read-models').message).toMatch(/^2 cross-context reads without a read model or approved exception: reporting reads order_lines, reporting reads orders$/)
    await conn.exec(`
      create trigger carve_outbox after insert or update or delete on orders.order_lines for each row execute function orders.carve_outbox();
      create schema reporting;
      create materialized view reporting.rm_orders_orders as select * from orders.orders;
      create materialized view reporting.rm_orders_order_lines as select * from orders.order_lines;
      insert into orders.orders values (3, 1, 7);`)
    // The triggers are real: the insert above produced an event.
    expect(await conn.query('select event_type, aggregate_id from orders.outbox')).toEqual([{event_type: 'insert', aggregate_id: '3'}])
    const c = await orders()
    expect(c.checks.filter((k) => k.level === 4).map((k) => [k.id, k.ok])).toEqual([['outbox', true], ['read-models', true]])
    expect(c.level).toBe(2)
    expect(check(c, 'split-recorded').message).toBe('no physical split recorded (no carve.ledger_steps)')
    expect(check(c, 'no-cross-fks').message).toMatch(/^1 cross-context foreign key: orders\.orders → public\.customers \(orders_customer_id_fkey\)/)
    expect(c.next).toMatch(/^level 3: split orders into its own database .*; move orders, order_lines out of .*; replace 1 cross-context foreign key \(orders_customer_id_fkey\) — level 4's evidence is already in place$/)
  })

  it('level 4 after a split recorded in the ledger: the tables are checked in the target database', async () => {
    target = await createPgDatabase('assess_target')
    // The ledger without the split: still level 2, "no applied split-cutover".
    await conn.exec(`create table carve.ledger_steps (plan text, step text, kind text, checksum text, state text, applied_at timestamptz, duration_ms int, applied_by text, checkpoint jsonb, primary key (plan, step));
      insert into carve.ledger_steps values ('shop', '007-split-cutover-orders', 'split-cutover', null, 'rolled-back', now(), 1, 'test', '{"target_database": "${target.name}"}');`)
    const before = await orders()
    expect(before.level).toBe(2)
    expect(check(before, 'split-recorded').message).toMatch(/no applied split-cutover step for orders/)

    // What a split leaves: the tables in the target (schema, grants, outbox), retired copies here.
    const t = await openTarget({kind: 'postgres', url: target.url})
    try {
      await t.exec(`create schema orders;
        create table orders.orders (id int primary key, customer_id int not null, total numeric not null);
        create table orders.order_lines (order_id int not null references orders.orders (id), line int not null, sku text not null, primary key (order_id, line));
        create table orders.outbox (id bigint generated always as identity primary key, aggregate_type text, aggregate_id text, event_type text, payload jsonb, created_at timestamptz default now());
        create function orders.carve_outbox() returns trigger language plpgsql as $$ begin insert into orders.outbox (aggregate_type, event_type, payload) values (tg_table_name, lower(tg_op), to_jsonb(new)); return null; end $$;
        create trigger carve_outbox after insert or update or delete on orders.orders for each row execute function orders.carve_outbox();
        grant usage on schema orders to "${ownerRole}";
        grant select, insert, update, delete on orders.orders, orders.order_lines to "${ownerRole}";`)
    } finally {
      await t.close()
    }
    await conn.exec(`alter table orders.orders drop constraint orders_customer_id_fkey;
      drop view public.orders; drop view public.order_lines;
      drop materialized view reporting.rm_orders_orders; drop materialized view reporting.rm_orders_order_lines;
      create schema carve_retired;
      alter table orders.order_lines set schema carve_retired;
      alter table orders.orders set schema carve_retired;
      create materialized view reporting.rm_orders_orders as select * from carve_retired.orders;
      create materialized view reporting.rm_orders_order_lines as select * from carve_retired.order_lines;
      update carve.ledger_steps set state = 'applied';`)
    const c = await orders()
    // order_lines in the target has no outbox trigger yet: level 3, with level 4's gap named.
    expect(c.level).toBe(3)
    expect(check(c, 'split-recorded').message).toMatch(new RegExp(`^split recorded: step 007-split-cutover-orders of plan shop applied .*, target database ${target.name}$`))
    expect(check(c, 'tables-gone').message).toMatch(/^no table left in .* \(2 retired copies in carve_retired\)$/)
    expect(check(c, 'schema').message).toBe(`all 2 tables in schema orders (in ${target.name})`)
    expect(check(c, 'ownership-recorded').message).toMatch(/records 2 tables for orders-service \(the tables were split out/)
    expect(check(c, 'outbox').message).toBe(`no enabled row trigger carve_outbox on orders.order_lines`)
    expect(c.next).toBe('level 4: add carve_outbox triggers on orders.order_lines')

    const t2 = await openTarget({kind: 'postgres', url: target.url})
    try {
      await t2.exec('create trigger carve_outbox after insert or update or delete on orders.order_lines for each row execute function orders.carve_outbox();')
    } finally {
      await t2.close()
    }
    const top = await orders()
    expect(top.level).toBe(4)
    expect(top.next).toMatch(/^level 5: close 1 exception \(crm-service on orders\); move crm-service, reporting off direct table access$/)
    const quiet = await orders({...boundaries, exceptions: []})
    // Without the exception the foreign write is unlisted again: level 1 fails, whatever else holds.
    expect(quiet.level).toBe(0)
  })
})

/* ------------------------------------------------------------------------------------------------ */

const mysqlSuite = MYSQL_URL ? describe : describe.skip
if (!MYSQL_URL) announceSkip('MariaDB/MySQL')

mysqlSuite('assessment on MariaDB: databases stand for schemas, grants from information_schema', () => {
  const suffix = randomBytes(3).toString('hex')
  const ctxName = `orders-${suffix}`
  const ctxDb = `orders_${suffix}`
  const meta = `carve_${suffix}`
  const conventions = {rolePrefix: `carve_t${suffix}_`, metaSchema: meta}
  const ownerRole = `carve_t${suffix}_orders_service`
  const crmUser = `carve_t${suffix}_crm`
  let dbName: string
  let conn: Connection
  let admin: Connection
  const boundaries: BoundariesFile = {
    version: 1,
    contexts: [
      {name: ctxName, owner: 'orders-service', description: '', tables: ['orders', 'order_lines']},
      {name: `crm-${suffix}`, owner: 'crm-service', description: '', tables: ['customers']},
    ],
    pins: {},
    classifications: {},
    exceptions: [],
  }

  async function orders(): Promise<ContextAssessment> {
    const facts = await gatherAssessmentFacts(conn, {boundaries, conventions})
    return context(assess(facts, boundaries, null, {today: '2026-06-01', conventions}), ctxName)
  }

  beforeAll(async () => {
    const {url, name} = siblingDatabaseUrl(MYSQL_URL!, 'assess')
    dbName = name
    admin = await openTarget({kind: 'mysql', url: MYSQL_URL!})
    await admin.exec(`create database \`${dbName}\``)
    conn = await openTarget({kind: 'mysql', url})
    await conn.exec(`create table customers (id int primary key, name text not null);
      create table orders (id int primary key, customer_id int not null, total decimal(10,2) not null, foreign key (customer_id) references customers (id));
      create table order_lines (order_id int not null, line int not null, sku text not null, primary key (order_id, line), foreign key (order_id) references orders (id));`)
  })
  afterAll(async () => {
    await conn?.close()
    if (admin) {
      for (const db of [ctxDb, dbName, meta]) await admin.exec(`drop database if exists \`${db}\``)
      await admin.exec(`drop role if exists \`${ownerRole}\``).catch(() => {})
      await admin.exec(`drop user if exists \`${crmUser}\`@'%'`).catch(() => {})
      await admin.close()
    }
  })

  it('level 0 → 1 with the registry; 2 once the tables are in their own database and only the owner role may write', async () => {
    const c0 = await orders()
    expect(c0.level).toBe(0)
    expect(check(c0, 'ownership-recorded').message).toBe(`no ${meta}.ownership table: ownership is not recorded in the database`)
    await conn.exec(`create database \`${meta}\`;
      create table \`${meta}\`.ownership (relation varchar(200) primary key, context varchar(100), owner varchar(100), classification varchar(30));
      insert into \`${meta}\`.ownership values ('${dbName}.orders', '${ctxName}', 'orders-service', 'owned'), ('order_lines', '${ctxName}', 'orders-service', 'owned');`)
    const c1 = await orders()
    expect(c1.level).toBe(1)
    expect(check(c1, 'schema').message).toBe(`2 tables outside schema ${ctxDb}: ${dbName}.orders, ${dbName}.order_lines`)
    expect(check(c1, 'owner-role').message).toBe(`role ${ownerRole} of orders-service does not exist`)

    // A database per context; RENAME TABLE moves a table between databases.
    await conn.exec(`create database \`${ctxDb}\`;
      alter table order_lines drop foreign key order_lines_ibfk_1;
      rename table \`${dbName}\`.orders to \`${ctxDb}\`.orders, \`${dbName}\`.order_lines to \`${ctxDb}\`.order_lines;
      update \`${meta}\`.ownership set relation = concat('${ctxDb}.', substring_index(relation, '.', -1));
      create role \`${ownerRole}\`;
      grant select, insert, update, delete on \`${ctxDb}\`.* to \`${ownerRole}\`;
      create user \`${crmUser}\`@'%';
      grant insert on \`${ctxDb}\`.orders to \`${crmUser}\`@'%';`)
    const offending = await orders()
    expect(offending.level).toBe(1)
    expect(check(offending, 'schema').ok).toBe(true)
    expect(check(offending, 'owner-role').ok).toBe(true)
    expect(check(offending, 'write-grants').message).toBe(`other roles can write: ${crmUser} on ${ctxDb}.orders INSERT`)
    await conn.exec(`revoke insert on \`${ctxDb}\`.orders from \`${crmUser}\`@'%'`)
    const c2 = await orders()
    expect(c2.level).toBe(2)
    expect(check(c2, 'split-recorded').message).toBe(`no physical split recorded (no ${meta}.ledger_steps)`)
    // Read models have no MySQL counterpart; with no workload they are not checked at all.
    expect(check(c2, 'read-models').message).toMatch(/no workload/)
  })
})

/* ------------------------------------------------------------------------------------------------ */

// Each run starts an embedded PostgreSQL and ingests the example's log: slow on a busy machine.
describe('carve assess (the command)', {timeout: 400_000}, () => {
  it('--example shop --json: every designed context with its level and checks', async () => {
    const r = await runCarve(['assess', '--example', 'shop', '--json', '--today', '2026-06-01'], {cwd: tmp, timeoutMs: 170_000})
    expect(r.code, r.stderr).toBe(0)
    const out = JSON.parse(r.stdout) as Assessment
    expect(out.contexts.map((c) => c.name)).toEqual(exampleBoundaries(exampleDir('shop'))!.contexts.map((c) => c.name))
    for (const c of out.contexts) {
      expect(c.level).toBe(0)
      expect(new Set(c.checks.map((k) => k.level))).toEqual(new Set([0, 1, 2, 3, 4, 5]))
      for (const k of c.checks) expect(Object.keys(k)).toEqual(expect.arrayContaining(['level', 'id', 'ok', 'message', 'facts']))
    }
    expect(check(out.contexts.find((c) => c.name === 'orders')!, 'foreign-writes-listed').message).toMatch(/payments-service writes orders/)
  })

  it('text report: the table, then evidence per level; --context limits; --min-level 1 exits 1 and says which', async () => {
    const r = await runCarve(['assess', '--example', 'shop', '--context', 'orders', '--context', 'legacy', '--min-level', '1'], {cwd: tmp, timeoutMs: 170_000})
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(/context\s+owner\s+level\s+next step/)
    expect(r.stdout).toMatch(/^\s+orders\s+orders-service\s+0 shared\s+level 1: /m)
    expect(r.stdout).toMatch(/✗ foreign-writes-listed: .*admin writes orders/)
    expect(r.stdout).not.toMatch(/^\s+billing\s/m)
    expect(r.stderr).toMatch(/error: 2 contexts below level 1: orders, legacy/)
    expect(hasStackTrace(r.stderr)).toBe(false)
    const ok = await runCarve(['assess', '--example', 'shop', '--context', 'legacy', '--min-level', '0', '--brief', '--json'], {cwd: tmp, timeoutMs: 170_000})
    expect(ok.code, ok.stderr).toBe(0)
    expect(JSON.parse(ok.stdout).belowMinLevel).toEqual([])
  })

  it('bad input: a missing or broken --file, an unknown context, no database — exit 2, one clear line, no stack trace', async () => {
    writeFileSync(join(tmp, 'broken.yml'), 'version: 1\ncontexts:\n  - name: Orders\n')
    const cases: [string[], RegExp][] = [
      [['assess', '--example', 'shop', '--file', 'nope.yml'], /boundaries file nope\.yml not found/],
      [['assess', '--example', 'shop', '--file', 'broken.yml'], /broken\.yml:3: contexts\.0\.name: use lower-case/],
      [['assess', '--example', 'shop', '--context', 'nope'], /no context "nope" in the boundaries file/],
      [['assess', '--file', 'broken.yml'], /no database given/],
    ]
    for (const [args, message] of cases) {
      const r = await runCarve(args, {cwd: tmp})
      expect(r.code, args.join(' ')).toBe(2)
      expect(r.stderr).toMatch(message)
      expect(hasStackTrace(r.stderr)).toBe(false)
    }
  })
})
