/**
 * →4: other services learn about changes from events instead of reading the tables. Two ways to
 * deliver them (the plan's `outbox` setting, `carve plan --outbox wal|trigger`):
 *
 * - `wal` (default, outbox-wal.ts): a publication; events are read from the WAL by logical
 *   decoding (Debezium, or `carve relay`). Nothing is added to the application's transactions:
 *   a pgbench TPC-B transaction costs the server the same CPU with it as without, ~40% more
 *   with a trigger outbox (BENCHMARKS.md, rows outbox).
 * - `trigger` (here): an outbox table in the owner's schema (Debezium's shape: id, aggregate
 *   type, aggregate id, event type, payload, created at) written by AFTER triggers in the same
 *   transaction as the change, for teams that want the event to exist exactly when the change
 *   committed. Statement-level triggers with transition tables — one INSERT … SELECT per
 *   statement, not one trigger call and INSERT per row (as costly as row triggers on pgbench's
 *   single-row statements, cheaper on bulk ones) — and row triggers on partitioned tables (a statement-level trigger on the root does
 *   not fire for a statement naming a partition; row triggers are cloned to every partition).
 */
import type {ContextSpec, PlanInput} from '../../plan/context.js'
import {linkFromStep} from '../../plan/plan-paths.js'
import {doBlock, dollarQuote, ident, literal, qualified} from '../../plan/quote.js'
import {code, header, Locator, lockTablesUpFront, stepReadme, type LockTarget} from '../common.js'
import {outboxWalStep} from './wal.js'
import type {StepDraft} from '../draft.js'

/** The INSERT trigger (statement level), and the one row trigger of a partitioned table. */
export const OUTBOX_TRIGGER = 'carve_outbox'
/** Statement-level UPDATE and DELETE triggers (a trigger with transition tables has one event). */
export const OUTBOX_UPDATE_TRIGGER = 'carve_outbox_update'
export const OUTBOX_DELETE_TRIGGER = 'carve_outbox_delete'
export const OUTBOX_FUNCTION = 'carve_outbox_emit'

/** How a context's events leave the database: read from the WAL, or written by triggers into an outbox table. */
export type OutboxDelivery = 'wal' | 'trigger'
export const OUTBOX_DELIVERIES: readonly OutboxDelivery[] = ['wal', 'trigger']
/** The default, from the figures: a publication adds nothing to the application's transactions (BENCHMARKS.md). */
export const DEFAULT_OUTBOX_DELIVERY: OutboxDelivery = 'wal'

export function outboxDelivery(input: PlanInput): OutboxDelivery {
  return input.conventions.outboxDelivery ?? DEFAULT_OUTBOX_DELIVERY
}

/** The marker at the start of the outbox's comment: down.sql drops only a table carrying it. */
export const OUTBOX_MARK = 'carve:outbox'

/**
 * The outbox table's name in a context: the convention, unless that name is taken — by an owned
 * table (it moves into the schema) or by a relation already in the context's schema that Carve
 * did not create. A taken name is never adopted (its rows would be dropped on rollback): the
 * first free one of `carve_<name>`, `carve_<name>_2`, … is used, and the plan's notes say so.
 */
export function outboxName(ctx: ContextSpec, input: PlanInput): string {
  const wanted = input.conventions.outboxTable
  const taken = new Set(ctx.tables.map((t) => t.table.name))
  for (const t of input.catalog.tables) if (t.schema === ctx.schema) taken.add(t.name)
  for (const v of input.catalog.views) if (v.schema === ctx.schema) taken.add(v.name)
  if (!taken.has(wanted)) return wanted
  for (let n = 1; ; n++) {
    const candidate = n === 1 ? `carve_${wanted}` : `carve_${wanted}_${n}`
    if (!taken.has(candidate)) return candidate
  }
}

/** A plan note when the outbox could not take its conventional name, naming what holds it. */
export function outboxNameNote(ctx: ContextSpec, input: PlanInput): string | null {
  const name = outboxName(ctx, input)
  const wanted = input.conventions.outboxTable
  // The WAL outbox has no table: nothing to name.
  if (name === wanted || eventTables(ctx).length === 0 || outboxDelivery(input) === 'wal') return null
  const owned = ctx.tables.some((t) => t.table.name === wanted)
  return `the outbox of context ${ctx.name} is ${ctx.schema}.${name}: ${owned ? `the context owns a table named ${wanted}` : `${ctx.schema}.${wanted} already exists and was not created by this plan (it is left alone)`}`
}

