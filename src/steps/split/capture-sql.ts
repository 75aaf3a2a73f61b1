/**
 * The SQL of change capture (triggers on a source table that queue the keys of written rows): pure
 * text builders, shared by the split-prepare step (its up.sql / down.sql) and the executor
 * (execute/change-capture.ts, which installs and drains capture at run time). A leaf so that
 * neither imports the other: how capture works and why is told in execute/change-capture.ts.
 */
import {createHash} from 'node:crypto'

import {CarveError} from '../../errors.js'
import type {RelationRef} from '../../introspect/model.js'
import {dollarQuote, ident, literal, qualified, relationLabel} from '../../plan/quote.js'

export const CAPTURE_SCHEMA = 'carve'
export const CAPTURE_TRIGGER = 'carve_capture'
export const CAPTURE_TRUNCATE_TRIGGER = 'carve_capture_truncate'

export interface CaptureNames {
  schema: string
  /** The queue: one row per written key, in columns k0…kn of the key's own types. */
  queue: string
  /** TRUNCATE markers, apart from the queue (its key columns stay the key's types, never NULL). */
  truncates: string
  /** Queues the key of an inserted row. */
  rowFunction: string
  /** Queues the new key of an updated row, and its old key too when the update changed it. */
  updateFunction: string
  /** Queues the key of a deleted row. */
  oldKeyFunction: string
  /** Of earlier versions (statement-level triggers): dropped when capture is installed again or removed. */
  statementFunction: string
  truncateFunction: string
}

/** Object names for a source table: a hash of its name, so any name (and any length) fits. */
export function captureNames(source: RelationRef): CaptureNames {
  const hash = createHash('sha256').update(`${source.schema}\u0000${source.name}`).digest('hex').slice(0, 16)
  return {
    schema: CAPTURE_SCHEMA,
    queue: `changes_${hash}`,
    truncates: `truncates_${hash}`,
    rowFunction: `capture_${hash}`,
    updateFunction: `capture_update_${hash}`,
    oldKeyFunction: `capture_old_${hash}`,
    statementFunction: `capture_statement_${hash}`,
    truncateFunction: `capture_truncate_${hash}`,
  }
}

export function captureQueue(source: RelationRef): RelationRef {
  const n = captureNames(source)
  return {schema: n.schema, name: n.queue}
}

export function captureTruncates(source: RelationRef): RelationRef {
  const n = captureNames(source)
  return {schema: n.schema, name: n.truncates}
}

/** The queue's column holding key column `i` (named by position: a key column may have any name). */
export function queueKeyColumn(i: number): string {
  return `k${i}`
}

/** Trigger names on the source table (per-table names: any table may carry them). */
const ROW_TRIGGERS = {inserted: CAPTURE_TRIGGER, updated: 'carve_capture_updated', deleted: 'carve_capture_delete'} as const
/** Triggers of earlier versions (statement-level ones; the WHEN-guarded key-change one), dropped on (re)install and removal. */
const OLD_TRIGGERS = ['carve_capture_insert', 'carve_capture_update', 'carve_capture_moved'] as const

