/** 1→2: one role per service, and only the owner writes a context's tables. */
import type {ContextSpec} from '../../context.js'
import {linkFromStep} from '../../plan-paths.js'
import {mysqlIdent as id, mysqlLiteral as lit} from '../../quote.js'
import {code, header, Locator, stepReadme} from '../common.js'
import {granteesOf} from '../grants.js'
import type {StepDraft} from '../types.js'
import {bin, comment, MYSQL_REVOKED_TABLE, MYSQL_ROLES_TABLE, type MysqlSql, OWNER_PRIVILEGES, truncate, WRITE_PRIVILEGES} from './sql.js'

export function rolesStep(sql: MysqlSql): StepDraft {
  const input = sql.input
  const registry = sql.metaTable(MYSQL_ROLES_TABLE)
  const create = sql.ensureMeta(MYSQL_ROLES_TABLE, `  ${id('role_name')} VARCHAR(128) NOT NULL PRIMARY KEY,\n  ${id('service')} TEXT NOT NULL`)
  // Recorded before it is created, and only when it does not exist yet: down.sql drops exactly these.
  const creates = input.services.map(
    (s) => `INSERT IGNORE INTO ${registry} (${id('role_name')}, ${id('service')}) SELECT ${lit(s.role)}, ${lit(s.name)} FROM DUAL WHERE NOT ${sql.roleExists(lit(s.role))};
CREATE ROLE IF NOT EXISTS ${id(s.role)};`,
  )
  const drops = input.services.map(
    (s) => `${sql.when(`EXISTS (SELECT 1 FROM ${registry} WHERE ${id('role_name')} = ${lit(s.role)})`, `DROP ROLE IF EXISTS ${id(s.role)}`)}
DELETE FROM ${registry} WHERE ${id('role_name')} = ${lit(s.role)};`,
  )
  const up = `${header('Step: one role per service')}
${create}
${creates.join('\n')}
`
  const down = `${header('Undo: drop the roles this plan created (roles that existed before are kept)')}
${create}
${drops.join('\n')}
${sql.dropMetaIfEmpty(MYSQL_ROLES_TABLE)}
`
  const verify = `${header('Verify: every service role exists')}
${sql.check(missingRoles(sql, input.services.map((s) => s.role), 'carve verify: missing roles: '))}
`
  const rows = input.services.map((s) => `| ${code(s.name)} | ${code(s.role)} |`).join('\n')
  const first = input.services[0]?.role ?? 'carve_service'
  const readme = stepReadme({
    title: 'Create one role per service (level 1 → 2)',
    what: `Creates a role (\`CREATE ROLE\`: MySQL 8 or MariaDB 10.0.5+) for each service that owns a context or reads or writes one today (from the workload), and one for reporting:\n\n| service | role |\n|---|---|\n${rows}`,
    why: 'Grants can only say "only the owner writes" when each service has an identity in the database. Roles keep credentials out of the plan: operations grant each role to the service\'s account.',
    risk: `None by itself. Roles are server-wide: the names carry the plan's role prefix so they do not collide with existing accounts.`,
    lock: 'none on application tables',
    duration: 'under a second',
    rollback: `\`down.sql\` drops the roles this plan created (recorded in ${code(`${sql.meta}.${MYSQL_ROLES_TABLE}`)}), never roles that existed before.`,
    extra: `## After applying
Give each service's account its role and make it the default, e.g.:

\`\`\`sql
GRANT ${id(first)} TO 'the_services_account'@'%';
${sql.mariadb ? `SET DEFAULT ROLE ${id(first)} FOR 'the_services_account'@'%';` : `SET DEFAULT ROLE ${id(first)} TO 'the_services_account'@'%';`}
\`\`\`
Until a service works through its role and loses its direct grants, the revocations of the next steps cannot refuse its writes. \`SHOW GRANTS FOR ${id(first)}\` lists what a role holds.`,
  })
  return {
    key: 'service-roles',
    title: 'Create one role per service',
    context: null,
    kind: 'service-roles',
    level: {from: 1, to: 2},
    dependsOn: [],
    transactional: false,
    locks: [],
    up,
    down,
    verify,
    readme,
  }
}

function missingRoles(sql: MysqlSql, roles: string[], prefix: string): string {
  const list = roles.map((r, i) => (i === 0 ? `SELECT ${lit(r)} AS role_name` : `SELECT ${lit(r)}`)).join(' UNION ALL ')
  return `(SELECT CONCAT(${lit(prefix)}, GROUP_CONCAT(r.role_name ORDER BY r.role_name SEPARATOR ', '))
   FROM (${list}) r
   WHERE NOT ${sql.roleExists('r.role_name')})`
}

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
  const readme = stepReadme({
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
