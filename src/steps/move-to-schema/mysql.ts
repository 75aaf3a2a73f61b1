/** 1→2: move a context's tables into its own logical database behind compatibility views. */
import {createHash} from 'node:crypto'

import type {Table} from '../../introspect/model.js'
import type {ContextSpec, PlanInput} from '../../plan/context.js'
import {mysqlIdent as id, mysqlLiteral as lit} from '../../plan/quote.js'
import {code, header, sizeOf, stepReadme} from '../common.js'
import type {StepDraft} from '../draft.js'
import {bin, comment, MYSQL_OWNERSHIP_TABLE, type MysqlSql, truncate} from '../mysql-sql.js'
import {plural} from '../../util/plural.js'


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

/** Marks the placeholder table a move creates, so that a re-run or down.sql knows it is Carve's own. */
export const PLACEHOLDER_COMMENT = 'carve:move-placeholder'

/**
 * Short fixed-length names for the two transient objects of a table's move: a view under a
 * temporary name in the table's database, and the placeholder once it has been swapped out.
 * Derived from the table's identity, so a resumed run and down.sql find the same names.
 */
export function transientNames(table: Table): {view: string; placeholder: string} {
  const h = createHash('sha256').update(`${table.schema}\0${table.name}`).digest('hex').slice(0, 12)
  return {view: `carve_v_${h}`, placeholder: `carve_p_${h}`}
}

