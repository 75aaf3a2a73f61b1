/**
 * The ledger: what has been applied to this database, by whom, from which files — kept in the
 * target database itself (schema `carve` on PostgreSQL, database `carve` on MySQL/MariaDB), so
 * it travels with backups and every operator sees the same truth. Sqitch's registry idea:
 * one row per step with the checksum of the files that ran, plus an append-only event log.
 *
 * A SQL step writes its ledger row inside its own transaction (see sql-step.ts): the change and
 * the record of it commit together or not at all.
 */
import {hostname, userInfo} from 'node:os'

import type {Connection} from '../db/connection.js'
import {dialectOf} from '../db/dialect/index.js'
import type {LedgerSql} from '../db/dialect/types.js'

/** What the ledger records of a step: its id and kind, and the checksum of its files. */
export interface LedgerStep {
  step: {id: string; kind: string}
  checksum: string
}

export const LEDGER_SCHEMA = 'carve'

export type LedgerState = 'applied' | 'failed' | 'rolled-back' | 'in-progress'
export type LedgerEvent = 'apply' | 'verify' | 'rollback' | 'fail' | 'checkpoint'

export interface LedgerRow {
  step: string
  kind: string
  checksum: string
  state: LedgerState
  appliedAt: string | null
  appliedBy: string | null
  durationMs: number | null
  changedAt: string | null
  changedBy: string | null
  checkpoint: unknown
}

export interface LedgerEventRow {
  id: number
  step: string | null
  event: LedgerEvent
  at: string
  by: string
  detail: string | null
}

export class Ledger {
  /** How the ledger's SQL is spelled on this engine (db/dialect/). */
  private readonly sql: LedgerSql
  /**
   * The key rows are stored under. PostgreSQL: the plan name (the ledger lives in the plan's
   * database). MySQL: `carve` is one database per server, so the plan's database is part of it.
   */
  readonly planKey: string
  /** The `by` column, quoted for the engine (a reserved word on both). */
  private readonly byColumn: string
  private byText: string | undefined

  constructor(readonly conn: Connection, readonly planName: string) {
    const dialect = dialectOf(conn)
    this.sql = dialect.ledger
    this.planKey = this.sql.planKey(conn, planName)
    this.byColumn = dialect.quoteIdent('by')
  }

  private q(sql: string): string {
    return this.sql.params(sql)
  }

  private get now(): string {
    return this.sql.now
  }

  private get clock(): string {
    return this.sql.clock
  }

  async exists(): Promise<boolean> {
    return this.sql.exists(this.conn)
  }

  /** Create the ledger when missing. Never called by --dry-run, status or verify. */
  async ensure(): Promise<void> {
    await this.sql.ensure(this.conn)
  }

  /** Who runs this: the database user, plus the OS user and host it runs from. */
  async by(): Promise<string> {
    if (this.byText) return this.byText
    const [row] = await this.conn.query<{u: string}>(this.sql.currentUser)
    let os = 'unknown'
    try {
      os = userInfo().username
    } catch {
      // No passwd entry for this uid (containers): the host still says where it ran from.
    }
    this.byText = `${row?.u ?? '?'} (${os}@${hostname()})`
    return this.byText
  }

  async rows(): Promise<Map<string, LedgerRow>> {
    const rows = await this.conn.query<Record<string, unknown>>(
      this.q(`SELECT step, kind, checksum, state, applied_at, applied_by, duration_ms, changed_at, changed_by, checkpoint FROM carve.ledger_steps WHERE plan = $1 ORDER BY step`),
      [this.planKey],
    )
    return new Map(rows.map((r) => [String(r.step), this.toRow(r)]))
  }

  private toRow(r: Record<string, unknown>): LedgerRow {
    return {
      step: String(r.step),
      kind: String(r.kind),
      checksum: String(r.checksum),
      state: String(r.state) as LedgerState,
      appliedAt: this.time(r.applied_at),
      appliedBy: (r.applied_by as string | null) ?? null,
      durationMs: r.duration_ms === null || r.duration_ms === undefined ? null : Number(r.duration_ms),
      changedAt: this.time(r.changed_at),
      changedBy: (r.changed_by as string | null) ?? null,
      checkpoint: this.json(r.checkpoint),
    }
  }

  private time(value: unknown): string | null {
    if (value === null || value === undefined) return null
    if (value instanceof Date) return value.toISOString()
    // MySQL with dateStrings: 'YYYY-MM-DD hh:mm:ss.fff', written as UTC.
    return `${String(value).replace(' ', 'T')}Z`
  }

