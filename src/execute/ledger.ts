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
import type {LoadedStep} from './plan-files.js'

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

const PG_DDL = `
CREATE SCHEMA IF NOT EXISTS carve;
CREATE TABLE IF NOT EXISTS carve.ledger_steps (
  plan text NOT NULL,
  step text NOT NULL,
  kind text NOT NULL,
  checksum text NOT NULL,
  state text NOT NULL CHECK (state IN ('applied', 'failed', 'rolled-back', 'in-progress')),
  applied_at timestamptz,
  applied_by text,
  duration_ms bigint,
  changed_at timestamptz NOT NULL,
  changed_by text NOT NULL,
  checkpoint jsonb,
  PRIMARY KEY (plan, step)
);
CREATE TABLE IF NOT EXISTS carve.ledger_events (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  plan text NOT NULL,
  step text,
  event text NOT NULL CHECK (event IN ('apply', 'verify', 'rollback', 'fail', 'checkpoint')),
  at timestamptz NOT NULL DEFAULT clock_timestamp(),
  "by" text NOT NULL,
  detail text
);
CREATE INDEX IF NOT EXISTS ledger_events_plan ON carve.ledger_events (plan, id);
`

const MYSQL_DDL = [
  'CREATE DATABASE IF NOT EXISTS carve',
  `CREATE TABLE IF NOT EXISTS carve.ledger_steps (
  plan varchar(255) NOT NULL,
  step varchar(255) NOT NULL,
  kind varchar(64) NOT NULL,
  checksum char(64) NOT NULL,
  state varchar(16) NOT NULL,
  applied_at datetime(3) NULL,
  applied_by varchar(512) NULL,
  duration_ms bigint NULL,
  changed_at datetime(3) NOT NULL,
  changed_by varchar(512) NOT NULL,
  checkpoint longtext NULL,
  PRIMARY KEY (plan, step)
)`,
  `CREATE TABLE IF NOT EXISTS carve.ledger_events (
  id bigint NOT NULL AUTO_INCREMENT PRIMARY KEY,
  plan varchar(255) NOT NULL,
  step varchar(255) NULL,
  event varchar(16) NOT NULL,
  at datetime(3) NOT NULL,
  \`by\` varchar(512) NOT NULL,
  detail text NULL,
  KEY ledger_events_plan (plan, id)
)`,
]

/** Serialises ledger creation between runs of different plans (a transaction-level lock). */
const PG_LEDGER_DDL_LOCK = 7_215_061_524_012_371n

export class Ledger {
  readonly pg: boolean
  /**
   * The key rows are stored under. PostgreSQL: the plan name (the ledger lives in the plan's
   * database). MySQL: `carve` is one database per server, so the plan's database is part of it.
   */
  readonly planKey: string
  private byText: string | undefined

  constructor(readonly conn: Connection, readonly planName: string) {
    this.pg = conn.engine === 'postgres'
    this.planKey = this.pg ? planName : `${conn.database}/${planName}`
  }

  /** $n placeholders (each used once, in order) → ? on MySQL. */
  private q(sql: string): string {
    return this.pg ? sql : sql.replace(/\$\d+(::jsonb)?/g, '?')
  }

  private get now(): string {
    return this.pg ? 'now()' : 'UTC_TIMESTAMP(3)'
  }

  private get clock(): string {
    return this.pg ? 'clock_timestamp()' : 'UTC_TIMESTAMP(3)'
  }

  async exists(): Promise<boolean> {
    if (this.pg) {
      const [row] = await this.conn.query<{ok: boolean}>(`SELECT to_regclass('carve.ledger_steps') IS NOT NULL AND to_regclass('carve.ledger_events') IS NOT NULL AS ok`)
      return Boolean(row?.ok)
    }
    const [row] = await this.conn.query<{n: number}>(
      `SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = 'carve' AND table_name IN ('ledger_steps', 'ledger_events')`,
    )
    return Number(row?.n) === 2
  }

  /** Create the ledger when missing. Never called by --dry-run, status or verify. */
  async ensure(): Promise<void> {
    if (this.pg) {
      if (await this.exists()) return
      await this.conn.query('BEGIN')
      try {
        await this.conn.query(`SELECT pg_advisory_xact_lock(${PG_LEDGER_DDL_LOCK})`)
        await this.conn.exec(PG_DDL)
        await this.conn.query('COMMIT')
      } catch (error) {
        await this.conn.query('ROLLBACK').catch(() => {})
        throw error
      }
      return
    }
    for (const statement of MYSQL_DDL) await this.conn.query(statement)
  }

  /** Who runs this: the database user, plus the OS user and host it runs from. */
  async by(): Promise<string> {
    if (this.byText) return this.byText
    const [row] = await this.conn.query<{u: string}>(this.pg ? 'SELECT current_user AS u' : 'SELECT CURRENT_USER() AS u')
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
    if (value === null || value === undefined) return null
    if (typeof value === 'string' && !this.pg) return JSON.parse(value)
    return value
  }

  async events(limit = 200): Promise<LedgerEventRow[]> {
    const rows = await this.conn.query<Record<string, unknown>>(
      this.q(`SELECT id, step, event, at, ${this.pg ? '"by"' : '`by`'} AS by_, detail FROM carve.ledger_events WHERE plan = $1 ORDER BY id DESC LIMIT ${Math.max(1, Math.floor(limit))}`),
      [this.planKey],
    )
    return rows
      .map((r) => ({id: Number(r.id), step: (r.step as string | null) ?? null, event: String(r.event) as LedgerEvent, at: this.time(r.at) ?? '', by: String(r.by_), detail: (r.detail as string | null) ?? null}))
      .reverse()
  }

  async event(step: string | null, event: LedgerEvent, detail: string | null): Promise<void> {
    await this.conn.query(
      this.q(`INSERT INTO carve.ledger_events (plan, step, event, at, ${this.pg ? '"by"' : '`by`'}, detail) VALUES ($1, $2, $3, ${this.clock}, $4, $5)`),
      [this.planKey, step, event, await this.by(), detail],
    )
  }

  private upsert(set: string[]): string {
    if (this.pg) return `ON CONFLICT (plan, step) DO UPDATE SET ${set.map((c) => `${c} = EXCLUDED.${c}`).join(', ')}`
    return `ON DUPLICATE KEY UPDATE ${set.map((c) => `${c} = VALUES(${c})`).join(', ')}`
  }

  /** The step is applied: row + `apply` event (inside the step's transaction when it has one). */
  async markApplied(s: LoadedStep, durationMs: number, detail: string): Promise<void> {
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
  async markFailed(s: LoadedStep, reason: string): Promise<void> {
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

  async markRolledBack(s: LoadedStep, durationMs: number): Promise<void> {
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
  async saveCheckpoint(s: LoadedStep, state: unknown): Promise<void> {
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
