/**
 * The SQL files of the five split steps (prepare, sync, cut-over, decommission) and the guard the
 * cut-over installs on the retired source tables.
 */

import {installCapture, removeCapture} from './capture-sql.js'
import type {RelationRef} from '../../introspect/model.js'
import type {ContextSpec, PlanInput} from '../../plan/context.js'
import {doBlock, dollarQuote, ident, literal, qualified, sqlComment} from '../../plan/quote.js'
import {code, header} from '../common.js'
import {COMPAT_VIEW_MARK} from '../move-to-schema/postgres.js'
import {OUTBOX_FUNCTION} from '../outbox/postgres.js'
import {RETIRED_GUARD_TRIGGER, RETIRED_GUARD_FUNCTION, HEARTBEAT_TABLE, type SplitSpec, splitTables} from './spec.js'
import {heartbeatTable} from './target.js'

export function tableList(tables: RelationRef[]): string {
  return tables.map((t) => qualified(t.schema, t.name)).join(', ')
}

export function prepareUp(ctx: ContextSpec, input: PlanInput, spec: SplitSpec): string {
  if (spec.mode === 'change-capture') {
    const keyed = spec.tables.filter((t) => t.key.length)
    return `${header(`Step: change capture on the tables of context ${ctx.name} for database ${spec.target_database}`, ['run by split-prepare on the source, before the copy starts'])}
CREATE SCHEMA IF NOT EXISTS ${ident(spec.meta_schema)};
${heartbeatTable(spec.meta_schema, ctx.name)}

${keyed.map((t) => installCapture({source: t.source, key: t.key}).trim()).join('\n\n')}
-- ${input.conventions.outboxTable}: the runner captures and copies ${spec.outbox.schema}.${spec.outbox.name} too when it exists.
`
  }
  const keyed = spec.tables.filter((t) => t.key.length).map((t) => t.source)
  const keyless = spec.tables.filter((t) => !t.key.length).map((t) => t.source)
  const hb = {schema: spec.meta_schema, name: HEARTBEAT_TABLE}
  const partitioned = splitTables(ctx).some((t) => t.table.kind === 'partitioned')
  const withRoot = partitioned ? ' WITH (publish_via_partition_root = true)' : ''
  return `${header(`Step: publish the tables of context ${ctx.name} for database ${spec.target_database}`, ['run by split-prepare on the source; the slot and subscription are created by the runner'])}
CREATE SCHEMA IF NOT EXISTS ${ident(spec.meta_schema)};
${heartbeatTable(spec.meta_schema, ctx.name)}
CREATE PUBLICATION ${ident(spec.publication)} FOR TABLE ${tableList([...keyed, hb])}${withRoot};
${keyless.length ? publishKeyless(spec.sync_publication, keyless, withRoot) : `CREATE PUBLICATION ${ident(spec.sync_publication)};`}
-- ${input.conventions.outboxTable}: the runner adds ${spec.outbox.schema}.${spec.outbox.name} to ${spec.sync_publication} when it exists.
`
}

/** The comment prefix on the split's sync publication listing the tables whose replica identity it set. */
const KEYLESS_IDENTITY_MARK = 'carve:split-identity'

/**
 * The publication of the tables without a primary key: their updates and deletes are published
 * with the whole old row (REPLICA IDENTITY FULL). Only a table still at the default identity is
 * changed — one the team set to FULL or USING INDEX (their own replication) is left as it is —
 * and the changed ones are recorded in the publication's comment, so down restores only those.
 * One block: the identity and the publication change together.
 */
function publishKeyless(publication: string, keyless: RelationRef[], withRoot: string): string {
  return doBlock(`
DECLARE
  changed text[] := '{}';
  rel text;
BEGIN
  FOREACH rel IN ARRAY ARRAY[${keyless.map((t) => literal(qualified(t.schema, t.name))).join(', ')}]::text[] LOOP
    IF (SELECT relreplident FROM pg_catalog.pg_class WHERE oid = rel::regclass) = 'd' THEN
      EXECUTE 'ALTER TABLE ' || rel || ' REPLICA IDENTITY FULL';
      changed := changed || rel;
    END IF;
  END LOOP;
  CREATE PUBLICATION ${ident(publication)} FOR TABLE ${tableList(keyless)}${withRoot};
  -- As an array literal: quoted names may hold spaces.
  EXECUTE format('COMMENT ON PUBLICATION %I IS %L', ${literal(publication)}, ${literal(`${KEYLESS_IDENTITY_MARK} `)} || changed::text);
END`)
}

