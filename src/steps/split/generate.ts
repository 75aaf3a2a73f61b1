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
 * the runners in src/steps/split-<kind>/runner.ts, which read the `spec` written here. Connection
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

import type {ContextSpec, PlanInput} from '../../plan/context.js'
import {doBlock, qualified} from '../../plan/quote.js'
import {code, duration, header, roundFigure, sizeOf, stepReadme} from '../common.js'
import type {StepDraft} from '../draft.js'

import {type SplitOptions, RATES, type SplitSpec, type SplitCopySpec, splitTables, splitSpec} from './spec.js'
import {targetSql} from './target.js'
import {prepareUp, prepareDown, prepareVerify, syncUp, syncDown, syncVerify, cutoverUp, cutoverDown, cutoverVerify, decommissionUp, decommissionVerify} from './sql.js'

export * from './spec.js'
export {portableDefault} from './target.js'
export {guardFunctionSql, guardTriggerSql} from './sql.js'

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
    readme: stepReadme('split-prepare', {
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
    readme: stepReadme('split-copy', {
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
    readme: stepReadme('split-sync', {
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
    readme: stepReadme('split-decommission', {
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

function cutoverReadme(ctx: ContextSpec, spec: SplitSpec, size: {rows: number; text: string}, pauseMs: number): string {
  const src = spec.source_database
  const tgt = spec.target_database
  return stepReadme('split-cutover', {
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
