/**
 * The assessment on PostgreSQL and PGlite: facts from pg_catalog (aclexplode over relacl,
 * has_table_privilege for what a role can do through its memberships, publications for the WAL
 * outbox); outbox triggers are `carve_outbox`, row or statement level; read models are
 * materialized views.
 */
import type {Connection} from '../../db/connection.js'
import {inspect} from '../../introspect/index.js'
import {qualified} from '../../plan/quote.js'
import type {DatabaseFacts, RegistryRow, RoleAbility} from '../assess-model.js'
import {cutoverRow} from './cutover-row.js'
import type {AssessDialect, FactsRequest} from './types.js'

export const postgresAssess: AssessDialect = {
  readFacts,
  writeGrantsAlso: ', PUBLIC none',
  // A row trigger, or the statement-level INSERT one (--outbox trigger).
  isOutboxTrigger: (trigger) => trigger.name === 'carve_outbox',
  walEvents: true,
  readModelsVisible: true,
}

async function readFacts(conn: Connection, request: FactsRequest): Promise<DatabaseFacts> {
  const catalog = await inspect(conn)
  const meta = request.conventions.metaSchema

  const registry = await readPgMeta(conn, qualified(meta, 'ownership'), async (table) => {
    // relation is a regclass: joining on its oid finds where the table is now (after a move),
    // or nothing (a dropped table's row keeps its old oid).
    const rows = await conn.query<{relation: string; schema: string | null; name: string | null; context: string; owner: string; classification: string | null}>(
      `select o.relation::text as relation, n.nspname as schema, c.relname as name, o.context::text as context, o.owner::text as owner, o.classification::text as classification
       from ${table} o left join pg_catalog.pg_class c on c.oid = o.relation::oid left join pg_catalog.pg_namespace n on n.oid = c.relnamespace
       order by 1`,
    )
    return {rows: rows as RegistryRow[]}
  })

  const roles = await conn.query<{name: string; superuser: boolean}>('select rolname as name, rolsuper as superuser from pg_catalog.pg_roles order by 1')

  // Explicit and default privileges (a NULL acl means the owner's defaults), write kinds only.
  const grants = await conn.query<{schema: string; name: string; owner: string; grantee: string; privileges: string}>(
    `select n.nspname as schema, c.relname as name, pg_catalog.pg_get_userbyid(c.relowner) as owner,
            case when a.grantee = 0 then 'PUBLIC' else pg_catalog.pg_get_userbyid(a.grantee) end as grantee,
            string_agg(a.privilege_type, ',' order by a.privilege_type) as privileges
     from pg_catalog.pg_class c
     join pg_catalog.pg_namespace n on n.oid = c.relnamespace
     cross join lateral pg_catalog.aclexplode(coalesce(c.relacl, pg_catalog.acldefault('r', c.relowner))) a
     where c.relkind in ('r', 'p', 'v', 'f')
       and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\\_toast%' and n.nspname not like 'pg\\_temp%'
       and a.privilege_type in ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE')
     group by 1, 2, 3, 4
     order by 1, 2, 4`,
  )

  const wanted = request.probes(catalog)
  const abilities = wanted.length
    ? await conn.query<RoleAbility>(
        `select p.role, p.schema, p.name,
                pg_catalog.has_table_privilege(p.role, c.oid, 'INSERT') as insert,
                pg_catalog.has_table_privilege(p.role, c.oid, 'UPDATE') as update,
                pg_catalog.has_table_privilege(p.role, c.oid, 'DELETE') as delete,
                pg_catalog.has_schema_privilege(p.role, n.oid, 'USAGE') as "schemaUsage"
         from unnest($1::text[], $2::text[], $3::text[]) as p(role, schema, name)
         join pg_catalog.pg_roles r on r.rolname = p.role
         join pg_catalog.pg_namespace n on n.nspname = p.schema
         join pg_catalog.pg_class c on c.relnamespace = n.oid and c.relname = p.name`,
        [wanted.map((w) => w.role), wanted.map((w) => w.schema), wanted.map((w) => w.name)],
      )
    : []

  const ledger = await readPgMeta(conn, qualified(meta, 'ledger_steps'), async (table) => {
    const rows = await conn.query<Record<string, unknown>>(`select * from ${table} where kind = 'split-cutover'`)
    return {cutovers: rows.map(cutoverRow)}
  })

  // The WAL outbox's evidence: a publication over the context's tables (pg_publication_tables
  // lists a partitioned table published through its root under the root's name).
  const publications = await conn.query<{name: string; schema: string; table: string}>('select pubname as name, schemaname as schema, tablename as "table" from pg_catalog.pg_publication_tables order by 1, 2, 3')

  return {
    engine: 'postgres',
    flavor: conn.flavor,
    database: conn.database,
    catalog,
    registry,
    roles: {measurable: true, list: roles.map((r) => ({name: r.name, superuser: r.superuser === true}))},
    grants: {measurable: true, list: grants.map((g) => ({schema: g.schema, name: g.name, owner: g.owner, grantee: g.grantee, privileges: g.privileges.split(','), via: 'table' as const}))},
    abilities: abilities.map((a) => ({...a, insert: a.insert === true, update: a.update === true, delete: a.delete === true, schemaUsage: a.schemaUsage === true})),
    ledger,
    publications,
  }
}

/** A table of Carve's meta schema: absent, unreadable (reported, not fatal), or read. */
async function readPgMeta<T>(conn: Connection, table: string, read: (table: string) => Promise<T>): Promise<{state: 'absent'} | {state: 'error'; error: string} | ({state: 'present'} & T)> {
  const [found] = await conn.query<{r: string | null}>('select pg_catalog.to_regclass($1)::text as r', [table])
  if (!found?.r) return {state: 'absent'}
  try {
    return {state: 'present', ...(await read(table))}
  } catch (error) {
    return {state: 'error', error: (error as Error).message}
  }
}
