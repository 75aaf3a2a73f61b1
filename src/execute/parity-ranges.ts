/**
 * The first pass of parity (parity.ts): each side hashed in one statement, as K key ranges at once.
 *
 * The ranges cut the leading key column at values from the source's statistics (pg_stats
 * histogram bounds and most common values: no scan, about equal row counts when the statistics
 * are fresh; stale ones only make the ranges uneven, the open-ended first and last ranges still
 * hold every key). One statement per side with `count(*) FILTER (WHERE range i)` and
 * `sum(row hash) FILTER (WHERE range i)` for each range: plain aggregates, so the server may still
 * run it with its parallel workers, and each row's text is hashed once (only the aggregate whose
 * filter holds evaluates its argument; cumulative filters, `key <= bound`, would hash a row once
 * per range above it: 8× slower). Measured at 1M rows, psql, interleaved (load 5–10): K = 4 costs
 * 1.0–1.05× of the plain whole-table hash, K = 8 1.03–1.15×, K = 16 1.1–1.22×; a GROUP BY over
 * width_bucket sorts every row (1.6×). K = 4 was no faster end to end on equal tables and slower
 * when rows differ (a bigger range read again): RANGES = 8.
 *
 * Collation: a text key's ranges compare in "C" (byte order) on both sides, whatever the columns'
 * collations, so a row falls in the same range on either side; the bounds are sorted in "C" too.
 */
import type {Connection} from '../db/connection.js'
import type {RelationRef} from '../introspect/model.js'
import {literal} from '../plan/quote.js'

/** Key ranges of the first pass, unless DiffOptions.ranges says otherwise. */
export const RANGES = 8

export interface KeyRange {
  /** Exclusive lower and inclusive upper bound of the leading key column (text forms); null = open. */
  lo: string | null
  hi: string | null
}

/** Does the type take a collation (text, varchar, citext, domains over them…)? */
async function collatable(conn: Connection, type: string): Promise<boolean> {
  const [row] = await conn.query<{c: boolean}>(`SELECT coalesce((SELECT typcollation <> 0 FROM pg_type WHERE oid = to_regtype($1)), false) AS c`, [type])
  return Boolean(row?.c)
}

/**
 * Up to `count` ranges of the leading key column, from the source's statistics; one open range
 * when there are none (never analyzed, PGlite before ANALYZE) or count is 1.
 */
export async function keyRanges(source: Connection, rel: RelationRef, column: string, type: string, count: number): Promise<KeyRange[]> {
  if (count <= 1) return [{lo: null, hi: null}]
  const c = (await collatable(source, type)) ? ' COLLATE "C"' : ''
  // anyarray → text → the column's array type: the statistics' values in the column's own type.
  const stat = (name: string) =>
    `coalesce((SELECT ${name}::text FROM pg_stats WHERE schemaname = $1 AND tablename = $2 AND attname = $3 ORDER BY inherited DESC LIMIT 1), '{}')::${type}[]`
  const [row] = await source.query<{b: string[] | null}>(
    `SELECT array(SELECT x.v::text AS w FROM (SELECT DISTINCT v FROM unnest(${stat('histogram_bounds')} || ${stat('most_common_vals')}) v WHERE v IS NOT NULL) x ORDER BY x.v${c}) AS b`,
    [rel.schema, rel.name, column],
  )
  // Sorted in the key's order (x.v, not its text form: '10' < '9'), so the ranges never overlap.
  const values = row?.b ?? []
  const bounds: string[] = []
  for (let i = 1; i < count && values.length; i++) {
    const v = values[Math.floor((i * values.length) / count)]!
    if (bounds[bounds.length - 1] !== v) bounds.push(v)
  }
  return [...bounds, null].map((hi, i) => ({lo: i === 0 ? null : bounds[i - 1]!, hi}))
}

/** A range as a predicate on one side (bounds as literals cast to that side's key type, "C" for text). */
export async function rangePredicate(conn: Connection, keyCol: string, type: string): Promise<(r: KeyRange) => string | null> {
  const c = (await collatable(conn, type)) ? ' COLLATE "C"' : ''
  return (r) => {
    const parts = [r.lo !== null ? `${keyCol}${c} > ${literal(r.lo)}::text::${type}` : null, r.hi !== null ? `${keyCol}${c} <= ${literal(r.hi)}::text::${type}` : null].filter(Boolean)
    return parts.length ? parts.join(' AND ') : null
  }
}

/** The first pass's statement for one side: the count and the row-hash sum of every range, as text arrays. */
export function rangeHashSql(tag: number, rel: string, rowText: string, predicates: (string | null)[]): string {
  const f = (p: string | null) => (p ? ` FILTER (WHERE ${p})` : '')
  const n = predicates.map((p) => `(count(*)${f(p)})::text`).join(', ')
  const h = predicates.map((p) => `(sum(hashtextextended(${rowText}, 0))${f(p)})::text`).join(', ')
  return `SELECT ${tag} AS s, ARRAY[${n}] AS n, ARRAY[${h}] AS h FROM ${rel} t`
}
