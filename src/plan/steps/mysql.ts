/**
 * The MySQL/MariaDB subset of the plan: the steps whose concepts exist there, with the same
 * keys, kinds, levels and dependencies as the PostgreSQL plan (build.ts routes MySQL catalogs
 * here). What differs, and why:
 *
 *  - A context gets a *logical database* (MySQL's schema) instead of a PostgreSQL schema, and
 *    `RENAME TABLE app.t TO ctx.t` moves a table there. MySQL refuses that rename for a table
 *    with triggers, so the triggers are dropped before and re-created after, from the catalog.
 *    A trigger runs with its table's database as default database: one that names another
 *    table without qualifying it would silently point elsewhere after the move, so such a
 *    context is not moved (a note says which trigger and which name).
 *  - Ownership rows are keyed by (table_schema, table_name) — MySQL has no regclass — and the
 *    move step updates them, so the registry always says where a table is.
 *  - MySQL has no transactional DDL: every file is idempotent and its down.sql can clean up a
 *    half-applied up.sql.
 *  - Conditionals are prepared statements (`SET @carve_sql = IF(cond, 'stmt', 'DO 0')`, then
 *    PREPARE/EXECUTE), not compound `BEGIN … END` blocks: they work on MySQL 8 and MariaDB alike
 *    and every file stays a list of plain statements, so it runs whether an executor sends it
 *    whole (multipleStatements) or splits it at semicolons. verify.sql fails with
 *    `SIGNAL SQLSTATE '45000'` on MariaDB; MySQL cannot prepare SIGNAL, so there the failing
 *    statement is `SET SESSION sql_mode = '<message>'`, whose error carries the message.
 *  - Outbox, read models and the physical split are not generated yet (one note each).
 */
import type {Table, Trigger} from '../../introspect/model.js'
import type {ContextSpec, PlanInput} from '../context.js'
import {mysqlIdent as id, mysqlLiteral as lit} from '../quote.js'
import {code, duration, header, Locator, sizeOf, stepReadme} from './common.js'
import {granteesOf} from './grants.js'
import type {StepDraft} from './types.js'

export const MYSQL_OWNERSHIP_TABLE = 'ownership'
export const MYSQL_ROLES_TABLE = 'created_roles'
export const MYSQL_REVOKED_TABLE = 'revoked_grants'
/** Writes refused to non-owners. DROP too: MySQL's TRUNCATE TABLE needs the DROP privilege. */
const WRITE_PRIVILEGES = ['INSERT', 'UPDATE', 'DELETE', 'DROP'] as const
const OWNER_PRIVILEGES = ['SELECT', 'INSERT', 'UPDATE', 'DELETE'] as const
/** Longest message kept: MariaDB's MESSAGE_TEXT holds 512 characters. */
const MESSAGE_MAX = 400

export const MYSQL_NOTES = {
  outbox: 'outbox: not supported on MySQL yet (needs three triggers per table and JSON_OBJECT; planned)',
  readModels: 'read models: not supported on MySQL yet (MySQL has no materialized views: needs projection tables refreshed by events or a scheduled job; planned)',
  split: 'physical split: not supported on MySQL yet (needs binlog-based change capture and a cut-over; planned)',
  looseFks: 'loose foreign keys: on MySQL, ON DELETE CASCADE / SET NULL of a dropped cross-context foreign key is not replaced by a queue and cleanup job yet: the owner\'s API must apply it (reconcile.sql lists orphans)',
} as const

