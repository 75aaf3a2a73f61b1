/**
 * The live-database facts the maturity assessment evaluates (assess.ts): the catalog, the
 * ownership registry, who holds write privileges on what, whether each owner role can write its
 * tables, and the executor's ledger of physical splits. A fixed handful of queries per database,
 * whatever the number of tables.
 *
 * PostgreSQL and PGlite read pg_catalog (aclexplode over relacl, has_table_privilege for what a
 * role can do through its memberships). MySQL/MariaDB have databases where PostgreSQL has schemas
 * and account grants at global, database and table level: those are read from
 * information_schema; what has no MySQL counterpart says so in the evidence.
 */
import type {BoundariesFile} from '../boundaries/file.js'
import type {Connection} from '../db/connection.js'
import {inspect} from '../introspect/index.js'
import type {AssessmentFacts, DatabaseFacts, LedgerCutover, RegistryRow, RelationGrant, RoleAbility, RoleInfo} from './assess-model.js'
import {resolveLocated, retiredSchema, splitOf} from './assess.js'
import {DEFAULT_CONVENTIONS, type PlanConventions, safeName, schemaName} from '../plan/context.js'
import {mysqlIdent, qualified} from '../plan/quote.js'

export interface GatherOptions {
  boundaries: BoundariesFile
  conventions?: Partial<PlanConventions>
  /**
   * Open another database on the same server: a split context's tables are checked where they
   * went. Absent (PGlite, one database) → those checks say the target could not be read.
   */
  connectDatabase?: (name: string) => Promise<Connection>
  onProgress?: (message: string) => void
}

export async function gatherAssessmentFacts(conn: Connection, options: GatherOptions): Promise<AssessmentFacts> {
  const conventions = {...DEFAULT_CONVENTIONS, ...options.conventions}
  options.onProgress?.('reading the catalog, the ownership registry, privileges and the ledger')
  const here = await readDatabaseFacts(conn, options.boundaries, conventions)
  const targets: AssessmentFacts['targets'] = {}
  for (const c of options.boundaries.contexts) {
    const cut = splitOf(here, c.name)
    if (!cut) continue
    // The split step names the target in its checkpoint; older ledgers only by the plan's
    // convention (`<source database>_<context schema>`).
    const database = cut.targetDatabase ?? safeName(`${conn.database}_${schemaName(c.name)}`)
    if (!options.connectDatabase) {
      targets[c.name] = {database, facts: null, error: `${conn.flavor} cannot open another database`}
      continue
    }
    options.onProgress?.(`reading ${database}, where ${c.name} was split to`)
    let other: Connection | undefined
    try {
      other = await options.connectDatabase(database)
      targets[c.name] = {database, facts: await readDatabaseFacts(other, options.boundaries, conventions), error: null}
    } catch (error) {
      targets[c.name] = {database, facts: null, error: (error as Error).message}
    } finally {
      await other?.close()
    }
  }
  return {here, targets}
}

/** Roles whose write ability matters: each context's owner role, on each of its live tables. */
function probes(catalog: DatabaseFacts['catalog'], boundaries: BoundariesFile, conventions: PlanConventions): {role: string; schema: string; name: string}[] {
  const located = resolveLocated(catalog, boundaries, null, {name: 'assess', conventions})
  const out: {role: string; schema: string; name: string}[] = []
  for (const spec of located.input.contexts) for (const t of spec.tables) out.push({role: spec.role, schema: t.table.schema, name: t.table.name})
  return out
}

export async function readDatabaseFacts(conn: Connection, boundaries: BoundariesFile, conventions: PlanConventions): Promise<DatabaseFacts> {
  return conn.engine === 'mysql' ? readMysqlFacts(conn, boundaries, conventions) : readPostgresFacts(conn, boundaries, conventions)
}

// ----- PostgreSQL / PGlite ---------------------------------------------------------------------------

