/**
 * The SQL building blocks every MySQL/MariaDB step writes: quoting, conditionals as prepared
 * statements (`SET @carve_sql = IF(…)` then PREPARE/EXECUTE: no BEGIN … END blocks, so a file
 * runs sent whole or split at semicolons, on MySQL 8 and MariaDB alike), checks that fail with a
 * message, the meta database and its tables.
 */
import type {Trigger} from '../introspect/model.js'
import type {PlanInput} from '../plan/context.js'
import {mysqlIdent as id, mysqlLiteral as lit} from '../plan/quote.js'

export const MYSQL_OWNERSHIP_TABLE = 'ownership'
export const MYSQL_ROLES_TABLE = 'created_roles'
export const MYSQL_REVOKED_TABLE = 'revoked_grants'
/** The databases this plan created (so rollback drops those, and only those). */
export const MYSQL_CREATED_DATABASES_TABLE = 'created_databases'
/** Writes refused to non-owners. DROP too: MySQL's TRUNCATE TABLE needs the DROP privilege. */
export const WRITE_PRIVILEGES = ['INSERT', 'UPDATE', 'DELETE', 'DROP'] as const
export const OWNER_PRIVILEGES = ['SELECT', 'INSERT', 'UPDATE', 'DELETE'] as const
/** The executor's ledger table (src/execute/ledger.ts): a meta database holding it is shared and stays. */
const LEDGER_TABLE = 'ledger_steps'
/** Longest message kept: MariaDB's MESSAGE_TEXT holds 512 characters. */
const MESSAGE_MAX = 400

// ---------------------------------------------------------------------------------------------
// SQL building blocks

/** Runs the statement text in @carve_sql: the tail of every conditional below. */
export const RUN = 'PREPARE carve_stmt FROM @carve_sql; EXECUTE carve_stmt; DEALLOCATE PREPARE carve_stmt;'

/** A name compared byte for byte: information_schema collations fold case, table names may not. */
export function bin(name: string): string {
  return `CAST(${lit(name)} AS BINARY)`
}

export function truncate(text: string, max = MESSAGE_MAX): string {
  const chars = Array.from(text.replace(/[\r\n]+/g, ' '))
  return chars.length <= max ? chars.join('') : `${chars.slice(0, max - 1).join('')}…`
}

/** The SQL every step writes, for one engine flavor and one meta database. */
export class MysqlSql {
  readonly mariadb: boolean
  readonly meta: string

  constructor(readonly input: PlanInput) {
    this.mariadb = input.catalog.database.flavor === 'mariadb'
    this.meta = input.conventions.metaSchema
  }

  q(schema: string, name: string): string {
    return `${id(schema)}.${id(name)}`
  }

  /** How information_schema names a role: MariaDB roles have an empty host, MySQL 8 roles '%'. */
  grantee(role: string): string {
    return `'${role.replace(/'/g, "''")}'@'${this.mariadb ? '' : '%'}'`
  }

  roleHost(): string {
    return this.mariadb ? "''" : "'%'"
  }

  roleExists(roleExpr: string): string {
    return `EXISTS (SELECT 1 FROM mysql.user u WHERE u.User = ${roleExpr} AND u.Host = ${this.roleHost()})`
  }

  /** `statement` runs only when `condition` holds. */
  when(condition: string, statement: string): string {
    return `SET @carve_sql = IF(${condition}, ${lit(statement)}, 'DO 0');\n${RUN}`
  }

  /** Runs the statement an SQL expression builds (nothing when it yields NULL). */
  dynamic(expression: string): string {
    return `SET @carve_sql = COALESCE(${expression}, 'DO 0');\n${RUN}`
  }

  /** Fails with the message an SQL expression yields; passes when it yields NULL. */
  check(messageExpr: string): string {
    const failure = this.mariadb ? lit("SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = @carve_msg") : "CONCAT('SET SESSION sql_mode = ', QUOTE(@carve_msg))"
    return `SET @carve_msg = LEFT(${messageExpr}, ${MESSAGE_MAX});\nSET @carve_sql = IF(@carve_msg IS NULL, 'DO 0', ${failure});\n${RUN}`
  }