export function mysqlDrafts(input: PlanInput, level: number): {drafts: StepDraft[]; notes: string[]} {
  const sql = new MysqlSql(input)
  const notes: string[] = []
  const drafts: StepDraft[] = []
  const contexts = input.contexts.filter((c) => c.tables.length > 0)
  for (const c of input.contexts) if (c.tables.length === 0) notes.push(`context ${c.name} has no tables in the database: no steps for it`)
  if (input.unassigned.length) {
    const n = input.unassigned.length
    notes.push(`${n} table${n === 1 ? ' belongs' : 's belong'} to no context and stay${n === 1 ? 's' : ''} where ${n === 1 ? 'it is' : 'they are'}: ${input.unassigned.slice(0, 12).join(', ')}${n > 12 ? ', …' : ''}`)
  }

  for (const c of contexts) drafts.push(ownershipStep(sql, c))
  const moved: ContextSpec[] = []
  if (level >= 2) {
    for (const c of contexts) {
      const refusals = moveRefusals(c, input)
      if (refusals.length) notes.push(...refusals.map((r) => `context ${c.name} is not moved into database ${c.schema}: ${r}`))
      else moved.push(c)
    }
  }
  const locator = new Locator(input, moved)
  const isMoved = (name: string) => moved.some((c) => c.name === name)
  if (level >= 2) {
    for (const c of moved) drafts.push(moveStep(sql, c))
    drafts.push(rolesStep(sql))
    for (const c of contexts) drafts.push(grantsStep(sql, c, locator, isMoved(c.name)))
  }
  const movedKey = (name: string) => (isMoved(name) ? [`move-to-schema-${name}`] : [])
  if (level >= 3) {
    let loose = false
    for (const c of contexts) {
      if (c.fksOut.length === 0) continue
      const deps = [...new Set([...movedKey(c.name), ...c.fksOut.flatMap((f) => movedKey(f.to.context))])]
      drafts.push(foreignKeysStep(sql, c, locator, deps.length ? deps : [`document-ownership-${c.name}`]))
      loose ||= c.fksOut.some((f) => isLoose(f.fk.onDelete))
    }
    if (loose) notes.push(MYSQL_NOTES.looseFks)
  }
  if (level >= 4) notes.push(MYSQL_NOTES.outbox, MYSQL_NOTES.readModels)
  notes.push(level >= 5 ? MYSQL_NOTES.split : `${MYSQL_NOTES.split}; it is not part of this plan`)
  return {drafts: drafts.map((d) => ({...d, up: explain(d.up), down: explain(d.down), verify: explain(d.verify)})), notes}
}

const IDIOM = [
  "How to read this file: `SET @carve_sql = IF(<condition>, '<statement>', 'DO 0')` then PREPARE/EXECUTE runs the",
  'statement only when the condition holds. No BEGIN … END blocks: the same file runs on MySQL 8 and MariaDB, sent whole',
  'or one statement at a time. A check sets @carve_msg and fails with it (a message starting "carve verify:").',
]

/** The idiom explained once per file, after its header, for the reviewer who meets it first here. */
function explain(text: string): string {
  if (!text.includes('@carve_sql')) return text
  const lines = text.split('\n')
  const end = lines.findIndex((l) => !l.startsWith('--'))
  lines.splice(end === -1 ? lines.length : end, 0, ...IDIOM.map((l) => `-- ${l}`))
  return lines.join('\n')
}

// ---------------------------------------------------------------------------------------------
// SQL building blocks

/** Runs the statement text in @carve_sql: the tail of every conditional below. */
const RUN = 'PREPARE carve_stmt FROM @carve_sql; EXECUTE carve_stmt; DEALLOCATE PREPARE carve_stmt;'

/** A name compared byte for byte: information_schema collations fold case, table names may not. */
function bin(name: string): string {
  return `CAST(${lit(name)} AS BINARY)`
}

