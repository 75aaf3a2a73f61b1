/**
 * →2: the context's tables move into the context's own schema, and a compatibility view takes
 * each table's old name — the strangler facade. `ALTER TABLE … SET SCHEMA` is a catalog update:
 * indexes, constraints, owned sequences, triggers and grants move with the table, foreign keys
 * and dependent views keep pointing at it (they reference it by OID). The views are simple
 * `SELECT <columns> FROM <table>`, which PostgreSQL makes automatically updatable, so unchanged
 * legacy code keeps reading and writing under the old names.
 */
import type {Table} from '../../introspect/model.js'
import type {ContextSpec, PlanInput} from '../../plan/context.js'
import {doBlock, ident, literal, qualified} from '../../plan/quote.js'
import {code, dropSchemaIfEmpty, header, lockTablesUpFront, partitionsOf, schemaExisted, sizeOf, stepReadme, type LockTarget} from '../common.js'
import type {StepDraft} from '../draft.js'
import {searchPathSql, sourceSchema} from './search-path.js'

/** The marker in a compatibility view's comment: down.sql drops only views that carry it. */
export const COMPAT_VIEW_MARK = 'carve:compatibility-view'

export function movedTables(ctx: ContextSpec, input: PlanInput): {table: Table; parent: Table | null}[] {
  const out: {table: Table; parent: Table | null}[] = []
  for (const t of ctx.tables) {
    out.push({table: t.table, parent: null})
    for (const p of partitionsOf(input, t.table)) out.push({table: p, parent: t.table})
  }
  return out
}

