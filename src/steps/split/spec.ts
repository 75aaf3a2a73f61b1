/**
 * The physical split's spec: what every split step's runner reads (names, tables, sequences, the
 * zod schema that validates it when a plan is loaded), derived from a context. Pure.
 */
import {z} from 'zod'

import type {RelationRef, Sequence, Table} from '../../introspect/model.js'
import type {ContextSpec, OwnedTable, PlanInput} from '../../plan/context.js'
import {safeName} from '../../plan/context.js'
import {ident, qualified} from '../../plan/quote.js'
import {partitionsOf} from '../common.js'
import {outboxName} from '../outbox/postgres.js'

export type SplitMode = 'logical-replication' | 'change-capture'

export interface SplitOptions {
  /**
   * How the target follows the source between the copy and the cut-over. Logical replication
   * needs `wal_level=logical` on the source (a server restart to turn on); change capture works
   * everywhere (triggers queue changed keys) at the cost of write overhead on the source.
   */
  mode?: SplitMode
  /** Days between cut-over and decommission (the runner refuses earlier without force). */
  soakDays?: number
}

/** Figures from ../shared/docs/prior-art.md, measured on a 2-vCPU machine like ours. */
export const RATES = {
  /** Keyset-batched copy (backfill), rows per second. */
  copy: 200_000,
  /** PostgreSQL's own initial table synchronisation, rows per second. */
  initialSync: 185_000,
  /** Parity by md5 over 10k-row chunks (parity.ts), rows per second, both sides hashing at once. */
  parity: 380_000,
} as const

/** The guard trigger that makes a retired source table read-only, and its function. */
export const RETIRED_GUARD_TRIGGER = 'carve_split_retired'
export const RETIRED_GUARD_FUNCTION = 'split_retired_guard'
/** The replica-only trigger that turns a replayed insert of an already copied row into an update. */
export const UPSERT_TRIGGER = 'carve_split_upsert'
/** Comment on triggers carried to the target disabled; the cut-over enables exactly these. */
export const CARRIED_TRIGGER_MARK = 'carve:split-enable-at-cutover'
/** Carve's heartbeat table: one row per context, bumped on the source, awaited on the target. */
export const HEARTBEAT_TABLE = 'split_heartbeat'
/**
 * Triggers never carried to the target: Carve's own split and change-capture triggers (the
 * cut-over installs what the target needs), and loose-FK triggers that feed another context's
 * queue on the source.
 */
export const NOT_CARRIED_TRIGGER_PREFIXES = ['carve_split_', 'carve_capture', 'carve_loose_fk_'] as const

/** A relation by schema and name: RelationRef (introspect/model.ts), the one name for `{schema, name}`. */
const rel = z.object({schema: z.string(), name: z.string()}).strict() satisfies z.ZodType<RelationRef>

const splitTableSchema = z
  .object({
    source: rel,
    target: rel,
    /** Primary key columns; empty for a table without one (REPLICA IDENTITY FULL). */
    key: z.array(z.string()),
    /** Columns copied (generated columns are computed on each side and left out). */
    columns: z.array(z.string()),
    /** `keyset`: split-copy copies it in batches; `replication`: PostgreSQL's initial table sync does (tables without a key). */
    initial_copy: z.enum(['keyset', 'replication']),
    /** Partitions on the source (they get the guard too; the target holds one plain table). */
    partitions: z.array(rel),
  })
  .strict()
export type SplitTable = z.infer<typeof splitTableSchema>

const sequenceSchema = z
  .object({
    /** Where the sequence is on the source; null: resolve with pg_get_serial_sequence(table, column). */
    source: rel.nullable(),
    target: rel.nullable(),
    source_table: rel,
    target_table: rel,
    column: z.string(),
  })
  .strict()
export type SplitSequence = z.infer<typeof sequenceSchema>

/** What every split step's runner reads (the same object in each of the five steps). */
export const splitSpecSchema = z
  .object({
    context: z.string(),
    owner: z.string(),
    mode: z.enum(['logical-replication', 'change-capture']),
    source_database: z.string(),
    target_database: z.string(),
    /** The context's schema: where its tables are on the source (after move-to-schema) and on the target. */
    schema: z.string(),
    tables: z.array(splitTableSchema),
    sequences: z.array(sequenceSchema),
    /** The outbox, moved with the context when it exists on the source when split-prepare runs. */
    outbox: rel,
    /** Carve's meta schema on both sides (heartbeat, guard function). */
    meta_schema: z.string(),
    publication: z.string(),
    /** Tables whose initial copy PostgreSQL makes itself (no key for a keyset copy; the outbox). */
    sync_publication: z.string(),
    subscription: z.string(),
    slot: z.string(),
    reverse: z.object({publication: z.string(), subscription: z.string(), slot: z.string()}).strict(),
    /** Legacy names left by move-to-schema: read-only after cut-over, dropped at decommission. */
    compatibility_views: z.array(rel),
    soak_days: z.number().int().min(0),
  })
  .passthrough()
