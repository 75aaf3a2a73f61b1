/**
 * What the copy, parity and change-capture engines need to know about a table on a live
 * PostgreSQL database, and the SQL fragments they share (keys, casts, stable text forms).
 *
 * Rows travel between databases as the text forms of their values (the same type input/output
 * functions COPY uses), so values are exact whatever their type — provided both sessions format
 * values the same way. `withStableSession` pins the settings that change text forms.
 */
import type {Connection} from '../db/connection.js'
import {dialectOf} from '../db/dialect/index.js'
import {CarveError} from '../errors.js'
import type {RelationRef} from '../introspect/model.js'
import {ident, qualified, relationLabel} from '../plan/quote.js'


export interface ColumnShape {
  name: string
  /** format_type(): what to cast a text form to, valid in this session's search_path. */
  type: string
  /** GENERATED ALWAYS AS (…) STORED: computed on each side, never inserted. */
  generated: boolean
  /** GENERATED ALWAYS AS IDENTITY: inserting a value needs OVERRIDING SYSTEM VALUE. */
  identityAlways: boolean
  /** pg_type oid of the column's type. */
  typeOid: number
  /**
   * A built-in type (and element type) with binary send/receive: its COPY binary form means the
   * same in every database of every server of the major version (user types' oids differ per
   * database, and arrays and records carry their element oids in the binary form).
   */
  portableBinary: boolean
}

export interface TableShape extends RelationRef {
  columns: Map<string, ColumnShape>
  /** Column sets of valid, immediate, non-partial unique indexes on plain columns (the primary key among them): ON CONFLICT can use these. */
  uniqueKeys: string[][]
  /** Estimated rows (pg_class.reltuples; -1 when never analyzed). */
  estimatedRows: number
}

export {relationLabel}

/** Fail early, with a message, on anything but PostgreSQL (PGlite included). */
export function requirePostgres(...conns: (Connection | null)[]): void {
  for (const c of conns) {
    if (c && !dialectOf(c).physicalSplit) {
      throw new CarveError('copy.engine', `copying and comparing tables needs PostgreSQL; ${c.label} is ${c.flavor}`, {
        hint: 'on MySQL/MariaDB, split with the server\'s own replication and compare with pt-table-checksum',
      })
    }
  }
}

export async function readShape(conn: Connection, rel: RelationRef): Promise<TableShape> {
  const name = relationLabel(rel)
  // One round trip: columns and unique keys as JSON beside the row estimate (leaf partitions summed).
  const [head] = await conn.query<{reltuples: number | null; columns: RawColumn[]; uniques: string[][]}>(
    `select coalesce((select sum(greatest(p.reltuples, 0)) from pg_partition_tree(c.oid) t join pg_class p on p.oid = t.relid where t.isleaf and c.relkind = 'p'),
                     c.reltuples)::float8 as reltuples,
            coalesce((select json_agg(json_build_object(
                        'name', a.attname, 'type', format_type(a.atttypid, a.atttypmod),
                        'generated', a.attgenerated <> '', 'identity_always', a.attidentity = 'a',
                        'type_oid', a.atttypid::int4,
                        'portable', a.atttypid < 16384 and t.typelem < 16384 and t.typtype = 'b'
                                    and t.typsend::oid <> 0 and t.typreceive::oid <> 0) order by a.attnum)
                        from pg_attribute a join pg_type t on t.oid = a.atttypid
                       where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped), '[]') as columns,
            coalesce((select json_agg(array(select a.attname from unnest(i.indkey) with ordinality k(attnum, n)
                                              join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum
                                             order by k.n)::text[])
                        from pg_index i
                       where i.indrelid = c.oid and i.indisunique and i.indisvalid and i.indimmediate
                         and i.indpred is null and i.indexprs is null), '[]') as uniques
       from pg_class c where c.oid = to_regclass($1)`,
    [name],
  )
  if (!head) {
    throw new CarveError('copy.missing-table', `table ${name} does not exist in database ${conn.database}`, {
      hint: 'the split-prepare step creates the target tables; apply it first',
    })
  }
  const columns = typeof head.columns === 'string' ? (JSON.parse(head.columns) as RawColumn[]) : head.columns
  const uniques = typeof head.uniques === 'string' ? (JSON.parse(head.uniques) as string[][]) : head.uniques
  return {
    ...rel,
    columns: new Map(
      columns.map((c) => [c.name, {name: c.name, type: c.type, generated: c.generated, identityAlways: c.identity_always, typeOid: Number(c.type_oid), portableBinary: c.portable}]),
    ),
    uniqueKeys: uniques,
    estimatedRows: Number(head.reltuples ?? -1),
  }
}