/** Undo of publishKeyless's identity change: the recorded tables get their default identity back. */
function restoreKeyless(publication: string): string {
  return doBlock(`
DECLARE
  note text := (SELECT obj_description(oid, 'pg_publication') FROM pg_catalog.pg_publication WHERE pubname = ${literal(publication)});
  rel text;
BEGIN
  IF note IS NULL OR note NOT LIKE ${literal(`${KEYLESS_IDENTITY_MARK} %`)} THEN
    RETURN;
  END IF;
  FOREACH rel IN ARRAY coalesce(nullif(btrim(substr(note, ${KEYLESS_IDENTITY_MARK.length + 1})), ''), '{}')::text[] LOOP
    IF rel <> '' AND to_regclass(rel) IS NOT NULL THEN
      EXECUTE 'ALTER TABLE ' || rel || ' REPLICA IDENTITY DEFAULT';
    END IF;
  END LOOP;
END`)
}

export function prepareDown(spec: SplitSpec): string {
  const keyless = spec.tables.filter((t) => !t.key.length).map((t) => t.source)
  const hb = qualified(spec.meta_schema, HEARTBEAT_TABLE)
  const undo =
    spec.mode === 'change-capture'
      ? spec.tables.filter((t) => t.key.length).map((t) => removeCapture({source: t.source}).trim()).join('\n')
      : `${keyless.length ? `${restoreKeyless(spec.sync_publication)}\n` : ''}DROP PUBLICATION IF EXISTS ${ident(spec.sync_publication)};
DROP PUBLICATION IF EXISTS ${ident(spec.publication)};`
  return `${header(`Undo: ${spec.mode === 'change-capture' ? 'change capture' : 'the publications'} of context ${spec.context} on the source`, ['the runner drops the subscription, the slot and the target database first'])}
${undo}
${doBlock(`
BEGIN
  IF to_regclass(${literal(hb)}) IS NOT NULL THEN
    DELETE FROM ${hb} WHERE context = ${literal(spec.context)};
    IF NOT EXISTS (SELECT 1 FROM ${hb}) THEN
      DROP TABLE ${hb};
    END IF;
  END IF;
END`)}
`
}

export function prepareVerify(spec: SplitSpec): string {
  const checks = spec.tables.map(
    (t) => `  IF NOT EXISTS (SELECT 1 FROM pg_publication_tables WHERE pubname IN (${literal(spec.publication)}, ${literal(spec.sync_publication)}) AND schemaname = ${literal(t.source.schema)} AND tablename = ${literal(t.source.name)}) THEN
    RAISE EXCEPTION 'carve verify: % is not published', ${literal(`${t.source.schema}.${t.source.name}`)};
  END IF;`,
  )
  return `${header(`Verify: the tables of context ${spec.context} are published (the runner checks the target database too)`)}
${doBlock(`
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_publication WHERE pubname = ${literal(spec.publication)}) THEN
    RAISE EXCEPTION 'carve verify: publication % does not exist', ${literal(spec.publication)};
  END IF;
${checks.join('\n')}
END`)}
`
}

export function syncUp(spec: SplitSpec): string {
  return `${header(`Step: keep database ${spec.target_database} in sync with context ${spec.context}`, ['driven by the executor; the statements it runs on the target:'])}${sqlComment(
    spec.mode === 'logical-replication'
      ? `ALTER SUBSCRIPTION ${ident(spec.subscription)} ENABLE;
ALTER SUBSCRIPTION ${ident(spec.subscription)} SET PUBLICATION ${ident(spec.publication)}, ${ident(spec.sync_publication)} WITH (copy_data = true);
-- wait for the heartbeat, compare, repair, then target-constraints.sql`
      : 'drain the change-capture queue into the target, compare, repair, then target-constraints.sql',
  )}
SELECT 1;
`
}

