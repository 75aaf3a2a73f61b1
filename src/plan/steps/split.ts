/**
 * →3 / →5: the physical split — the context's tables leave the shared database for a database of
 * their own on the same server, the way Vitess MoveTables and GitLab's CI database split do it:
 *
 *   split-prepare      target database + schema; publication (and replication slot) on the source
 *   split-copy         existing rows copied in keyset batches (Backfill's runner)
 *   split-sync         logical replication from the slot onwards (or change capture), parity repair
 *   split-cutover      bounded write pause, final catch-up, exact parity, switch, reverse replication
 *   split-decommission after the soak period: reverse replication, source copies and publication go
 *
 * The plan holds every piece of SQL a reviewer should see (target schema, publication, guards);
 * what needs a live connection to both databases (slots, subscriptions, the pause) is driven by
 * the runners in src/execute/kinds/split-*.ts, which read the `spec` written here. Connection
 * strings are never part of a plan: the runners build them at run time.
 *
 * Why the retired copies stay under their names (and not in a `carve_retired` schema): logical
 * replication maps a published table to the subscriber's table *by schema-qualified name*, so
 * the reverse stream (target → source, which keeps a rollback lossless) can only land in tables
 * called exactly what the target's tables are called. The source tables therefore stay where they
 * are and become read-only at cut-over: a statement-level guard trigger refuses every write from a
 * session (it does not fire for the replication apply worker, which runs as a replica). The
 * compatibility views in front of them keep serving legacy readers, fresh to within the reverse
 * replication lag, and refuse writes through the same guard.
 */
import {z} from 'zod'

import {installCapture, removeCapture} from '../../execute/change-capture.js'
import type {Column, EnumType, Sequence, Table} from '../../introspect/model.js'
import type {ContextSpec, OwnedTable, PlanInput} from '../context.js'
import {safeName, shortHash} from '../context.js'
import {doBlock, dollarQuote, ident, literal, qualified, sqlComment} from '../quote.js'
import {code, duration, header, partitionsOf, roundFigure, sizeOf, stepReadme} from './common.js'
import {COMPAT_VIEW_MARK} from './move-to-schema.js'
import {OUTBOX_FUNCTION, outboxName} from './outbox.js'
import type {StepDraft} from './types.js'

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

const rel = z.object({schema: z.string(), name: z.string()}).strict()
export type Rel = z.infer<typeof rel>

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
  tables: {source: Rel; target: Rel; key: string[]; columns: string[]}[]
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