export type SplitSpec = z.infer<typeof splitSpecSchema>

/** The split-copy step's spec (Backfill's runner reads it). */
export interface SplitCopySpec {
  target_database: string
  tables: {source: RelationRef; target: RelationRef; key: string[]; columns: string[]}[]
}

/** Object names of a context's split; slots are cluster-wide, so they carry the source database's name. */
export function splitNames(ctx: ContextSpec, input: PlanInput) {
  const source = input.catalog.database.name
  const base = safeName(`carve_${source}_${ctx.schema}`, 55)
  return {
    targetDatabase: safeName(`${source}_${ctx.schema}`),
    publication: base,
    syncPublication: `${base}_init`,
    subscription: base,
    slot: base,
    reverse: {publication: `${base}_rev`, subscription: `${base}_rev`, slot: `${base}_rev`},
  }
}

/** Tables that move: everything the context owns or serves as reference data; deprecated tables stay to be dropped. */
export function splitTables(ctx: ContextSpec): OwnedTable[] {
  return ctx.tables.filter((t) => t.classification !== 'deprecated' && !t.table.partitionOf)
}

export function splitSpec(ctx: ContextSpec, input: PlanInput, options: SplitOptions = {}): SplitSpec {
  const names = splitNames(ctx, input)
  const tables = splitTables(ctx)
  return {
    context: ctx.name,
    owner: ctx.owner,
    mode: options.mode ?? 'logical-replication',
    source_database: input.catalog.database.name,
    target_database: names.targetDatabase,
    schema: ctx.schema,
    tables: tables.map(({table}) => ({
      source: {schema: ctx.schema, name: table.name},
      target: {schema: ctx.schema, name: table.name},
      key: [...table.primaryKey],
      columns: table.columns.filter((c) => !c.generated).map((c) => c.name),
      initial_copy: table.primaryKey.length ? 'keyset' : 'replication',
      partitions: partitionsOf(input, table).map((p) => ({schema: ctx.schema, name: p.name})),
    })),
    sequences: tables.flatMap(({table}) => sequencesOf(ctx, input, table)),
    outbox: {schema: ctx.schema, name: outboxName(ctx, input)},
    meta_schema: input.conventions.metaSchema,
    publication: names.publication,
    sync_publication: names.syncPublication,
    subscription: names.subscription,
    slot: names.slot,
    reverse: names.reverse,
    compatibility_views: tables
      .flatMap(({table}) => [table, ...partitionsOf(input, table)])
      .filter((t) => t.schema !== ctx.schema)
      .map((t) => ({schema: t.schema, name: t.name})),
    soak_days: options.soakDays ?? 7,
  }
}

/** How format_type() may print a name: bare when it is a plain lower-case identifier, else quoted. */
export function printedForms(schema: string, name: string): string[] {
  const q = (s: string) => (/^[a-z_][a-z0-9_$]*$/.test(s) ? s : ident(s))
  return [...new Set([q(name), `${q(schema)}.${q(name)}`, ident(name), qualified(schema, name)])]
}

export function ownedSequence(input: PlanInput, table: Table, column: string): Sequence | undefined {
  return input.catalog.sequences.find((s) => s.ownedBy && s.ownedBy.schema === table.schema && s.ownedBy.table === table.name && s.ownedBy.column === column)
}

export const NEXTVAL = /^nextval\('((?:[^']|'')+)'::regclass\)$/

export function sequencesOf(ctx: ContextSpec, input: PlanInput, table: Table): SplitSequence[] {
  const out: SplitSequence[] = []
  const sourceTable = {schema: ctx.schema, name: table.name}
  for (const c of table.columns) {
    if (c.identity === 'always' || c.identity === 'by default') {
      out.push({source: null, target: null, source_table: sourceTable, target_table: sourceTable, column: c.name})
      continue
    }
    const m = c.default ? NEXTVAL.exec(c.default) : null
    if (!m) continue
    const owned = ownedSequence(input, table, c.name)
    if (owned) {
      // Owned sequences moved with their table (ALTER TABLE … SET SCHEMA takes them along).
      out.push({source: {schema: ctx.schema, name: owned.name}, target: {schema: ctx.schema, name: owned.name}, source_table: sourceTable, target_table: sourceTable, column: c.name})
    } else {
      const seq = resolveSequence(input, m[1]!.replace(/''/g, "'"), table.schema)
      if (seq) out.push({source: {schema: seq.schema, name: seq.name}, target: {schema: ctx.schema, name: seq.name}, source_table: sourceTable, target_table: sourceTable, column: c.name})
    }
  }
  return out
}

/** The sequence a nextval('…') default names, among the catalog's sequences. */
export function resolveSequence(input: PlanInput, text: string, tableSchema: string): Sequence | undefined {
  for (const s of input.catalog.sequences) {
    if (printedForms(s.schema, s.name).includes(text)) return s
  }
  return input.catalog.sequences.find((s) => s.schema === tableSchema && (s.name === text || ident(s.name) === text))
}