async function readPostgresFacts(conn: Connection, boundaries: BoundariesFile, conventions: PlanConventions): Promise<DatabaseFacts> {
  const catalog = await inspect(conn)
  const meta = conventions.metaSchema

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

  const wanted = probes(catalog, boundaries, conventions)
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

/** A ledger row, whatever optional columns this executor version has. */
function cutoverRow(row: Record<string, unknown>): LedgerCutover {
  const text = (v: unknown) => (v === null || v === undefined ? null : v instanceof Date ? v.toISOString() : String(v))
  let checkpoint = row.checkpoint as Record<string, unknown> | string | null | undefined
  if (typeof checkpoint === 'string') {
    try {
      checkpoint = JSON.parse(checkpoint) as Record<string, unknown>
    } catch {
      checkpoint = null
    }
  }
  const cp = (checkpoint && typeof checkpoint === 'object' ? checkpoint : {}) as Record<string, unknown>
  const step = text(row.step ?? row.step_id) ?? ''
  const fromId = /^\d+-split-cutover-(.+)$/.exec(step)?.[1] ?? null
  return {
    plan: text(row.plan ?? row.plan_name) ?? '',
    step,
    state: text(row.state) ?? '',
    appliedAt: text(row.applied_at),
    targetDatabase: text(cp.target_database ?? cp.targetDatabase),
    context: text(cp.context ?? row.context) ?? fromId,
  }
}

// ----- MySQL / MariaDB ---------------------------------------------------------------------------------

/** `'user'@'host'` → user. */
function granteeName(grantee: string): string {
  const m = /^'((?:[^']|'')*)'(?:@'.*')?$/.exec(grantee)
  return m ? m[1]!.replace(/''/g, "'") : grantee
}

const MYSQL_WRITES = ['INSERT', 'UPDATE', 'DELETE', 'DROP']

