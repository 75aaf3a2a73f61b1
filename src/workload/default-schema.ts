/**
 * Table names without their default schema: `public.x` is `x` on PostgreSQL, `<session db>.x` is
 * `x` on MySQL, so one table is one name in the access matrix however a statement spells it.
 * Applied once per statement shape (the aggregator caches the result), never per log line.
 */
import {type Dialect, workloadDialect} from './dialect.js'
import type {StatementInfo} from './statement.js'
import {isSystemRelation} from './system-catalog.js'

export function defaultSchemaDropped(infos: StatementInfo[], dialect: Dialect, database: string | undefined): StatementInfo[] {
  const prefix = workloadDialect(dialect).defaultSchemaPrefix(database)
  if (!prefix) return infos
  // A MySQL session whose database is a system schema (USE information_schema): its unqualified
  // names are system tables, so they are qualified instead of stripped.
  const systemSession = isSystemRelation(`${prefix}x`, dialect)
  const all = (i: StatementInfo) => [...i.reads, ...i.writes, ...i.locks, ...i.ddl, ...i.maintenance]
  const needs = infos.some((i) => all(i).some((t) => (systemSession ? !t.includes('.') : t.startsWith(prefix))))
  if (!needs) return infos
  const strip = systemSession ? (t: string) => (t.includes('.') ? t : prefix + t) : (t: string) => (t.startsWith(prefix) ? t.slice(prefix.length) : t)
  const list = (ts: string[]) => [...new Set(ts.map(strip))].sort()
  return infos.map((i) => ({
    kind: i.kind,
    reads: list(i.reads),
    writes: list(i.writes),
    locks: list(i.locks),
    ddl: list(i.ddl),
    maintenance: list(i.maintenance),
    ...(i.approximate ? {approximate: true as const} : {}),
    joins: [...new Map(i.joins.map(([a, b]) => {
      const [x, y] = [strip(a), strip(b)].sort() as [string, string]
      return [`${x}\u0000${y}`, [x, y] as [string, string]]
    })).values()].filter(([x, y]) => x !== y),
  }))
}
