/**
 * What a simulated worker holds while it runs: its connection, its random stream, the id pools
 * of the seeded database, and the few SQL fragments that differ between PostgreSQL and MariaDB.
 */
import type {Db} from './db.js'
import type {Pools} from './pools.js'
import {Rng} from './rng.js'

export type Unit = 'minute' | 'hour' | 'day' | 'month'

/** SQL that differs between the two engines; everything else is written once. */
export class Dialect {
  constructor(readonly pg: boolean) {}

  /** An interval literal: `interval '30 days'` / `INTERVAL 30 DAY`. */
  iv(n: number, unit: Unit): string {
    return this.pg ? `interval '${n} ${unit}${n === 1 ? '' : 's'}'` : `INTERVAL ${n} ${unit.toUpperCase()}`
  }

  /** A date expression moved by whole days. */
  days(expr: string, n: number): string {
    if (this.pg) return n < 0 ? `${expr} - ${-n}` : `${expr} + ${n}`
    return n < 0 ? `${expr} - INTERVAL ${-n} DAY` : `${expr} + INTERVAL ${n} DAY`
  }

  /** The first moment of the current month. */
  get monthStart(): string {
    return this.pg ? `date_trunc('month', now())` : `DATE_FORMAT(now(), '%Y-%m-01')`
  }

  /** A column name that MariaDB reserves. */
  ident(name: string): string {
    return this.pg ? name : `\`${name}\``
  }

  /** INSERT that skips a row whose key exists: ON CONFLICT … DO NOTHING / INSERT IGNORE. */
  insertIgnore(table: string, columns: string, values: string, conflict: string): string {
    return this.pg
      ? `INSERT INTO ${table} (${columns})\nVALUES ${values}\nON CONFLICT (${conflict}) DO NOTHING`
      : `INSERT IGNORE INTO ${table} (${columns})\nVALUES ${values}`
  }

  /** INSERT that updates `set` columns of an existing row: ON CONFLICT … DO UPDATE / ON DUPLICATE KEY UPDATE. */
  upsert(table: string, columns: string, values: string, conflict: string, set: string[]): string {
    return this.pg
      ? `INSERT INTO ${table} (${columns})\nVALUES ${values}\nON CONFLICT (${conflict}) DO UPDATE SET ${set.map((c) => `${c} = EXCLUDED.${c}`).join(', ')}`
      : `INSERT INTO ${table} (${columns})\nVALUES ${values}\nON DUPLICATE KEY UPDATE ${set.map((c) => `${c} = VALUES(${c})`).join(', ')}`
  }
}

/** Walks a list in order, wrapping around: each call gives the next row (no repeats before a full lap). */
export class Cursor<T> {
  private i = 0
  constructor(private readonly items: readonly T[], start = 0) {
    if (items.length === 0) throw new Error('Cursor over an empty pool')
    this.i = start % items.length
  }

  next(): T {
    const item = this.items[this.i]!
    this.i = (this.i + 1) % this.items.length
    return item
  }
}

export class Ctx {
  readonly rng: Rng
  readonly d: Dialect
  private counter = 0
  private cursors = new Map<string, Cursor<unknown>>()

  constructor(
    readonly db: Db,
    readonly pools: Pools,
    readonly service: string,
    readonly worker: number,
    /** Short code used in generated keys (order numbers, e-mails …). */
    readonly code: string,
    /** How many iterations this worker runs (scheduled one-off jobs are placed by fraction). */
    readonly iterations: number,
  ) {
    this.rng = new Rng(`${service}#${worker}`)
    this.d = new Dialect(db.pg)
  }

  get pg(): boolean {
    return this.db.pg
  }

  /** The iteration at `fraction` of the run: where a one-off job (a purge, a cron load) happens. */
  at(fraction: number): number {
    return Math.floor(this.iterations * fraction)
  }

  /** A key part no other worker produces: service code, worker, a running number. */
  uniq(): string {
    this.counter++
    return `${this.code}${this.worker}${this.counter.toString(36).padStart(4, '0')}`
  }

  private memos = new Map<string, unknown>()

  /** A value computed once per worker (slices of the pools). */
  memo<T>(name: string, make: () => T): T {
    if (!this.memos.has(name)) this.memos.set(name, make())
    return this.memos.get(name) as T
  }

  /** A named cursor over a pool, created on first use; starts at a random place in the list. */
  cursor<T>(name: string, items: readonly T[]): Cursor<T> {
    let c = this.cursors.get(name) as Cursor<T> | undefined
    if (!c) {
      c = new Cursor(items, this.rng.int(0, Math.max(0, items.length - 1)))
      this.cursors.set(name, c as Cursor<unknown>)
    }
    return c
  }
}