async function readMysqlFacts(conn: Connection, boundaries: BoundariesFile, conventions: PlanConventions): Promise<DatabaseFacts> {
  // Databases play the part of schemas: read the connection's database and every context's
  // (and the retired copies') that exists, so moved tables are found where they went.
  const existing = new Set((await conn.query<{name: string}>('select schema_name as name from information_schema.schemata')).map((r) => String(r.name)))
  const schemas = [conn.database, ...boundaries.contexts.map((c) => schemaName(c.name)), retiredSchema(conventions)].filter((s, i, all) => existing.has(s) && all.indexOf(s) === i)
  const catalog = await inspect(conn, {schemas})
  const meta = conventions.metaSchema
  const hasTable = async (name: string) =>
    (await conn.query<{n: number}>('select count(*) as n from information_schema.tables where table_schema = ? and table_name = ?', [meta, name]))[0]!.n > 0

  let registry: DatabaseFacts['registry'] = {state: 'absent'}
  if (await hasTable('ownership')) {
    try {
      const rows = await conn.query<Record<string, unknown>>(`select * from ${mysqlIdent(meta)}.${mysqlIdent('ownership')}`)
      const tables = new Set(catalog.tables.map((t) => `${t.schema}.${t.name}`))
      registry = {
        state: 'present',
        rows: rows.map((r) => {
          // Either a `relation` text column ('db.table' or 'table') or table_schema + table_name.
          const relation = r.relation !== undefined ? String(r.relation) : `${String(r.table_schema ?? conn.database)}.${String(r.table_name)}`
          const qualifiedName = relation.includes('.') ? relation : `${conn.database}.${relation}`
          const dot = qualifiedName.indexOf('.')
          const exists = tables.has(qualifiedName)
          return {
            relation,
            schema: exists ? qualifiedName.slice(0, dot) : null,
            name: exists ? qualifiedName.slice(dot + 1) : null,
            context: String(r.context ?? ''),
            owner: String(r.owner ?? ''),
            classification: r.classification === undefined || r.classification === null ? null : String(r.classification),
          }
        }),
      }
    } catch (error) {
      registry = {state: 'error', error: (error as Error).message}
    }
  }

  // Grants at every level the server has. information_schema shows what the current account may
  // see; an account without the grant tables sees only its own — said in the evidence.
  let roles: DatabaseFacts['roles']
  let grants: DatabaseFacts['grants']
  let abilities: RoleAbility[] = []
  try {
    const global = await conn.query<{grantee: string; privilege: string}>('select grantee, privilege_type as privilege from information_schema.user_privileges')
    const bySchema = await conn.query<{grantee: string; db: string; privilege: string}>(
      'select grantee, table_schema as db, privilege_type as privilege from information_schema.schema_privileges where table_schema in (?)',
      [schemas.length ? schemas : ['']],
    )
    const byTable = await conn.query<{grantee: string; db: string; name: string; privilege: string}>(
      'select grantee, table_schema as db, table_name as name, privilege_type as privilege from information_schema.table_privileges where table_schema in (?)',
      [schemas.length ? schemas : ['']],
    )
    const accounts = await conn.query<{name: string; superuser: string}>('select distinct User as name, Super_priv as superuser from mysql.user')
    const globalWriters = new Set(global.filter((g) => MYSQL_WRITES.includes(String(g.privilege))).map((g) => granteeName(String(g.grantee))))
    const list = new Map<string, RoleInfo>()
    for (const a of accounts) {
      const name = String(a.name)
      const prev = list.get(name)
      list.set(name, {name, superuser: (prev?.superuser ?? false) || String(a.superuser) === 'Y' || globalWriters.has(name)})
    }
    roles = {measurable: true, list: [...list.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))}
    const merged = new Map<string, RelationGrant>()
    const add = (schema: string, name: string, grantee: string, privilege: string, via: RelationGrant['via']) => {
      if (!MYSQL_WRITES.includes(privilege)) return
      const id = `${schema}\u0000${name}\u0000${grantee}\u0000${via}`
      const g = merged.get(id) ?? {schema, name, owner: null, grantee, privileges: [], via}
      if (!g.privileges.includes(privilege)) g.privileges.push(privilege)
      merged.set(id, g)
    }
    for (const g of byTable) add(String(g.db), String(g.name), granteeName(String(g.grantee)), String(g.privilege), 'table')
    for (const g of bySchema) {
      for (const t of catalog.tables.filter((x) => x.schema === String(g.db))) add(t.schema, t.name, granteeName(String(g.grantee)), String(g.privilege), 'schema')
    }
    const grantList = [...merged.values()].map((g) => ({...g, privileges: g.privileges.sort()}))
    grants = {measurable: true, list: grantList}
    abilities = probes(catalog, boundaries, conventions).map((p) => {
      const held = new Set<string>()
      if (global.some((g) => granteeName(String(g.grantee)) === p.role)) for (const g of global) if (granteeName(String(g.grantee)) === p.role) held.add(String(g.privilege))
      for (const g of grantList) if (g.grantee === p.role && g.schema === p.schema && g.name === p.name) for (const x of g.privileges) held.add(x)
      return {role: p.role, schema: p.schema, name: p.name, insert: held.has('INSERT'), update: held.has('UPDATE'), delete: held.has('DELETE'), schemaUsage: true}
    })
  } catch (error) {
    const note = `privileges not measurable on ${conn.flavor}: ${(error as Error).message} (Carve needs SELECT on mysql.user)`
    roles = {measurable: false, note}
    grants = {measurable: false, note}
  }

  let ledger: DatabaseFacts['ledger'] = {state: 'absent'}
  if (await hasTable('ledger_steps')) {
    try {
      const rows = await conn.query<Record<string, unknown>>(`select * from ${mysqlIdent(meta)}.${mysqlIdent('ledger_steps')} where kind = 'split-cutover'`)
      ledger = {state: 'present', cutovers: rows.map(cutoverRow)}
    } catch (error) {
      ledger = {state: 'error', error: (error as Error).message}
    }
  }

  return {engine: 'mysql', flavor: conn.flavor, database: conn.database, catalog, registry, roles, grants, abilities, ledger}
}