function truncate(text: string, max = MESSAGE_MAX): string {
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

  /** Drop a database only when nothing is left in it: never take away what a person put there. */
  dropDatabaseIfEmpty(db: string): string {
    return this.when(
      `${this.databaseExists(db)}
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
   * is left (the executor's ledger lives there too: then it stays). down.sql creates the table
   * first when missing, so this statement never names a table that does not exist.
   */
  dropMetaIfEmpty(table: string): string {
    return `${this.when(`NOT EXISTS (SELECT 1 FROM ${this.metaTable(table)})`, `DROP TABLE ${this.metaTable(table)}`)}
${this.dropDatabaseIfEmpty(this.meta)}`
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

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`
}

const comment = (text: string) => `-- ${text.replace(/[\r\n]+/g, ' ')}`

// ---------------------------------------------------------------------------------------------
// 0→1 document ownership

function ownershipStep(sql: MysqlSql, ctx: ContextSpec): StepDraft {
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
  const readme = stepReadme({
    title: `Document the ownership of ${code(ctx.name)} (level 0 → 1)`,
    what: `Records ${code(ctx.owner)} as the owner of the ${plural(ctx.tables.length, 'table')} of context ${code(ctx.name)} in ${code(`${sql.meta}.${MYSQL_OWNERSHIP_TABLE}`)}, one row per table keyed by its database and name (the move step updates the row when the table moves). The ownership document for people is [contexts/${ctx.name}/OWNERSHIP.md](../../contexts/${ctx.name}/OWNERSHIP.md).`,
    why: 'Nobody can enforce an owner nobody wrote down. Level 1 of the maturity model: every table has exactly one owner, and exceptions are listed with an expiry.',
    risk: `None for the application: a new table in a separate database (${code(sql.meta)}), no change to existing tables.`,
    lock: 'none on application tables',
    duration: 'under a second',
    rollback: `\`down.sql\` deletes this context's rows; the registry table and the ${code(sql.meta)} database are dropped when nothing is left in them.`,
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

// ---------------------------------------------------------------------------------------------
// 1→2 move into the context's database

/** The context's tables that move (those not already in the context's database). */
function movingTables(ctx: ContextSpec): Table[] {
  return ctx.tables.map((t) => t.table).filter((t) => t.schema !== ctx.schema)
}

/**
 * Why a context cannot be moved safely, or []: the context database is the meta database; two
 * triggers share a timing and event (their order would not survive re-creation: the catalog does
 * not hold it); a trigger names, unqualified, a relation or routine that stays behind.
 */
export function moveRefusals(ctx: ContextSpec, input: PlanInput): string[] {
  const reasons: string[] = []
  if (ctx.schema === input.conventions.metaSchema) reasons.push(`its database name ${ctx.schema} is Carve's meta database`)
  const moving = movingTables(ctx)
  for (const table of moving) {
    const seen = new Map<string, string>()
    for (const trg of table.triggers) {
      const slot = `${trg.timing} ${[...trg.events].sort().join('/')}`
      const other = seen.get(slot)
      if (other !== undefined) reasons.push(`table ${table.schema}.${table.name} has two ${slot} triggers (${other}, ${trg.name}) whose order the catalog does not record`)
      else seen.set(slot, trg.name)
    }
    const movingHere = new Set(moving.filter((t) => t.schema === table.schema).map((t) => t.name.toLowerCase()))
    const staying = new Set<string>()
    const add = (schema: string, name: string) => {
      if (schema === table.schema && !movingHere.has(name.toLowerCase())) staying.add(name.toLowerCase())
    }
    for (const t of input.catalog.tables) add(t.schema, t.name)
    for (const v of input.catalog.views) add(v.schema, v.name)
    for (const f of input.catalog.functions) add(f.schema, f.name)
    for (const s of input.catalog.sequences) add(s.schema, s.name)
    for (const trg of table.triggers) {
      const named = [...unqualifiedNames(trg.definition)].filter((n) => staying.has(n)).sort()
      if (named.length) {
        reasons.push(
          `trigger ${trg.name} on ${table.schema}.${table.name} names ${named.join(', ')} without a database; a trigger runs in its table's database, so after the move ${named.length === 1 ? 'that name' : 'those names'} would resolve in ${ctx.schema} — qualify ${named.length === 1 ? 'it' : 'them'} in the trigger (${table.schema}.${named[0]}) or put ${named.length === 1 ? 'that table' : 'those tables'} in the same context`,
        )
      }
    }
  }
  return reasons
}

/**
 * Identifiers in a trigger body that are neither qualified (`db.x`) nor qualifiers (`x.col`),
 * lower-cased: the names MySQL resolves against the trigger's database. String literals and
 * comments are skipped. Over-approximates (a column or keyword with a staying table's name counts),
 * which only ever refuses a move, never lets a wrong one through.
 */
export function unqualifiedNames(body: string): Set<string> {
  const tokens: {name: string; start: number; end: number}[] = []
  const n = body.length
  let i = 0
  while (i < n) {
    const c = body[i]!
    if (c === "'" || c === '"') {
      i++
      while (i < n) {
        if (body[i] === '\\') i += 2
        else if (body[i] === c && body[i + 1] === c) i += 2
        else if (body[i] === c) break
        else i++
      }
      i++
    } else if ((c === '-' && body[i + 1] === '-') || c === '#') {
      const end = body.indexOf('\n', i)
      i = end === -1 ? n : end + 1
    } else if (c === '/' && body[i + 1] === '*') {
      const end = body.indexOf('*/', i + 2)
      i = end === -1 ? n : end + 2
    } else if (c === '`') {
      let j = i + 1
      let name = ''
      while (j < n) {
        if (body[j] === '`' && body[j + 1] === '`') {
          name += '`'
          j += 2
        } else if (body[j] === '`') break
        else name += body[j++]
      }
      tokens.push({name, start: i, end: j + 1})
      i = j + 1
    } else if (/[\p{L}\p{N}_$]/u.test(c)) {
      let j = i
      while (j < n && /[\p{L}\p{N}_$]/u.test(body[j]!)) j++
      tokens.push({name: body.slice(i, j), start: i, end: j})
      i = j
    } else i++
  }
  const out = new Set<string>()
  for (const t of tokens) {
    const before = body.slice(0, t.start).trimEnd().slice(-1)
    const after = body.slice(t.end).trimStart().slice(0, 1)
    if (before !== '.' && after !== '.') out.add(t.name.toLowerCase())
  }
  return out
}

function moveStep(sql: MysqlSql, ctx: ContextSpec): StepDraft {
  const tables = movingTables(ctx)
  const target = ctx.schema
  const registry = sql.metaTable(MYSQL_OWNERSHIP_TABLE)
  const registryExists = sql.relationExists(sql.meta, MYSQL_OWNERSHIP_TABLE, 'table')
  const guards: string[] = []
  const moves: string[] = []
  const downs: string[] = []
  const checks: string[] = []
  for (const table of tables) {
    const from = sql.q(table.schema, table.name)
    const to = sql.q(target, table.name)
    const label = `${table.schema}.${table.name} → ${target}.${table.name}`
    guards.push(
      sql.check(`CASE WHEN ${sql.relationExists(table.schema, table.name, 'table')} AND ${sql.relationExists(target, table.name, 'any')}
  THEN ${lit(truncate(`carve: cannot move ${table.schema}.${table.name}: ${target}.${table.name} already exists`))} END`),
    )
    const columns = table.columns.map((c) => id(c.name)).join(', ')
    moves.push(`${comment(label)}
${table.triggers.map((t) => `DROP TRIGGER IF EXISTS ${sql.q(table.schema, t.name)};`).join('\n')}
${sql.when(`${sql.relationExists(table.schema, table.name, 'table')} AND NOT ${sql.relationExists(target, table.name, 'any')}`, `RENAME TABLE ${from} TO ${to}`)}
${table.triggers.map((t) => sql.createTrigger(target, table.name, t)).join('\n')}
CREATE OR REPLACE ALGORITHM = MERGE SQL SECURITY DEFINER VIEW ${from} AS
  SELECT ${columns}
  FROM ${to};
${sql.when(registryExists, `UPDATE ${registry} SET ${id('table_schema')} = ${lit(target)} WHERE ${id('table_schema')} = ${lit(table.schema)} AND ${id('table_name')} = ${lit(table.name)}`)}`)
    // The compatibility view is recognised by what it reads: `ctx`.`t`, exactly as the server prints it.
    downs.unshift(`${comment(`${target}.${table.name} → ${table.schema}.${table.name}`)}
${sql.when(`${sql.relationExists(table.schema, table.name, 'view')} AND EXISTS (SELECT 1 FROM information_schema.VIEWS WHERE TABLE_SCHEMA = ${bin(table.schema)} AND TABLE_NAME = ${bin(table.name)} AND LOCATE(${lit(`from ${to}`)}, VIEW_DEFINITION) > 0)`, `DROP VIEW ${from}`)}
${table.triggers.map((t) => `DROP TRIGGER IF EXISTS ${sql.q(target, t.name)};`).join('\n')}
${sql.when(`${sql.relationExists(target, table.name, 'table')} AND NOT ${sql.relationExists(table.schema, table.name, 'any')}`, `RENAME TABLE ${to} TO ${from}`)}
${table.triggers.map((t) => sql.createTrigger(table.schema, table.name, t)).join('\n')}
${sql.when(registryExists, `UPDATE ${registry} SET ${id('table_schema')} = ${lit(table.schema)} WHERE ${id('table_schema')} = ${lit(target)} AND ${id('table_name')} = ${lit(table.name)}`)}`)
    checks.push(sql.failWhen(`NOT ${sql.relationExists(target, table.name, 'table')}`, `${target}.${table.name} is not a table in database ${target}`))
    checks.push(sql.failWhen(`NOT ${sql.relationExists(table.schema, table.name, 'view')}`, `the compatibility view ${table.schema}.${table.name} is missing`))
    for (const t of table.triggers) {
      checks.push(
        sql.failWhen(
          `NOT EXISTS (SELECT 1 FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ${bin(target)} AND TRIGGER_NAME = ${bin(t.name)} AND EVENT_OBJECT_TABLE = ${bin(table.name)})`,
          `trigger ${t.name} is missing on ${target}.${table.name}`,
        ),
      )
    }
    // The view answers (a view whose table is gone fails here, not in production).
    checks.push(`DO (SELECT COUNT(*) FROM ${from} WHERE FALSE);`)
  }
  const withTriggers = tables.filter((t) => t.triggers.length > 0)
  const compound = withTriggers.some((t) => t.triggers.some((trg) => trg.definition.includes(';')))
  const up = `${header(`Step: move the tables of context ${ctx.name} into database ${target}`, ['and leave a compatibility view under each old name'])}
CREATE DATABASE IF NOT EXISTS ${id(target)};
${guards.join('\n')}

${moves.length ? moves.join('\n\n') : '-- nothing to move: the tables are in this database already'}
`
  const down = `${header(`Undo: move the tables of context ${ctx.name} back and drop the compatibility views`)}
${downs.join('\n\n')}

${sql.dropDatabaseIfEmpty(target)}
`
  const verify = `${header(`Verify: the tables of context ${ctx.name} live in database ${target}, reachable under their old names`)}
${checks.length ? checks.join('\n') : 'DO 0;'}
`
  const size = sizeOf(tables)
  const triggerNote = withTriggers.length
    ? `\n\nMySQL refuses to rename a table with triggers into another database, so the triggers of ${withTriggers.map((t) => code(t.name)).join(', ')} are dropped just before the move and re-created on the moved table from their definitions in the catalog (\`CREATE TRIGGER IF NOT EXISTS\`: MySQL 8.0.29+ or MariaDB). They are re-created with the applying account as DEFINER and the session's \`sql_mode\`: check \`SHOW CREATE TRIGGER\` if the originals relied on another definer or mode. Between the drop and the re-creation (milliseconds) a write to the table fires no trigger.${compound && !sql.mariadb ? ' A trigger body here contains semicolons (BEGIN … END): the executor must send `CREATE TRIGGER` as one statement.' : ''}`
    : ''
  const readme = stepReadme({
    title: `Move ${code(ctx.name)} into database ${code(target)} (level 1 → 2)`,
    what: `Creates database ${code(target)} (MySQL's schema) and moves ${plural(tables.length, 'table')} (${size.text}) into it with \`RENAME TABLE\`: data, indexes, foreign keys (both directions) and \`AUTO_INCREMENT\` counters move with each table. A compatibility view takes each old name (\`SELECT <columns> FROM ${target}.<table>\`, \`ALGORITHM = MERGE\`): MySQL makes such views updatable, so legacy code that reads or writes the old names keeps working, \`LAST_INSERT_ID()\` included.\n\n${tables.map((t) => `- ${code(`${t.schema}.${t.name}`)} → ${code(`${target}.${t.name}`)}`).join('\n')}${triggerNote}`,
    why: 'Level 2: the data of a context lives in the owner\'s database, where its grants can be managed as a unit. The views are the strangler facade: nothing else has to change on the day of the move.',
    risk: `Low. Data is not copied or rewritten. Views and routines that name the old tables now go through the compatibility views. Privileges granted on a table *by name* stay with the old name, that is with the view (MySQL privileges do not follow a rename): the views run with \`SQL SECURITY DEFINER\`, so existing accounts keep their access through them, and the applying account must stay (a view whose definer is dropped stops working). Columns added to a moved table later do not appear in its view until the view is recreated. MySQL has no transactional DDL: if the step fails half-way, \`down.sql\` (idempotent) puts back what was done.`,
    lock: 'an exclusive metadata lock on each moved table for the rename (milliseconds); the executor sets `lock_wait_timeout` and retries, so the step never queues behind a long transaction.',
    duration: 'under a second (independent of table size)',
    rollback: '`down.sql` drops the compatibility views (only views reading the moved table), moves the tables back, re-creates their triggers where they were, and drops the database when empty.',
  })
  return {
    key: `move-to-schema-${ctx.name}`,
    title: `Move ${ctx.name} into database ${target}`,
    context: ctx.name,
    kind: 'move-to-schema',
    level: {from: 1, to: 2},
    dependsOn: [`document-ownership-${ctx.name}`],
    transactional: false,
    locks: tables.map((t) => `${t.schema}.${t.name}`),
    up,
    down,
    verify,
    readme,
  }
}

// ---------------------------------------------------------------------------------------------
// 1→2 service roles and grants

function rolesStep(sql: MysqlSql): StepDraft {
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

function grantsStep(sql: MysqlSql, ctx: ContextSpec, locator: Locator, moved: boolean): StepDraft {
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
        ? `These services write the context's tables today without an approved exception; once they work through their roles, those writes are **refused** — move them to the owner's API (see [contexts/${ctx.name}/api](../../contexts/${ctx.name}/api)) or record an exception in the boundaries file first:\n\n${[...new Map(refusedWriters.map((c) => [`${c.consumer}|${c.table}`, c])).values()].map((c) => `- ${code(c.consumer)} writes ${code(c.table)} (${c.writes} statements in the workload)`).join('\n')}`
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

// ---------------------------------------------------------------------------------------------
// 2→3 replace cross-context foreign keys

function isLoose(action: string): boolean {
  return action === 'cascade' || action === 'set null' || action === 'set default'
}

function foreignKeysStep(sql: MysqlSql, ctx: ContextSpec, locator: Locator, dependsOn: string[]): StepDraft {
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
  const readme = stepReadme({
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
