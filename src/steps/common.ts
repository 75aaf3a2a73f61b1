/**
 * What every step generator shares: where a table lives at a given point of the plan, the
 * registry tables Carve keeps in its meta schema, size-based estimates and the step README.
 */
import type {RelationRef, Table} from '../introspect/model.js'
import type {ContextSpec, PlanInput} from '../plan/context.js'
import type {StepKind} from '../plan/model.js'
import {doBlock, ident, literal, qualified} from '../plan/quote.js'
import {loadTemplate, renderTemplate} from '../plan/templates.js'
import {formatBytes, formatCount} from '../util/numbers.js'

/** Where each table is once the move steps ran: its context's schema, if that context is moved. */
export class Locator {
  private readonly movedTo = new Map<string, string>()

  constructor(private readonly input: PlanInput, moved: readonly ContextSpec[]) {
    for (const c of moved) {
      for (const t of c.tables) {
        this.movedTo.set(`${t.table.schema}\u0000${t.table.name}`, c.schema)
        for (const p of partitionsOf(input, t.table)) this.movedTo.set(`${p.schema}\u0000${p.name}`, c.schema)
      }
    }
  }

  /** Schema of the table after the move steps (its original schema when it does not move). */
  schemaOf(table: RelationRef): string {
    return this.movedTo.get(`${table.schema}\u0000${table.name}`) ?? table.schema
  }

  /** Quoted, qualified name after the move steps. */
  at(table: RelationRef): string {
    return qualified(this.schemaOf(table), table.name)
  }

  moves(table: RelationRef): boolean {
    return this.movedTo.has(`${table.schema}\u0000${table.name}`)
  }
}

export function partitionsOf(input: PlanInput, table: Table): Table[] {
  return input.catalog.tables
    .filter((t) => t.partitionOf && t.partitionOf.schema === table.schema && t.partitionOf.name === table.name)
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
}

/** The meta schema (`carve`) created if missing. */
export function ensureMetaSchema(input: PlanInput): string {
  return `CREATE SCHEMA IF NOT EXISTS ${ident(input.conventions.metaSchema)};`
}

/**
 * Drop a meta table when no rows are left, then the meta schema when nothing is left in it.
 * Down scripts end with this so a fully rolled-back plan leaves no trace — unless the executor's
 * ledger lives there too, in which case the schema stays.
 */
export function dropMetaIfEmpty(input: PlanInput, table: string): string {
  const schema = input.conventions.metaSchema
  return doBlock(`
BEGIN
  IF to_regclass(${literal(qualified(schema, table))}) IS NOT NULL THEN
    IF NOT EXISTS (SELECT 1 FROM ${qualified(schema, table)}) THEN
      DROP TABLE ${qualified(schema, table)};
    END IF;
  END IF;
  IF EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = ${literal(schema)})
     AND NOT EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ${literal(schema)})
     AND NOT EXISTS (SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = ${literal(schema)})
     AND NOT EXISTS (SELECT 1 FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = ${literal(schema)}) THEN
    DROP SCHEMA ${ident(schema)};
  END IF;
END`)
}

/**
 * Did the schema exist before the plan ran? Then the plan may put things in it but never creates
 * or drops it: it is not Carve's. (The catalog lists every schema unless `--schema` narrowed the
 * inspection; a schema it does not list is created with a plain CREATE SCHEMA, which fails
 * cleanly at apply if the schema exists after all, instead of adopting it.)
 */
export function schemaExisted(input: PlanInput, schema: string): boolean {
  return input.catalog.schemas.includes(schema) || input.catalog.tables.some((t) => t.schema === schema)
}

/** A relation a step locks: where it is when the step runs, and its name before the plan (the order key). */
export interface LockTarget {
  /** Quoted, qualified name at the time the script runs. */
  at: string
  /** The table's original schema and name: the same key in up.sql and down.sql, so both lock in one order. */
  schema: string
  name: string
  /** Locks of one key are taken in the order given (a compatibility view before its table, as queries do). */
  mode: 'ACCESS EXCLUSIVE' | 'SHARE ROW EXCLUSIVE'
}

/**
 * Every table lock a step needs, taken before it changes anything, in one canonical order (the
 * tables' original qualified names). The first lock waits up to the executor's lock_timeout,
 * holding nothing; each further one at most FOLLOWING_LOCK_WAIT (200 ms, below PostgreSQL's
 * deadlock_timeout). So a step keeps a table locked while it waits for another for 200 ms at
 * most, and gives up before the server would look for a deadlock: a cycle with an application
 * transaction that locks in another order is broken by Carve backing off, never by killing the
 * application's transaction. (NOWAIT, the first design, never held anything while waiting, but
 * under steady traffic on many tables it almost never found them all free: pagila's 8-table move
 * failed every retry.) When a lock is not granted the statement fails with SQLSTATE 55P03, the
 * transaction rolls back (everything released) and the executor retries after a jittered backoff.
 */
