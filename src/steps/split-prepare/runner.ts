/**
 * split-prepare: the target database and its schema, the publication (or change capture) on the
 * source, and — before a single row is copied — the replication slot, so every write made during
 * the copy is kept for split-sync. See src/steps/split/generate.ts for the whole sequence.
 */
import {CarveError} from '../../errors.js'
import type {PlanStep} from '../../plan/model.js'
import {ident, qualified} from '../../plan/quote.js'
import {backfillTable, type BackfillCheckpoint} from '../../execute/backfill.js'
import {captureInstalled, installCapture, removeCapture} from '../../execute/change-capture.js'
import type {RunContext, StepProgram} from '../../execute/runner.js'
import {conninfoFor, createDatabaseLike, createSlot, createSubscription, databaseExists, dropDatabase, dropSlot, dropSubscription, fileOf, OUTBOX_COLUMNS, publicationExists, publishedTables, relationExists, requireLogical, requireServer, slotState, splitSpecOf, subscriptionState} from '../../execute/replication.js'
import {runScript} from '../../execute/lock-retry.js'
import {carryTriggers} from '../../execute/split-carry.js'

interface PrepareCheckpoint {
  slotLsn: string | null
  carried: string[]
  skipped: string[]
  outbox: boolean
}

export const splitPrepareRunner: StepProgram = {
  async apply(ctx: RunContext, step: PlanStep): Promise<void> {
    const spec = splitSpecOf(step)
    const source = ctx.conn
    if (spec.mode === 'logical-replication') await requireLogical(source)
    else requireServer(source)
    if (spec.mode === 'change-capture') {
      const keyless = spec.tables.filter((t) => !t.key.length)
      if (keyless.length) {
        throw new CarveError('split.no-key', `change capture needs a primary key; ${keyless.map((t) => `${t.source.schema}.${t.source.name}`).join(', ')} ${keyless.length === 1 ? 'has' : 'have'} none`, {
          hint: 'add a primary key first, or split with logical replication (wal_level=logical)',
        })
      }
    }
    const saved = (await ctx.loadCheckpoint<PrepareCheckpoint>()) ?? {slotLsn: null, carried: [], skipped: [], outbox: false}

    if (!(await databaseExists(source, spec.target_database))) {
      await createDatabaseLike(source, spec.target_database)
      ctx.emit({phase: 'apply', message: `database ${spec.target_database} created`})
    }
    const target = await ctx.connectDatabase(spec.target_database)
    const first = spec.tables[0]
    if (first && !(await relationExists(target, first.target))) {
      // One transaction: a kill leaves either the whole schema or none of it.
      await runScript(target, fileOf(ctx.files, 'target', step), ctx.options)
      ctx.emit({phase: 'apply', message: `schema ${spec.schema} with ${spec.tables.length} table${spec.tables.length === 1 ? '' : 's'} created in ${spec.target_database}`})
    }
    const lock = {lockTimeoutMs: ctx.options.lockTimeoutMs, lockRetries: ctx.options.lockRetries, signal: ctx.signal}
    const prepared = spec.mode === 'logical-replication' ? await publicationExists(source, spec.publication) : first ? await captureInstalled(source, first.source) : true
    if (!prepared) {
      await runScript(source, fileOf(ctx.files, 'up', step), lock)
      ctx.emit({phase: 'apply', message: spec.mode === 'logical-replication' ? `publications ${spec.publication}, ${spec.sync_publication} created` : 'change capture installed on the source tables'})
    }

    // The outbox moves with the context when it exists (it is created by a later-level step).
    const outbox = await relationExists(source, spec.outbox)
    if (outbox) {
      if (!(await relationExists(target, spec.outbox))) await runScript(target, fileOf(ctx.files, 'target-outbox', step), lock)
      if (spec.mode === 'logical-replication') {
        const published = await publishedTables(source, spec.sync_publication)
        if (!published.some((r) => r.schema === spec.outbox.schema && r.name === spec.outbox.name)) {
          await runScript(source, `ALTER PUBLICATION ${ident(spec.sync_publication)} ADD TABLE ${qualified(spec.outbox.schema, spec.outbox.name)}`, lock)
        }
      } else if (!(await captureInstalled(source, spec.outbox))) {
        // Capture first, then copy: an event written in between is in both, and the drain's upsert is idempotent.
        const table = {source: spec.outbox, target: spec.outbox, key: ['id'], columns: [...OUTBOX_COLUMNS]}
        await runScript(source, installCapture(table), lock)
        let cp: BackfillCheckpoint | null = null
        await backfillTable(source, target, table, {load: async () => cp, save: async (c) => void (cp = c)}, {
          batchSize: ctx.options.batchSize,
          maxBatchSize: ctx.options.maxBatchSize,
          batchTargetMs: ctx.options.batchTargetMs,
        })
      }
    }

    const triggers = await carryTriggers(source, target, [...spec.tables, ...(outbox ? [{source: spec.outbox, target: spec.outbox}] : [])])
    if (triggers.carried.length) ctx.emit({phase: 'apply', message: `${triggers.carried.length} trigger${triggers.carried.length === 1 ? '' : 's'} carried to the target, disabled until the cut-over: ${triggers.carried.join(', ')}`})
    if (triggers.skipped.length) ctx.emit({phase: 'info', message: `not carried (they feed another context or name a table the target lacks): ${triggers.skipped.join(', ')}`})

    let slotLsn = saved.slotLsn
    if (spec.mode === 'logical-replication') {
      // The slot before the copy: from here on, the source keeps every change for the target.
      const created = await createSlot(source, spec.slot)
      if (created) {
        slotLsn = created
        ctx.emit({phase: 'apply', message: `replication slot ${spec.slot} created at ${created}`})
      }
      await createSubscription(target, {
        name: spec.subscription,
        conninfo: await conninfoFor(source, spec.source_database),
        publications: [spec.publication],
        slot: spec.slot,
        enabled: false,
      })
    }
    await ctx.saveCheckpoint({slotLsn, carried: [...new Set([...saved.carried, ...triggers.carried])], skipped: triggers.skipped, outbox} satisfies PrepareCheckpoint)
  },

  async verify(ctx: RunContext, step: PlanStep): Promise<void> {
    const spec = splitSpecOf(step)
    const source = ctx.conn
    requireServer(source)
    if (!(await databaseExists(source, spec.target_database))) throw new CarveError('verify.split', `database ${spec.target_database} does not exist`)
    const target = await ctx.connectDatabase(spec.target_database)
    for (const t of spec.tables) {
      if (!(await relationExists(target, t.target))) throw new CarveError('verify.split', `${t.target.schema}.${t.target.name} is missing in ${spec.target_database}`)
    }
    const sourceGone = spec.tables.length > 0 && !(await relationExists(source, spec.tables[0]!.source))
    if (sourceGone) return // decommissioned: the source side is meant to be gone
    if (spec.mode === 'change-capture') {
      for (const t of spec.tables) if (!(await captureInstalled(source, t.source))) throw new CarveError('verify.split', `change capture is not installed on ${t.source.schema}.${t.source.name}`)
      return
    }
    await source.exec(fileOf(ctx.files, 'verify', step))
    // Before the cut-over the forward slot and subscription exist; after it, the reverse ones replace them.
    const forward = await subscriptionState(target, spec.subscription)
    const reverse = await subscriptionState(source, spec.reverse.subscription)
    if (!forward.exists && !reverse.exists) throw new CarveError('verify.split', `neither subscription ${spec.subscription} (in ${spec.target_database}) nor ${spec.reverse.subscription} (in ${spec.source_database}) exists`)
    if (forward.exists && !(await slotState(source, spec.slot)).exists) throw new CarveError('verify.split', `replication slot ${spec.slot} is missing on the source`)
  },

  async rollback(ctx: RunContext, step: PlanStep): Promise<void> {
    const spec = splitSpecOf(step)
    const source = ctx.conn
    requireServer(source)
    if (await databaseExists(source, spec.target_database)) {
      const target = await ctx.connectDatabase(spec.target_database)
      // The subscription first (it terminates its connection to the source), then its slot.
      await dropSubscription(target, spec.subscription)
      await dropSubscription(source, spec.reverse.subscription)
      await dropSlot(target, spec.reverse.slot).catch(() => {})
      // DROP DATABASE … WITH (FORCE) below ends this session too.
    } else {
      await dropSubscription(source, spec.reverse.subscription)
    }
    await dropSlot(source, spec.slot)
    await dropDatabase(source, spec.target_database)
    const lock = {lockTimeoutMs: ctx.options.lockTimeoutMs, lockRetries: ctx.options.lockRetries, signal: ctx.signal}
    if (await relationExists(source, spec.outbox)) {
      if (spec.mode === 'logical-replication') {
        if (await publicationExists(source, spec.sync_publication)) {
          const published = await publishedTables(source, spec.sync_publication)
          if (published.some((r) => r.schema === spec.outbox.schema && r.name === spec.outbox.name)) {
            await runScript(source, `ALTER PUBLICATION ${ident(spec.sync_publication)} DROP TABLE ${qualified(spec.outbox.schema, spec.outbox.name)}`, lock)
          }
        }
      } else {
        await runScript(source, removeCapture({source: spec.outbox}), lock)
      }
    }
    await runScript(source, fileOf(ctx.files, 'down', step), lock)
    ctx.emit({phase: 'rollback', message: `database ${spec.target_database}, its subscription, the slot and the publications are gone`})
  },

  describe(step: PlanStep, files: Partial<Record<string, string>>): string {
    const spec = splitSpecOf(step)
    return `-- on the server: CREATE DATABASE ${ident(spec.target_database)} (same encoding and collation as ${spec.source_database})
-- in ${spec.target_database}: target.sql
${(files.target ?? '').trim()}
-- on the source: up.sql
${(files.up ?? '').trim()}
${spec.mode === 'logical-replication'
  ? `-- on the source: SELECT pg_create_logical_replication_slot(${spec.slot}, 'pgoutput');
-- in ${spec.target_database}: CREATE SUBSCRIPTION ${ident(spec.subscription)} CONNECTION '<built at run time>' PUBLICATION ${ident(spec.publication)}
--   WITH (create_slot = false, slot_name = ${spec.slot}, copy_data = false, enabled = false);`
  : '-- change capture: queue triggers on the source tables (in up.sql)'}
-- triggers of the tables carried to the target, disabled until the cut-over`
  },
}
