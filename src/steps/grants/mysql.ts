/** 1→2: one role per service, and only the owner writes a context's tables. */
import type {ContextSpec} from '../../plan/context.js'
import {linkFromStep} from '../../plan/plan-paths.js'
import {mysqlIdent as id, mysqlLiteral as lit} from '../../plan/quote.js'
import {code, header, Locator, stepReadme} from '../common.js'
import {granteesOf} from './postgres.js'
import type {StepDraft} from '../draft.js'
import {missingRoles, bin, comment, MYSQL_REVOKED_TABLE, MYSQL_ROLES_TABLE, type MysqlSql, OWNER_PRIVILEGES, truncate, WRITE_PRIVILEGES} from '../mysql-sql.js'

export function grantsStep(sql: MysqlSql, ctx: ContextSpec, locator: Locator, moved: boolean): StepDraft {
  const input = sql.input
  const registry = sql.metaTable(MYSQL_REVOKED_TABLE)
  const grantees = granteesOf(ctx, input)
  const others = input.services.filter((s) => s.name !== ctx.owner)
  const create = sql.ensureMeta(
    MYSQL_REVOKED_TABLE,
    `  ${id('context')} VARCHAR(64) NOT NULL,
  ${id('role_name')} VARCHAR(128) NOT NULL,
  ${id('table_schema')} VARCHAR(64) NOT NULL,
  ${id('table_name')} VARCHAR(64) NOT NULL,
  ${id('privilege')} VARCHAR(32) NOT NULL,
  PRIMARY KEY (${id('context')}, ${id('role_name')}, ${id('table_schema')}, ${id('table_name')}, ${id('privilege')})`,
  )
  const writeList = WRITE_PRIVILEGES.map(lit).join(', ')
  const grants: string[] = []
  const revokes: string[] = []
  const ungrants: string[] = []
  const restores: string[] = []
  const checks: string[] = []
  for (const t of ctx.tables) {
    const list = grantees.get(t.key) ?? []
    const rels = [{schema: locator.schemaOf(t.table), name: t.table.name}]
    if (moved && locator.moves(t.table)) rels.push({schema: t.table.schema, name: t.table.name})
    for (const rel of rels) {
      const at = sql.q(rel.schema, rel.name)
      for (const g of list) {
        grants.push(`GRANT ${g.privileges.join(', ')} ON ${at} TO ${id(g.role)};`)
        ungrants.unshift(sql.revokeHeld(g.role, rel.schema, rel.name, g.privileges))
      }
      const writers = new Set(list.filter((g) => g.privileges.includes('INSERT')).map((g) => g.role))
      const refused = others.filter((s) => !writers.has(s.role)).map((s) => s.role)
      if (refused.length === 0) continue
      revokes.push(`${comment(`writes on ${rel.schema}.${rel.name}: recorded, then revoked from ${refused.join(', ')}`)}
INSERT IGNORE INTO ${registry} (${['context', 'role_name', 'table_schema', 'table_name', 'privilege'].map(id).join(', ')})
SELECT ${lit(ctx.name)}, r.role_name, ${lit(rel.schema)}, ${lit(rel.name)}, tp.PRIVILEGE_TYPE
FROM information_schema.TABLE_PRIVILEGES tp JOIN (${sql.rolesTable(refused)}) r ON tp.GRANTEE = r.grantee
WHERE tp.TABLE_SCHEMA = ${bin(rel.schema)} AND tp.TABLE_NAME = ${bin(rel.name)} AND tp.PRIVILEGE_TYPE IN (${writeList});
${refused.map((r) => sql.revokeHeld(r, rel.schema, rel.name, WRITE_PRIVILEGES)).join('\n')}`)
      for (const r of refused) {
        restores.push(
          sql.dynamic(`(SELECT CONCAT('GRANT ', GROUP_CONCAT(${id('privilege')} ORDER BY ${id('privilege')} SEPARATOR ', '), ${lit(` ON ${at} TO ${id(r)}`)})
   FROM ${registry}
   WHERE ${id('context')} = ${lit(ctx.name)} AND ${id('role_name')} = ${lit(r)} AND ${id('table_schema')} = ${lit(rel.schema)} AND ${id('table_name')} = ${lit(rel.name)}
     AND ${id('privilege')} IN (${writeList}) AND ${sql.roleExists(lit(r))})`),
        )
      }
      checks.push(
        sql.check(`(SELECT CONCAT('carve verify: role ', GROUP_CONCAT(r.role_name ORDER BY r.role_name SEPARATOR ', '), ${lit(truncate(` can still write ${rel.schema}.${rel.name}`, 200))})
   FROM (${sql.rolesTable(refused)}) r
   WHERE ${sql.holds('r.grantee', rel.schema, rel.name, WRITE_PRIVILEGES)})`),
      )
    }
    const main = rels[0]!
    checks.push(
      sql.failWhen(
        `(SELECT COUNT(DISTINCT p.PRIVILEGE_TYPE) FROM (
      SELECT PRIVILEGE_TYPE FROM information_schema.TABLE_PRIVILEGES WHERE GRANTEE = ${lit(sql.grantee(ctx.role))} AND TABLE_SCHEMA = ${bin(main.schema)} AND TABLE_NAME = ${bin(main.name)}
      UNION ALL SELECT PRIVILEGE_TYPE FROM information_schema.SCHEMA_PRIVILEGES WHERE GRANTEE = ${lit(sql.grantee(ctx.role))} AND TABLE_SCHEMA = ${bin(main.schema)}
      UNION ALL SELECT PRIVILEGE_TYPE FROM information_schema.USER_PRIVILEGES WHERE GRANTEE = ${lit(sql.grantee(ctx.role))}
    ) p WHERE p.PRIVILEGE_TYPE IN (${OWNER_PRIVILEGES.map(lit).join(', ')})) < ${OWNER_PRIVILEGES.length}`,
        `the owner role ${ctx.role} cannot read and write ${main.schema}.${main.name}`,
      ),
    )
  }
  const roles = [ctx.role, ...others.map((s) => s.role)]
  const up = `${header(`Step: only ${ctx.owner} writes the tables of context ${ctx.name}`)}
${create}
${grants.join('\n')}
${revokes.join('\n')}
`
  const down = `${header(`Undo: the grants on the tables of context ${ctx.name}`, ['revokes what up.sql granted, then gives back the writes it revoked'])}
${create}
${ungrants.join('\n')}
${restores.join('\n')}
DELETE FROM ${registry} WHERE ${id('context')} = ${lit(ctx.name)};
${sql.dropMetaIfEmpty(MYSQL_REVOKED_TABLE)}
`
  const verify = `${header(`Verify: ${ctx.owner} can write the tables of context ${ctx.name}, and no other service can`, ['read from the privilege tables (table, database and global grants): nothing is attempted'])}
${sql.check(missingRoles(sql, roles, 'carve verify: the service roles do not exist (apply the service-roles step first): '))}
${checks.join('\n')}
`
  const table = [...grantees.entries()]
    .map(([key, list]) => list.map((g) => `| ${code(key)} | ${code(g.service)} | ${g.privileges.join(', ')} | ${g.why} |`).join('\n'))
    .join('\n')
  const refusedWriters = ctx.consumers.filter((c) => c.writes > 0 && c.exception?.access !== 'write')
  const readme = stepReadme('grants', {
    title: `Only ${code(ctx.owner)} writes ${code(ctx.name)} (level 1 → 2)`,
    what: `Grants ${code(ctx.role)} read and write on the context's tables${moved ? ' (and on their compatibility views)' : ''}, read-only access to approved exceptions, current readers and reporting, and revokes INSERT, UPDATE, DELETE and DROP (which TRUNCATE needs on MySQL) on those tables from every other service role; what it revokes is recorded in ${code(`${sql.meta}.${MYSQL_REVOKED_TABLE}`)} so that the rollback can give it back.\n\n| table | service | privileges | why |\n|---|---|---|---|\n${table}`,
    why: 'Shared write ownership is the danger (the concepts of the plan): once only the owner can write, its invariants are its own.',
    risk: `${
      refusedWriters.length
        ? `These services write the context's tables today without an approved exception; once they work through their roles, those writes are **refused** — move them to the owner's API (see [contexts/${ctx.name}/api](${linkFromStep(ctx.name, `contexts/${ctx.name}/api`)})) or record an exception in the boundaries file first:\n\n${[...new Map(refusedWriters.map((c) => [`${c.consumer}|${c.table}`, c])).values()].map((c) => `- ${code(c.consumer)} writes ${code(c.table)} (${c.writes} statements in the workload)`).join('\n')}`
        : 'Low: no service other than the owner writes these tables in the workload.'
    }\n\nMySQL grants add up and cannot be taken away table by table: a role holding a write privilege on a whole database (\`GRANT INSERT ON app.*\`) or globally keeps it. \`verify.sql\` reads table, database and global privileges and fails in that case; fix such grants by hand.`,
    lock: 'none on application tables (grants change the privilege tables only)',
    duration: 'under a second',
    rollback: '`down.sql` revokes what this step granted and gives back the write privileges it revoked.',
  })
  return {
    key: `grants-${ctx.name}`,
    title: `Only ${ctx.owner} writes ${ctx.name}`,
    context: ctx.name,
    kind: 'grants',
    level: {from: 1, to: 2},
    dependsOn: ['service-roles', ...(moved ? [`move-to-schema-${ctx.name}`] : [`document-ownership-${ctx.name}`])],
    transactional: false,
    locks: [],
    up,
    down,
    verify,
    readme,
  }
}