/**
 * SQL installing capture on the source table (idempotent: re-running it replaces the functions
 * and triggers and keeps the queue). Run it before the backfill starts, in one transaction:
 * CREATE TRIGGER waits for writers in flight, and every write committed after it is queued.
 *
 * One row trigger per kind of write, each one plain INSERT of the key into the queue, in the
 * key's own column types: the key of an inserted row, of a deleted row, and the new key of an
 * updated row (plus its old key when the update changed it). What capture must not slow down is
 * the application's single-row writes; measured on PostgreSQL 15 as server time per single-row
 * UPDATE + COMMIT (a DO block alternating two identical tables, synchronous_commit off so the
 * trigger's own CPU shows, loaded 2-core machine, medians of 4,000):
 * - the queue has no id, no index and no sequence — the drain needs no order (it applies each
 *   key's current state; TRUNCATE markers live in their own table, read with every batch) and
 *   dequeues by ctid: a bigserial primary key cost about 3 µs per write of the 9 µs capture cost
 *   (nextval plus an index insert and its WAL);
 * - keys in typed columns instead of a jsonb array with a table-name text and an op text: about
 *   1 µs less;
 * - one UPDATE trigger that compares the keys itself instead of a second trigger with a WHEN
 *   clause: PostgreSQL prepares a trigger's WHEN expression anew for every statement, which cost
 *   about as much as the second trigger's INSERT;
 * - statement-level triggers with transition tables (an earlier version) were slower still.
 * A trigger doing nothing costs about 1 µs. A bulk UPDATE of every row pays more (one queued key
 * per row). Row triggers also fire for writes made directly to a partition (PostgreSQL clones
 * them onto every partition), which a parent's statement triggers do not.
 *
 * The functions are SECURITY DEFINER, so the application's roles write the queue through them
 * without any grant on schema carve, and they have no SET search_path: a function-level setting
 * is saved and restored on every call, which cost more than the rest of the trigger. Nothing in
 * their bodies is looked up through the caller's search_path instead — the queue is qualified,
 * no function is called, and the key comparison uses the operator by its schema
 * (pg_catalog.*<>, record image inequality: a change `=` would not see, such as 1.0 → 1.00,
 * only queues a harmless extra key) — so a caller's schema cannot put its own objects in their
 * place.
 *
 * A queue of an earlier layout (id, "table", op, key jsonb) is converted in place, entries kept,
 * with the source locked against writes so that none is added to it meanwhile.
 */
