/** 2→3: replace the cross-context foreign keys (MySQL has no NOT VALID: re-adding checks every row). */
import type {ContextSpec} from '../../plan/context.js'
import {mysqlIdent as id} from '../../plan/quote.js'
import {code, duration, header, Locator, sizeOf, stepReadme} from '../common.js'
import type {StepDraft} from '../draft.js'
import {bin, comment, type MysqlSql} from '../mysql-sql.js'
import {plural} from '../../util/plural.js'

export function isLoose(action: string): boolean {
  return action === 'cascade' || action === 'set null' || action === 'set default'
}

export function foreignKeysStep(sql: MysqlSql, ctx: ContextSpec, locator: Locator, dependsOn: string[]): StepDraft {
  const fks = ctx.fksOut
  const drops: string[] = []
  const readds: string[] = []
  const checks: string[] = []
  const reconcile: string[] = []
  for (const f of fks) {
    const childSchema = locator.schemaOf(f.from.table)
    const child = sql.q(childSchema, f.from.table.name)
    const parent = sql.q(locator.schemaOf(f.to.table), f.to.table.name)
    const exists = `EXISTS (SELECT 1 FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = ${bin(childSchema)} AND TABLE_NAME = ${bin(f.from.table.name)} AND CONSTRAINT_NAME = ${bin(f.fk.name)})`
    const cols = f.fk.columns.map(id).join(', ')
    const refCols = f.fk.refColumns.map(id).join(', ')
    drops.push(sql.when(exists, `ALTER TABLE ${child} DROP FOREIGN KEY ${id(f.fk.name)}`))
    readds.push(
      sql.when(
        `NOT ${exists}`,
        `ALTER TABLE ${child} ADD CONSTRAINT ${id(f.fk.name)} FOREIGN KEY (${cols}) REFERENCES ${parent} (${refCols}) ON DELETE ${f.fk.onDelete.toUpperCase()} ON UPDATE ${f.fk.onUpdate.toUpperCase()}`,
      ),
    )
    // Looked up where the plan puts the table: if it is not there, "no such constraint" proves nothing.
    checks.push(sql.failWhen(`NOT ${sql.relationExists(childSchema, f.from.table.name, 'table')}`, `${childSchema}.${f.from.table.name} is not a table (apply the steps this one depends on first)`))
    checks.push(sql.failWhen(exists, `the cross-context foreign key ${f.fk.name} on ${childSchema}.${f.from.table.name} still exists`))
    const childCols = f.fk.columns.map((c) => `c.${id(c)}`).join(', ')
    const notNull = f.fk.columns.map((c) => `c.${id(c)} IS NOT NULL`).join(' AND ')
    const match = f.fk.columns.map((c, i) => `p.${id(f.fk.refColumns[i]!)} = c.${id(c)}`).join(' AND ')
    reconcile.push(`${comment(`${f.from.context}.${f.from.table.name} → ${f.to.context}.${f.to.table.name} (was ${f.fk.name}): references whose target row is missing`)}
SELECT ${childCols}, COUNT(*) AS orphan_rows
FROM ${child} c
WHERE ${notNull}
  AND NOT EXISTS (SELECT 1 FROM ${parent} p WHERE ${match})
GROUP BY ${childCols}
ORDER BY orphan_rows DESC
LIMIT 100;`)
  }
  const up = `${header(`Step: drop the foreign keys from context ${ctx.name} into other contexts`, ['reconcile.sql finds orphans from now on'])}
${drops.join('\n')}
`
  const down = `${header(`Undo: re-add the foreign keys of context ${ctx.name}`, ['MySQL has no NOT VALID: each is checked as it is added, and orphans make this fail; run reconcile.sql, fix them, roll back again'])}
${readds.join('\n')}
`
  const verify = `${header(`Verify: no foreign key from context ${ctx.name} into another context is left`)}
${checks.join('\n')}
`
  const size = sizeOf(fks.map((f) => f.from.table))
  const loose = fks.filter((f) => isLoose(f.fk.onDelete))
  const rows = fks
    .map((f) => `| ${code(f.fk.name)} | ${code(`${f.from.table.name}(${f.fk.columns.join(', ')})`)} | ${code(`${f.to.context}.${f.to.table.name}(${f.fk.refColumns.join(', ')})`)} | ${f.fk.onDelete} |`)
    .join('\n')
  const readme = stepReadme('replace-foreign-keys', {
    title: `Replace the cross-context foreign keys of ${code(ctx.name)} (level 2 → 3)`,
    what: `Drops ${plural(fks.length, 'foreign key')} that point from ${code(ctx.name)} into other contexts (the index MySQL created for each stays):\n\n| constraint | from | to | on delete |\n|---|---|---|---|\n${rows}\n\n\`reconcile.sql\` lists orphans per former constraint: schedule it and alert on rows.`,
    why: 'Contexts in separate databases cannot share foreign keys. Owner-side validation in the API, idempotent writes, reconciliation and status fields replace them (concepts: no cross-service FKs).',
    risk: `Between now and the API taking over validation, the database no longer refuses a reference to a missing row: watch \`reconcile.sql\`.${
      loose.length
        ? ` **${loose.map((f) => code(f.fk.name)).join(', ')} ${loose.length === 1 ? 'acts' : 'act'} on delete (${[...new Set(loose.map((f) => f.fk.onDelete.toUpperCase()))].join(', ')})**: after this step, deleting a referenced row no longer touches the referencing rows. On MySQL, Carve does not generate the loose-foreign-key queue and cleanup job yet: the owner's API must apply the action, and \`reconcile.sql\` shows what it missed.`
        : ''
    } Rolling back needs the data to satisfy the constraints again.`,
    lock: 'dropping a foreign key is a metadata change (in place, milliseconds). Rollback: adding a foreign key with `foreign_key_checks` on copies the referencing table (`ALGORITHM=COPY`): reads continue, writes wait until it finishes.',
    duration: `under a second; rollback rebuilds the referencing tables (${size.text}): ${duration(size.rows, 200_000)}`,
    rollback: '`down.sql` re-adds each constraint with its original actions. MySQL has no `NOT VALID`: a constraint is checked as it is added, and with `foreign_key_checks` left on, an orphan makes the rollback fail loudly instead of restoring a constraint the data does not meet.',
  })
  return {
    key: `replace-foreign-keys-${ctx.name}`,
    title: `Replace the cross-context foreign keys of ${ctx.name}`,
    context: ctx.name,
    kind: 'replace-foreign-keys',
    level: {from: 2, to: 3},
    dependsOn,
    transactional: false,
    locks: [...new Set(fks.flatMap((f) => [`${locator.schemaOf(f.from.table)}.${f.from.table.name}`, `${locator.schemaOf(f.to.table)}.${f.to.table.name}`]))],
    up,
    down,
    verify,
    readme,
    extraFiles: {
      'reconcile.sql': `${header(`Reconciliation for the former foreign keys of context ${ctx.name}`, ['read-only; each query lists up to 100 orphaned references'])}\n${reconcile.join('\n\n')}\n`,
    },
  }
}