export function splitSteps(ctx: ContextSpec, input: PlanInput, after: string, options: SplitOptions = {}): StepDraft[] {
  const spec = splitSpec(ctx, input, options)
  const tables = splitTables(ctx)
  if (tables.length === 0) return []
  const keyed = spec.tables.filter((t) => t.initial_copy === 'keyset')
  const size = sizeOf(tables.map((t) => t.table))
  const keyedSize = sizeOf(tables.filter((t) => t.table.primaryKey.length).map((t) => t.table))
  const keylessSize = sizeOf(tables.filter((t) => !t.table.primaryKey.length).map((t) => t.table))
  const lockList = spec.tables.map((t) => `${t.source.schema}.${t.source.name}`)
  const k = (what: string) => `split-${what}-${ctx.name}`
  const base = {context: ctx.name, transactional: false}
  const src = `${spec.source_database}`
  const tgt = `${spec.target_database}`
  const targetDdl = targetSql(ctx, input, spec)
  const copySpec: SplitCopySpec = {
    target_database: spec.target_database,
    tables: keyed.map((t) => ({source: t.source, target: t.target, key: t.key, columns: t.columns})),
  }
  const modeText =
    spec.mode === 'logical-replication'
      ? 'logical replication (`wal_level=logical` on the source; the runner refuses otherwise)'
      : 'change capture (triggers on the source queue the keys of changed rows; the sync drains the queue)'
  const pauseMs = Math.max(100, Math.round((size.rows / RATES.parity) * 1000) + 100)

  const prepare: StepDraft = {
    ...base,
    key: k('prepare'),
    title: `Prepare the split of ${ctx.name} into database ${tgt}`,
    kind: 'split-prepare',
    level: {from: 2, to: 3},
    dependsOn: [after],
    locks: lockList,
    up: prepareUp(ctx, input, spec),
    down: prepareDown(spec),
    verify: prepareVerify(spec),
    extraFiles: {'target.sql': targetDdl.main, 'target-outbox.sql': targetDdl.outbox},
    spec: {...spec},
    readme: stepReadme({
      title: `Prepare the split of ${code(ctx.name)} (level 2 → 3)`,
      what: `Creates database ${code(tgt)} on the same server and, in it, schema ${code(ctx.schema)} with ${tables.length} table${tables.length === 1 ? '' : 's'} (${size.text}) — \`target.sql\`: columns, types, defaults, identity, primary keys, checks, the enum types they use, Carve's heartbeat table and replica-only upsert triggers for the catch-up. Unique constraints, other indexes and the foreign keys between these tables are in split-sync's \`target-constraints.sql\`, created once the copy has caught up (a copy in batches passes through states those constraints would reject, and loading without secondary indexes is faster). On the source (\`up.sql\`): publication ${code(spec.publication)} over the tables copied in batches, ${code(spec.sync_publication)} over those PostgreSQL copies itself (${spec.tables.some((t) => !t.key.length) ? `the tables without a primary key, ${spec.tables.filter((t) => !t.key.length).map((t) => code(t.source.name)).join(', ')}, and ` : ''}the outbox ${code(`${spec.outbox.schema}.${spec.outbox.name}`)} when it exists), \`REPLICA IDENTITY FULL\` on tables without a primary key. The runner then ${spec.mode === 'logical-replication' ? `creates replication slot ${code(spec.slot)} — before any row is copied, so every write made during the copy is retained — and subscription ${code(spec.subscription)} in the target, disabled, with \`copy_data = false\`` : 'installs change capture (a queue of changed keys fed by triggers) before any row is copied'}. Triggers of the tables (the outbox trigger among them) are carried to the target **disabled**; the cut-over enables them.\n\nSync mode: ${modeText}.`,
      why: 'Level 3: the context gets a database of its own. Everything here is additive — the source keeps serving reads and writes, nothing is switched yet.',
      risk: `Low for the application. ${spec.mode === 'logical-replication' ? 'The slot retains WAL on the source from now until the cut-over (or a rollback): watch disk space if the copy and sync are left running for long.' : 'Change-capture triggers add a queue insert to every write on these tables.'} Creating a slot waits for transactions already running on the server to finish. Needs a superuser (or, on PostgreSQL 16+, a role with \`pg_create_subscription\` and \`REPLICATION\`). The subscription's connection string is built at run time from the executor's connection (\`CARVE_REPLICATION_CONNINFO\` overrides it) and is never written to the plan; the server keeps it in \`pg_subscription\` (superusers only) and logs it with \`log_statement = ddl\` — for a password, prefer a \`.pgpass\` of the server's own user, or trust/peer for its local connection.`,
      lock: `SHARE UPDATE EXCLUSIVE on each table while the publication is created${spec.tables.some((t) => !t.key.length) ? '; ACCESS EXCLUSIVE, for a catalog update, on tables without a primary key (REPLICA IDENTITY FULL)' : ''} — milliseconds, with lock_timeout and retries.`,
      duration: 'seconds (independent of table size)',
      rollback: `\`down.sql\` drops the publications and Carve's heartbeat row on the source; the runner first drops the subscription (terminating its connection) and the slot, then drops database ${code(tgt)}.`,
    }),
  }

  const copy: StepDraft = {
    ...base,
    key: k('copy'),
    title: `Copy the rows of ${ctx.name} into database ${tgt}`,
    kind: 'split-copy',
    level: {from: 2, to: 3},
    dependsOn: [prepare.key],
    locks: [],
    up: `${header(`Step: copy the rows of context ${ctx.name} into database ${tgt}`, ['driven by the executor (keyset batches); see README.md'])}SELECT 1;\n`,
    down: `${header(`Undo: empty the copied tables in database ${tgt}`, ['driven by the executor'])}SELECT 1;\n`,
    verify: `${header(`Verify: every table of context ${ctx.name} has been copied`, ['driven by the executor (row counts and checksums)'])}SELECT 1;\n`,
    spec: {...copySpec},
    readme: stepReadme({
      title: `Copy ${code(ctx.name)} into ${code(tgt)} (level 2 → 3)`,
      what: `Copies the existing rows of ${keyed.length} table${keyed.length === 1 ? '' : 's'} (${keyedSize.text}) from ${code(src)} to ${code(tgt)} in keyset batches along each primary key, committed batch by batch, resumable after a kill (the position is checkpointed in the ledger). Batch size adapts to a target time per batch.${spec.tables.some((t) => !t.key.length) ? `\n\nTables without a primary key (${keylessSize.text}) cannot be paged by key: PostgreSQL's own initial table synchronisation copies them in split-sync, in one consistent snapshot.` : ''}`,
      why: 'The rows that existed before the replication slot must reach the target; the slot (created by split-prepare before this step) holds every change made while the copy runs, so nothing written meanwhile is lost.',
      risk: 'Read load on the source (one batch at a time, sequential along the key). Rows written during the copy may be copied in their newer state — split-sync replays the slot over them, and parity repairs what replay alone cannot make exact.',
      lock: 'none on the source (plain reads); the target tables are not in use yet',
      duration: `${duration(keyedSize.rows, RATES.copy)} at ~${RATES.copy / 1000}k rows/s (${keyedSize.text})`,
      rollback: 'Empties the copied target tables (the target database itself goes with split-prepare\'s rollback).',
    }),
  }

  const sync: StepDraft = {
    ...base,
    key: k('sync'),
    title: `Keep database ${tgt} in sync with ${ctx.name}`,
    kind: 'split-sync',
    level: {from: 2, to: 3},
    dependsOn: [copy.key],
    locks: [],
    up: syncUp(spec),
    down: syncDown(spec),
    verify: syncVerify(spec),
    extraFiles: {'target-constraints.sql': targetDdl.constraints},
    spec: {...spec},
    readme: stepReadme({
      title: `Keep ${code(tgt)} in sync (level 2 → 3)`,
      what: spec.mode === 'logical-replication'
        ? `Enables subscription ${code(spec.subscription)}: the target replays everything the slot kept since before the copy, then follows the source continuously. Tables without a key (and the outbox) are added with \`copy_data = true\`, so PostgreSQL copies them itself and joins them to the stream. Once the target has caught up (a heartbeat row bumped on the source arrives), a parity pass compares every table and repairs rows that replay could not fix, then \`target-constraints.sql\` adds the unique constraints, indexes and foreign keys (\`NOT VALID\`; validated after the cut-over).\n\nWhy replay over a copy converges: the copy read each key range at some moment after the slot was created, so replay starts from an older or equal point for every row. Replayed inserts of rows the copy already has become updates (a replica-only trigger), updates and deletes of rows the copy never saw are skipped, and every later change is a full new row — so each row ends in the state of its last change. Updates that move a primary key across key ranges the copy read at different times can leave a row missing; the parity pass after catch-up finds and repairs those. (Tables without a key are only compared here: replacing one while rows stream in would duplicate them; the cut-over repairs them with writes paused.)`
        : `Drains the change-capture queue into the target (each queued key is re-read on the source and upserted or deleted on the target) until it is nearly empty, then compares every table and repairs differences. The queue keeps filling until the cut-over drains it for the last time under the write pause.`,
      why: 'The cut-over must only have to wait for the last few changes: a short, bounded write pause needs a target that is already current.',
      risk: spec.mode === 'logical-replication'
        ? 'Replication adds a WAL sender on the source and an apply worker on the target. If the target falls behind, the slot keeps WAL on the source (watch `pg_replication_slots`). Lag is reported by `carve verify` (heartbeat round trip and bytes behind).'
        : 'Draining re-reads changed rows on the source; the queue grows with the write rate until drained.',
      lock: 'none on the source; SHARE on each target table while its indexes are built (the apply worker waits meanwhile)',
      duration: `catch-up in seconds after the copy; ongoing until the cut-over${keylessSize.rows ? `; initial copy of the tables without a key ${duration(keylessSize.rows, RATES.initialSync)} at ~${RATES.initialSync / 1000}k rows/s` : ''}`,
      rollback: 'Disables the subscription (the slot keeps the position: re-applying resumes exactly where it stopped, nothing is lost); the added constraints stay.',
    }),
  }

  const cutover: StepDraft = {
    ...base,
    key: k('cutover'),
    title: `Cut ${ctx.name} over to database ${tgt}`,
    kind: 'split-cutover',
    level: {from: 2, to: 3},
    dependsOn: [sync.key],
    locks: lockList,
    up: cutoverUp(spec),
    down: cutoverDown(spec),
    verify: cutoverVerify(spec),
    spec: {...spec},
    readme: cutoverReadme(ctx, spec, size, pauseMs),
  }

  const decommission: StepDraft = {
    ...base,
    key: k('decommission'),
    title: `Decommission the source copy of ${ctx.name}`,
    kind: 'split-decommission',
    level: {from: 3, to: 5},
    dependsOn: [cutover.key],
    locks: lockList,
    irreversible: true,
    up: decommissionUp(spec),
    down: `${header(`Undo: decommissioning context ${ctx.name} cannot be undone`)}${doBlock(`BEGIN\n  RAISE EXCEPTION 'carve: the source copy of context ${ctx.name.replace(/'/g, "''").replace(/%/g, '%%')} was dropped; restore it from a backup or split back from ${tgt.replace(/'/g, "''").replace(/%/g, '%%')}';\nEND`)}\n`,
    verify: decommissionVerify(spec),
    spec: {...spec},
    readme: stepReadme({
      title: `Decommission the source copy of ${code(ctx.name)} (level 3 → 5, irreversible)`,
      what: `After the soak period (${spec.soak_days} days after the cut-over; the runner refuses earlier unless forced): drops reverse subscription ${code(spec.reverse.subscription)} on the source, its slot and publication on the target, the compatibility views (${spec.compatibility_views.length ? spec.compatibility_views.map((v) => code(`${v.schema}.${v.name}`)).join(', ') : 'none'}), the read-only source copies of ${spec.tables.map((t) => code(`${t.source.schema}.${t.source.name}`)).join(', ')}, the outbox copy, and publications ${code(spec.publication)} / ${code(spec.sync_publication)}.`,
      why: 'Level 5: the context lives only in its own database and evolves on its own. Keeping the retired copies forever invites new readers of stale-able data.',
      risk: '**Irreversible**: after this, a rollback of the split means restoring from a backup. Legacy readers of the compatibility views break — the soak period is for finding them (`pg_stat_user_tables.seq_scan`/`idx_scan` of the retired tables should stop growing; `carve workload ingest` shows who still reads them).',
      lock: 'ACCESS EXCLUSIVE on each retired table while it is dropped (milliseconds)',
      duration: 'seconds',
      rollback: 'None. `carve rollback` refuses this step without `--force`, and even then it only fails with a message.',
    }),
  }
  return [prepare, copy, sync, cutover, decommission]
}

