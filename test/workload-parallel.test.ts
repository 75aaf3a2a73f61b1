/**
 * Parallel ingestion is deterministic: a log cut into many pieces, read with -j 1, 2 and 4, gives
 * byte-identical workload.json files, and transactions that straddle the cuts are counted whole.
 * The log is generated: interleaved sessions running multi-statement write transactions
 * (explicit BEGIN … COMMIT, and autocommit writes), some with logged virtual transaction ids,
 * every statement followed by its bare `duration:` line.
 */
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {Workload} from '../src/workload/model.js'
import {runCarve} from './support/cli.js'

let dir: string
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'carve-parallel-'))
})
afterAll(() => rmSync(dir, {recursive: true, force: true}))

/**
 * `sessions` sessions interleaved round-robin (so every transaction is spread over many lines and
 * crosses cuts); each runs `perSession` transactions of 2–4 writes. Returns the log and the number
 * of multi-table write transactions it holds.
 */
function generate(sessions: number, perSession: number, withVxid: boolean): {text: string; multiTable: number} {
  let seed = 7
  const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648) % n)
  const apps = ['orders', 'billing', 'stock']
  const queues = Array.from({length: sessions}, (_, s) => {
    const lines: {sql: string; vxid: string}[] = []
    for (let t = 0; t < perSession; t++) {
      const vxid = `${s + 3}/${t + 1}`
      if (t % 5 === 4) {
        lines.push({sql: `update t${rand(9)} set v = ${t} where id = ${s}`, vxid})
        continue
      }
      const writes = 2 + rand(3)
      lines.push({sql: 'BEGIN', vxid})
      for (let w = 0; w < writes; w++) lines.push({sql: `insert into t${(t + w) % 9} (id, v) values (${s}, '${t}-${w}')`, vxid})
      // Spelled two ways: one statement shape (fingerprint) whose text must not depend on -j.
      lines.push({sql: rand(2) ? `select * from t${rand(9)} where id = ${s}` : `SELECT * FROM t${rand(9)} WHERE id = ${s}`, vxid})
      lines.push({sql: 'COMMIT', vxid})
    }
    return lines.flatMap((l, k) => [l, {sql: `duration: ${(k % 97) / 8 + 0.125} ms`, vxid: l.vxid}])
  })
  let multiTable = 0
  for (const q of queues) {
    let tables = new Set<string>()
    for (const l of q) {
      const m = /^(insert into|update) (t\d)/.exec(l.sql)
      if (l.sql === 'BEGIN') tables = new Set()
      else if (l.sql === 'COMMIT') multiTable += tables.size >= 2 ? 1 : 0
      else if (m) tables.add(m[2]!)
    }
  }
  const out: string[] = []
  let ms = 0
  for (let round = 0; queues.some((q) => q.length); round++) {
    for (const [s, q] of queues.entries()) {
      const l = q.shift()
      if (!l) continue
      ms++
      const ts = new Date(Date.UTC(2026, 10, 21, 18, 0, 0, ms)).toISOString().replace('T', ' ').replace('Z', ' UTC')
      const app = apps[s % 3]!
      const vxid = withVxid ? ` ${l.vxid}` : ''
      // log_statement = all with log_duration = on: the statement, then (a round later, other
      // sessions' lines between) its bare duration — often on the other side of a cut.
      out.push(`${ts} [${1000 + s}]${vxid} ${app}_svc@shop ${app} LOG:  ${l.sql.startsWith('duration') ? l.sql : `statement: ${l.sql}`}`)
    }
  }
  return {text: out.join('\n') + '\n', multiTable}
}

describe('carve workload ingest -j N', () => {
  for (const withVxid of [false, true]) {
    it(`gives a byte-identical workload for -j 1, 2 and 4 on a log cut into many pieces${withVxid ? ' (with %v)' : ''}`, async () => {
      const {text, multiTable} = generate(40, 100, withVxid)
      const log = join(dir, `tx-${withVxid}.log`)
      writeFileSync(log, text)
      const outputs: string[] = []
      for (const jobs of ['1', '2', '4']) {
        const out = join(dir, `w-${withVxid}-${jobs}.json`)
        // Pieces of ~64 kB: hundreds of cuts, each crossed by open transactions of 40 sessions.
        const r = await runCarve(['workload', 'ingest', log, '-j', jobs, '--out', out], {env: {CARVE_MIN_SPLIT_BYTES: '65536'}, timeoutMs: 120_000})
        expect(r.code, r.stderr).toBe(0)
        outputs.push(readFileSync(out, 'utf8'))
      }
      expect(outputs[1]).toBe(outputs[0])
      expect(outputs[2]).toBe(outputs[0])
      const w = JSON.parse(outputs[0]!) as Workload
      expect(w.totals.multiTableWriteTransactions).toBe(multiTable)
      // Every statement has its duration, cut or not.
      const expectedMs = text.split('\n').reduce((sum, l) => sum + Number(/duration: ([\d.]+) ms/.exec(l)?.[1] ?? 0), 0)
      expect(w.statements.reduce((sum, st) => sum + st.totalMs, 0)).toBeCloseTo(expectedMs, 1)
    }, 300_000)
  }
})