export function syncDown(spec: SplitSpec): string {
  return `${header(`Undo: stop syncing database ${spec.target_database}`, ['driven by the executor; on the target:'])}${sqlComment(`ALTER SUBSCRIPTION ${ident(spec.subscription)} DISABLE;`)}
SELECT 1;
`
}

export function syncVerify(spec: SplitSpec): string {
  return `${header(`Verify: database ${spec.target_database} follows context ${spec.context}`, ['driven by the executor: subscription enabled and streaming, heartbeat round trip, lag'])}SELECT 1;
`
}

/**
 * The guard that makes a copy read-only: a statement trigger refusing every write from a session.
 * It does not fire for the replication apply worker (a replica), so the copy keeps receiving the
 * other side's changes. `home` is the database that takes the writes.
 */
export function guardFunctionSql(spec: SplitSpec): string {
  const body = `
BEGIN
  RAISE EXCEPTION 'carve: %.% is read-only: context % is served by database % (write through the owner''s service)',
    TG_TABLE_SCHEMA, TG_TABLE_NAME, TG_ARGV[0], TG_ARGV[1]
    USING ERRCODE = 'read_only_sql_transaction';
END`
  return `CREATE SCHEMA IF NOT EXISTS ${ident(spec.meta_schema)};
CREATE OR REPLACE FUNCTION ${qualified(spec.meta_schema, RETIRED_GUARD_FUNCTION)}() RETURNS trigger LANGUAGE plpgsql AS ${dollarQuote(body)};`
}

export function guardTriggerSql(spec: SplitSpec, r: RelationRef, home: string): string {
  const t = qualified(r.schema, r.name)
  return `DROP TRIGGER IF EXISTS ${ident(RETIRED_GUARD_TRIGGER)} ON ${t};
CREATE TRIGGER ${ident(RETIRED_GUARD_TRIGGER)} BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON ${t}
  FOR EACH STATEMENT EXECUTE FUNCTION ${qualified(spec.meta_schema, RETIRED_GUARD_FUNCTION)}(${literal(spec.context)}, ${literal(home)});`
}

/** The switch itself: the source tables become read-only copies, fed by reverse replication. Runs inside the write pause. */
export function cutoverUp(spec: SplitSpec): string {
  const fn = qualified(spec.meta_schema, RETIRED_GUARD_FUNCTION)
  const guarded = spec.tables.flatMap((t) => [t.source, ...t.partitions])
  const guards = guarded.map((r) => guardTriggerSql(spec, r, spec.target_database))
  const ob = qualified(spec.outbox.schema, spec.outbox.name)
  const outboxGuard = doBlock(`
BEGIN
  -- The outbox moved too (when it existed at split-prepare): the source relay must stop here.
  IF to_regclass(${literal(ob)}) IS NOT NULL THEN
    DROP TRIGGER IF EXISTS ${ident(RETIRED_GUARD_TRIGGER)} ON ${ob};
    CREATE TRIGGER ${ident(RETIRED_GUARD_TRIGGER)} BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON ${ob}
      FOR EACH STATEMENT EXECUTE FUNCTION ${fn}(${literal(spec.context)}, ${literal(spec.target_database)});
  END IF;
END`)
  return `${header(`Step: switch context ${spec.context} to database ${spec.target_database}`, [
    'run by split-cutover on the source inside the write pause, after the final catch-up and parity;',
    'the runner then drops the forward subscription and starts the reverse one',
  ])}
-- A statement trigger fires for sessions (legacy code, the compatibility views) but not for the
-- replication apply worker: the source copies stay readable and keep receiving the target's writes.
${guardFunctionSql(spec)}
${guards.join('\n')}
${outboxGuard}
UPDATE ${qualified(spec.meta_schema, HEARTBEAT_TABLE)} SET cutover_at = now() WHERE context = ${literal(spec.context)};
`
}