/** How long each lock after a step's first may wait (the bound on how long a held table waits for the next). */
export const FOLLOWING_LOCK_WAIT = '200ms'

export function lockTablesUpFront(targets: LockTarget[]): string {
  if (targets.length === 0) return ''
  const order = targets
    .map((t, i) => ({t, i}))
    .sort((a, b) => cmpText(a.t.schema, b.t.schema) || cmpText(a.t.name, b.t.name) || a.i - b.i)
    .map(({t}) => t)
  const seen = new Set<string>()
  const lines: string[] = []
  for (const t of order) {
    if (seen.has(t.at)) continue
    seen.add(t.at)
    lines.push(`LOCK TABLE ONLY ${t.at} IN ${t.mode} MODE;`)
    // After the first lock, each further wait is cut to FOLLOWING_LOCK_WAIT.
    if (lines.length === 1 && order.length > 1) lines.push(`SELECT set_config('carve.step_lock_timeout', current_setting('lock_timeout'), true), set_config('lock_timeout', '${FOLLOWING_LOCK_WAIT}', true);`)
  }
  if (lines.length > 1) lines.push(`SELECT set_config('lock_timeout', current_setting('carve.step_lock_timeout'), true);`)
  return `-- Every lock up front, in one order (by original table name, as in the other direction). The
-- first waits up to the step's lock_timeout; each further one at most ${FOLLOWING_LOCK_WAIT}, so a table
-- already locked is never held longer than that while another is awaited. On a busy database an
-- application transaction is over within that (NOWAIT, tried before, almost never found every
-- table free at once). A lock not granted rolls the step back (55P03) and the executor retries.
${lines.join('\n')}
`
}

function cmpText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/** Drop a schema only when it is empty: never CASCADE away something a person put there. */
export function dropSchemaIfEmpty(schema: string): string {
  return doBlock(`
BEGIN
  IF EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = ${literal(schema)})
     AND NOT EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ${literal(schema)})
     AND NOT EXISTS (SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = ${literal(schema)}) THEN
    DROP SCHEMA ${ident(schema)};
  ELSIF EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = ${literal(schema)}) THEN
    RAISE NOTICE 'carve: schema % kept: it still holds objects', ${literal(schema)};
  END IF;
END`)
}

export function header(title: string, lines: string[] = []): string {
  const body = [title, ...lines].map((l) => `-- ${l.replace(/[\r\n]+/g, ' ')}`.trimEnd())
  return `${body.join('\n')}\n`
}

/** Row and size figures for a set of tables, for READMEs: "12,400 rows, 3.1 MB". */
export function sizeOf(tables: Table[]): {rows: number; bytes: number; text: string} {
  let rows = 0
  let bytes = 0
  for (const t of tables) {
    rows += Math.max(0, t.estimatedRows ?? 0)
    bytes += t.sizeBytes ?? 0
  }
  return {rows, bytes, text: `~${formatCount(roundFigure(rows))} rows, ~${formatBytes(roundFigure(bytes))}`}
}

/**
 * Two significant figures: planner estimates and sizes move a little between two reads of the
 * same data (and between PGlite and a server), and a plan must not change for that.
 */
export function roundFigure(n: number): number {
  if (n < 100) return Math.round(n)
  const magnitude = 10 ** (Math.floor(Math.log10(n)) - 1)
  return Math.round(n / magnitude) * magnitude
}

/** A duration estimate from a row count and a throughput, in words. */
export function duration(rows: number, rowsPerSecond: number): string {
  const seconds = rows / rowsPerSecond
  if (seconds < 1) return 'under a second'
  if (seconds < 90) return `about ${Math.ceil(seconds)} s`
  return `about ${Math.ceil(seconds / 60)} min`
}

export interface ReadmeParts {
  title: string
  what: string
  why: string
  risk: string
  lock: string
  duration: string
  rollback: string
  extra?: string
}

/**
 * The step README from its kind's template (templates/steps/<kind>.md): the same headings for
 * every step, so reviewers know where to look; a kind's template also says what is particular to
 * the kind (where it does not exist, and why).
 */
export function stepReadme(kind: StepKind, p: ReadmeParts): string {
  return renderTemplate(loadTemplate(`steps/${kind}.md`), {...p, extra: p.extra ? `\n${p.extra.trim()}\n` : ''})
}

/** Markdown-safe inline code for a name (backticks inside are handled by a longer fence). */
export function code(text: string): string {
  const clean = text.replace(/[\r\n]+/g, ' ')
  const fence = clean.includes('`') ? '``' : '`'
  const pad = clean.startsWith('`') || clean.endsWith('`') ? ' ' : ''
  return `${fence}${pad}${clean}${pad}${fence}`
}

export function tableList(tables: RelationRef[], locator?: Locator): string {
  return tables.map((t) => `- ${code(locator ? `${locator.schemaOf(t)}.${t.name}` : `${t.schema}.${t.name}`)}`).join('\n')
}