export function installCapture(table: {source: RelationRef; key: string[]}): string {
  if (!table.key.length) throw new CarveError('capture.no-key', `${relationLabel(table.source)}: change capture needs the table's key`)
  const n = captureNames(table.source)
  const src = qualified(table.source.schema, table.source.name)
  const queue = qualified(n.schema, n.queue)
  const truncates = qualified(n.schema, n.truncates)
  const keyCols = table.key.map((_, i) => ident(queueKeyColumn(i))).join(', ')
  const enqueue = (rec: string) => `INSERT INTO ${queue} (${keyCols}) VALUES (${table.key.map((k) => `${rec}.${ident(k)}`).join(', ')});`
  const rowOf = (rec: string) => `ROW(${table.key.map((k) => `${rec}.${ident(k)}`).join(', ')})`
  const updateBody = `DECLARE
  old_key record;
  new_key record;
BEGIN
  ${enqueue('NEW')}
  -- A key change moves the row: the old key must disappear from the copy.
  old_key := ${rowOf('OLD')};
  new_key := ${rowOf('NEW')};
  IF old_key OPERATOR(pg_catalog.*<>) new_key THEN
    ${enqueue('OLD')}
  END IF;
  RETURN NULL;
END`
  const definer = 'LANGUAGE plpgsql SECURITY DEFINER'
  const fn = (name: string) => qualified(n.schema, name)
  // The key columns' types, collations and domains, taken from the source itself.
  const createQueue = (ifNotExists: boolean) =>
    `CREATE TABLE ${ifNotExists ? 'IF NOT EXISTS ' : ''}${queue} AS SELECT ${table.key.map((k, i) => `s.${ident(k)} AS ${ident(queueKeyColumn(i))}`).join(', ')} FROM ${src} s WITH NO DATA;`
  const createTruncates = `CREATE TABLE IF NOT EXISTS ${truncates} (at timestamptz NOT NULL DEFAULT pg_catalog.now());`
  const earlier = qualified(n.schema, `${n.queue}_v1`)
  const upgrade = `BEGIN
  IF EXISTS (SELECT 1 FROM pg_catalog.pg_attribute WHERE attrelid = pg_catalog.to_regclass(${literal(queue)}) AND attname = 'key' AND NOT attisdropped) THEN
    LOCK TABLE ${src} IN SHARE ROW EXCLUSIVE MODE;
    ALTER TABLE ${queue} RENAME TO ${ident(`${n.queue}_v1`)};
    ${createQueue(false)}
    ${createTruncates}
    INSERT INTO ${queue}
      SELECT (pg_catalog.jsonb_populate_record(NULL::${queue}, pg_catalog.jsonb_build_object(${table.key.map((_, i) => `${literal(queueKeyColumn(i))}, e.key -> ${i}`).join(', ')}))).*
        FROM ${earlier} e WHERE e.key IS NOT NULL;
    INSERT INTO ${truncates} (at) SELECT pg_catalog.now() FROM ${earlier} e WHERE e.op = 'T';
    DROP TABLE ${earlier};
  END IF;
END`
  return `-- Change capture for ${relationLabel(table.source).replace(/\n/g, ' ')}: the keys written since now, queued in the writers' transactions.
CREATE SCHEMA IF NOT EXISTS ${ident(n.schema)};
-- A queue of an earlier layout: converted, its entries kept.
DO ${dollarQuote(upgrade, 'upgrade')};
${createQueue(true)}
${createTruncates}
CREATE OR REPLACE FUNCTION ${fn(n.rowFunction)}() RETURNS trigger ${definer} AS ${dollarQuote(`BEGIN\n  ${enqueue('NEW')}\n  RETURN NULL;\nEND`)};
CREATE OR REPLACE FUNCTION ${fn(n.updateFunction)}() RETURNS trigger ${definer} AS ${dollarQuote(updateBody)};
CREATE OR REPLACE FUNCTION ${fn(n.oldKeyFunction)}() RETURNS trigger ${definer} AS ${dollarQuote(`BEGIN\n  ${enqueue('OLD')}\n  RETURN NULL;\nEND`)};
CREATE OR REPLACE FUNCTION ${fn(n.truncateFunction)}() RETURNS trigger ${definer} AS ${dollarQuote(`BEGIN\n  INSERT INTO ${truncates} DEFAULT VALUES;\n  RETURN NULL;\nEND`)};
${dropTriggers(src)}
DROP FUNCTION IF EXISTS ${fn(n.statementFunction)}();
CREATE TRIGGER ${ident(ROW_TRIGGERS.inserted)} AFTER INSERT ON ${src}
  FOR EACH ROW EXECUTE FUNCTION ${fn(n.rowFunction)}();
CREATE TRIGGER ${ident(ROW_TRIGGERS.updated)} AFTER UPDATE ON ${src}
  FOR EACH ROW EXECUTE FUNCTION ${fn(n.updateFunction)}();
CREATE TRIGGER ${ident(ROW_TRIGGERS.deleted)} AFTER DELETE ON ${src}
  FOR EACH ROW EXECUTE FUNCTION ${fn(n.oldKeyFunction)}();
CREATE TRIGGER ${ident(CAPTURE_TRUNCATE_TRIGGER)} AFTER TRUNCATE ON ${src}
  FOR EACH STATEMENT EXECUTE FUNCTION ${fn(n.truncateFunction)}();
`
}

function dropTriggers(src: string): string {
  return [...Object.values(ROW_TRIGGERS), ...OLD_TRIGGERS, CAPTURE_TRUNCATE_TRIGGER].map((t) => `DROP TRIGGER IF EXISTS ${ident(t)} ON ${src};`).join('\n')
}

/** SQL removing capture: triggers, functions, the queue (with any entries not yet applied) and the TRUNCATE markers. */
export function removeCapture(table: {source: RelationRef}): string {
  const n = captureNames(table.source)
  const src = qualified(table.source.schema, table.source.name)
  return `-- Remove change capture for ${relationLabel(table.source).replace(/\n/g, ' ')}.
${dropTriggers(src)}
DROP FUNCTION IF EXISTS ${qualified(n.schema, n.rowFunction)}();
DROP FUNCTION IF EXISTS ${qualified(n.schema, n.updateFunction)}();
DROP FUNCTION IF EXISTS ${qualified(n.schema, n.oldKeyFunction)}();
DROP FUNCTION IF EXISTS ${qualified(n.schema, n.statementFunction)}();
DROP FUNCTION IF EXISTS ${qualified(n.schema, n.truncateFunction)}();
DROP TABLE IF EXISTS ${qualified(n.schema, n.queue)};
DROP TABLE IF EXISTS ${qualified(n.schema, n.truncates)};
`
}
