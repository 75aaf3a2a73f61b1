/**
 * Level 0→1: ownership recorded where everyone looks — in the database itself. One registry row
 * per table (keyed by regclass, so the row follows the table when a later step moves it), next
 * to the ownership document the plan writes for people.
 */
import type {ContextSpec, PlanInput} from '../../plan/context.js'
import {linkFromStep} from '../../plan/plan-paths.js'
import {doBlock, literal, qualified} from '../../plan/quote.js'
import {code, dropMetaIfEmpty, ensureMetaSchema, header, stepReadme} from '../common.js'
import type {StepDraft} from '../draft.js'

export const OWNERSHIP_TABLE = 'ownership'

export function ownershipStep(ctx: ContextSpec, input: PlanInput): StepDraft {
  const registry = qualified(input.conventions.metaSchema, OWNERSHIP_TABLE)
  const rows = ctx.tables.map(
    (t) => `  (${literal(qualified(t.table.schema, t.table.name))}::regclass, ${literal(ctx.name)}, ${literal(ctx.owner)}, ${literal(t.classification)}, ${literal(t.key)})`,
  )
  const up = `${header(`Step: document the ownership of context ${ctx.name}`, [`owner: ${ctx.owner}`])}
${ensureMetaSchema(input)}
CREATE TABLE IF NOT EXISTS ${registry} (
  relation regclass PRIMARY KEY,
  context text NOT NULL,
  owner text NOT NULL,
  classification text NOT NULL,
  table_key text NOT NULL
);
${rows.length ? `INSERT INTO ${registry} (relation, context, owner, classification, table_key) VALUES
${rows.join(',\n')}
ON CONFLICT (relation) DO UPDATE SET context = EXCLUDED.context, owner = EXCLUDED.owner, classification = EXCLUDED.classification, table_key = EXCLUDED.table_key;` : '-- the context has no tables yet'}
`
  const down = `${header(`Undo: forget the recorded ownership of context ${ctx.name}`)}
${doBlock(`
BEGIN
  IF to_regclass(${literal(registry)}) IS NOT NULL THEN
    DELETE FROM ${registry} WHERE context = ${literal(ctx.name)};
  END IF;
END`)}
${dropMetaIfEmpty(input, OWNERSHIP_TABLE)}
`
  // Verify by the tables' keys, not by regclass: a later step may have moved them to another schema.
  const keys = ctx.tables.map((t) => literal(t.key)).join(', ')
  const verify = `${header(`Verify: every table of context ${ctx.name} has its owner recorded`)}
${doBlock(`
DECLARE
  missing text;
BEGIN
  IF to_regclass(${literal(registry)}) IS NULL THEN
    RAISE EXCEPTION 'carve verify: the ownership registry % does not exist', ${literal(registry)};
  END IF;
  SELECT string_agg(k, ', ' ORDER BY k) INTO missing
  FROM unnest(ARRAY[${keys || "''"}]::text[]) AS k
  WHERE k <> '' AND NOT EXISTS (
    SELECT 1 FROM ${registry} o
    WHERE o.table_key = k AND o.context = ${literal(ctx.name)} AND o.owner = ${literal(ctx.owner)}
  );
  IF missing IS NOT NULL THEN
    RAISE EXCEPTION 'carve verify: no recorded owner % for: %', ${literal(ctx.owner)}, missing;
  END IF;
END`)}
`
  const readme = stepReadme('document-ownership', {
    title: `Document the ownership of ${code(ctx.name)} (level 0 → 1)`,
    what: `Records ${code(ctx.owner)} as the owner of the ${ctx.tables.length} table${ctx.tables.length === 1 ? '' : 's'} of context ${code(ctx.name)} in ${code(`${input.conventions.metaSchema}.${OWNERSHIP_TABLE}`)} (one row per table, keyed by the table itself so the row follows it when it moves). The ownership document for people is [contexts/${ctx.name}/OWNERSHIP.md](${linkFromStep(ctx.name, `contexts/${ctx.name}/OWNERSHIP.md`)}).`,
    why: 'Nobody can enforce an owner nobody wrote down. Level 1 of the maturity model: every table has exactly one owner, and exceptions are listed with an expiry.',
    risk: 'None for the application: a new table in a separate schema, no change to existing tables.',
    lock: 'none on application tables',
    duration: 'under a second',
    rollback: `\`down.sql\` deletes this context's rows; the registry table and the ${code(input.conventions.metaSchema)} schema are dropped when nothing is left in them.`,
  })
  return {
    key: `document-ownership-${ctx.name}`,
    title: `Document the ownership of ${ctx.name}`,
    context: ctx.name,
    kind: 'document-ownership',
    level: {from: 0, to: 1},
    dependsOn: [],
    transactional: true,
    locks: [],
    up,
    down,
    verify,
    readme,
  }
}
