/**
 * →3: foreign keys that cross contexts are dropped — a database cannot enforce a reference into
 * another service's data once it lives elsewhere. What replaces each one: reconciliation queries
 * that find orphans (run them on a schedule), and for FKs that cascaded or nulled on delete a
 * "loose foreign key" (GitLab's name): a delete trigger on the referenced table queues the
 * deleted keys, and a cleanup job applies the old ON DELETE action to the referencing rows.
 *
 * down.sql re-adds each constraint NOT VALID, then validates it: a constraint that cannot be
 * validated (orphans appeared meanwhile) makes the rollback fail loudly rather than silently
 * restore a constraint the data does not meet.
 */
import type {ForeignKey} from '../../introspect/model.js'
import type {ContextSpec, CrossFk, PlanInput} from '../../plan/context.js'
import {shortHash} from '../../plan/context.js'
import {doBlock, dollarQuote, ident, literal, qualified} from '../../plan/quote.js'
import {code, duration, header, Locator, lockTablesUpFront, type LockTarget, sizeOf, stepReadme} from '../common.js'
import type {StepDraft} from '../draft.js'

export const LOOSE_FK_QUEUE = 'carve_loose_fk_queue'
export const LOOSE_FK_FUNCTION = 'carve_loose_fk_enqueue'

function isLoose(fk: ForeignKey): boolean {
  return fk.onDelete === 'cascade' || fk.onDelete === 'set null' || fk.onDelete === 'set default'
}

function action(a: ForeignKey['onDelete']): string {
  return a.toUpperCase()
}

function triggerName(f: CrossFk): string {
  return `carve_loose_fk_${shortHash(`${f.from.table.schema}.${f.from.table.name}.${f.fk.name}`).slice(0, 10)}`
}

