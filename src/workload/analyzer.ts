/**
 * Statement → analysis, cached by the statement's masked text (literals replaced, see mask.ts)
 * so each distinct statement shape is parsed once. Memory grows with distinct statements,
 * never with log size.
 *
 * Statements are grouped under a fingerprint: for PostgreSQL one of the parse tree, keeping
 * pg_query's equivalences (pg-fingerprint.ts), for MySQL a hash of the masked text — plus the
 * tables the statement touches. A shape fingerprint ignores aliases (`select * from orders o` and
 * `select * from users o` differ only by the table, which the hash of tables keeps apart), so it
 * alone must never decide which tables a statement reads or writes.
 */
import {createHash} from 'node:crypto'

import {analyzePgShape, initPgParser} from './analyze-pg.js'
import type {Dialect} from './mask.js'
import type {StatementInfo} from './statement.js'

export type Analysis = {fingerprint: string; infos: StatementInfo[]; error?: undefined} | {fingerprint: string; infos?: undefined; error: string}

type MysqlAnalyzer = (sql: string, flavor: 'mysql' | 'mariadb') => StatementInfo[]

const hash = (text: string, length = 16) => createHash('sha1').update(text).digest('hex').slice(0, length)

export class StatementAnalyzer {
  private byKey = new Map<string, Analysis>()
  private fingerprints = new Set<string>()
  parses = 0

  private constructor(readonly dialect: Dialect, private readonly flavor: 'mysql' | 'mariadb', private readonly analyzeMysql?: MysqlAnalyzer) {}

  static async create(dialect: Dialect, flavor: 'mysql' | 'mariadb' = 'mariadb'): Promise<StatementAnalyzer> {
    if (dialect === 'postgres') {
      await initPgParser()
      return new StatementAnalyzer(dialect, flavor)
    }
    // Loaded only for MySQL logs: node-sql-parser takes ~0.3 s to import.
    const {analyzeMysql} = await import('./analyze-mysql.js')
    return new StatementAnalyzer(dialect, flavor, analyzeMysql)
  }

  /** `key` is the masked text (see mask.ts): statements that differ only in literals share it. */
  analyze(sql: string, key: string): Analysis {
    const cached = this.byKey.get(key)
    if (cached) return cached
    this.parses++
    let analysis: Analysis
    try {
      // PostgreSQL: one parse gives the analysis and the shape's fingerprint.
      const {infos, fingerprint} = this.dialect === 'postgres' ? analyzePgShape(sql) : {infos: this.analyzeMysql!(sql, this.flavor), fingerprint: hash(key)}
      const tables = infos.map((i) => [i.kind, i.reads.join(','), i.writes.join(','), i.locks.join(','), i.ddl.join(','), ...(i.maintenance.length ? [i.maintenance.join(',')] : [])].join('|')).join(';')
      analysis = {fingerprint: `${fingerprint}-${hash(tables, 8)}`, infos}
    } catch (error) {
      // Unparseable: a hash of the masked text, so it is still counted once.
      analysis = {fingerprint: hash(key), error: (error as Error).message.split('\n')[0]!.slice(0, 300)}
    }
    this.fingerprints.add(analysis.fingerprint)
    this.byKey.set(key, analysis)
    return analysis
  }

  get distinct(): number {
    return this.fingerprints.size
  }
}
