/**
 * Tables for the backfill, parity and change-capture tests: every type whose text form is easy
 * to get wrong (numeric scale, timestamptz, jsonb 'null' vs SQL NULL, json kept verbatim, bytea,
 * arrays with NULL and "NULL", enums, NaN/Infinity, -0), a generated column, an identity ALWAYS
 * key, hostile names — plus a row dump that compares tables row by row without Carve's code.
 */
import type {Connection} from '../../src/db/connection.js'

export const TYPES_SCHEMA = 'Src "Schema"'
export const TYPES_TABLE = 'Order Lines; DROP TABLE x'
export const MOOD = 'carve mood'

/** The enum every database of a test needs (cross-database copies need it on both sides). */
export function moodSql(): string {
  return `DO $$ BEGIN CREATE TYPE public."${MOOD}" AS ENUM ('ok', 'sad', 'say "hi", then {go}'); EXCEPTION WHEN duplicate_object THEN NULL; END $$;`
}

/** The column list (in order) of the types table. */
export const TYPES_COLUMNS = [
  'id', 'amount', 'price', 'created', 'day', 'doc', 'raw json', 'blob', 'tags', 'grid', 'mood', 'f8', 'f4', 'span', 'note', 'total', 'uid', 'flag',
]

export function typesTableSql(schema: string, name: string, identity: 'always' | 'plain' = 'always'): string {
  const q = (s: string) => `"${s.replace(/"/g, '""')}"`
  return `CREATE SCHEMA IF NOT EXISTS ${q(schema)};
CREATE TABLE ${q(schema)}.${q(name)} (
  id bigint ${identity === 'always' ? 'GENERATED ALWAYS AS IDENTITY' : 'NOT NULL'} PRIMARY KEY,
  amount numeric(20,6),
  price numeric,
  created timestamptz,
  day date,
  doc jsonb,
  "raw json" json,
  blob bytea,
  tags text[],
  grid int[],
  mood public."${MOOD}",
  f8 float8,
  f4 real,
  span interval,
  note text,
  total numeric GENERATED ALWAYS AS (amount * 2) STORED,
  uid uuid,
  flag boolean
);`
}

/**
 * Insert `n` rows (ids 1..n, via OVERRIDING SYSTEM VALUE) cycling through the awkward values;
 * deterministic for a given n.
 */
export function typesRowsSql(schema: string, name: string, n: number, from = 1): string {
  const q = (s: string) => `"${s.replace(/"/g, '""')}"`
  return `INSERT INTO ${q(schema)}.${q(name)} (id, amount, price, created, day, doc, "raw json", blob, tags, grid, mood, f8, f4, span, note, uid, flag)
OVERRIDING SYSTEM VALUE
SELECT i,
  CASE i % 7 WHEN 0 THEN NULL WHEN 1 THEN 1.5 WHEN 2 THEN -0.000001 ELSE i * 1.25 END,
  CASE i % 5 WHEN 0 THEN 'NaN'::numeric WHEN 1 THEN 1.500 WHEN 2 THEN 123456789012345678901234567890.123456789 ELSE i END,
  CASE i % 6 WHEN 0 THEN NULL WHEN 1 THEN 'infinity'::timestamptz WHEN 2 THEN '1999-12-31 23:59:59.999999+13' ELSE timestamptz '2024-03-10 01:59:59.5+00' + i * interval '17 minutes 3.25 seconds' END,
  CASE i % 4 WHEN 0 THEN '-infinity'::date WHEN 1 THEN NULL ELSE date '2000-02-29' + i END,
  CASE i % 6 WHEN 0 THEN 'null'::jsonb WHEN 1 THEN NULL WHEN 2 THEN '"str"'::jsonb WHEN 3 THEN '{"a": [1, 2.50, null], "b": {"c": "d\\"e"}}'::jsonb ELSE jsonb_build_object('i', i, 'f', i / 3.0) END,
  CASE i % 4 WHEN 0 THEN 'null'::json WHEN 1 THEN NULL WHEN 2 THEN '{"b":1,  "a":2, "a":3}'::json ELSE json_build_array(i, 'x') END,
  CASE i % 5 WHEN 0 THEN NULL WHEN 1 THEN ''::bytea WHEN 2 THEN '\\x00ff00'::bytea ELSE convert_to('row ' || i, 'UTF8') END,
  CASE i % 6 WHEN 0 THEN NULL WHEN 1 THEN '{}'::text[] WHEN 2 THEN ARRAY[NULL, 'NULL', '', 'a,b', 'q"uote', 'back\\slash', '{brace}', 'new
line'] ELSE ARRAY['t' || i, 'Prix €'] END,
  CASE i % 3 WHEN 0 THEN NULL WHEN 1 THEN ARRAY[1, NULL, 3] ELSE ARRAY[i] END,
  CASE i % 4 WHEN 0 THEN NULL WHEN 1 THEN 'ok' WHEN 2 THEN 'sad' ELSE 'say "hi", then {go}' END::public."${MOOD}",
  CASE i % 7 WHEN 0 THEN 'NaN'::float8 WHEN 1 THEN '-Infinity'::float8 WHEN 2 THEN '-0'::float8 WHEN 3 THEN 0.1::float8 WHEN 4 THEN 1e-300::float8 ELSE i / 7.0::float8 END,
  CASE i % 3 WHEN 0 THEN 'Infinity'::real WHEN 1 THEN 3.14159274::real ELSE NULL END,
  CASE i % 3 WHEN 0 THEN NULL WHEN 1 THEN '-1 mons +2 days -03:04:05.678' ELSE make_interval(secs => i) END,
  CASE i % 5 WHEN 0 THEN NULL WHEN 1 THEN '' WHEN 2 THEN E'tab\\there, "quotes" and \\\\ and ''single''' ELSE repeat('x', i % 50) END,
  CASE WHEN i % 9 = 0 THEN NULL ELSE md5(i::text)::uuid END,
  CASE i % 3 WHEN 0 THEN NULL WHEN 1 THEN true ELSE false END
FROM generate_series(${from}, ${from + n - 1}) i;`
}

