/** 0→1: the ownership registry of a context, keyed by (table_schema, table_name) — MySQL has no regclass. */
import type {ContextSpec} from '../../plan/context.js'
import {linkFromStep} from '../../plan/plan-paths.js'
import {mysqlIdent as id, mysqlLiteral as lit} from '../../plan/quote.js'
import {code, header, stepReadme} from '../common.js'
import type {StepDraft} from '../draft.js'
import {MYSQL_OWNERSHIP_TABLE, type MysqlSql, truncate} from '../mysql-sql.js'
import {plural} from '../../util/plural.js'

export function ownershipStep(sql: MysqlSql, ctx: ContextSpec): StepDraft {
  const registry = sql.metaTable(MYSQL_OWNERSHIP_TABLE)
  // Each row names where the table is now: in the context's database once the move step ran
  // (re-running this step after the move must not record the old location a second time).
  const rows = ctx.tables.map((t, i) => {
    const at =
      t.table.schema === ctx.schema
        ? lit(t.table.schema)
        : `IF(${sql.relationExists(ctx.schema, t.table.name, 'table')} AND NOT ${sql.relationExists(t.table.schema, t.table.name, 'table')}, ${lit(ctx.schema)}, ${lit(t.table.schema)})`
    const as = (name: string) => (i === 0 ? ` AS ${id(name)}` : '')
    return `  SELECT ${at}${as('table_schema')}, ${lit(t.table.name)}${as('table_name')}, ${lit(ctx.name)}${as('context')}, ${lit(ctx.owner)}${as('owner')}, ${lit(t.classification)}${as('classification')}, ${lit(t.key)}${as('table_key')}`
  })
  const create = sql.ensureMeta(
    MYSQL_OWNERSHIP_TABLE,
    `  ${id('table_schema')} VARCHAR(64) NOT NULL,
  ${id('table_name')} VARCHAR(64) NOT NULL,
  ${id('context')} TEXT NOT NULL,
  ${id('owner')} TEXT NOT NULL,
  ${id('classification')} VARCHAR(32) NOT NULL,
  ${id('table_key')} TEXT NOT NULL,
  PRIMARY KEY (${id('table_schema')}, ${id('table_name')})`,
  )
  const cols = ['table_schema', 'table_name', 'context', 'owner', 'classification', 'table_key'].map(id)
  const up = `${header(`Step: document the ownership of context ${ctx.name}`, [`owner: ${ctx.owner}`])}
${create}
INSERT INTO ${registry} (${cols.join(', ')})
SELECT * FROM (
${rows.join('\n  UNION ALL\n')}
) AS src
ON DUPLICATE KEY UPDATE ${cols.slice(2).map((c) => `${c} = VALUES(${c})`).join(', ')};
`
  const down = `${header(`Undo: forget the recorded ownership of context ${ctx.name}`)}
${create}
DELETE FROM ${registry} WHERE ${id('context')} = ${lit(ctx.name)};
${sql.dropMetaIfEmpty(MYSQL_OWNERSHIP_TABLE)}
`
  // By the tables' keys, not by location: the move step changes table_schema.
  const keys = ctx.tables.map((t, i) => (i === 0 ? `SELECT ${lit(t.key)} AS table_key` : `SELECT ${lit(t.key)}`)).join(' UNION ALL ')
  const verify = `${header(`Verify: every table of context ${ctx.name} has its owner recorded`)}
${sql.failWhen(`NOT ${sql.relationExists(sql.meta, MYSQL_OWNERSHIP_TABLE, 'table')}`, `the ownership registry ${sql.meta}.${MYSQL_OWNERSHIP_TABLE} does not exist`)}
${sql.check(`(SELECT CONCAT(${lit(truncate(`carve verify: no recorded owner ${ctx.owner} for: `, 200))}, GROUP_CONCAT(k.table_key ORDER BY k.table_key SEPARATOR ', '))
   FROM (${keys}) k
   WHERE NOT EXISTS (SELECT 1 FROM ${registry} o WHERE o.${id('table_key')} = k.table_key AND o.${id('context')} = ${lit(ctx.name)} AND o.${id('owner')} = ${lit(ctx.owner)}))`)}
`
  const readme = stepReadme('document-ownership', {
    title: `Document the ownership of ${code(ctx.name)} (level 0 → 1)`,
    what: `Records ${code(ctx.owner)} as the owner of the ${plural(ctx.tables.length, 'table')} of context ${code(ctx.name)} in ${code(`${sql.meta}.${MYSQL_OWNERSHIP_TABLE}`)}, one row per table keyed by its database and name (the move step updates the row when the table moves). The ownership document for people is [contexts/${ctx.name}/OWNERSHIP.md](${linkFromStep(ctx.name, `contexts/${ctx.name}/OWNERSHIP.md`)}).`,
    why: 'Nobody can enforce an owner nobody wrote down. Level 1 of the maturity model: every table has exactly one owner, and exceptions are listed with an expiry.',
    risk: `None for the application: a new table in a separate database (${code(sql.meta)}), no change to existing tables.`,
    lock: 'none on application tables',
    duration: 'under a second',
    rollback: `\`down.sql\` deletes this context's rows; the registry table and the ${code(sql.meta)} database are dropped when nothing is left in them — not while that database holds Carve's ledger (the default, \`carve\`): it is shared by every plan on the server, so the empty table stays.`,
  })
  return {
    key: `document-ownership-${ctx.name}`,
    title: `Document the ownership of ${ctx.name}`,
    context: ctx.name,
    kind: 'document-ownership',
    level: {from: 0, to: 1},
    dependsOn: [],
    transactional: false,
    locks: [],
    up,
    down,
    verify,
    readme,
  }
}
