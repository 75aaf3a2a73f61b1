/**
 * System catalogs are not application tables: monitoring agents and drivers read pg_class,
 * pg_stat_activity, information_schema … all day, and counting them would make them look like the
 * most shared tables of the database. The workload lists them in a section of their own. Which
 * schemas are system schemas is the dialect's (workload/dialect/).
 */
import {type Dialect, workloadDialect} from './dialect.js'

/** Is `name` (as a statement wrote it: `name` or `schema.name`) a system catalog relation? */
export function isSystemRelation(name: string, dialect: Dialect): boolean {
  const dot = name.lastIndexOf('.')
  return workloadDialect(dialect).isSystemRelation(dot === -1 ? undefined : name.slice(0, dot), dot === -1 ? name : name.slice(dot + 1))
}
