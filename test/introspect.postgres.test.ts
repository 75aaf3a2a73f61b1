/**
 * PostgreSQL introspection on a schema that uses every catalog feature, hostile names included:
 * on PGlite always, and on a real PostgreSQL server when CARVE_TEST_PG_URL is set.
 */
import {readFileSync} from 'node:fs'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {Connection} from '../src/db/connection.js'
import {openPglite} from '../src/db/pglite.js'
import {openPostgres} from '../src/db/postgres.js'
import {inspect} from '../src/introspect/index.js'
import type {Catalog, Table} from '../src/introspect/model.js'
import {announceSkip, createPgDatabase, PG_URL} from './support/servers.js'

const FIXTURE = readFileSync(new URL('./fixtures/pg-features.sql', import.meta.url), 'utf8')
const LINES = 'Order Lines; DROP TABLE users'

function table(catalog: Catalog, schema: string, name: string): Table {
  const t = catalog.tables.find((x) => x.schema === schema && x.name === name)
  if (!t) throw new Error(`no table ${schema}.${name} in ${catalog.tables.map((x) => `${x.schema}.${x.name}`).join(', ')}`)
  return t
}

function describeFeatures(engine: string, open: () => Promise<{conn: Connection; cleanup: () => Promise<void>}>) {
  describe(`introspection of every catalog feature on ${engine}`, () => {
    let conn: Connection
    let cleanup: () => Promise<void>
    let catalog: Catalog

    beforeAll(async () => {
      ;({conn, cleanup} = await open())
      await conn.exec(FIXTURE)
      catalog = await inspect(conn)
    })
    afterAll(async () => {
      await conn?.close()
      await cleanup?.()
    })

    it('lists schemas, tables, partitions and views', () => {
      expect(catalog.schemas).toEqual(['public', 'sales'])
      expect(catalog.tables.map((t) => `${t.schema}.${t.name}`)).toEqual([
        'public.audit_events', 'public.audit_events_2024', 'public.audit_events_2025', 'public.legacy_prefs',
        'public.tenants', 'public.user_attributes', 'public.users',
        `sales.${LINES}`, 'sales.orders', 'sales.shipments',
      ])
      expect(catalog.views.map((v) => `${v.schema}.${v.name}:${v.materialized}`)).toEqual([
        'public.Report "Daily":false', 'public.v_user_orders:false', 'sales.order_totals:true',
      ])
    })

    it('reads columns with types, nullability, defaults, identity, generated and comments', () => {
      const users = table(catalog, 'public', 'users')
      expect(users.columns.map((c) => [c.name, c.type, c.nullable])).toEqual([
        ['id', 'integer', false], ['tenant_id', 'bigint', false], ['email', 'text', false], ['display_name', 'text', true],
      ])
      expect(users.columns[0]!.default).toBe("nextval('users_id_seq'::regclass)")
      expect(users.columns[2]!.comment).toBe('login e-mail')
      expect(table(catalog, 'public', 'tenants').columns[0]!.identity).toBe('always')
      const orders = table(catalog, 'sales', 'orders')
      expect(orders.columns.find((c) => c.name === 'id')!.identity).toBe('by default')
      expect(orders.columns.find((c) => c.name === 'state')!.type).toBe('sales.order_state')
      expect(orders.columns.find((c) => c.name === 'state')!.default).toBe("'new'::sales.order_state")
      const lines = table(catalog, 'sales', LINES)
      expect(lines.columns.map((c) => c.name)).toEqual(['order_id', 'line#', 'select', 'Prix_€', 'qty', 'total'])
      const total = lines.columns.find((c) => c.name === 'total')!
      expect(total.generated).toContain('"Prix_€" * (qty)::numeric')
      expect(total.default).toBeNull()
      expect(lines.columns.map((c) => c.position)).toEqual([1, 2, 3, 4, 5, 6])
      expect(table(catalog, 'public', 'tenants').comment).toBe('Customers of the platform')
    })

    it('reads primary keys in key order, uniques and checks', () => {
      expect(table(catalog, 'public', 'user_attributes').primaryKey).toEqual(['user_id', 'attr_key', 'st_dt'])
      expect(table(catalog, 'sales', LINES).primaryKey).toEqual(['order_id', 'line#'])
      expect(table(catalog, 'sales', 'shipments').primaryKey).toEqual([])
      const users = table(catalog, 'public', 'users')
      expect(users.uniques).toEqual([{name: 'users_tenant_email_key', columns: ['tenant_id', 'email']}])
      expect(users.checks).toHaveLength(1)
      expect(users.checks[0]!.name).toBe('users_email_check')
      expect(users.checks[0]!.expression).toMatch(/^CHECK \(/)
    })

    it('reads foreign keys with columns, targets, actions, deferrability and validation', () => {
      const orders = table(catalog, 'sales', 'orders')
      expect(orders.foreignKeys).toEqual([{
        name: 'orders_user_fk', columns: ['user_id'], refSchema: 'public', refTable: 'users', refColumns: ['id'],
        onDelete: 'set null', onUpdate: 'no action', deferrable: true, validated: false,
      }])
      const lines = table(catalog, 'sales', LINES)
      expect(lines.foreignKeys[0]).toMatchObject({columns: ['order_id'], refTable: 'orders', onDelete: 'cascade', onUpdate: 'restrict', validated: true})
      expect(table(catalog, 'sales', 'shipments').foreignKeys).toEqual([expect.objectContaining({
        name: 'shipments→lines', columns: ['order_id', 'line#'], refSchema: 'sales', refTable: LINES, refColumns: ['order_id', 'line#'],
      })])
      // The partitioned parent's key is reported once; partitions do not repeat it.
      const total = catalog.tables.reduce((n, t) => n + t.foreignKeys.length, 0)
      expect(total).toBe(5)
    })

    it('reads indexes: unique, partial, expression, primary', () => {
      const users = table(catalog, 'public', 'users')
      expect(users.indexes.map((i) => [i.name, i.columns, i.unique, i.primary])).toEqual([
        ['users_lower_email_idx', ['lower(email)'], false, false],
        ['users_pkey', ['id'], true, true],
        ['users_tenant_email_key', ['tenant_id', 'email'], true, false],
      ])
      const partial = table(catalog, 'public', 'user_attributes').indexes.find((i) => i.name === 'user_attributes_open_idx')!
      expect(partial.predicate).toBe('(e_dt IS NULL)')
      expect(partial.method).toBe('btree')
      expect(partial.definition).toContain('CREATE UNIQUE INDEX')
    })

    it('reads partitioning', () => {
      const audit = table(catalog, 'public', 'audit_events')
      expect(audit.kind).toBe('partitioned')
      expect(audit.partitioning).toEqual({strategy: 'range', key: 'happened_at', partitions: ['audit_events_2024', 'audit_events_2025']})
      expect(table(catalog, 'public', 'audit_events_2024').partitionOf).toEqual({schema: 'public', name: 'audit_events'})
    })

    it('reads views with their dependencies, triggers with their functions, functions, sequences, enums', () => {
      const v = catalog.views.find((x) => x.name === 'v_user_orders')!
      expect(v.dependsOn).toEqual([{schema: 'public', name: 'users'}, {schema: 'sales', name: 'orders'}])
      expect(v.comment).toBe('orders with the e-mail of who placed them')
      expect(v.columns.map((c) => c.name)).toEqual(['user_id', 'email', 'order_id', 'state'])
      expect(catalog.views.find((x) => x.name === 'Report "Daily"')!.dependsOn).toEqual([{schema: 'public', name: 'v_user_orders'}])
      expect(catalog.views.find((x) => x.name === 'order_totals')!.dependsOn).toEqual([{schema: 'sales', name: LINES}])

      const trig = table(catalog, 'public', 'users').triggers
      expect(trig).toEqual([expect.objectContaining({
        name: 'users_audit', timing: 'AFTER', events: ['INSERT', 'UPDATE', 'DELETE'], level: 'row',
        function: {schema: 'public', name: 'audit_change'}, enabled: true,
      })])
      expect(table(catalog, 'sales', 'orders').triggers[0]).toMatchObject({level: 'statement', events: ['UPDATE']})

      expect(catalog.functions.map((f) => [f.name, f.language, f.returns])).toEqual([
        ['audit_change', 'plpgsql', 'trigger'], ['live_attribute', 'sql', 'text'],
      ])
      expect(catalog.functions[0]!.usedByTriggers).toEqual(['public.users.users_audit', 'sales.orders.orders_audit'])
      expect(catalog.functions[1]!.arguments).toBe('p_user integer, p_key text')

      const seq = Object.fromEntries(catalog.sequences.map((s) => [s.name, s.ownedBy]))
      expect(seq['invoice_no_seq']).toBeNull()
      expect(seq['users_id_seq']).toEqual({schema: 'public', table: 'users', column: 'id'})
      expect(seq['tenants_id_seq']).toEqual({schema: 'public', table: 'tenants', column: 'id'})
      expect(catalog.enums).toEqual([{schema: 'sales', name: 'order_state', values: ['new', 'paid', 'shipped']}])
    })

    it('derives SCD2, tenant, deprecated flags and inferred references', () => {
      expect(table(catalog, 'public', 'user_attributes').flags.scd2).toEqual({from: 'st_dt', to: 'e_dt'})
      expect(table(catalog, 'public', 'users').flags.tenantColumn).toBe('tenant_id')
      expect(table(catalog, 'sales', 'orders').flags.tenantColumn).toBe('tenant_id')
      expect(table(catalog, 'public', 'legacy_prefs').flags.deprecated).toMatch(/DEPRECATED/)
      const inferred = catalog.inferredReferences.map((r) => `${r.from.name}.${r.from.columns[0]}→${r.to.name}.${r.to.columns[0]}:${r.confidence}`)
      // audit_events.user_id and legacy_prefs.user_id have no FK: inferred. orders.tenant_id → tenants (bigint = bigint).
      expect(inferred).toEqual(expect.arrayContaining([
        'audit_events.user_id→users.id:high', 'legacy_prefs.user_id→users.id:high',
      ]))
      // orders.user_id has a (NOT VALID) FK: not inferred again. Cross-schema targets are not guessed.
      expect(inferred.filter((s) => s.startsWith('orders.user_id'))).toEqual([])
    })

    it('reads sizes and row estimates, and uses a constant number of catalog queries', () => {
      expect(table(catalog, 'public', 'users').estimatedRows).toBe(50)
      expect(table(catalog, 'public', 'users').sizeBytes).toBeGreaterThan(0)
      expect(catalog.stats.catalogQueries).toBe(10)
    })

    it('reads only the schemas asked for, and names a missing schema', async () => {
      const only = await inspect(conn, {schemas: ['sales']})
      expect(only.tables.every((t) => t.schema === 'sales')).toBe(true)
      await expect(inspect(conn, {schemas: ['nope']})).rejects.toThrow(/schema not found: "nope"/)
    })

    it('numbers columns 1…n after a dropped column, and names keys and indexes past it', async () => {
      await conn.exec(`CREATE SCHEMA dropped;
        CREATE TABLE dropped.t (gone int, id int PRIMARY KEY, also_gone text, code text UNIQUE, note text);
        ALTER TABLE dropped.t DROP COLUMN gone, DROP COLUMN also_gone;
        CREATE INDEX t_note_lower ON dropped.t (note, lower(code));`)
      try {
        const t = table(await inspect(conn, {schemas: ['dropped']}), 'dropped', 't')
        expect(t.columns.map((c) => [c.name, c.position])).toEqual([['id', 1], ['code', 2], ['note', 3]])
        expect(t.primaryKey).toEqual(['id'])
        expect(t.uniques).toEqual([{name: 't_code_key', columns: ['code']}])
        expect(t.indexes.find((i) => i.name === 't_note_lower')!.columns).toEqual(['note', 'lower(code)'])
      } finally {
        await conn.exec('DROP SCHEMA dropped CASCADE')
      }
    })

    // The reader spells plain index definitions and deparses defaults without their table
    // (postgres.ts): each must read exactly as the server's own pg_get_indexdef / pg_get_expr.
    it('spells index definitions and column defaults exactly as the server does', async () => {
      await conn.exec(`CREATE SCHEMA "Spell ing";
        CREATE DOMAIN "Spell ing".code AS text;
        CREATE FUNCTION "Spell ing".seven() RETURNS int LANGUAGE sql IMMUTABLE AS 'select 7';
        CREATE TABLE "Spell ing"."Mixed Case" (
          id int PRIMARY KEY, "select" text, v varchar(20) DEFAULT 'x', t text COLLATE "C", n int DEFAULT (1 + 2) * 3,
          d date DEFAULT CURRENT_DATE, tags text[] DEFAULT '{}', j jsonb DEFAULT '{"a": [1]}', r int4range,
          c "Spell ing".code, s int DEFAULT "Spell ing".seven(), u text DEFAULT current_user,
          g int GENERATED ALWAYS AS (n * 2) STORED, ci cidr, b char(3));
        CREATE INDEX ON "Spell ing"."Mixed Case" ("select", id);
        CREATE INDEX "Odd ""Name""" ON "Spell ing"."Mixed Case" (v);
        CREATE INDEX ON "Spell ing"."Mixed Case" (v varchar_pattern_ops);
        CREATE INDEX ix_text_pattern ON "Spell ing"."Mixed Case" (v text_pattern_ops, ci, b);
        CREATE INDEX ON "Spell ing"."Mixed Case" (t);
        CREATE INDEX ix_posix ON "Spell ing"."Mixed Case" (t COLLATE "POSIX");
        CREATE INDEX ix_desc ON "Spell ing"."Mixed Case" (n DESC, d NULLS FIRST);
        CREATE INDEX ix_incl ON "Spell ing"."Mixed Case" (n) INCLUDE (d);
        CREATE INDEX ix_hash ON "Spell ing"."Mixed Case" USING hash (n);
        CREATE INDEX ix_gin ON "Spell ing"."Mixed Case" USING gin (tags);
        CREATE INDEX ix_gin_path ON "Spell ing"."Mixed Case" USING gin (j jsonb_path_ops);
        CREATE INDEX ix_gist ON "Spell ing"."Mixed Case" USING gist (r);
        CREATE INDEX ix_fill ON "Spell ing"."Mixed Case" (n) WITH (fillfactor = 70);
        CREATE INDEX ix_domain ON "Spell ing"."Mixed Case" (c);
        CREATE UNIQUE INDEX ix_nnd ON "Spell ing"."Mixed Case" (s) NULLS NOT DISTINCT;
        CREATE INDEX ix_generated ON "Spell ing"."Mixed Case" (g, u);
        CREATE TABLE "Spell ing".parts (id int, at date) PARTITION BY RANGE (at);
        CREATE INDEX ON "Spell ing".parts (at);
        CREATE TABLE "Spell ing".parts_2024 PARTITION OF "Spell ing".parts FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');`)
      try {
        const spelled = await inspect(conn, {schemas: ['Spell ing']})
        const indexes = await conn.query<{name: string; def: string}>(
          `select ic.relname as name, pg_get_indexdef(i.indexrelid) as def from pg_index i join pg_class ic on ic.oid = i.indexrelid
            where ic.relnamespace = '"Spell ing"'::regnamespace order by 1`)
        const defaults = await conn.query<{name: string; expr: string}>(
          `select a.attname as name, pg_get_expr(d.adbin, d.adrelid) as expr from pg_attrdef d
             join pg_attribute a on a.attrelid = d.adrelid and a.attnum = d.adnum
            where d.adrelid = '"Spell ing"."Mixed Case"'::regclass order by 1`)
        const byName = (a: {name: string}, b: {name: string}) => (a.name < b.name ? -1 : 1)
        expect(indexes.length).toBe(19)
        expect(spelled.tables.flatMap((t) => t.indexes.map((i) => ({name: i.name, def: i.definition}))).sort(byName)).toEqual(indexes)
        const mixed = table(spelled, 'Spell ing', 'Mixed Case')
        expect(mixed.columns.filter((c) => c.default !== null || c.generated !== null)
          .map((c) => ({name: c.name, expr: c.default ?? c.generated})).sort(byName)).toEqual(defaults)
        expect(defaults.length).toBe(8)
      } finally {
        await conn.exec('DROP SCHEMA "Spell ing" CASCADE')
      }
    })
  })
}

describeFeatures('PGlite', async () => ({conn: await openPglite(null), cleanup: async () => {}}))

if (PG_URL) {
  describeFeatures('PostgreSQL server', async () => {
    const db = await createPgDatabase('features')
    return {conn: await openPostgres(db.url), cleanup: db.drop}
  })
} else {
  announceSkip('PostgreSQL')
  describe.skip('introspection of every catalog feature on PostgreSQL server (CARVE_TEST_PG_URL unset)', () => {
    it('skipped', () => {})
  })
}
