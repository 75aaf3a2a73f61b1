/**
 * System catalogs are not application tables: monitoring agents and drivers read pg_class,
 * pg_stat_activity, information_schema … all day, and counting them would make them look like the
 * most shared tables of the database. The workload lists them in a section of their own.
 */
import type {Dialect} from './mask.js'

const PG_SYSTEM_SCHEMAS = new Set(['pg_catalog', 'information_schema', 'pg_toast'])
const MYSQL_SYSTEM_SCHEMAS = new Set(['mysql', 'information_schema', 'performance_schema', 'sys'])

/** Is `name` (as a statement wrote it: `name` or `schema.name`) a system catalog relation? */
export function isSystemRelation(name: string, dialect: Dialect): boolean {
  const dot = name.lastIndexOf('.')
  const schema = dot === -1 ? undefined : name.slice(0, dot)
  const relation = dot === -1 ? name : name.slice(dot + 1)
  if (dialect === 'postgres') {
    // Unqualified pg_* names resolve to pg_catalog first (it is implicitly first on the search_path).
    if (schema === undefined) return relation.startsWith('pg_')
    return PG_SYSTEM_SCHEMAS.has(schema) || schema.startsWith('pg_toast')
  }
  return schema !== undefined && MYSQL_SYSTEM_SCHEMAS.has(schema.toLowerCase())
}
