/** Level 1→2, MySQL/MariaDB: one role per service (plan-wide), recorded in the meta database. */
import {mysqlIdent as id, mysqlLiteral as lit} from '../../plan/quote.js'
import {code, header, stepReadme} from '../common.js'
import type {StepDraft} from '../draft.js'
import {missingRoles, MYSQL_ROLES_TABLE, type MysqlSql} from '../mysql-sql.js'


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
  const readme = stepReadme('service-roles', {
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

