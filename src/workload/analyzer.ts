/**
 * Statement shape → analysis, with two caches so each distinct statement is parsed once:
 * masked text → fingerprint, fingerprint → analysis. Memory grows with distinct statements,
 * never with log size.
 */
import {createHash} from 'node:crypto'

import {fingerprintSync} from 'libpg-query'

import {analyzeMysql} from './analyze-mysql.js'
import {analyzePg, initPgParser} from './analyze-pg.js'
import type {Dialect} from './mask.js'
import type {StatementInfo} from './statement.js'

export type Analysis = {fingerprint: string; infos: StatementInfo[]; error?: undefined} | {fingerprint: string; infos?: undefined; error: string}

export class StatementAnalyzer {
  private byKey = new Map<string, Analysis>()
  private byFingerprint = new Map<string, Analysis>()
  parses = 0

  private constructor(readonly dialect: Dialect, private readonly flavor: 'mysql' | 'mariadb') {}

  static async create(dialect: Dialect, flavor: 'mysql' | 'mariadb' = 'mariadb'): Promise<StatementAnalyzer> {
    if (dialect === 'postgres') await initPgParser()
    return new StatementAnalyzer(dialect, flavor)
  }

  /** `key` is the masked text (see mask.ts): statements that differ only in literals share it. */
  analyze(sql: string, key: string): Analysis {
    const cached = this.byKey.get(key)
    if (cached) return cached
    const fingerprint = this.fingerprint(sql, key)
    let analysis = this.byFingerprint.get(fingerprint)
    if (!analysis) {
      this.parses++
      try {
        const infos = this.dialect === 'postgres' ? analyzePg(sql) : analyzeMysql(sql, this.flavor)
        analysis = {fingerprint, infos}
      } catch (error) {
        analysis = {fingerprint, error: (error as Error).message.split('\n')[0]!.slice(0, 300)}
      }
      this.byFingerprint.set(fingerprint, analysis)
    }
    this.byKey.set(key, analysis)
    return analysis
  }

  private fingerprint(sql: string, key: string): string {
    if (this.dialect === 'postgres') {
      try {
        return fingerprintSync(sql)
      } catch {
        // Unparseable: fall through to a hash of the masked text, so it is still counted once.
      }
    }
    return createHash('sha1').update(key).digest('hex').slice(0, 16)
  }

  get distinct(): number {
    return this.byFingerprint.size
  }
}