export function foreignKeysStep(ctx: ContextSpec, input: PlanInput, locator: Locator, dependsOn: string[]): StepDraft | null {
  const fks = ctx.fksOut
  if (fks.length === 0) return null
  const schema = locator.schemaOf(ctx.tables[0]!.table)
  const queue = qualified(schema, LOOSE_FK_QUEUE)
  const fn = qualified(schema, LOOSE_FK_FUNCTION)
  const loose = fks.filter((f) => isLoose(f.fk))

  const drops: string[] = []
  const readds: string[] = []
  const checks: string[] = []
  const reconcile: string[] = []
  const cleanup: string[] = []
  const triggers: string[] = []
  const untriggers: string[] = []
  for (const f of fks) {
    const child = locator.at(f.from.table)
    const parent = locator.at(f.to.table)
    const name = ident(f.fk.name)
    drops.push(`  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = ${literal(child)}::regclass AND conname = ${literal(f.fk.name)}) THEN
    ALTER TABLE ${child} DROP CONSTRAINT ${name};
  END IF;`)
    const cols = f.fk.columns.map(ident).join(', ')
    const refCols = f.fk.refColumns.map(ident).join(', ')
    readds.push(`  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = ${literal(child)}::regclass AND conname = ${literal(f.fk.name)}) THEN
    ALTER TABLE ${child} ADD CONSTRAINT ${name} FOREIGN KEY (${cols}) REFERENCES ${parent} (${refCols}) ON UPDATE ${action(f.fk.onUpdate)} ON DELETE ${action(f.fk.onDelete)}${f.fk.deferrable ? ' DEFERRABLE' : ''} NOT VALID;${
      f.fk.validated ? `\n    ALTER TABLE ${child} VALIDATE CONSTRAINT ${name};` : ''
    }
  END IF;`)
    checks.push(`  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = ${literal(child)}::regclass AND conname = ${literal(f.fk.name)}) THEN
    RAISE EXCEPTION 'carve verify: the cross-context foreign key % on % still exists', ${literal(f.fk.name)}, ${literal(child)};
  END IF;`)
    const notNull = f.fk.columns.map((c) => `c.${ident(c)} IS NOT NULL`).join(' AND ')
    const match = f.fk.columns.map((c, i) => `p.${ident(f.fk.refColumns[i]!)} = c.${ident(c)}`).join(' AND ')
    reconcile.push(`-- ${f.from.context}.${f.from.table.name} → ${f.to.context}.${f.to.table.name} (was ${f.fk.name.replace(/[\r\n]+/g, ' ')}): rows whose reference has no target
SELECT ${f.fk.columns.map((c) => `c.${ident(c)}`).join(', ')}, count(*) AS rows
FROM ${child} c
WHERE ${notNull}
  AND NOT EXISTS (SELECT 1 FROM ${parent} p WHERE ${match})
GROUP BY ${f.fk.columns.map((c) => `c.${ident(c)}`).join(', ')}
ORDER BY rows DESC
LIMIT 100;`)
    if (isLoose(f.fk)) {
      const trig = triggerName(f)
      triggers.push(`DROP TRIGGER IF EXISTS ${ident(trig)} ON ${parent};
CREATE TRIGGER ${ident(trig)} AFTER DELETE ON ${parent}
  FOR EACH ROW EXECUTE FUNCTION ${fn}(${literal(f.fk.name)}, ${f.fk.refColumns.map(literal).join(', ')});`)
      untriggers.push(`DROP TRIGGER IF EXISTS ${ident(trig)} ON ${parent};`)
      checks.push(`  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = ${literal(parent)}::regclass AND tgname = ${literal(trig)}) THEN
    RAISE EXCEPTION 'carve verify: the loose foreign key trigger % on % is missing', ${literal(trig)}, ${literal(parent)};
  END IF;`)
      const setTo = f.fk.onDelete === 'cascade' ? null : f.fk.onDelete === 'set null' ? 'NULL' : 'DEFAULT'
      const keyMatch = f.fk.columns.map((c, i) => `c.${ident(c)}::text = q.parent_key ->> ${literal(f.fk.refColumns[i]!)}`).join(' AND ')
      cleanup.push(`-- ${f.fk.name.replace(/[\r\n]+/g, ' ')}: ON DELETE ${action(f.fk.onDelete)} on ${f.from.table.name}, applied after the fact
WITH q AS (
  DELETE FROM ${queue} WHERE id IN (SELECT id FROM ${queue} WHERE constraint_name = ${literal(f.fk.name)} ORDER BY id LIMIT 1000)
  RETURNING parent_key
)
${setTo === null ? `DELETE FROM ${child} c USING q WHERE ${keyMatch};` : `UPDATE ${child} c SET ${f.fk.columns.map((col) => `${ident(col)} = ${setTo}`).join(', ')} FROM q WHERE ${keyMatch};`}`)
    }
  }

  const fnBody = `
DECLARE
  key jsonb := '{}'::jsonb;
  i int;
BEGIN
  FOR i IN 1 .. TG_NARGS - 1 LOOP
    key := key || jsonb_build_object(TG_ARGV[i], to_jsonb(OLD) -> TG_ARGV[i]);
  END LOOP;
  INSERT INTO ${queue} (constraint_name, parent_key) VALUES (TG_ARGV[0], key);
  RETURN NULL;
END`
  // Both ends of every foreign key, locked up front in the one canonical order (as the moves do):
  // dropping a constraint locks the referencing and the referenced table, and in the order the
  // constraints come that can cross an application's own order and deadlock it. Dropping a
  // constraint (and its triggers), or a loose FK's trigger, takes ACCESS EXCLUSIVE; re-adding one
  // NOT VALID and validating it needs SHARE ROW EXCLUSIVE, which lets readers through.
  const lockSet = (strong: (f: CrossFk, end: 'child' | 'parent') => boolean): LockTarget[] => {
    const byAt = new Map<string, LockTarget>()
    for (const f of fks) {
      for (const end of ['child', 'parent'] as const) {
        const table = end === 'child' ? f.from.table : f.to.table
        const at = locator.at(table)
        const mode = strong(f, end) ? 'ACCESS EXCLUSIVE' : 'SHARE ROW EXCLUSIVE'
        const seen = byAt.get(at)
        if (!seen || (seen.mode !== 'ACCESS EXCLUSIVE' && mode === 'ACCESS EXCLUSIVE')) byAt.set(at, {at, schema: table.schema, name: table.name, mode})
      }
    }
    return [...byAt.values()]
  }
  const upLocks = lockSet(() => true)
  const downLocks = lockSet((f, end) => end === 'parent' && isLoose(f.fk))
  const up = `${header(`Step: drop the foreign keys from context ${ctx.name} into other contexts`, ['reconcile.sql finds orphans; cleanup.sql applies ON DELETE actions for loose foreign keys'])}
${lockTablesUpFront(upLocks)}${loose.length ? `CREATE TABLE IF NOT EXISTS ${queue} (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  constraint_name text NOT NULL,
  parent_key jsonb NOT NULL,
  queued_at timestamptz NOT NULL DEFAULT now()
);
-- SECURITY DEFINER: the referenced table's owner deletes rows, and its role has no grant on this queue.
CREATE OR REPLACE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS ${dollarQuote(fnBody)};
${triggers.join('\n')}
` : ''}${doBlock(`BEGIN\n${drops.join('\n')}\nEND`)}
`
  const down = `${header(`Undo: re-add the foreign keys of context ${ctx.name} (NOT VALID, then validated)`, ['fails if orphans appeared meanwhile: run reconcile.sql, fix them, then roll back again'])}
${lockTablesUpFront(downLocks)}${untriggers.join('\n')}
${loose.length ? `DROP FUNCTION IF EXISTS ${fn}();\nDROP TABLE IF EXISTS ${queue};\n` : ''}${doBlock(`BEGIN\n${readds.join('\n')}\nEND`)}
`
  const verify = `${header(`Verify: no foreign key from context ${ctx.name} into another context is left`)}
${doBlock(`BEGIN\n${checks.join('\n')}\nEND`)}
`
  const size = sizeOf(fks.map((f) => f.from.table))
  const rows = fks
    .map((f) => `| ${code(f.fk.name)} | ${code(`${f.from.table.name}(${f.fk.columns.join(', ')})`)} | ${code(`${f.to.context}.${f.to.table.name}(${f.fk.refColumns.join(', ')})`)} | ${f.fk.onDelete} | ${isLoose(f.fk) ? 'loose FK (queue + cleanup job)' : 'reconciliation'} |`)
    .join('\n')
  const readme = stepReadme('replace-foreign-keys', {
    title: `Replace the cross-context foreign keys of ${code(ctx.name)} (level 2 → 3)`,
    what: `Drops ${fks.length} foreign key${fks.length === 1 ? '' : 's'} that point from ${code(ctx.name)} into other contexts:\n\n| constraint | from | to | on delete | replaced by |\n|---|---|---|---|---|\n${rows}\n\n\`reconcile.sql\` lists orphans per former constraint: schedule it and alert on rows.${loose.length ? ` For constraints that cascaded or nulled on delete, a trigger on the referenced table queues deleted keys in ${code(`${schema}.${LOOSE_FK_QUEUE}`)} and \`cleanup.sql\` (run it every minute) applies the old action in batches of 1,000.` : ''}`,
    why: 'Contexts in separate databases cannot share foreign keys. Owner-side validation in the API, idempotent writes, reconciliation and status fields replace them (concepts: no cross-service FKs).',
    risk: 'Between now and the API taking over validation, the database no longer refuses a reference to a missing row: watch `reconcile.sql`. Rolling back needs the data to satisfy the constraint again.',
    lock: 'ACCESS EXCLUSIVE on both tables of each constraint, all taken first in one order by table name (the first waits up to `lock_timeout`, each further one at most 200 ms), held while the constraints are dropped (milliseconds). Rollback: SHARE ROW EXCLUSIVE (reads continue) on both tables, taken the same way, while each constraint is added NOT VALID and validated — writes to them wait for the validation scan.',
    duration: `under a second; rollback validation scans the referencing rows (${size.text}): ${duration(size.rows, 1_000_000)}`,
    rollback: '`down.sql` removes the loose-FK triggers and queue, re-adds each constraint `NOT VALID` and then validates it.',
  })
  const extraFiles: Record<string, string> = {
    'reconcile.sql': `${header(`Reconciliation for the former foreign keys of context ${ctx.name}`, ['read-only; each query lists up to 100 orphaned references'])}\n${reconcile.join('\n\n')}\n`,
  }
  if (cleanup.length) extraFiles['cleanup.sql'] = `${header(`Loose foreign keys of context ${ctx.name}: apply queued ON DELETE actions`, ['run repeatedly (e.g. every minute) until it affects no rows'])}\n${cleanup.join('\n\n')}\n`
  return {
    key: `replace-foreign-keys-${ctx.name}`,
    title: `Replace the cross-context foreign keys of ${ctx.name}`,
    context: ctx.name,
    kind: 'replace-foreign-keys',
    level: {from: 2, to: 3},
    dependsOn,
    transactional: true,
    locks: [...new Set(fks.flatMap((f) => [`${locator.schemaOf(f.from.table)}.${f.from.table.name}`, `${locator.schemaOf(f.to.table)}.${f.to.table.name}`]))],
    up,
    down,
    verify,
    readme,
    extraFiles,
  }
}
