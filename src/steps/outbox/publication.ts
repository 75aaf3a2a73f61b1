/**
 * Publication and replica-identity SQL shared by the steps that publish tables to a logical
 * decoding reader (the outbox's WAL delivery; the physical split's publications could use the
 * same pieces). Pure string builders: every identifier quoted, every name a literal in checks.
 *
 * Why replica identity matters: once a table without a primary key is in a publication that
 * publishes updates and deletes, PostgreSQL *rejects* the application's UPDATE and DELETE on it
 * ("cannot update table … because it does not have a replica identity"). Such a table gets
 * REPLICA IDENTITY FULL (the whole old row is logged) — and only when it still has the default
 * identity, so rollback puts back exactly what it changed and nothing a DBA chose.
 */
import {doBlock, ident, literal, qualified} from '../../plan/quote.js'

export interface PublishedTable {
  schema: string
  name: string
  /** Primary key columns; empty: the table needs REPLICA IDENTITY FULL to be published. */
  key: readonly string[]
  /** A partitioned table: published through its root (publish_via_partition_root). */
  partitioned: boolean
}

/** Logical replication object names: lower-case letters, digits and underscores, at most 63 bytes. */
export function replicationName(prefix: string, context: string): string {
  const slug = context.toLowerCase().replace(/[^a-z0-9_]+/g, '_').replace(/^_+|_+$/g, '') || 'context'
  return `${prefix}${slug}`.slice(0, 63)
}

/** The publication of a context's event tables (WAL delivery). */
export function eventsPublication(context: string): string {
  return replicationName('carve_events_', context)
}

/** The replication slot `carve relay` reads for a context (created by the relay on its first start). */
export function relaySlot(context: string): string {
  return replicationName('carve_relay_', context)
}

/** The replication slot the generated Debezium connector configuration uses. */
export function debeziumSlot(context: string): string {
  return replicationName('carve_debezium_', context)
}

function tableList(tables: readonly PublishedTable[]): string {
  return tables.map((t) => qualified(t.schema, t.name)).join(', ')
}

/**
 * CREATE PUBLICATION over the tables (partitioned ones through their root, so a change in a
 * partition is published under the root's name), with a comment carrying `mark` and, appended
 * by the block, the tables whose replica identity it set to FULL — what down reads to undo.
 */
export function createPublicationSql(publication: string, tables: readonly PublishedTable[], mark: string): string {
  const withRoot = tables.some((t) => t.partitioned) ? ' WITH (publish_via_partition_root = true)' : ''
  const keyless = tables.filter((t) => t.key.length === 0)
  const identity = keyless.length
    ? `${doBlock(`
DECLARE
  changed text[] := '{}';
  rel text;
BEGIN
  -- No primary key: updates and deletes are published with the whole old row. Only a table
  -- still at the default identity is changed, and the change is recorded for rollback.
  FOREACH rel IN ARRAY ARRAY[${keyless.map((t) => literal(qualified(t.schema, t.name))).join(', ')}]::text[] LOOP
    IF (SELECT relreplident FROM pg_catalog.pg_class WHERE oid = rel::regclass) = 'd' THEN
      EXECUTE 'ALTER TABLE ' || rel || ' REPLICA IDENTITY FULL';
      changed := changed || rel;
    END IF;
  END LOOP;
  -- As an array literal: quoted names may hold spaces.
  EXECUTE format('COMMENT ON PUBLICATION %I IS %L', ${literal(publication)}, ${literal(`${mark} `)} || changed::text);
END`)}\n`
    : ''
  return `CREATE PUBLICATION ${ident(publication)} FOR TABLE ${tableList(tables)}${withRoot};
COMMENT ON PUBLICATION ${ident(publication)} IS ${literal(`${mark} {}`)};
${identity}`
}

/**
 * Undo of createPublicationSql: only a publication carrying `mark` is dropped (one someone else
 * made under that name is left alone), and only the tables it recorded get their default
 * replica identity back. A slot named in `slots` is dropped with it when no reader holds it
 * (a slot left behind would keep WAL forever); a reader still attached fails the step instead.
 */
export function dropPublicationSql(publication: string, mark: string, slots: readonly string[] = []): string {
  return doBlock(`
DECLARE
  note text := (SELECT obj_description(oid, 'pg_publication') FROM pg_catalog.pg_publication WHERE pubname = ${literal(publication)});
  rel text;
  slot record;
BEGIN
  IF note IS NULL OR note NOT LIKE ${literal(`${mark} %`)} THEN
    RETURN;
  END IF;
  FOR slot IN SELECT slot_name, active FROM pg_catalog.pg_replication_slots WHERE slot_name = ANY (ARRAY[${slots.map(literal).join(', ')}]::text[]) LOOP
    -- carve relay holds an advisory lock (0x63727672, hashtext(slot)) while it runs; a streaming
    -- reader (Debezium) makes the slot active.
    IF slot.active OR EXISTS (SELECT 1 FROM pg_catalog.pg_locks WHERE locktype = 'advisory' AND objsubid = 2
                              AND classid = 1668445810::oid AND objid = (hashtext(slot.slot_name)::bigint & 4294967295)::oid) THEN
      RAISE EXCEPTION 'carve: replication slot % is in use: stop its reader (carve relay, Debezium) first', slot.slot_name;
    END IF;
    PERFORM pg_catalog.pg_drop_replication_slot(slot.slot_name);
  END LOOP;
  FOREACH rel IN ARRAY coalesce(nullif(btrim(substr(note, ${mark.length + 1})), ''), '{}')::text[] LOOP
    IF rel <> '' AND to_regclass(rel) IS NOT NULL THEN
      EXECUTE 'ALTER TABLE ' || rel || ' REPLICA IDENTITY DEFAULT';
    END IF;
  END LOOP;
  EXECUTE format('DROP PUBLICATION %I', ${literal(publication)});
END`)
}

/** PL/pgSQL statements (for a verify block) failing unless the publication covers every table. */
export function publicationCoversChecks(publication: string, tables: readonly PublishedTable[]): string {
  const lines = [`  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_publication WHERE pubname = ${literal(publication)}) THEN
    RAISE EXCEPTION 'carve verify: publication % does not exist', ${literal(publication)};
  END IF;`]
  for (const t of tables) {
    lines.push(`  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_publication_tables WHERE pubname = ${literal(publication)} AND schemaname = ${literal(t.schema)} AND tablename = ${literal(t.name)}) THEN
    RAISE EXCEPTION 'carve verify: publication % does not cover %', ${literal(publication)}, ${literal(qualified(t.schema, t.name))};
  END IF;`)
    if (t.key.length === 0) {
      lines.push(`  IF (SELECT relreplident FROM pg_catalog.pg_class WHERE oid = ${literal(qualified(t.schema, t.name))}::regclass) IN ('d', 'n') THEN
    RAISE EXCEPTION 'carve verify: % has no primary key and no REPLICA IDENTITY FULL: its updates and deletes would be rejected', ${literal(qualified(t.schema, t.name))};
  END IF;`)
    }
  }
  return lines.join('\n')
}