  failWhen(condition: string, message: string): string {
    return this.check(`CASE WHEN ${condition} THEN ${lit(truncate(`carve verify: ${message}`))} END`)
  }

  relationExists(schema: string, name: string, kind: 'table' | 'view' | 'any'): string {
    const type = kind === 'table' ? " AND TABLE_TYPE IN ('BASE TABLE', 'SYSTEM VERSIONED')" : kind === 'view' ? " AND TABLE_TYPE = 'VIEW'" : ''
    return `EXISTS (SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = ${bin(schema)} AND TABLE_NAME = ${bin(name)}${type})`
  }

  databaseExists(db: string): string {
    return `EXISTS (SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ${bin(db)})`
  }

  /**
   * Drop a database only when nothing is left in it: never take away what a person put there.
   * `onlyIf` adds a condition (a database this plan created, not one that was there before).
   */
  dropDatabaseIfEmpty(db: string, onlyIf?: string): string {
    return this.when(
      `${this.databaseExists(db)}${onlyIf ? `\n  AND ${onlyIf}` : ''}
  AND NOT EXISTS (SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = ${bin(db)})
  AND NOT EXISTS (SELECT 1 FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = ${bin(db)})
  AND NOT EXISTS (SELECT 1 FROM information_schema.EVENTS WHERE EVENT_SCHEMA = ${bin(db)})`,
      `DROP DATABASE ${id(db)}`,
    )
  }

  metaTable(table: string): string {
    return this.q(this.meta, table)
  }

  /** The meta database and one of its tables, created when missing (up.sql and down.sql alike). */
  ensureMeta(table: string, columns: string): string {
    return `CREATE DATABASE IF NOT EXISTS ${id(this.meta)};
CREATE TABLE IF NOT EXISTS ${this.metaTable(table)} (
${columns}
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;`
  }

  /**
   * The end of a down.sql: the meta table goes when empty, then the meta database when nothing
   * is left. Not while the meta database holds the executor's ledger (`carve`, the default): it
   * stays then, and it is shared by every plan on the server — another plan's step may be between
   * creating this table and using it right now, so the empty table stays too. Emptiness is looked
   * at only when the table exists (a prepared SELECT … INTO, whose result is prepared and run in
   * turn), never in a statement that would fail on a missing table.
   */
  dropMetaIfEmpty(table: string): string {
    const t = this.metaTable(table)
    const decide = `SELECT IF(EXISTS (SELECT 1 FROM ${t}), 'DO 0', ${lit(`DROP TABLE IF EXISTS ${t}`)}) INTO @carve_sql`
    return `${this.when(`${this.relationExists(this.meta, table, 'table')} AND NOT ${this.relationExists(this.meta, LEDGER_TABLE, 'table')}`, decide)}
${RUN}
${this.dropDatabaseIfEmpty(this.meta)}`
  }

  /** The registry of databases this plan created, created when missing. */
  ensureCreatedDatabases(): string {
    return this.ensureMeta(MYSQL_CREATED_DATABASES_TABLE, '  db varchar(64) NOT NULL PRIMARY KEY')
  }

  /**
   * A database the step needs: one that exists already (a person's, or another plan's) is used,
   * never recorded; only one this step creates is recorded, and only a recorded one is ever
   * dropped on rollback (`dropCreatedDatabase`). After `ensureCreatedDatabases()`.
   */
  createDatabase(db: string): string {
    return `${this.when(`NOT ${this.databaseExists(db)}`, `INSERT IGNORE INTO ${this.metaTable(MYSQL_CREATED_DATABASES_TABLE)} (db) VALUES (${lit(db)})`)}
CREATE DATABASE IF NOT EXISTS ${id(db)};`
  }

  /** Drop the database when this plan created it and it is empty; forget it once gone. */
  dropCreatedDatabase(db: string): string {
    return `${this.ensureCreatedDatabases()}
${this.dropDatabaseIfEmpty(db, `EXISTS (SELECT 1 FROM ${this.metaTable(MYSQL_CREATED_DATABASES_TABLE)} WHERE db = ${bin(db)})`)}
${this.when(`NOT ${this.databaseExists(db)}`, `DELETE FROM ${this.metaTable(MYSQL_CREATED_DATABASES_TABLE)} WHERE db = ${lit(db)}`)}
${this.dropMetaIfEmpty(MYSQL_CREATED_DATABASES_TABLE)}`
  }