// ——— target database DDL ————————————————————————————————————————————————————————————

/** How format_type() may print a name: bare when it is a plain lower-case identifier, else quoted. */
function printedForms(schema: string, name: string): string[] {
  const q = (s: string) => (/^[a-z_][a-z0-9_$]*$/.test(s) ? s : ident(s))
  return [...new Set([q(name), `${q(schema)}.${q(name)}`, ident(name), qualified(schema, name)])]
}

function enumOfType(type: string, enums: EnumType[]): {enum: EnumType; suffix: string} | null {
  const m = /^(.*?)((?:\[\])*)$/.exec(type)!
  const bare = m[1]!
  for (const e of enums) if (printedForms(e.schema, e.name).includes(bare)) return {enum: e, suffix: m[2]!}
  return null
}

/** A column's type as the target must spell it: enums qualified (they are created in their source schema). */
function targetType(column: Column, enums: EnumType[]): string {
  const e = enumOfType(column.type, enums)
  return e ? `${qualified(e.enum.schema, e.enum.name)}${e.suffix}` : column.type
}

function ownedSequence(input: PlanInput, table: Table, column: string): Sequence | undefined {
  return input.catalog.sequences.find((s) => s.ownedBy && s.ownedBy.schema === table.schema && s.ownedBy.table === table.name && s.ownedBy.column === column)
}

const NEXTVAL = /^nextval\('((?:[^']|'')+)'::regclass\)$/