export function cutoverDown(spec: SplitSpec): string {
  const guarded = spec.tables.flatMap((t) => [t.source, ...t.partitions])
  return `${header(`Undo: make the source tables of context ${spec.context} writable again`, ['run by split-cutover\'s rollback after the reverse catch-up and parity, inside the write pause on the target'])}
${guarded.map((r) => `DROP TRIGGER IF EXISTS ${ident(RETIRED_GUARD_TRIGGER)} ON ${qualified(r.schema, r.name)};`).join('\n')}
${doBlock(`
BEGIN
  IF to_regclass(${literal(qualified(spec.outbox.schema, spec.outbox.name))}) IS NOT NULL THEN
    DROP TRIGGER IF EXISTS ${ident(RETIRED_GUARD_TRIGGER)} ON ${qualified(spec.outbox.schema, spec.outbox.name)};
  END IF;
END`)}
UPDATE ${qualified(spec.meta_schema, HEARTBEAT_TABLE)} SET cutover_at = NULL WHERE context = ${literal(spec.context)};
`
}

export function cutoverVerify(spec: SplitSpec): string {
  const checks = spec.tables.map(
    (t) => `  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = ${regclass(t.source)} AND tgname = ${literal(RETIRED_GUARD_TRIGGER)}) THEN
    RAISE EXCEPTION 'carve verify: % is not read-only (no guard trigger)', ${literal(`${t.source.schema}.${t.source.name}`)};
  END IF;`,
  )
  return `${header(`Verify: context ${spec.context} is served by database ${spec.target_database}`, ['the runner also checks reverse replication and parity'])}
${doBlock(`BEGIN\n${checks.join('\n')}\nEND`)}
`
}

export function regclass(r: RelationRef): string {
  return `${literal(qualified(r.schema, r.name))}::regclass`
}

export function decommissionUp(spec: SplitSpec): string {
  const views = spec.compatibility_views.map(
    (v) => `  IF EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass(${literal(qualified(v.schema, v.name))}) AND relkind = 'v')
     AND obj_description(to_regclass(${literal(qualified(v.schema, v.name))}), 'pg_class') LIKE ${literal(`${COMPAT_VIEW_MARK}%`)} THEN
    DROP VIEW ${qualified(v.schema, v.name)};
  END IF;`,
  )
  const tables = [...spec.tables.map((t) => t.source), spec.outbox]
  const fn = qualified(spec.meta_schema, RETIRED_GUARD_FUNCTION)
  const hb = qualified(spec.meta_schema, HEARTBEAT_TABLE)
  const outboxFn = qualified(spec.schema, OUTBOX_FUNCTION)
  return `${header(`Step: drop the source copy of context ${spec.context} (irreversible)`, ['run by split-decommission on the source after the reverse replication is gone'])}
${views.length ? doBlock(`BEGIN\n${views.join('\n')}\nEND`) : ''}
-- One statement: the tables reference each other.
DROP TABLE IF EXISTS ${tables.map((t) => qualified(t.schema, t.name)).join(', ')};
DROP PUBLICATION IF EXISTS ${ident(spec.sync_publication)};
DROP PUBLICATION IF EXISTS ${ident(spec.publication)};
${doBlock(`
BEGIN
  IF to_regprocedure(${literal(`${fn}()`)}) IS NOT NULL
     AND NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgfoid = to_regprocedure(${literal(`${fn}()`)})) THEN
    DROP FUNCTION ${fn}();
  END IF;
  -- The outbox trigger function stayed in the context's schema; nothing calls it any more.
  IF to_regprocedure(${literal(`${outboxFn}()`)}) IS NOT NULL
     AND NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgfoid = to_regprocedure(${literal(`${outboxFn}()`)})) THEN
    DROP FUNCTION ${outboxFn}();
  END IF;
  IF to_regclass(${literal(hb)}) IS NOT NULL THEN
    DELETE FROM ${hb} WHERE context = ${literal(spec.context)};
    IF NOT EXISTS (SELECT 1 FROM ${hb}) THEN
      DROP TABLE ${hb};
    END IF;
  END IF;
END`)}
`
}

export function decommissionVerify(spec: SplitSpec): string {
  const checks = spec.tables.map(
    (t) => `  IF to_regclass(${literal(qualified(t.source.schema, t.source.name))}) IS NOT NULL THEN
    RAISE EXCEPTION 'carve verify: the source copy % still exists', ${literal(`${t.source.schema}.${t.source.name}`)};
  END IF;`,
  )
  return `${header(`Verify: the source copy of context ${spec.context} is gone`)}
${doBlock(`BEGIN\n${checks.join('\n')}\nEND`)}
`
}