/** A table with a composite key (tenant, code) for keyset and chunk-boundary tests. */
export function compositeTableSql(schema: string, name: string): string {
  return `CREATE SCHEMA IF NOT EXISTS "${schema}";
CREATE TABLE "${schema}"."${name}" (tenant int NOT NULL, code text NOT NULL, qty int, note text, PRIMARY KEY (tenant, code));`
}

export function compositeRowsSql(schema: string, name: string, tenants: number, perTenant: number): string {
  return `INSERT INTO "${schema}"."${name}" SELECT t, 'c-' || lpad(c::text, 4, '0'), t * c, CASE WHEN c % 4 = 0 THEN NULL ELSE 'n' || c END
FROM generate_series(1, ${tenants}) t, generate_series(1, ${perTenant}) c;`
}

/**
 * Every row of a table as [key text, row text], in key order, with the session pinned to the same
 * text forms on every connection — an independent row-by-row check (it does not use parity.ts).
 */
export async function dumpRows(conn: Connection, schema: string, name: string, key: string[], columns: string[]): Promise<[string, string][]> {
  const q = (s: string) => `"${s.replace(/"/g, '""')}"`
  await conn.exec(`SET TimeZone = 'UTC'; SET DateStyle = 'ISO, MDY'; SET extra_float_digits = 3; SET IntervalStyle = 'postgres'`)
  const rows = await conn.query<{k: string; r: string}>(
    `SELECT ROW(${key.map(q).join(', ')})::text AS k, ROW(${columns.map(q).join(', ')})::text AS r FROM ${q(schema)}.${q(name)} ORDER BY ${key.map(q).join(', ')}`,
  )
  return rows.map((r) => [r.k, r.r])
}

/** Rows that differ between two dumps: keys missing on b, extra on b, and rows that differ. */
export function diffDumps(a: [string, string][], b: [string, string][]): {missing: string[]; extra: string[]; differing: string[]; duplicates: number} {
  const mb = new Map<string, string>()
  let duplicates = 0
  for (const [k, r] of b) {
    if (mb.has(k)) duplicates++
    mb.set(k, r)
  }
  const ka = new Set<string>()
  const missing: string[] = []
  const differing: string[] = []
  for (const [k, r] of a) {
    ka.add(k)
    const other = mb.get(k)
    if (other === undefined) missing.push(k)
    else if (other !== r) differing.push(k)
  }
  const extra = [...mb.keys()].filter((k) => !ka.has(k))
  return {missing, extra, differing, duplicates}
}
