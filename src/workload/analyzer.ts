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

import {type Dialect, type ShapeAnalyzer, workloadDialect} from './dialect.js'
import type {StatementInfo} from './statement.js'

export type Analysis = {fingerprint: string; infos: StatementInfo[]; error?: undefined} | {fingerprint: string; infos?: undefined; error: string}

const hash = (text: string, length = 16) => createHash('sha1').update(text).digest('hex').slice(0, length)

export class StatementAnalyzer {
  private byKey = new Map<string, Analysis>()
  private fingerprints = new Set<string>()
  parses = 0
  /** Whether one statement text is one shape per session database (the dialect's `shapesPerDatabase`). */
  readonly shapesPerDatabase: boolean

  private constructor(readonly dialect: Dialect, private readonly flavor: 'mysql' | 'mariadb', private readonly analyzeShape: ShapeAnalyzer) {
    this.shapesPerDatabase = workloadDialect(dialect).shapesPerDatabase
  }

  static async create(dialect: Dialect, flavor: 'mysql' | 'mariadb' = 'mariadb'): Promise<StatementAnalyzer> {
    return new StatementAnalyzer(dialect, flavor, await workloadDialect(dialect).loadAnalyzer())
  }

  /** `key` is the masked text (see mask.ts): statements that differ only in literals share it. */
  analyze(sql: string, key: string): Analysis {
    const cached = this.byKey.get(key)
    if (cached) return cached
    this.parses++
    let analysis: Analysis
    try {
      // One parse gives the analysis and, where the dialect has one, the shape's fingerprint.
      const {infos, fingerprint = hash(key)} = this.analyzeShape(sql, this.flavor)
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