export function moveStep(ctx: ContextSpec, input: PlanInput): StepDraft {
  const tables = movedTables(ctx, input).filter((m) => m.table.schema !== ctx.schema)
  const target = ident(ctx.schema)
  const moves: string[] = []
  const views: string[] = []
  const unViews: string[] = []
  const moveBacks: string[] = []
  const checks: string[] = []
  for (const {table, parent} of tables) {
    const from = qualified(table.schema, table.name)
    const to = qualified(ctx.schema, table.name)
    // Partitions move after their parent has moved (the DO block below runs in order).
    moves.push(`  IF to_regclass(${literal(to)}) IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass(${literal(from)}) AND relkind IN ('r', 'p')) THEN
    ALTER TABLE ${from} SET SCHEMA ${target};
  END IF;`)
    const columns = table.columns.map((c) => ident(c.name)).join(', ')
    views.push(`CREATE OR REPLACE VIEW ${from} AS
  SELECT ${columns}
  FROM ${to};
COMMENT ON VIEW ${from} IS ${literal(`${COMPAT_VIEW_MARK} ${ctx.schema}.${table.name} (owner: ${ctx.owner}). Legacy access path; move readers to the owner's API or a read model.`)};`)
    unViews.push(`  IF EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass(${literal(from)}) AND relkind = 'v')
     AND obj_description(to_regclass(${literal(from)}), 'pg_class') LIKE ${literal(`${COMPAT_VIEW_MARK}%`)} THEN
    DROP VIEW ${from};
  END IF;`)
    moveBacks.unshift(`  IF to_regclass(${literal(from)}) IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass(${literal(to)}) AND relkind IN ('r', 'p')) THEN
    ALTER TABLE ${to} SET SCHEMA ${ident(table.schema)};
  END IF;`)
    checks.push(`  IF NOT EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass(${literal(to)}) AND relkind IN ('r', 'p')) THEN
    RAISE EXCEPTION 'carve verify: % is not a table in schema %', ${literal(to)}, ${literal(ctx.schema)};
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass(${literal(from)}) AND relkind = 'v') THEN
    RAISE EXCEPTION 'carve verify: the compatibility view % is missing', ${literal(from)};
  END IF;${parent ? '' : `
  PERFORM 1 FROM ${from} LIMIT 1;`}`)
  }
  // Partitions first when moving back would be wrong order for attach; SET SCHEMA does not care,
  // but dropping views must happen before tables return to their names.
  // The views must behave like the tables for everyone who used them: owned by the table's owner
  // (a view runs with its owner's rights on the table, so legacy logins that own their tables keep
  // them), with the table's grants, and the owners need USAGE on the new schema (foreign-key checks
  // run as the table owner and name the referenced table by schema).
  const pairs = tables.map(({table}) => `(${literal(qualified(ctx.schema, table.name))}, ${literal(qualified(table.schema, table.name))})`)
  const ownership = tables.length
    ? doBlock(`
DECLARE
  p record;
  a record;
  owner_name text;
BEGIN
  FOR p IN SELECT to_regclass(t) AS tbl, to_regclass(v) AS view FROM (VALUES
    ${pairs.join(',\n    ')}
  ) AS m(t, v) LOOP
    CONTINUE WHEN p.tbl IS NULL OR p.view IS NULL;
    SELECT pg_get_userbyid(relowner) INTO owner_name FROM pg_class WHERE oid = p.tbl;
    EXECUTE format('ALTER VIEW %s OWNER TO %I', p.view, owner_name);
    IF owner_name <> (SELECT pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = ${literal(ctx.schema)})
       AND NOT has_schema_privilege(owner_name, ${literal(ctx.schema)}, 'USAGE') THEN
      EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I', ${literal(ctx.schema)}, owner_name);
    END IF;
    FOR a IN SELECT e.grantee, e.privilege_type, e.is_grantable FROM pg_class c, aclexplode(c.relacl) e
             WHERE c.oid = p.tbl AND e.grantee <> c.relowner LOOP
      EXECUTE format('GRANT %s ON %s TO %s%s', a.privilege_type, p.view,
                     CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(a.grantee)) END,
                     CASE WHEN a.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END);
    END LOOP;
  END LOOP;
END`)
    : ''
  // Moving a table locks it; moving it back also drops its view, which queries lock first.
  const upLocks: LockTarget[] = tables.map(({table}) => ({at: qualified(table.schema, table.name), schema: table.schema, name: table.name, mode: 'ACCESS EXCLUSIVE'}))
  const downLocks: LockTarget[] = tables.flatMap(({table}) => [
    {at: qualified(table.schema, table.name), schema: table.schema, name: table.name, mode: 'ACCESS EXCLUSIVE' as const},
    {at: qualified(ctx.schema, table.name), schema: table.schema, name: table.name, mode: 'ACCESS EXCLUSIVE' as const},
  ])
  // A schema that existed before the plan is used but never created or dropped: it is not Carve's.
  const existed = schemaExisted(input, ctx.schema)
  const pathFrom = input.conventions.compat === 'search-path' ? sourceSchema(ctx, tables.map((m) => m.table.schema)) : null
  const path = pathFrom === null ? null : searchPathSql(ctx, input, pathFrom, tables.map((m) => m.table.name), COMPAT_VIEW_MARK)
  const up = `${header(`Step: move the tables of context ${ctx.name} into schema ${ctx.schema}`, ['and leave a compatibility view under each old name'])}
${lockTablesUpFront(upLocks)}${existed ? `-- Schema ${ctx.schema.replace(/[\r\n]+/g, ' ')} existed before this plan: it is used, and never dropped on rollback.` : `-- A plain CREATE SCHEMA: if the schema appeared since the plan was made, this fails instead of adopting it.
CREATE SCHEMA ${target};`}
${tables.length ? doBlock(`BEGIN\n${moves.join('\n')}\nEND`) : '-- nothing to move'}

${views.join('\n\n')}

-- Each view gets its table's owner and grants; the owners get USAGE on the schema.
${ownership}
${path ? `\n${path.up}` : ''}`
  const down = `${header(`Undo: move the tables of context ${ctx.name} back and drop the compatibility views`)}
${lockTablesUpFront(downLocks)}${path ? `${path.down}\n` : ''}${tables.length ? doBlock(`BEGIN\n${unViews.join('\n')}\n${moveBacks.join('\n')}\nEND`) : ''}
${existed ? `-- Schema ${ctx.schema.replace(/[\r\n]+/g, ' ')} existed before this plan: it stays.` : dropSchemaIfEmpty(ctx.schema)}
`
  const verify = `${header(`Verify: the tables of context ${ctx.name} live in schema ${ctx.schema}, reachable under their old names`)}
${tables.length ? doBlock(`BEGIN\n${checks.join('\n')}\nEND`) : 'SELECT 1;'}
${path ? `${path.verify}\n` : ''}`
  const size = sizeOf(tables.map((m) => m.table))
  const readme = stepReadme('move-to-schema', {
    title: `Move ${code(ctx.name)} into schema ${code(ctx.schema)} (level 1 → 2)`,
    what: `Creates schema ${code(ctx.schema)} and moves ${tables.length} table${tables.length === 1 ? '' : 's'} (${size.text}) into it with \`ALTER TABLE … SET SCHEMA\`: indexes, constraints, owned sequences, triggers and grants move with each table. A compatibility view takes each old name (\`SELECT <columns> FROM ${ctx.schema}.<table>\`): PostgreSQL makes such views automatically updatable, so legacy code that reads or writes the old names keeps working.\n\n${tables.map((m) => `- ${code(`${m.table.schema}.${m.table.name}`)} → ${code(`${ctx.schema}.${m.table.name}`)}`).join('\n')}`,
    why: 'Level 2: the data of a context lives in the owner\'s schema, where its grants can be managed as a unit. The views are the strangler facade: nothing else has to change on the day of the move.',
    risk: 'Low. Data is not copied or rewritten. Views on these tables, foreign keys and triggers keep working (they reference tables by identity, not by name). Code that names a schema explicitly (`public.x`) keeps working through the view. Functions that run `CREATE TABLE` or DDL under the old names, and tools that introspect `public`, will see views instead of tables. Columns added to a moved table later do not appear in its view until the view is recreated.',
    lock: 'ACCESS EXCLUSIVE on each moved table (and on its compatibility view when moving back), all taken first in one order by table name: the first waits up to `lock_timeout`, each further one at most 200 ms, so the step never holds a table longer than that while waiting for another. Held for the catalog update only (milliseconds). A busy table rolls the step back and the executor retries it with jittered backoff.',
    duration: 'under a second (independent of table size)',
    rollback: `\`down.sql\` drops the compatibility views (only views carrying Carve's marker comment) and moves the tables back; ${existed ? `schema ${code(ctx.schema)} existed before the plan and stays` : 'the schema, created by this step, is dropped when empty'}.`,
    extra: '## Owners and grants\nEach view is owned by its table\'s owner and carries the table\'s grants, and the tables\' owners get `USAGE` on the new schema: a legacy login that owns its tables (the usual shared-login setup) keeps reading and writing them under the old names. Apply the plan as a superuser or as a member of the tables\' owning role.\n\nSchema changes under the old names (`ALTER TABLE public.x ADD COLUMN`, `CREATE INDEX ON public.x`) are refused after the move (they name a view): point migrations at the new schema, and recreate the view after adding a column.' + (path ? `\n\n## The search_path (\`--compat search-path\`)\nThe database's \`search_path\` also gets ${code(ctx.schema)} right before ${code(pathFrom!)}, so sessions opened after the step find the tables themselves under the old unqualified names: no view is expanded per statement. The views stay for \`${pathFrom!.replace(/`/g, '')}.<table>\` references and for sessions opened before the step; roles with their own \`search_path\` setting keep it, and keep the views. The step leaves the path alone (and says so in a notice) when a name in ${code(ctx.schema)} would then resolve to a different object, when \`"$user"\` comes after ${code(pathFrom!)}, or when a table has row-level security or column privileges (a view applies them as its owner, a direct reference as the caller). \`down.sql\` restores the database's previous setting exactly (or none), saved in ${code(`${input.conventions.metaSchema}.search_paths`)}; sessions opened in between keep working, since a schema missing from a path is skipped.\n\n**Unqualified DDL changes target**: PostgreSQL creates an unqualified ${code('CREATE TABLE x')} in the first schema of the path, now ${code(ctx.schema)}: a legacy login without ${code('CREATE')} there gets *permission denied for schema*, and a superuser's migration creates the table in ${code(ctx.schema)} instead of ${code(pathFrom!)}. Point migrations at ${code(pathFrom!)} explicitly before choosing this option. MySQL and MariaDB have no search_path: there the views stay the only compatibility layer.` : ''),
  })
  return {
    key: `move-to-schema-${ctx.name}`,
    title: `Move ${ctx.name} into schema ${ctx.schema}`,
    context: ctx.name,
    kind: 'move-to-schema',
    level: {from: 1, to: 2},
    dependsOn: [`document-ownership-${ctx.name}`],
    transactional: true,
    locks: tables.map((m) => `${m.table.schema}.${m.table.name}`),
    up,
    down,
    verify,
    readme,
  }
}
