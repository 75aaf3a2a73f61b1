/**
 * One service connection, PostgreSQL (node-postgres) or MariaDB (mysql2), behind the few calls the
 * simulated services make. Statements are written once with `?` placeholders; PostgreSQL gets
 * them renumbered to `$1, $2 …`.
 *
 *   q(sql, params)   a parameterized statement: the pg extended protocol (logged as
 *                    `execute <unnamed>:` with `DETAIL: parameters:`), or on MariaDB a server-side
 *                    prepared statement (Prepare + Execute) or client-side interpolation (Query)
 *   lit(sql)         literal SQL sent as a simple query
 *   insertId(…)      an INSERT that hands back the new id (RETURNING on PostgreSQL, the OK
 *                    packet's insert id on MariaDB)
 *
 * Any error aborts the simulation with the service, the statement and its parameters.
 */
import mysql from 'mysql2/promise'
import pg from 'pg'

export type Dialect = 'postgres' | 'mysql'
export type Row = Record<string, unknown>
export type Id = number | string
export type Param = string | number | boolean | null

export class SimulationError extends Error {}

export interface DbIdentity {
  service: string
  worker: number
  user: string
  password: string
  /** PostgreSQL application_name; undefined sends none. */
  application?: string
  /** sqlcommenter `application` value appended to every statement (a framework that tags queries). */
  tagApplication?: string
  /** MariaDB: server-side prepared statements, or client-side interpolation into plain queries. */
  mysqlParams?: 'prepared' | 'interpolated'
}

/** `?` → `$1, $2 …` (the statements never carry `?` in literals or comments). */
export function numberPlaceholders(sql: string): string {
  let n = 0
  return sql.replace(/\?/g, () => `$${++n}`)
}

export abstract class Db {
  /**
   * Statements sent, by how they appear in the log: `prepared` = PostgreSQL extended protocol
   * (`execute <unnamed>:`) or a MariaDB prepared statement (`Execute`); `simple` = a plain query
   * (`statement:` / `Query`), literal SQL, transaction control, or client-side interpolation.
   */
  readonly counts = {prepared: 0, simple: 0}
  /** sqlcommenter route of the current request (tagged connections only). */
  route = '/'

  constructor(readonly dialect: Dialect, readonly who: DbIdentity) {}

  get pg(): boolean {
    return this.dialect === 'postgres'
  }

  get label(): string {
    return `${this.who.service}#${this.who.worker} (${this.dialect}, user ${this.who.user})`
  }

  get statements(): number {
    return this.counts.prepared + this.counts.simple
  }

  /** The sqlcommenter comment, keys sorted and values URL-encoded as the spec says. */
  protected tag(sql: string): string {
    if (!this.who.tagApplication) return sql
    const pairs: [string, string][] = [
      ['application', this.who.tagApplication],
      ['framework', 'express:4.21.2'],
      ['route', this.route],
    ]
    const comment = pairs.map(([k, v]) => `${k}='${encodeURIComponent(v)}'`).join(',')
    return `${sql} /*${comment}*/`
  }

  protected fail(error: unknown, sql: string, params?: Param[]): never {
    const message = error instanceof Error ? error.message : String(error)
    const shown = params && params.length ? `\n  parameters: ${JSON.stringify(params)}` : ''
    throw new SimulationError(`${this.label}: ${message}\n  statement: ${sql.replace(/\s+/g, ' ').trim()}${shown}`)
  }

  abstract q(sql: string, params?: Param[]): Promise<Row[]>
  abstract lit(sql: string): Promise<Row[]>
  abstract insertId(sql: string, params: Param[]): Promise<Id>
  abstract close(): Promise<void>

  begin(): Promise<Row[]> {
    return this.lit(this.pg ? 'BEGIN' : 'START TRANSACTION')
  }

  commit(): Promise<Row[]> {
    return this.lit('COMMIT')
  }

  rollback(): Promise<Row[]> {
    return this.lit('ROLLBACK')
  }
}

export class PgDb extends Db {
  private constructor(private readonly client: pg.Client, who: DbIdentity) {
    super('postgres', who)
  }

  static async connect(config: {host: string; port: number; database: string}, who: DbIdentity): Promise<PgDb> {
    const client = new pg.Client({
      host: config.host,
      port: config.port,
      database: config.database,
      user: who.user,
      password: who.password,
      ...(who.application !== undefined ? {application_name: who.application} : {}),
    })
    client.on('error', () => {
      // A dropped connection surfaces as a failed query; nothing to do here.
    })
    await client.connect()
    return new PgDb(client, who)
  }

  async q(sql: string, params: Param[] = []): Promise<Row[]> {
    const text = this.tag(numberPlaceholders(sql))
    // node-postgres sends a statement without parameters as a simple query.
    if (params.length) this.counts.prepared++
    else this.counts.simple++
    try {
      return (await this.client.query({text, values: params})).rows as Row[]
    } catch (error) {
      this.fail(error, text, params)
    }
  }

  async lit(sql: string): Promise<Row[]> {
    const text = this.tag(sql)
    this.counts.simple++
    try {
      return (await this.client.query(text)).rows as Row[]
    } catch (error) {
      this.fail(error, text)
    }
  }

  async insertId(sql: string, params: Param[]): Promise<Id> {
    const rows = await this.q(`${sql}\nRETURNING id`, params)
    const id = rows[0]?.id
    if (typeof id !== 'number' && typeof id !== 'string') this.fail(new Error('INSERT … RETURNING id returned no id'), sql, params)
    return id
  }

  async close(): Promise<void> {
    await this.client.end()
  }
}

export class MysqlDb extends Db {
  private constructor(private readonly conn: mysql.Connection, who: DbIdentity) {
    super('mysql', who)
  }

  static async connect(config: {host: string; port: number; database: string}, who: DbIdentity): Promise<MysqlDb> {
    const conn = await mysql.createConnection({host: config.host, port: config.port, database: config.database, user: who.user, password: who.password})
    conn.on('error', () => {
      // surfaces as a failed query
    })
    return new MysqlDb(conn, who)
  }

  get threadId(): number {
    return this.conn.threadId
  }

  private async run(sql: string, params: Param[] | undefined): Promise<unknown> {
    if (params === undefined) return (await this.conn.query(sql))[0]
    if (this.who.mysqlParams === 'interpolated') return (await this.conn.query(sql, params))[0]
    return (await this.conn.execute(sql, params))[0]
  }

  private count(params: Param[] | undefined): void {
    if (params !== undefined && this.who.mysqlParams !== 'interpolated') this.counts.prepared++
    else this.counts.simple++
  }

  async q(sql: string, params: Param[] = []): Promise<Row[]> {
    const text = this.tag(sql)
    this.count(params)
    try {
      const result = await this.run(text, params)
      return Array.isArray(result) ? (result as Row[]) : []
    } catch (error) {
      this.fail(error, text, params)
    }
  }

  async lit(sql: string): Promise<Row[]> {
    const text = this.tag(sql)
    this.count(undefined)
    try {
      const result = await this.run(text, undefined)
      return Array.isArray(result) ? (result as Row[]) : []
    } catch (error) {
      this.fail(error, text)
    }
  }

  async insertId(sql: string, params: Param[]): Promise<Id> {
    const text = this.tag(sql)
    this.count(params)
    try {
      const result = (await this.run(text, params)) as {insertId?: number}
      if (!result || typeof result.insertId !== 'number' || result.insertId === 0) throw new Error('the INSERT returned no insert id')
      return result.insertId
    } catch (error) {
      this.fail(error, text, params)
    }
  }

  async close(): Promise<void> {
    await this.conn.end()
  }
}
