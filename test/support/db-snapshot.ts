/**
 * "Exactly as before": a database's structure and data reduced to comparable values. The
 * catalog (minus sizes and planner estimates, which move on their own), privileges on every
 * relation (a NULL ACL shown as the owner's default, which is what it means: a GRANT then REVOKE
 * leaves the explicit form), Carve's roles, and an md5 of every table's rows (order-independent).
 */
import type {Connection} from '../../src/db/connection.js'
import {inspect} from '../../src/introspect/index.js'

export interface Snapshot {
  structure: string
  data: Map<string, string>
}

const USER_SCHEMAS = `n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') AND n.nspname NOT LIKE 'pg_temp%' AND n.nspname NOT LIKE 'pg_toast_temp%'`

export async function structureOf(conn: Connection, rolePrefix: string, ignoreSchemas: string[] = []): Promise<string> {
  const catalog = await inspect(conn)
  const keep = (schema: string) => !ignoreSchemas.includes(schema)
  const acl = await conn.query<{rel: string; kind: string; acl: string | null; comment: string | null}>(
    `SELECT n.nspname || '.' || c.relname AS rel, c.relkind::text AS kind, coalesce(c.relacl, acldefault(CASE WHEN c.relkind = 'S' THEN 's' ELSE 'r' END::"char", c.relowner))::text AS acl, obj_description(c.oid, 'pg_class') AS comment
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE ${USER_SCHEMAS} AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'i', 'f')
     ORDER BY 1`,
  )
  const schemas = await conn.query<{nspname: string; acl: string | null}>(`SELECT nspname, coalesce(nspacl, acldefault('n'::"char", nspowner))::text AS acl FROM pg_namespace n WHERE ${USER_SCHEMAS} ORDER BY 1`)
  const roles = await conn.query<{rolname: string}>(`SELECT rolname FROM pg_roles WHERE rolname LIKE $1 ORDER BY 1`, [`${rolePrefix.replace(/_/g, '\\_')}%`])
  const triggers = await conn.query<{t: string}>(
    `SELECT n.nspname || '.' || c.relname || ':' || t.tgname AS t FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE NOT t.tgisinternal AND ${USER_SCHEMAS} ORDER BY 1`,
  )
  return JSON.stringify(
    {
      tables: catalog.tables.filter((t) => keep(t.schema)).map((t) => ({...t, estimatedRows: null, sizeBytes: null})),
      views: catalog.views.filter((v) => keep(v.schema)).map((v) => ({schema: v.schema, name: v.name, materialized: v.materialized, columns: v.columns, dependsOn: v.dependsOn})),
      functions: catalog.functions.filter((f) => keep(f.schema)),
      sequences: catalog.sequences.filter((s) => keep(s.schema)),
      enums: catalog.enums,
      acl: acl.filter((a) => keep(a.rel.split('.')[0]!)),
      schemas: schemas.filter((s) => keep(s.nspname)),
      roles,
      triggers: triggers.filter((t) => keep(t.t.split('.')[0]!)),
    },
    null,
    1,
  )
}

/** md5 of each table's rows, keyed schema.table; `only` limits it to some tables (by name). */
export async function dataOf(conn: Connection, only?: Set<string>): Promise<Map<string, string>> {
  const tables = await conn.query<{schema: string; name: string}>(
    `SELECT n.nspname AS schema, c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE ${USER_SCHEMAS} AND c.relkind = 'r' ORDER BY 1, 2`,
  )
  const out = new Map<string, string>()
  for (const t of tables) {
    if (only && !only.has(t.name)) continue
    const rel = `"${t.schema.replace(/"/g, '""')}"."${t.name.replace(/"/g, '""')}"`
    const [row] = await conn.query<{sum: string | null; n: string}>(`SELECT md5(string_agg(x::text, '|' ORDER BY x::text)) AS sum, count(*)::text AS n FROM ${rel} x`)
    // Keyed by table name only: a table moved to another schema must still have the same rows.
    out.set(t.name, `${row!.n}:${row!.sum ?? ''}`)
  }
  return out
}

export async function snapshot(conn: Connection, rolePrefix: string, options: {only?: Set<string>; ignoreSchemas?: string[]} = {}): Promise<Snapshot> {
  return {structure: await structureOf(conn, rolePrefix, options.ignoreSchemas), data: await dataOf(conn, options.only)}
}