function sequencesOf(ctx: ContextSpec, input: PlanInput, table: Table): SplitSequence[] {
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
function resolveSequence(input: PlanInput, text: string, tableSchema: string): Sequence | undefined {
  for (const s of input.catalog.sequences) {
    if (printedForms(s.schema, s.name).includes(text)) return s
  }
  return input.catalog.sequences.find((s) => s.schema === tableSchema && (s.name === text || ident(s.name) === text))
}

/**
 * Functions a default may call on the target: built-ins that need nothing from the source.
 * Anything else (the application's functions, other schemas' objects) is left out, with a note.
 */
const PORTABLE_FUNCTIONS = new Set([
  'now', 'clock_timestamp', 'statement_timestamp', 'transaction_timestamp', 'timeofday', 'gen_random_uuid', 'random',
  'current_timestamp', 'current_date', 'current_time', 'localtimestamp', 'localtime', 'current_user', 'session_user',
  'lower', 'upper', 'length', 'array', 'jsonb_build_object', 'json_build_object', 'jsonb_build_array', 'json_build_array',
  'to_jsonb', 'to_json', 'date_trunc', 'make_interval', 'timezone', 'coalesce', 'nullif', 'greatest', 'least', 'uuid_generate_v4',
])

export function portableDefault(text: string, enums: EnumType[]): {ok: true; sql: string} | {ok: false; reason: string} {
  // Enum casts print as 'x'::order_status: qualify them the way the target creates the type.
  let sql = text.replace(/::((?:"(?:[^"]|"")+"|[A-Za-z_][\w$]*)(?:\.(?:"(?:[^"]|"")+"|[A-Za-z_][\w$]*))?)((?:\[\])*)/g, (whole, type: string, suffix: string) => {
    const e = enumOfType(type + suffix, enums)
    return e ? `::${qualified(e.enum.schema, e.enum.name)}${e.suffix}` : whole
  })
  const bare = sql.replace(/'(?:[^']|'')*'/g, "''").replace(/"(?:[^"]|"")*"\s*\./g, 'x.')
  if (/nextval\s*\(/i.test(bare)) return {ok: false, reason: 'uses a sequence the plan could not resolve'}
  for (const m of bare.matchAll(/([A-Za-z_][\w$]*(?:\.[A-Za-z_][\w$]*)?)\s*\(/g)) {
    const fn = m[1]!.toLowerCase()
    if (fn.includes('.') && !fn.startsWith('pg_catalog.')) return {ok: false, reason: `calls ${m[1]}`}
    if (!PORTABLE_FUNCTIONS.has(fn.replace(/^pg_catalog\./, '')) && !/^(character|varying|numeric|timestamp|time|interval|bit|varchar|char|decimal)$/.test(fn)) {
      return {ok: false, reason: `calls ${m[1]}()`}
    }
  }
  sql = sql.trim()
  return {ok: true, sql}
}

/** CREATE INDEX text from pg_get_indexdef, re-aimed at the target table. */
function retargetIndex(definition: string, name: string, target: string): string | null {
  const m = /^CREATE (UNIQUE )?INDEX (?:"(?:[^"]|"")+"|\S+) ON (?:ONLY )?(?:(?:"(?:[^"]|"")+"|[^\s."]+)\.)?(?:"(?:[^"]|"")+"|[^\s."]+) USING (.*)$/s.exec(definition)
  if (!m) return null
  return `CREATE ${m[1] ?? ''}INDEX IF NOT EXISTS ${ident(name)} ON ${target} USING ${m[2]}`
}

interface TargetDdl {
  main: string
  constraints: string
  outbox: string
}

function targetSql(ctx: ContextSpec, input: PlanInput, spec: SplitSpec): TargetDdl {
  const tables = splitTables(ctx)
  const enums = input.catalog.enums
  const meta = spec.meta_schema
  const schemas = new Set<string>([ctx.schema])
  const usedEnums = new Map<string, EnumType>()
  for (const {table} of tables) {
    for (const c of table.columns) {
      const e = enumOfType(c.type, enums)
      if (e) usedEnums.set(`${e.enum.schema}\u0000${e.enum.name}`, e.enum)
    }
  }
  for (const e of usedEnums.values()) schemas.add(e.schema)
  const notes: string[] = []
  const creates: string[] = []
  const constraints: string[] = []
  const comments: string[] = []
  const upserts: string[] = []
  const inSplit = new Set(tables.map((t) => `${t.table.schema}\u0000${t.table.name}`))
  for (const {table} of tables) {
    const target = qualified(ctx.schema, table.name)
    const lines: string[] = []
    const sequences: string[] = []
    for (const c of table.columns) {
      let line = `  ${ident(c.name)} ${targetType(c, enums)}`
      if (c.generated) {
        line += ` GENERATED ALWAYS AS (${c.generated.replace(/^\((.*)\)$/s, '$1')}) STORED`
      } else if (c.identity === 'always' || c.identity === 'by default') {
        line += ` GENERATED ${c.identity === 'always' ? 'ALWAYS' : 'BY DEFAULT'} AS IDENTITY`
      } else if (c.default) {
        const m = NEXTVAL.exec(c.default)
        const seq = m ? spec.sequences.find((s) => s.target_table.name === table.name && s.column === c.name && s.target) : undefined
        if (seq?.target) {
          const source = input.catalog.sequences.find((s) => s.name === seq.target!.name)
          sequences.push(`CREATE SEQUENCE IF NOT EXISTS ${qualified(seq.target.schema, seq.target.name)}${source ? ` AS ${source.dataType}` : ''};`)
          line += ` DEFAULT nextval(${literal(qualified(seq.target.schema, seq.target.name))}::regclass)`
        } else {
          const d = portableDefault(c.default, enums)
          if (d.ok) line += ` DEFAULT ${d.sql}`
          else notes.push(`${table.name}.${c.name}: default \`${c.default}\` left out (${d.reason}); the owner's service must supply the value`)
        }
      }
      if (!c.nullable) line += ' NOT NULL'
      lines.push(line)
      if (c.comment) comments.push(`COMMENT ON COLUMN ${target}.${ident(c.name)} IS ${literal(c.comment)};`)
    }
    if (table.primaryKey.length) {
      lines.push(`  CONSTRAINT ${ident(table.primaryKeyName ?? `${table.name}_pkey`)} PRIMARY KEY (${table.primaryKey.map(ident).join(', ')})`)
    }
    for (const ch of table.checks) lines.push(`  CONSTRAINT ${ident(ch.name)} ${ch.expression.replace(/\s+NOT VALID$/, '')}`)
    creates.push(`${sequences.join('\n')}${sequences.length ? '\n' : ''}CREATE TABLE ${target} (\n${lines.join(',\n')}\n);`)
    for (const seq of spec.sequences) {
      if (seq.target_table.name === table.name && seq.target && table.columns.some((c) => c.name === seq.column && c.default && NEXTVAL.test(c.default))) {
        creates.push(`ALTER SEQUENCE ${qualified(seq.target.schema, seq.target.name)} OWNED BY ${target}.${ident(seq.column)};`)
      }
    }
    if (table.comment) comments.push(`COMMENT ON TABLE ${target} IS ${literal(table.comment)};`)
    if (table.kind === 'partitioned') notes.push(`${table.name} is partitioned on the source; the target holds it as one plain table (changes are published through the partition root)`)

    // Deferred: unique constraints, other indexes, foreign keys between the context's own tables.
    for (const u of table.uniques) constraints.push(`ALTER TABLE ${target} ADD CONSTRAINT ${ident(u.name)} UNIQUE (${u.columns.map(ident).join(', ')});`)
    const constraintIndexes = new Set([...table.uniques.map((u) => u.name), table.primaryKeyName ?? ''])
    for (const ix of table.indexes) {
      if (ix.primary || constraintIndexes.has(ix.name)) continue
      const sql = ix.definition ? retargetIndex(ix.definition, ix.name, target) : null
      if (sql) constraints.push(`${sql};`)
      else notes.push(`${table.name}: index ${ix.name} could not be recreated from its definition`)
    }
    for (const fk of table.foreignKeys) {
      if (!inSplit.has(`${fk.refSchema}\u0000${fk.refTable}`)) continue
      constraints.push(`ALTER TABLE ${target} ADD CONSTRAINT ${ident(fk.name)} FOREIGN KEY (${fk.columns.map(ident).join(', ')}) REFERENCES ${qualified(ctx.schema, fk.refTable)} (${fk.refColumns.map(ident).join(', ')}) ON UPDATE ${fk.onUpdate.toUpperCase()} ON DELETE ${fk.onDelete.toUpperCase()}${fk.deferrable ? ' DEFERRABLE' : ''} NOT VALID;`)
    }
    if (table.primaryKey.length) upserts.push(upsertTrigger(meta, ctx.schema, table))
    // Published back to the source after the cut-over: without a key, whole rows identify them.
    else creates.push(`ALTER TABLE ${target} REPLICA IDENTITY FULL;`)
  }
  const enumSql = [...usedEnums.values()]
    .sort((a, b) => (a.schema + a.name < b.schema + b.name ? -1 : 1))
    .map((e) => `CREATE TYPE ${qualified(e.schema, e.name)} AS ENUM (${e.values.map(literal).join(', ')});`)
  const grants = doBlock(`
BEGIN
  -- Roles are cluster-wide: the owner's role (created by the service-roles step) also owns the copy.
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = ${literal(ctx.role)}) THEN
    GRANT USAGE ON SCHEMA ${ident(ctx.schema)} TO ${ident(ctx.role)};
    GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${ident(ctx.schema)} TO ${ident(ctx.role)};
    GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA ${ident(ctx.schema)} TO ${ident(ctx.role)};
  END IF;
END`)
  // Expressions (checks, defaults, index predicates) were printed for a session whose search_path
  // found the enum types unqualified; the scripts run with the same path (SET LOCAL: one transaction).
  const path = `SET LOCAL search_path = ${[...new Set([...[...usedEnums.values()].map((e) => e.schema).sort(), 'public'])].map(ident).join(', ')};`
  const main = `${header(`Target database of context ${ctx.name}: run by split-prepare in database ${spec.target_database}`, ['in one transaction; constraints that a copy in batches would trip are in target-constraints.sql'])}${notes.length ? `${notes.map((n) => sqlComment(`note: ${n}`)).join('\n')}\n` : ''}
${[...schemas].sort().map((s) => `CREATE SCHEMA IF NOT EXISTS ${ident(s)};`).join('\n')}
${path}
CREATE SCHEMA IF NOT EXISTS ${ident(meta)};
${enumSql.join('\n')}${enumSql.length ? '\n' : ''}
${creates.join('\n\n')}
${comments.join('\n')}${comments.length ? '\n' : ''}
${heartbeatTable(meta, ctx.name)}

-- Replica-only triggers for the catch-up after a copy in batches (see split-sync's README): a
-- replayed insert of a row the copy already has becomes an update; an update that moves a key
-- onto a copied row replaces it. ENABLE REPLICA: they fire for the apply worker only, never for
-- sessions. The cut-over drops them.
${upserts.join('\n\n')}

${grants}
`
  const constraintsSql = `${header(`Constraints of context ${ctx.name} in database ${spec.target_database}`, ['created by split-sync once the target has caught up with the source, in one transaction'])}${path}
${constraints.length ? constraints.join('\n') : 'SELECT 1;'}
`
  const ob = qualified(spec.outbox.schema, spec.outbox.name)
  const outbox = `${header(`The outbox of context ${ctx.name} in database ${spec.target_database}`, ['run by split-prepare only when the source has the outbox; PostgreSQL copies its rows'])}
CREATE TABLE IF NOT EXISTS ${ob} (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  aggregate_type text NOT NULL,
  aggregate_id text NOT NULL,
  event_type text NOT NULL,
  payload jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
${doBlock(`
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = ${literal(ctx.role)}) THEN
    GRANT SELECT, DELETE ON ${ob} TO ${ident(ctx.role)};
  END IF;
END`)}
`
  return {main, constraints: constraintsSql, outbox}
}

function heartbeatTable(meta: string, context: string): string {
  const hb = qualified(meta, HEARTBEAT_TABLE)
  return `-- Carve's heartbeat: a row per context bumped on the source; when the bump arrives here, every
-- change committed before it has been applied (replication applies in commit order).
CREATE TABLE IF NOT EXISTS ${hb} (
  context text PRIMARY KEY,
  seq bigint NOT NULL DEFAULT 0,
  at timestamptz NOT NULL DEFAULT now(),
  cutover_at timestamptz
);
INSERT INTO ${hb} (context) VALUES (${literal(context)}) ON CONFLICT (context) DO NOTHING;`
}

function upsertTrigger(meta: string, schema: string, table: Table): string {
  const target = qualified(schema, table.name)
  const fn = qualified(meta, safeName(`split_upsert_${schema}_${table.name}_${shortHash(`${schema}.${table.name}`).slice(0, 6)}`))
  const pk = table.primaryKey.map(ident)
  const keyMatch = (row: string) => (pk.length === 1 ? `${pk[0]} = ${row}.${pk[0]}` : `(${pk.join(', ')}) = (${pk.map((c) => `${row}.${c}`).join(', ')})`)
  const keyDiffers = pk.length === 1 ? `NEW.${pk[0]} IS DISTINCT FROM OLD.${pk[0]}` : `(${pk.map((c) => `NEW.${c}`).join(', ')}) IS DISTINCT FROM (${pk.map((c) => `OLD.${c}`).join(', ')})`
  const settable = table.columns.filter((c) => !c.generated && c.identity !== 'always' && !table.primaryKey.includes(c.name)).map((c) => ident(c.name))
  const update = settable.length
    ? `UPDATE ${target} SET (${settable.join(', ')}) = ROW(${settable.map((c) => `NEW.${c}`).join(', ')}) WHERE ${keyMatch('NEW')};
    IF FOUND THEN
      RETURN NULL;
    END IF;`
    : `IF EXISTS (SELECT 1 FROM ${target} WHERE ${keyMatch('NEW')}) THEN
      RETURN NULL;
    END IF;`
  const body = `
BEGIN
  IF TG_OP = 'INSERT' THEN
    ${update}
  ELSIF ${keyDiffers} THEN
    DELETE FROM ${target} WHERE ${keyMatch('NEW')};
  END IF;
  RETURN NEW;
END`
  return `CREATE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS ${dollarQuote(body)};
CREATE TRIGGER ${ident(UPSERT_TRIGGER)} BEFORE INSERT OR UPDATE ON ${target} FOR EACH ROW EXECUTE FUNCTION ${fn}();
ALTER TABLE ${target} ENABLE REPLICA TRIGGER ${ident(UPSERT_TRIGGER)};`
}

// ——— source side SQL ————————————————————————————————————————————————————————————————

function tableList(tables: Rel[]): string {
  return tables.map((t) => qualified(t.schema, t.name)).join(', ')
}

function prepareUp(ctx: ContextSpec, input: PlanInput, spec: SplitSpec): string {
  if (spec.mode === 'change-capture') {
    const keyed = spec.tables.filter((t) => t.key.length)
    return `${header(`Step: change capture on the tables of context ${ctx.name} for database ${spec.target_database}`, ['run by split-prepare on the source, before the copy starts'])}
CREATE SCHEMA IF NOT EXISTS ${ident(spec.meta_schema)};
${heartbeatTable(spec.meta_schema, ctx.name)}

${keyed.map((t) => installCapture({source: t.source, key: t.key}).trim()).join('\n\n')}
-- ${input.conventions.outboxTable}: the runner captures and copies ${spec.outbox.schema}.${spec.outbox.name} too when it exists.
`
  }
  const keyed = spec.tables.filter((t) => t.key.length).map((t) => t.source)
  const keyless = spec.tables.filter((t) => !t.key.length).map((t) => t.source)
  const hb = {schema: spec.meta_schema, name: HEARTBEAT_TABLE}
  const partitioned = splitTables(ctx).some((t) => t.table.kind === 'partitioned')
  const withRoot = partitioned ? ' WITH (publish_via_partition_root = true)' : ''
  return `${header(`Step: publish the tables of context ${ctx.name} for database ${spec.target_database}`, ['run by split-prepare on the source; the slot and subscription are created by the runner'])}
CREATE SCHEMA IF NOT EXISTS ${ident(spec.meta_schema)};
${heartbeatTable(spec.meta_schema, ctx.name)}
${keyless.map((t) => `-- no primary key: updates and deletes are published with the whole old row\nALTER TABLE ${qualified(t.schema, t.name)} REPLICA IDENTITY FULL;`).join('\n')}${keyless.length ? '\n' : ''}
CREATE PUBLICATION ${ident(spec.publication)} FOR TABLE ${tableList([...keyed, hb])}${withRoot};
${keyless.length ? `CREATE PUBLICATION ${ident(spec.sync_publication)} FOR TABLE ${tableList(keyless)}${withRoot};` : `CREATE PUBLICATION ${ident(spec.sync_publication)};`}
-- ${input.conventions.outboxTable}: the runner adds ${spec.outbox.schema}.${spec.outbox.name} to ${spec.sync_publication} when it exists.
`
}

function prepareDown(spec: SplitSpec): string {
  const keyless = spec.tables.filter((t) => !t.key.length).map((t) => t.source)
  const hb = qualified(spec.meta_schema, HEARTBEAT_TABLE)
  const undo =
    spec.mode === 'change-capture'
      ? spec.tables.filter((t) => t.key.length).map((t) => removeCapture({source: t.source}).trim()).join('\n')
      : `DROP PUBLICATION IF EXISTS ${ident(spec.sync_publication)};
DROP PUBLICATION IF EXISTS ${ident(spec.publication)};
${keyless.map((t) => `ALTER TABLE ${qualified(t.schema, t.name)} REPLICA IDENTITY DEFAULT;`).join('\n')}`
  return `${header(`Undo: ${spec.mode === 'change-capture' ? 'change capture' : 'the publications'} of context ${spec.context} on the source`, ['the runner drops the subscription, the slot and the target database first'])}
${undo}
${doBlock(`
BEGIN
  IF to_regclass(${literal(hb)}) IS NOT NULL THEN
    DELETE FROM ${hb} WHERE context = ${literal(spec.context)};
    IF NOT EXISTS (SELECT 1 FROM ${hb}) THEN
      DROP TABLE ${hb};
    END IF;
  END IF;
END`)}
`
}

function prepareVerify(spec: SplitSpec): string {
  const checks = spec.tables.map(
    (t) => `  IF NOT EXISTS (SELECT 1 FROM pg_publication_tables WHERE pubname IN (${literal(spec.publication)}, ${literal(spec.sync_publication)}) AND schemaname = ${literal(t.source.schema)} AND tablename = ${literal(t.source.name)}) THEN
    RAISE EXCEPTION 'carve verify: % is not published', ${literal(`${t.source.schema}.${t.source.name}`)};
  END IF;`,
  )
  return `${header(`Verify: the tables of context ${spec.context} are published (the runner checks the target database too)`)}
${doBlock(`
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_publication WHERE pubname = ${literal(spec.publication)}) THEN
    RAISE EXCEPTION 'carve verify: publication % does not exist', ${literal(spec.publication)};
  END IF;
${checks.join('\n')}
END`)}
`
}

function syncUp(spec: SplitSpec): string {
  return `${header(`Step: keep database ${spec.target_database} in sync with context ${spec.context}`, ['driven by the executor; the statements it runs on the target:'])}${sqlComment(
    spec.mode === 'logical-replication'
      ? `ALTER SUBSCRIPTION ${ident(spec.subscription)} ENABLE;
ALTER SUBSCRIPTION ${ident(spec.subscription)} SET PUBLICATION ${ident(spec.publication)}, ${ident(spec.sync_publication)} WITH (copy_data = true);
-- wait for the heartbeat, compare, repair, then target-constraints.sql`
      : 'drain the change-capture queue into the target, compare, repair, then target-constraints.sql',
  )}
SELECT 1;
`
}

function syncDown(spec: SplitSpec): string {
  return `${header(`Undo: stop syncing database ${spec.target_database}`, ['driven by the executor; on the target:'])}${sqlComment(`ALTER SUBSCRIPTION ${ident(spec.subscription)} DISABLE;`)}
SELECT 1;
`
}

function syncVerify(spec: SplitSpec): string {
  return `${header(`Verify: database ${spec.target_database} follows context ${spec.context}`, ['driven by the executor: subscription enabled and streaming, heartbeat round trip, lag'])}SELECT 1;
`
}

/**
 * The guard that makes a copy read-only: a statement trigger refusing every write from a session.
 * It does not fire for the replication apply worker (a replica), so the copy keeps receiving the
 * other side's changes. `home` is the database that takes the writes.
 */
export function guardFunctionSql(spec: SplitSpec): string {
  const body = `
BEGIN
  RAISE EXCEPTION 'carve: %.% is read-only: context % is served by database % (write through the owner''s service)',
    TG_TABLE_SCHEMA, TG_TABLE_NAME, TG_ARGV[0], TG_ARGV[1]
    USING ERRCODE = 'read_only_sql_transaction';
END`
  return `CREATE SCHEMA IF NOT EXISTS ${ident(spec.meta_schema)};
CREATE OR REPLACE FUNCTION ${qualified(spec.meta_schema, RETIRED_GUARD_FUNCTION)}() RETURNS trigger LANGUAGE plpgsql AS ${dollarQuote(body)};`
}

export function guardTriggerSql(spec: SplitSpec, r: Rel, home: string): string {
  const t = qualified(r.schema, r.name)
  return `DROP TRIGGER IF EXISTS ${ident(RETIRED_GUARD_TRIGGER)} ON ${t};
CREATE TRIGGER ${ident(RETIRED_GUARD_TRIGGER)} BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON ${t}
  FOR EACH STATEMENT EXECUTE FUNCTION ${qualified(spec.meta_schema, RETIRED_GUARD_FUNCTION)}(${literal(spec.context)}, ${literal(home)});`
}

/** The switch itself: the source tables become read-only copies, fed by reverse replication. Runs inside the write pause. */
function cutoverUp(spec: SplitSpec): string {
  const fn = qualified(spec.meta_schema, RETIRED_GUARD_FUNCTION)
  const guarded = spec.tables.flatMap((t) => [t.source, ...t.partitions])
  const guards = guarded.map((r) => guardTriggerSql(spec, r, spec.target_database))
  const ob = qualified(spec.outbox.schema, spec.outbox.name)
  const outboxGuard = doBlock(`
BEGIN
  -- The outbox moved too (when it existed at split-prepare): the source relay must stop here.
  IF to_regclass(${literal(ob)}) IS NOT NULL THEN
    DROP TRIGGER IF EXISTS ${ident(RETIRED_GUARD_TRIGGER)} ON ${ob};
    CREATE TRIGGER ${ident(RETIRED_GUARD_TRIGGER)} BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON ${ob}
      FOR EACH STATEMENT EXECUTE FUNCTION ${fn}(${literal(spec.context)}, ${literal(spec.target_database)});
  END IF;
END`)
  return `${header(`Step: switch context ${spec.context} to database ${spec.target_database}`, [
    'run by split-cutover on the source inside the write pause, after the final catch-up and parity;',
    'the runner then drops the forward subscription and starts the reverse one',
  ])}
-- A statement trigger fires for sessions (legacy code, the compatibility views) but not for the
-- replication apply worker: the source copies stay readable and keep receiving the target's writes.
${guardFunctionSql(spec)}
${guards.join('\n')}
${outboxGuard}
UPDATE ${qualified(spec.meta_schema, HEARTBEAT_TABLE)} SET cutover_at = now() WHERE context = ${literal(spec.context)};
`
}

function cutoverDown(spec: SplitSpec): string {
  const guarded = spec.tables.flatMap((t) => [t.source, ...t.partitions])
  return `${header(`Undo: make the source tables of context ${spec.context} writable again`, ['run by split-cutover\'s rollback after the reverse catch-up and parity, inside the write pause on the target'])}
${guarded.map((r) => `DROP TRIGGER IF EXISTS ${ident(RETIRED_GUARD_TRIGGER)} ON ${qualified(r.schema, r.name)};`).join('\n')}
${doBlock(`
BEGIN
  IF to_regclass(${literal(qualified(spec.outbox.schema, spec.outbox.name))}) IS NOT NULL THEN
    DROP TRIGGER IF EXISTS ${ident(RETIRED_GUARD_TRIGGER)} ON ${qualified(spec.outbox.schema, spec.outbox.name)};
  END IF;
END`)}
UPDATE ${qualified(spec.meta_schema, HEARTBEAT_TABLE)} SET cutover_at = NULL WHERE context = ${literal(spec.context)};
`
}

function cutoverVerify(spec: SplitSpec): string {
  const checks = spec.tables.map(
    (t) => `  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = ${regclass(t.source)} AND tgname = ${literal(RETIRED_GUARD_TRIGGER)}) THEN
    RAISE EXCEPTION 'carve verify: % is not read-only (no guard trigger)', ${literal(`${t.source.schema}.${t.source.name}`)};
  END IF;`,
  )
  return `${header(`Verify: context ${spec.context} is served by database ${spec.target_database}`, ['the runner also checks reverse replication and parity'])}
${doBlock(`BEGIN\n${checks.join('\n')}\nEND`)}
`
}

function regclass(r: Rel): string {
  return `${literal(qualified(r.schema, r.name))}::regclass`
}

function decommissionUp(spec: SplitSpec): string {
  const views = spec.compatibility_views.map(
    (v) => `  IF EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass(${literal(qualified(v.schema, v.name))}) AND relkind = 'v')
     AND obj_description(to_regclass(${literal(qualified(v.schema, v.name))}), 'pg_class') LIKE ${literal(`${COMPAT_VIEW_MARK}%`)} THEN
    DROP VIEW ${qualified(v.schema, v.name)};
  END IF;`,
  )
  const tables = [...spec.tables.map((t) => t.source), spec.outbox]
  const fn = qualified(spec.meta_schema, RETIRED_GUARD_FUNCTION)
  const hb = qualified(spec.meta_schema, HEARTBEAT_TABLE)
  const outboxFn = qualified(spec.schema, OUTBOX_FUNCTION)
  return `${header(`Step: drop the source copy of context ${spec.context} (irreversible)`, ['run by split-decommission on the source after the reverse replication is gone'])}
${views.length ? doBlock(`BEGIN\n${views.join('\n')}\nEND`) : ''}
-- One statement: the tables reference each other.
DROP TABLE IF EXISTS ${tables.map((t) => qualified(t.schema, t.name)).join(', ')};
DROP PUBLICATION IF EXISTS ${ident(spec.sync_publication)};
DROP PUBLICATION IF EXISTS ${ident(spec.publication)};
${doBlock(`
BEGIN
  IF to_regprocedure(${literal(`${fn}()`)}) IS NOT NULL
     AND NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgfoid = to_regprocedure(${literal(`${fn}()`)})) THEN
    DROP FUNCTION ${fn}();
  END IF;
  -- The outbox trigger function stayed in the context's schema; nothing calls it any more.
  IF to_regprocedure(${literal(`${outboxFn}()`)}) IS NOT NULL
     AND NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgfoid = to_regprocedure(${literal(`${outboxFn}()`)})) THEN
    DROP FUNCTION ${outboxFn}();
  END IF;
  IF to_regclass(${literal(hb)}) IS NOT NULL THEN
    DELETE FROM ${hb} WHERE context = ${literal(spec.context)};
    IF NOT EXISTS (SELECT 1 FROM ${hb}) THEN
      DROP TABLE ${hb};
    END IF;
  END IF;
END`)}
`
}

function decommissionVerify(spec: SplitSpec): string {
  const checks = spec.tables.map(
    (t) => `  IF to_regclass(${literal(qualified(t.source.schema, t.source.name))}) IS NOT NULL THEN
    RAISE EXCEPTION 'carve verify: the source copy % still exists', ${literal(`${t.source.schema}.${t.source.name}`)};
  END IF;`,
  )
  return `${header(`Verify: the source copy of context ${spec.context} is gone`)}
${doBlock(`BEGIN\n${checks.join('\n')}\nEND`)}
`
}

function cutoverReadme(ctx: ContextSpec, spec: SplitSpec, size: {rows: number; text: string}, pauseMs: number): string {
  const src = spec.source_database
  const tgt = spec.target_database
  return stepReadme({
    title: `Cut ${code(ctx.name)} over to ${code(tgt)} (level 2 → 3)`,
    what: `Makes ${code(tgt)} the home of ${code(ctx.name)} behind a **bounded write pause** (writes wait; reads never stop):

1. \`LOCK TABLE … IN EXCLUSIVE MODE\` on ${spec.tables.map((t) => code(`${t.source.schema}.${t.source.name}`)).join(', ')} in ${code(src)}, with \`lock_timeout\` — writes queue from here, reads go on.
2. Final catch-up: a heartbeat bumped on the source after the lock must arrive in the target (replication applies in commit order, so every write made before the lock has arrived).
3. Exact parity: every table compared row by row; differences are repaired from the source and compared again (a table without a primary key is compared as a whole and, when it differs, replaced whole — keep such tables small, or give them a key).
4. Sequences in the target are set past the source's values.
5. The switch (\`up.sql\`): a guard trigger makes each source table read-only; the target's triggers carried over disabled (the outbox trigger among them) are enabled.
6. Release. The pause — from the lock request to the release — is measured and reported.
7. ${spec.mode === 'logical-replication' ? `The forward subscription is dropped, and **reverse replication** starts: publication ${code(spec.reverse.publication)} in the target, subscription ${code(spec.reverse.subscription)} in the source (created before the pause, its slot moved to the switch point)` : '**Reverse change capture**: installed on the target tables inside the pause, before the target takes a write; `carve verify` and the rollback drain it into the source copies'}, so every write made in the target after the cut-over also lands in the source copies — which is what makes the rollback lossless.

The compatibility views (${spec.compatibility_views.length ? spec.compatibility_views.map((v) => code(`${v.schema}.${v.name}`)).join(', ') : 'none'}) stay: legacy readers keep reading the source copies, fresh to within the reverse replication lag (milliseconds), until the decommission. Writes through them fail like direct writes. **Before the cut-over, every legacy writer must already go through the owner's API** (the grants step revoked their writes; \`carve verify\` on the grants step shows it), and readers should move to the API or read models during the soak period.`,
    why: 'The owner service gets its own database without a big-bang migration: the switch is a few hundred milliseconds of write pause, and a rollback is available until the decommission.',
    risk: `Writes to these tables wait for the length of the pause. If the lock is not granted within \`lock_timeout\` (\`--lock-timeout-ddl\`), or the pause would exceed its budget (\`maxPauseMs\`, 3000 ms by default; gh-ost aborts after 3 s likewise), the attempt is **aborted before anything is switched** (the lock is released, the source stays writable) and retried with jittered backoff, up to \`--retries\` times. The service must point its writes at ${code(tgt)} right after the cut-over (a connection pooler redirect, as Figma does, makes this atomic). The outbox relay must switch to the target's outbox at the same time (the source outbox is read-only from then on).`,
    lock: `EXCLUSIVE on each source table during the pause (reads continue); SHARE ROW EXCLUSIVE for the guard triggers inside it`,
    duration: `the pause: catch-up (tens of ms under load) + parity of ${size.text} at ~${RATES.parity / 1000}k rows/s ≈ ${roundFigure(pauseMs)} ms estimated; the runner times a rehearsal of the parity before locking and refuses when it cannot fit the pause budget`,
    rollback: `\`carve rollback\` (runner): pauses writes on the target (EXCLUSIVE locks, bounded like the cut-over), waits for the reverse replication to deliver the last writes, compares source and target exactly, makes the source tables writable again (\`down.sql\`), disables the target's carried triggers, drops the reverse replication and recreates the forward subscription from a slot positioned at the switch-back point — zero rows lost in either direction.`,
    extra: `## Runbook

Before: split-sync applied and verified (\`carve verify\` shows lag in milliseconds); legacy writers gone; the owner service ready to switch its connection string; a rollback rehearsed on a copy.

1. \`carve apply --to ${`<this step>`}\` — watch the attempts; each prints its pause.
2. Abort criteria (automatic): lock not granted within \`lock_timeout\`, or a deadlock with a writer (locks are taken table by table; the pause session gives way after 100 ms, not the application); catch-up, parity or switch would exceed the pause budget; parity differences that survive a repair. Each aborts with the source writable and nothing switched; after \`--retries\` failed attempts the step fails and can simply be applied again later (a quieter hour, a larger budget).
3. After: switch the service to ${code(tgt)}; switch the outbox relay; \`carve verify\` (reverse replication streaming, parity); soak for ${spec.soak_days} days, watching who still reads the source copies.
4. Rollback any time before the decommission: \`carve rollback --to <split-sync step>\`.`,
  })
}
