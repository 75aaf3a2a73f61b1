/**
 * What discovery may propose: the application's tables only, under names that cannot collide
 * with what the database already means by them.
 *
 * - Carve's own schema (`carve`: the ledger and the ownership registry the plan creates) and the
 *   servers' system schemas are never the application's; a re-run after a plan must not propose
 *   a `ledger` context that the next plan would then move.
 * - A context becomes a schema (PostgreSQL) or a database (MySQL) and a role prefix, so it may
 *   not be called like Carve's schema, `public`, a system schema, or a database role: a schema
 *   named like the connecting user is first in the default search_path (`"$user", public`) and
 *   would shadow the compatibility views the plan leaves under the old names.
 */
import type {Catalog} from '../introspect/model.js'
import type {Connection} from '../db/connection.js'
import type {Engine} from '../db/engine.js'

/** The schema (MySQL: database) holding Carve's ledger and ownership registry. */
export const CARVE_SCHEMA = 'carve'

const SYSTEM_SCHEMAS = new Set(['information_schema', 'pg_catalog', 'pg_toast', 'mysql', 'performance_schema', 'sys'])

/** Carve's own schema or a server's system schema. */
export function isForeignSchema(schema: string): boolean {
  const s = schema.toLowerCase()
  return s === CARVE_SCHEMA || SYSTEM_SCHEMAS.has(s) || s.startsWith('pg_')
}

/** The catalog without Carve's own and the system schemas' tables, views and references. */
export function applicationCatalog(catalog: Catalog): Catalog {
  const foreign = (schema: string) => isForeignSchema(schema)
  if (!catalog.tables.some((t) => foreign(t.schema)) && !catalog.views.some((v) => foreign(v.schema))) return catalog
  return {
    ...catalog,
    schemas: catalog.schemas.filter((s) => !foreign(s)),
    tables: catalog.tables.filter((t) => !foreign(t.schema)).map((t) => ({...t, foreignKeys: t.foreignKeys.filter((fk) => !foreign(fk.refSchema))})),
    views: catalog.views.filter((v) => !foreign(v.schema)).map((v) => ({...v, dependsOn: v.dependsOn.filter((d) => !foreign(d.schema))})),
    inferredReferences: catalog.inferredReferences.filter((r) => !foreign(r.from.schema) && !foreign(r.to.schema)),
  }
}

const RESERVED_NAMES = new Set([CARVE_SCHEMA, 'public', 'information_schema', 'mysql', 'performance_schema', 'sys'])

/**
 * Why `name` may not name a context (or null when it may). `roles`: the database's roles, when
 * a connection tells them; compared as the plan spells schemas (dashes as underscores).
 */
export function reservedNameProblem(name: string, roles: readonly string[] = []): string | null {
  const n = name.toLowerCase()
  const asSchema = n.replace(/-/g, '_')
  if (RESERVED_NAMES.has(n) || RESERVED_NAMES.has(asSchema)) return `"${name}" is reserved (${n === CARVE_SCHEMA ? "Carve's own schema" : 'a schema the database already has'}): choose another name`
  if (/^pg[-_]/.test(n)) return `"${name}" starts like PostgreSQL's system schemas (pg_): choose another name`
  const role = roles.find((r) => r.toLowerCase() === n || r.toLowerCase() === asSchema)
  if (role !== undefined) return `"${name}" is the name of a database role (${role}): a schema of that name would shadow the compatibility views through "$user" in search_path; choose another name`
  return null
}

/** A generated name made safe: `-data` appended while it is reserved. */
export function safeContextName(name: string, roles: readonly string[] = []): string {
  let n = name
  while (reservedNameProblem(n, roles)) n = `${n}-data`
  return n
}

/** How each engine lists the names a context must not take. */
const ROLE_READERS: Readonly<Record<Engine, (conn: Connection) => Promise<string[]>>> = {
  async postgres(conn) {
    const rows = await conn.query<{name: string}>(`select rolname as name from pg_roles where rolname !~ '^pg_' union select current_user`)
    return rows.map((r) => r.name).sort()
  },
  async mysql(conn) {
    const rows = await conn.query<{name: string}>(`select substring_index(current_user(), '@', 1) as name`)
    let users: {name: string}[] = []
    try {
      users = await conn.query<{name: string}>('select distinct user as name from mysql.user')
    } catch {
      // Without privileges on mysql.user only the connecting account is known.
    }
    return [...new Set([...rows, ...users].map((r) => String(r.name)).filter(Boolean))].sort()
  },
}

/** The database's roles (PostgreSQL) or accounts (MySQL) as far as this user may see them; [] when unknown. */
export async function databaseRoles(conn: Connection): Promise<string[]> {
  try {
    return await ROLE_READERS[conn.engine](conn)
  } catch {
    return []
  }
}
