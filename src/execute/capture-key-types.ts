/**
 * Change capture's queue keeps the key in columns of the key's own types, taken from the source
 * when capture is installed. A split runs for weeks beside the application, and a key column's
 * type may change meanwhile (int → bigint when ids run out is the usual one). The queue would
 * then lag behind: the trigger's insert casts each new key to the old type, which fails the
 * application's write once a value does not fit (or at once, where no assignment cast exists).
 * So before each drain the queue follows the source's key types: its columns are altered to
 * match, under lock_timeout, entries kept. Between the source's ALTER and the next drain the
 * old type still applies (README, Limits: keep key types fixed during a split).
 */
import type {Connection} from '../db/connection.js'
import type {RelationRef} from '../introspect/model.js'
import {ident, qualified} from '../plan/quote.js'
import {captureQueue, queueKeyColumn} from '../steps/split/capture-sql.js'
import {runScript, type LockBudget} from './lock-retry.js'

interface Drift {
  queue_col: string
  type: string
  collation: string | null
}

/** The queue's key columns whose type or collation no longer match the source's key columns. */
export async function keyTypeDrift(conn: Connection, table: {source: RelationRef; key: string[]}): Promise<Drift[]> {
  const q = captureQueue(table.source)
  // format_type and quote_ident spell the type and collation as SQL, quoted where needed.
  return conn.query<Drift>(
    `SELECT q.attname AS queue_col, pg_catalog.format_type(s.atttypid, s.atttypmod) AS type,
            CASE WHEN s.attcollation <> q.attcollation AND c.oid IS NOT NULL
                 THEN pg_catalog.quote_ident(cn.nspname) || '.' || pg_catalog.quote_ident(c.collname) END AS collation
       FROM ROWS FROM (pg_catalog.unnest($3::text[]), pg_catalog.unnest($4::text[])) AS k(src_col, queue_col)
       JOIN pg_catalog.pg_attribute s ON s.attrelid = pg_catalog.to_regclass($1) AND s.attname = k.src_col AND NOT s.attisdropped
       JOIN pg_catalog.pg_attribute q ON q.attrelid = pg_catalog.to_regclass($2) AND q.attname = k.queue_col AND NOT q.attisdropped
       LEFT JOIN pg_catalog.pg_collation c ON c.oid = s.attcollation
       LEFT JOIN pg_catalog.pg_namespace cn ON cn.oid = c.collnamespace
      WHERE s.atttypid <> q.atttypid OR s.atttypmod <> q.atttypmod OR s.attcollation <> q.attcollation`,
    [qualified(table.source.schema, table.source.name), qualified(q.schema, q.name), table.key, table.key.map((_, i) => queueKeyColumn(i))],
  )
}

/** Alter the queue's key columns to the source's current types; returns the columns altered. */
export async function followKeyTypes(conn: Connection, table: {source: RelationRef; key: string[]}, lock: LockBudget): Promise<string[]> {
  const drift = await keyTypeDrift(conn, table)
  if (!drift.length) return []
  const q = captureQueue(table.source)
  const alter = drift
    .map((d) => `ALTER COLUMN ${ident(d.queue_col)} TYPE ${d.type}${d.collation ? ` COLLATE ${d.collation}` : ''} USING ${ident(d.queue_col)}::${d.type}`)
    .join(', ')
  await runScript(conn, `ALTER TABLE ${qualified(q.schema, q.name)} ${alter}`, lock)
  return drift.map((d) => d.queue_col)
}