  /** REVOKE the privileges of `privileges` the role holds on the table (REVOKE of one it lacks is an error). */
  revokeHeld(role: string, schema: string, name: string, privileges: readonly string[]): string {
    return this.dynamic(`(SELECT CONCAT('REVOKE ', GROUP_CONCAT(PRIVILEGE_TYPE ORDER BY PRIVILEGE_TYPE SEPARATOR ', '), ${lit(` ON ${this.q(schema, name)} FROM ${id(role)}`)})
   FROM information_schema.TABLE_PRIVILEGES
   WHERE GRANTEE = ${lit(this.grantee(role))} AND TABLE_SCHEMA = ${bin(schema)} AND TABLE_NAME = ${bin(name)} AND PRIVILEGE_TYPE IN (${privileges.map(lit).join(', ')}))`)
  }

  /** A derived table of (role_name, grantee) rows, for joins with information_schema. */
  rolesTable(roles: string[]): string {
    return roles.map((r, i) => (i === 0 ? `SELECT ${lit(r)} AS role_name, ${lit(this.grantee(r))} AS grantee` : `SELECT ${lit(r)}, ${lit(this.grantee(r))}`)).join(' UNION ALL ')
  }

  /** A predicate: the grantee (an SQL expression) holds one of `privileges` on the table, directly, on its database or globally. */
  holds(granteeExpr: string, schema: string, name: string, privileges: readonly string[]): string {
    const list = privileges.map(lit).join(', ')
    return `(EXISTS (SELECT 1 FROM information_schema.TABLE_PRIVILEGES tp WHERE tp.GRANTEE = ${granteeExpr} AND tp.TABLE_SCHEMA = ${bin(schema)} AND tp.TABLE_NAME = ${bin(name)} AND tp.PRIVILEGE_TYPE IN (${list}))
      OR EXISTS (SELECT 1 FROM information_schema.SCHEMA_PRIVILEGES sp WHERE sp.GRANTEE = ${granteeExpr} AND sp.TABLE_SCHEMA = ${bin(schema)} AND sp.PRIVILEGE_TYPE IN (${list}))
      OR EXISTS (SELECT 1 FROM information_schema.USER_PRIVILEGES gp WHERE gp.GRANTEE = ${granteeExpr} AND gp.PRIVILEGE_TYPE IN (${list})))`
  }

  /**
   * CREATE TRIGGER from the catalog. MariaDB can prepare it, so a body with semicolons
   * (BEGIN … END) is sent as a prepared statement and the file splits safely at semicolons;
   * MySQL cannot, so there the statement is written as is and must be sent whole.
   */
  createTrigger(schema: string, table: string, trigger: Trigger): string {
    const statement = `CREATE TRIGGER IF NOT EXISTS ${this.q(schema, trigger.name)} ${trigger.timing} ${trigger.events.join(' OR ')} ON ${this.q(schema, table)} FOR EACH ROW ${trigger.definition.trim()}`
    if (this.mariadb && trigger.definition.includes(';')) return `SET @carve_sql = ${lit(statement)};\n${RUN}`
    return `${statement};`
  }
}


export const comment = (text: string) => `-- ${text.replace(/[\r\n]+/g, ' ')}`

/** A query naming the roles of `roles` that do not exist, after `prefix` (NULL when all do): for verify.sql. */
export function missingRoles(sql: MysqlSql, roles: string[], prefix: string): string {
  const list = roles.map((r, i) => (i === 0 ? `SELECT ${lit(r)} AS role_name` : `SELECT ${lit(r)}`)).join(' UNION ALL ')
  return `(SELECT CONCAT(${lit(prefix)}, GROUP_CONCAT(r.role_name ORDER BY r.role_name SEPARATOR ', '))
   FROM (${list}) r
   WHERE NOT ${sql.roleExists('r.role_name')})`
}