export function moveStep(sql: MysqlSql, ctx: ContextSpec): StepDraft {
  const tables = movingTables(ctx)
  const target = ctx.schema
  const registry = sql.metaTable(MYSQL_OWNERSHIP_TABLE)
  const registryExists = sql.relationExists(sql.meta, MYSQL_OWNERSHIP_TABLE, 'table')
  const guards: string[] = []
  const moves: string[] = []
  const downs: string[] = []
  const leftovers: string[] = []
  const checks: string[] = []
  const placeholder = (db: string, name: string) =>
    `EXISTS (SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = ${bin(db)} AND TABLE_NAME = ${bin(name)} AND TABLE_COMMENT = ${lit(PLACEHOLDER_COMMENT)})`
  for (const table of tables) {
    const from = sql.q(table.schema, table.name)
    const to = sql.q(target, table.name)
    const temp = transientNames(table)
    const tempView = sql.q(table.schema, temp.view)
    const parked = sql.q(target, temp.placeholder)
    const isTable = sql.relationExists(table.schema, table.name, 'table')
    const atTarget = sql.relationExists(target, table.name, 'any')
    const label = `${table.schema}.${table.name} → ${target}.${table.name}`
    guards.push(
      sql.check(`CASE WHEN ${isTable} AND ${atTarget} AND NOT ${placeholder(target, table.name)}
  THEN ${lit(truncate(`carve: cannot move ${table.schema}.${table.name}: ${target}.${table.name} already exists`))} END`),
    )
    const columns = table.columns.map((c) => id(c.name)).join(', ')
    // The compatibility view is recognised by what it reads: `ctx`.`t`, exactly as the server prints it.
    const readsMoved = (db: string, name: string) =>
      `EXISTS (SELECT 1 FROM information_schema.VIEWS WHERE TABLE_SCHEMA = ${bin(db)} AND TABLE_NAME = ${bin(name)} AND LOCATE(${lit(`from ${to}`)}, VIEW_DEFINITION) > 0)`
    // No moment without the old name: the view is created beforehand under a temporary name (on a
    // placeholder with the table's columns, since a view needs its table to exist), and one
    // RENAME TABLE swaps placeholder, table and view at once. Queries wait on its metadata lock
    // (milliseconds) instead of failing with 1146. Only the triggers cannot come along: MySQL
    // refuses to move a table with triggers, so they are dropped right before the swap and
    // re-created right after it.
    moves.push(`${comment(label)}
${sql.when(`${isTable} AND NOT ${atTarget}`, `CREATE TABLE ${to} ENGINE = InnoDB COMMENT = ${lit(PLACEHOLDER_COMMENT)} AS SELECT ${columns} FROM ${from} WHERE FALSE`)}
${sql.when(`${isTable} AND ${placeholder(target, table.name)}`, `CREATE OR REPLACE ALGORITHM = MERGE SQL SECURITY DEFINER VIEW ${tempView} AS SELECT ${columns} FROM ${to}`)}
${table.triggers.map((t) => `DROP TRIGGER IF EXISTS ${sql.q(table.schema, t.name)};`).join('\n')}
${sql.when(`${isTable} AND ${placeholder(target, table.name)} AND ${sql.relationExists(table.schema, temp.view, 'view')}`, `RENAME TABLE ${to} TO ${parked}, ${from} TO ${to}, ${tempView} TO ${from}`)}
${sql.when(`NOT ${sql.relationExists(table.schema, table.name, 'any')} AND ${sql.relationExists(target, table.name, 'table')} AND NOT ${placeholder(target, table.name)}`, `CREATE ALGORITHM = MERGE SQL SECURITY DEFINER VIEW ${from} AS SELECT ${columns} FROM ${to}`)}
${table.triggers.map((t) => sql.createTrigger(target, table.name, t)).join('\n')}
${sql.when(placeholder(target, temp.placeholder), `DROP TABLE ${parked}`)}
${sql.when(registryExists, `UPDATE ${registry} SET ${id('table_schema')} = ${lit(target)} WHERE ${id('table_schema')} = ${lit(table.schema)} AND ${id('table_name')} = ${lit(table.name)}`)}`)
    // Back the same way: triggers off, one RENAME swaps the view out and the table in, triggers on;
    // then whatever a half-applied up.sql left (temporary view, placeholder) goes.
    downs.unshift(`${comment(`${target}.${table.name} → ${table.schema}.${table.name}`)}
${table.triggers.map((t) => `DROP TRIGGER IF EXISTS ${sql.q(target, t.name)};`).join('\n')}
${sql.when(
  `${sql.relationExists(table.schema, table.name, 'view')} AND ${readsMoved(table.schema, table.name)} AND ${sql.relationExists(target, table.name, 'table')} AND NOT ${placeholder(target, table.name)} AND NOT ${sql.relationExists(table.schema, temp.view, 'any')}`,
  `RENAME TABLE ${from} TO ${tempView}, ${to} TO ${from}`,
)}
${table.triggers.map((t) => sql.createTrigger(table.schema, table.name, t)).join('\n')}
${sql.when(`${sql.relationExists(table.schema, temp.view, 'view')} AND ${readsMoved(table.schema, temp.view)}`, `DROP VIEW ${tempView}`)}
${sql.when(placeholder(target, table.name), `DROP TABLE ${to}`)}
${sql.when(placeholder(target, temp.placeholder), `DROP TABLE ${parked}`)}
${sql.when(registryExists, `UPDATE ${registry} SET ${id('table_schema')} = ${lit(table.schema)} WHERE ${id('table_schema')} = ${lit(target)} AND ${id('table_name')} = ${lit(table.name)}`)}`)
    leftovers.push(
      sql.check(`CASE WHEN NOT ${isTable} THEN ${lit(truncate(`carve rollback: ${table.schema}.${table.name} is not a table again (${target}.${table.name} was not moved back)`))} END`),
    )
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
${sql.ensureCreatedDatabases()}
-- A database that exists already (a person's, or another plan's) is used, never recorded: only
-- one this step creates is recorded, and only a recorded one is ever dropped on rollback.
${sql.createDatabase(target)}
${guards.join('\n')}

${moves.length ? moves.join('\n\n') : '-- nothing to move: the tables are in this database already'}
`
  const down = `${header(`Undo: move the tables of context ${ctx.name} back and drop the compatibility views`)}
${downs.join('\n\n')}

${sql.dropCreatedDatabase(target)}

-- Never report success with a table left behind: each table is a table under its old name again.
${leftovers.join('\n')}
`
  const verify = `${header(`Verify: the tables of context ${ctx.name} live in database ${target}, reachable under their old names`)}
${checks.length ? checks.join('\n') : 'DO 0;'}
`
  const size = sizeOf(tables)
  const triggerNote = withTriggers.length
    ? `\n\nMySQL refuses to rename a table with triggers into another database, so the triggers of ${withTriggers.map((t) => code(t.name)).join(', ')} are dropped just before the move and re-created on the moved table from their definitions in the catalog (\`CREATE TRIGGER IF NOT EXISTS\`: MySQL 8.0.29+ or MariaDB). They are re-created with the applying account as DEFINER and the session's \`sql_mode\`: check \`SHOW CREATE TRIGGER\` if the originals relied on another definer or mode. Between the drop and the re-creation (milliseconds) a write to the table fires no trigger.${compound && !sql.mariadb ? ' A trigger body here contains semicolons (BEGIN … END): the executor must send `CREATE TRIGGER` as one statement.' : ''}`
    : ''
  const readme = stepReadme('move-to-schema', {
    title: `Move ${code(ctx.name)} into database ${code(target)} (level 1 → 2)`,
    what: `Creates database ${code(target)} (MySQL's schema) and moves ${plural(tables.length, 'table')} (${size.text}) into it with \`RENAME TABLE\`, without a moment where the old name is missing: the compatibility view is created first under a temporary name (on an empty placeholder that has the table's columns), then one atomic \`RENAME TABLE placeholder TO …, table TO ctx.table, view TO old name\` swaps all three; queries on the old name wait for that rename's metadata lock (milliseconds) instead of failing. Data, indexes, foreign keys (both directions) and \`AUTO_INCREMENT\` counters move with each table. A compatibility view takes each old name (\`SELECT <columns> FROM ${target}.<table>\`, \`ALGORITHM = MERGE\`): MySQL makes such views updatable, so legacy code that reads or writes the old names keeps working, \`LAST_INSERT_ID()\` included.\n\n${tables.map((t) => `- ${code(`${t.schema}.${t.name}`)} → ${code(`${target}.${t.name}`)}`).join('\n')}${triggerNote}`,
    why: 'Level 2: the data of a context lives in the owner\'s database, where its grants can be managed as a unit. The views are the strangler facade: nothing else has to change on the day of the move.',
    risk: `Low. Data is not copied or rewritten. Views and routines that name the old tables now go through the compatibility views. Privileges granted on a table *by name* stay with the old name, that is with the view (MySQL privileges do not follow a rename): the views run with \`SQL SECURITY DEFINER\`, so existing accounts keep their access through them, and the applying account must stay (a view whose definer is dropped stops working). Columns added to a moved table later do not appear in its view until the view is recreated. MySQL has no transactional DDL: if the step fails half-way, \`down.sql\` (idempotent) puts back what was done.`,
    lock: 'an exclusive metadata lock on each moved table for the rename (milliseconds); the executor sets `lock_wait_timeout` and retries, so the step never queues behind a long transaction.',
    duration: 'under a second (independent of table size)',
    rollback: '`down.sql` swaps each table back the same way (one `RENAME TABLE` takes the compatibility view out of the old name and puts the table in; only views reading the moved table), re-creates the triggers where they were, removes what a half-applied up.sql left (temporary view, placeholder), drops the database when empty, and fails unless every table is a table under its old name again. Every statement checks the state first, so down.sql undoes exactly what ran, after a complete or a partial apply.',
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