  private json(value: unknown): unknown {
    return this.sql.json(value)
  }

  async events(limit = 200): Promise<LedgerEventRow[]> {
    const rows = await this.conn.query<Record<string, unknown>>(
      this.q(`SELECT id, step, event, at, ${this.byColumn} AS by_, detail FROM carve.ledger_events WHERE plan = $1 ORDER BY id DESC LIMIT ${Math.max(1, Math.floor(limit))}`),
      [this.planKey],
    )
    return rows
      .map((r) => ({id: Number(r.id), step: (r.step as string | null) ?? null, event: String(r.event) as LedgerEvent, at: this.time(r.at) ?? '', by: String(r.by_), detail: (r.detail as string | null) ?? null}))
      .reverse()
  }

  async event(step: string | null, event: LedgerEvent, detail: string | null): Promise<void> {
    await this.conn.query(
      this.q(`INSERT INTO carve.ledger_events (plan, step, event, at, ${this.byColumn}, detail) VALUES ($1, $2, $3, ${this.clock}, $4, $5)`),
      [this.planKey, step, event, await this.by(), detail],
    )
  }

  private upsert(set: string[]): string {
    return this.sql.upsert(set)
  }

  /** The step is applied: row + `apply` event (inside the step's transaction when it has one). */
  async markApplied(s: LedgerStep, durationMs: number, detail: string): Promise<void> {
    const by = await this.by()
    await this.conn.query(
      this.q(
        `INSERT INTO carve.ledger_steps (plan, step, kind, checksum, state, applied_at, applied_by, duration_ms, changed_at, changed_by, checkpoint)
         VALUES ($1, $2, $3, $4, 'applied', ${this.now}, $5, $6, ${this.now}, $7, NULL)
         ${this.upsert(['kind', 'checksum', 'state', 'applied_at', 'applied_by', 'duration_ms', 'changed_at', 'changed_by', 'checkpoint'])}`,
      ),
      [this.planKey, s.step.id, s.step.kind, s.checksum, by, Math.round(durationMs), by],
    )
    await this.event(s.step.id, 'apply', detail)
  }

  /** The step failed and left nothing behind (its transaction rolled back, or down.sql cleaned up). */
  async markFailed(s: LedgerStep, reason: string): Promise<void> {
    const by = await this.by()
    await this.conn.query(
      this.q(
        `INSERT INTO carve.ledger_steps (plan, step, kind, checksum, state, changed_at, changed_by)
         VALUES ($1, $2, $3, $4, 'failed', ${this.now}, $5)
         ${this.upsert(['kind', 'checksum', 'state', 'changed_at', 'changed_by'])}`,
      ),
      [this.planKey, s.step.id, s.step.kind, s.checksum, by],
    )
    await this.event(s.step.id, 'fail', reason)
  }

  async markRolledBack(s: LedgerStep, durationMs: number): Promise<void> {
    const by = await this.by()
    await this.conn.query(
      this.q(`UPDATE carve.ledger_steps SET state = 'rolled-back', changed_at = ${this.now}, changed_by = $1, checkpoint = NULL WHERE plan = $2 AND step = $3`),
      [by, this.planKey, s.step.id],
    )
    await this.event(s.step.id, 'rollback', `rolled back in ${Math.round(durationMs)} ms`)
  }

  async loadCheckpoint<T>(stepId: string): Promise<T | null> {
    const [row] = await this.conn.query<{checkpoint: unknown}>(this.q('SELECT checkpoint FROM carve.ledger_steps WHERE plan = $1 AND step = $2'), [this.planKey, stepId])
    return (this.json(row?.checkpoint) as T | null) ?? null
  }

  /** A runner's progress; the row says in-progress until the step completes. */
  async saveCheckpoint(s: LedgerStep, state: unknown): Promise<void> {
    const by = await this.by()
    await this.conn.query(
      this.q(
        `INSERT INTO carve.ledger_steps (plan, step, kind, checksum, state, changed_at, changed_by, checkpoint)
         VALUES ($1, $2, $3, $4, 'in-progress', ${this.now}, $5, $6::jsonb)
         ${this.upsert(['kind', 'checksum', 'state', 'changed_at', 'changed_by', 'checkpoint'])}`,
      ),
      [this.planKey, s.step.id, s.step.kind, s.checksum, by, JSON.stringify(state ?? null)],
    )
  }
}