interface RawColumn {
  name: string
  type: string
  generated: boolean
  identity_always: boolean
  type_oid: number
  portable: boolean
}

export function column(shape: TableShape, name: string, conn: Connection): ColumnShape {
  const c = shape.columns.get(name)
  if (!c) {
    throw new CarveError('copy.missing-column', `column ${ident(name)} is not in ${relationLabel(shape)} (database ${conn.database})`, {
      hint: 'the source and target tables must have the columns the step lists',
    })
  }
  return c
}

/** True when some unique index covers exactly these columns (in any order). */
export function hasUniqueKey(shape: TableShape, key: readonly string[]): boolean {
  const want = [...key].sort().join('\u0000')
  return shape.uniqueKeys.some((u) => [...u].sort().join('\u0000') === want)
}

/**
 * `(a, b) > (x, y)` compared as rows, so keyset pagination over a composite key uses the index.
 * A single column is written without ROW so the planner sees a plain comparison.
 */
export function rowCompare(left: readonly string[], op: '>' | '<=' | '=' | '<', right: readonly string[]): string {
  if (left.length !== right.length) throw new Error('row comparison of unequal widths')
  if (left.length === 1) return `${left[0]} ${op} ${right[0]}`
  return `(${left.join(', ')}) ${op} (${right.join(', ')})`
}

/** Parameters $from.. cast from their text form to the key columns' types. */
export function keyParams(types: readonly string[], from: number): string[] {
  return types.map((t, i) => `$${from + i}::text::${t}`)
}

/**
 * Session settings that change the text form of values. Both ends of a copy or a comparison use
 * these, so text written by one is read back identically by the other (pg_dump pins the same
 * ones). TimeZone matters for comparing timestamptz as text; extra_float_digits=3 keeps every
 * float digit even on servers older than 12.
 */
const STABLE_SETTINGS: Record<string, string> = {
  DateStyle: 'ISO, MDY',
  IntervalStyle: 'postgres',
  extra_float_digits: '3',
  TimeZone: 'UTC',
  bytea_output: 'hex',
  lc_monetary: 'C',
}

/**
 * Run `work` with the stable settings on each distinct connection, then put the caller's
 * settings back (PGlite is one session shared with the rest of the program).
 */
export async function withStableSession<T>(conns: readonly (Connection | null)[], work: () => Promise<T>): Promise<T> {
  const distinct = [...new Set(conns.filter((c): c is Connection => c !== null))]
  const names = Object.keys(STABLE_SETTINGS)
  const saved: {conn: Connection; values: string[]}[] = []
  try {
    for (const conn of distinct) {
      const [row] = await conn.query<Record<string, string>>(`select ${names.map((n, i) => `current_setting('${n}') as s${i}`).join(', ')}`)
      saved.push({conn, values: names.map((_, i) => row![`s${i}`]!)})
      await setAll(conn, names, names.map((n) => STABLE_SETTINGS[n]!))
    }
    return await work()
  } finally {
    for (const {conn, values} of saved) await setAll(conn, names, values).catch(() => {})
  }
}

/** Pin the stable settings on a session of Carve's own (closed afterwards: nothing to restore). */
export async function stabilize(query: Connection['query']): Promise<void> {
  const names = Object.keys(STABLE_SETTINGS)
  await setAll({query} as Pick<Connection, 'query'>, names, names.map((n) => STABLE_SETTINGS[n]!))
}

async function setAll(conn: Pick<Connection, 'query'>, names: string[], values: string[]): Promise<void> {
  const params = names.flatMap((n, i) => [n, values[i]!])
  await conn.query(`select ${names.map((_, i) => `set_config($${2 * i + 1}, $${2 * i + 2}, false)`).join(', ')}`, params)
}