export function eventTables(ctx: ContextSpec): ContextSpec['tables'] {
  return ctx.tables.filter((t) => t.classification !== 'deprecated')
}

export function outboxStep(ctx: ContextSpec, input: PlanInput, locator: Locator, dependsOn: string[]): StepDraft | null {
  const tables = eventTables(ctx)
  if (tables.length === 0) return null
  if (outboxDelivery(input) === 'wal') return outboxWalStep(ctx, input, locator, dependsOn, tables)
  return outboxTriggerStep(ctx, input, locator, dependsOn, tables)
}

function outboxTriggerStep(ctx: ContextSpec, input: PlanInput, locator: Locator, dependsOn: string[], tables: ContextSpec['tables']): StepDraft {
  const schema = locator.schemaOf(tables[0]!.table)
  const outbox = qualified(schema, outboxName(ctx, input))
  const fn = qualified(schema, OUTBOX_FUNCTION)
  // TG_ARGV: the table's name, then its key columns. A partition fires its root's cloned row
  // trigger, and its events must carry the root's name (payment.created, not payment_p2022_03.created).
  const statementBranches = tables.filter((t) => !rowLevel(t)).map((t) => {
    const name = literal(t.table.name)
    const key = t.table.primaryKey.length ? t.table.primaryKey.map((k) => `coalesce(s.j ->> ${literal(k)}, '')`).join(` || ',' || `) : `''`
    const insert = (rows: string, eventType: string) =>
      `INSERT INTO ${outbox} (aggregate_type, aggregate_id, event_type, payload)
        SELECT ${name}, ${key}, ${eventType}, s.j FROM (SELECT to_jsonb(r) AS j FROM ${rows} r) s;`
    return `    WHEN ${name} THEN
      IF TG_OP = 'DELETE' THEN
        ${insert('carve_old_rows', literal(`${t.table.name}.deleted`))}
      ELSE
        ${insert('carve_new_rows', `${literal(`${t.table.name}.`)} || CASE TG_OP WHEN 'INSERT' THEN 'created' ELSE 'updated' END`)}
      END IF;`
  }).join('\n')
  // Only tables with statement-level triggers get a branch (a CASE without WHEN does not parse).
  const statementBlock = statementBranches ? `  IF TG_LEVEL = 'STATEMENT' THEN
    -- One INSERT … SELECT per statement from its transition table, static SQL per table: plans
    -- are cached and the key is read by name, not looked up through TG_ARGV row by row (which
    -- cost three times as much server CPU in the outbox benchmark).
    CASE TG_ARGV[0]
${statementBranches}
    END CASE;
    RETURN NULL;
  END IF;
` : ''
  const fnBody = `
DECLARE
  row_data jsonb;
  key_text text;
BEGIN
${statementBlock}  row_data := CASE WHEN TG_OP = 'DELETE' THEN to_jsonb(OLD) ELSE to_jsonb(NEW) END;
  SELECT string_agg(coalesce(row_data ->> k, ''), ',' ORDER BY n) INTO key_text
  FROM unnest(TG_ARGV) WITH ORDINALITY AS a(k, n) WHERE n > 1;
  INSERT INTO ${outbox} (aggregate_type, aggregate_id, event_type, payload)
  VALUES (TG_ARGV[0], coalesce(key_text, ''),
          TG_ARGV[0] || '.' || CASE TG_OP WHEN 'INSERT' THEN 'created' WHEN 'UPDATE' THEN 'updated' ELSE 'deleted' END,
          row_data);
  RETURN NULL;
END`
  const creates: string[] = []
  const drops: string[] = []
  const checks: string[] = []
  for (const t of tables) {
    const rel = locator.at(t.table)
    // No DROP TRIGGER IF EXISTS first: a trigger of that name that Carve did not create is not
    // replaced — CREATE TRIGGER fails and the step leaves nothing behind.
    const args = [t.table.name, ...t.table.primaryKey].map(literal).join(', ')
    const names = rowLevel(t) ? [OUTBOX_TRIGGER] : [OUTBOX_TRIGGER, OUTBOX_UPDATE_TRIGGER, OUTBOX_DELETE_TRIGGER]
    if (rowLevel(t)) {
      creates.push(`CREATE TRIGGER ${ident(OUTBOX_TRIGGER)} AFTER INSERT OR UPDATE OR DELETE ON ${rel}
  FOR EACH ROW EXECUTE FUNCTION ${fn}(${args});`)
    } else {
      creates.push(`CREATE TRIGGER ${ident(OUTBOX_TRIGGER)} AFTER INSERT ON ${rel} REFERENCING NEW TABLE AS carve_new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION ${fn}(${args});
CREATE TRIGGER ${ident(OUTBOX_UPDATE_TRIGGER)} AFTER UPDATE ON ${rel} REFERENCING NEW TABLE AS carve_new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION ${fn}(${args});
CREATE TRIGGER ${ident(OUTBOX_DELETE_TRIGGER)} AFTER DELETE ON ${rel} REFERENCING OLD TABLE AS carve_old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION ${fn}(${args});`)
    }
    drops.push(`  IF to_regclass(${literal(rel)}) IS NOT NULL THEN
${names.map((n) => `    DROP TRIGGER IF EXISTS ${ident(n)} ON ${rel};`).join('\n')}
  END IF;`)
    checks.push(`  IF (SELECT count(*) FROM pg_trigger WHERE tgrelid = ${literal(rel)}::regclass AND tgname IN (${names.map(literal).join(', ')}) AND NOT tgisinternal) < ${names.length} THEN
    RAISE EXCEPTION 'carve verify: % has no outbox trigger', ${literal(rel)};
  END IF;`)
  }
  // The functional check: a no-op UPDATE of one row must add one event; the block is then undone.
  const probe = tables.find((t) => t.table.primaryKey.length > 0 && t.table.kind === 'table')
  const probeBlock = probe
    ? (() => {
        const rel = locator.at(probe.table)
        const pk = probe.table.primaryKey.map(ident)
        // A no-op assignment to a column that may be assigned (not GENERATED ALWAYS, not computed).
        const col = probe.table.columns.find((c) => c.identity !== 'always' && !c.generated) ?? probe.table.columns[0]!
        const set = ident(col.name)
        return `
  BEGIN
    SELECT count(*) INTO n_before FROM ${outbox};
    EXECUTE ${literal(`UPDATE ${rel} SET ${set} = ${set} WHERE (${pk.join(', ')}) IN (SELECT ${pk.join(', ')} FROM ${rel} LIMIT 1)`)};
    GET DIAGNOSTICS touched = ROW_COUNT;
    SELECT count(*) INTO n_after FROM ${outbox};
    RAISE EXCEPTION USING ERRCODE = 'CRVUN', MESSAGE = 'carve: undo the probe';
  EXCEPTION WHEN SQLSTATE 'CRVUN' THEN
    NULL;
  END;
  IF touched > 0 AND n_after <= n_before THEN
    RAISE EXCEPTION 'carve verify: an update of % added no event to %', ${literal(rel)}, ${literal(outbox)};
  END IF;`
      })()
    : ''
  // CREATE TRIGGER takes SHARE ROW EXCLUSIVE on its table, DROP TRIGGER ACCESS EXCLUSIVE.
  const lockOf = (mode: LockTarget['mode']) => (t: (typeof tables)[number]): LockTarget => ({at: locator.at(t.table), schema: t.table.schema, name: t.table.name, mode})
  const up = `${header(`Step: an outbox for context ${ctx.name}, fed by triggers on its tables (planned with --outbox trigger)`)}
${lockTablesUpFront(tables.map(lockOf('SHARE ROW EXCLUSIVE')))}-- Plain CREATEs: an outbox or function that exists already (not made by this plan) fails the
-- step instead of being adopted, so rollback can never drop someone else's table.
CREATE TABLE ${outbox} (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  aggregate_type text NOT NULL,
  aggregate_id text NOT NULL,
  event_type text NOT NULL,
  payload jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE ${outbox} IS ${literal(`${OUTBOX_MARK} events of context ${ctx.name} (owner: ${ctx.owner}); a relay publishes and deletes them`)};
-- SECURITY DEFINER: any role allowed to write the tables may emit events, without a grant on the outbox.
CREATE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS ${dollarQuote(fnBody)};
${creates.join('\n')}
GRANT SELECT, DELETE ON ${outbox} TO ${ident(ctx.role)};
`
  const down = `${header(`Undo: the outbox of context ${ctx.name}`)}
${lockTablesUpFront(tables.map(lockOf('ACCESS EXCLUSIVE')))}${doBlock(`BEGIN\n${drops.join('\n')}\nEND`)}
${doBlock(`
BEGIN
  -- DROP TRIGGER leaves relhastriggers true until a VACUUM; when no trigger is left at all, say so
  -- now (a superuser's catalog update; otherwise the next VACUUM does it).
  IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
    UPDATE pg_catalog.pg_class c SET relhastriggers = false
     WHERE c.oid IN (SELECT to_regclass(r.name) FROM unnest(ARRAY[${tables.map((t) => literal(locator.at(t.table))).join(', ')}]::text[]) AS r(name)
                     UNION SELECT t.relid FROM unnest(ARRAY[${tables.map((t) => literal(locator.at(t.table))).join(', ')}]::text[]) AS r(name), pg_partition_tree(to_regclass(r.name)) t)
       AND c.relhastriggers AND NOT EXISTS (SELECT 1 FROM pg_trigger g WHERE g.tgrelid = c.oid);
  END IF;
END`)}
DROP FUNCTION IF EXISTS ${fn}();
${doBlock(`BEGIN
  IF to_regclass(${literal(outbox)}) IS NOT NULL
     AND obj_description(to_regclass(${literal(outbox)}), 'pg_class') LIKE ${literal(`${OUTBOX_MARK} %`)} THEN
    REVOKE ALL ON ${outbox} FROM ${ident(ctx.role)};
    DROP TABLE ${outbox};
  END IF;
END`)}
`
  const verify = `${header(`Verify: the outbox of context ${ctx.name} exists and receives events`)}
${doBlock(`
DECLARE
  n_before bigint;
  n_after bigint;
  touched bigint := 0;
BEGIN
  IF to_regclass(${literal(outbox)}) IS NULL THEN
    RAISE EXCEPTION 'carve verify: the outbox % does not exist', ${literal(outbox)};
  END IF;
${checks.join('\n')}${probeBlock}
END`)}
`
  const readme = stepReadme('outbox', {
    title: `An outbox for ${code(ctx.name)} (level 3 → 4)`,
    what: `Creates ${code(`${schema}.${outboxName(ctx, input)}`)} and \`AFTER INSERT\`, \`UPDATE\` and \`DELETE\` triggers (${code(OUTBOX_TRIGGER)}, ${code(OUTBOX_UPDATE_TRIGGER)}, ${code(OUTBOX_DELETE_TRIGGER)}: statement level, one \`INSERT … SELECT\` from the statement's transition table; a partitioned table gets one row trigger ${code(OUTBOX_TRIGGER)}, cloned to its partitions) on ${tables.length} table${tables.length === 1 ? '' : 's'}: every committed change becomes an event \`<table>.created|updated|deleted\` with the row as JSON payload and the primary key as aggregate id, written in the same transaction as the change. The events are listed in [contexts/${ctx.name}/events.md](${linkFromStep(ctx.name, `contexts/${ctx.name}/events.md`)}). A relay moves them to the broker: Debezium with the outbox event router ([contexts/${ctx.name}/api/debezium-postgres.json](${linkFromStep(ctx.name, `contexts/${ctx.name}/api/debezium-postgres.json`)})), or a poller that publishes in \`id\` order and deletes what it published.`,
    why: 'Other services react to changes through events instead of reading or polling the tables (concepts: react to a change → subscribe to its events). This plan asked for in-transaction events (`--outbox trigger`): an event exists exactly when its change committed, on any server, without wal_level=logical.',
    risk: 'Every write statement on these tables also inserts its rows into the outbox, in the application\'s transaction: writes get slower (a pgbench TPC-B transaction costs the server ~40% more CPU with these triggers — BENCHMARKS.md, rows outbox; the default `--outbox wal` adds nothing to the transaction). The outbox grows until a relay drains it.',
    lock: 'SHARE ROW EXCLUSIVE on each table while its trigger is created (ACCESS EXCLUSIVE to drop it on rollback), all taken first in one order by table name; the first lock waits up to `lock_timeout`, each further one at most 200 ms, and a lock not granted rolls the step back for a retry (milliseconds)',
    duration: 'under a second',
    rollback: '`down.sql` drops the triggers, the function and the outbox table (undelivered events are lost — drain the relay first); a table left with no trigger at all gets `relhastriggers = false` back (as a superuser; otherwise at its next VACUUM).',
  })
  return {
    key: `outbox-${ctx.name}`,
    title: `An outbox for ${ctx.name}`,
    context: ctx.name,
    kind: 'outbox',
    level: {from: 3, to: 4},
    dependsOn,
    transactional: true,
    locks: tables.map((t) => `${locator.schemaOf(t.table)}.${t.table.name}`),
    up,
    down,
    verify,
    readme,
  }
}

/** A partitioned table (or a partition) keeps a row trigger: statement triggers on the root miss statements naming a partition. */
function rowLevel(t: ContextSpec['tables'][number]): boolean {
  return t.table.kind === 'partitioned' || t.table.partitionOf !== null
}
