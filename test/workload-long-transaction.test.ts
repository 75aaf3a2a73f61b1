/**
 * Parallel ingestion stays byte-identical when one explicit transaction is longer than what a
 * piece hands back to the main thread unseen (1,000 statements of a session): a 3,000-statement
 * BEGIN … COMMIT crosses the cuts of -j 2 and -j 4, beside a session writing in autocommit
 * (thousands of statements, no BEGIN, some writing two tables at once) and one running short
 * transactions. The long transaction must be counted once, with every table it wrote.
 */
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {Workload} from '../src/workload/model.js'
import {runCarve} from './support/cli.js'

let dir: string
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'carve-longtx-'))
})
afterAll(() => rmSync(dir, {recursive: true, force: true}))

interface Line {
  session: number
  sql: string
  vxid: string
}

/**
 * Rounds of: the autocommit session (1 statement), the short-transaction session (1), and,
 * from round 1,100 on, the long transaction's session (3 a round, so 3,000 of its statements span
 * ~5,000 lines and cover whole pieces). About 16,000 lines.
 */
function generate(withVxid: boolean): {text: string; longTables: string[]} {
  const long: Line[] = [{session: 1, sql: 'BEGIN', vxid: '3/1'}]
  for (let k = 0; k < 3000; k++) long.push({session: 1, sql: `insert into l${k % 7} (id, v) values (${k}, 'x')`, vxid: '3/1'})
  long.push({session: 1, sql: 'COMMIT', vxid: '3/1'})
  const autocommit: Line[] = []
  for (let k = 0; k < 5600; k++) {
    autocommit.push({
      session: 2, vxid: `4/${k + 1}`,
      sql: k % 10 === 0 ? `with moved as (insert into a1 (id) values (${k}) returning id) insert into a2 (id) select id from moved` : `update a${k % 3} set v = ${k} where id = ${k}`,
    })
  }
  const short: Line[] = []
  for (let t = 0; short.length < 5600; t++) {
    const vxid = `5/${t + 1}`
    short.push({session: 3, sql: 'BEGIN', vxid}, {session: 3, sql: `insert into s${t % 4} (id) values (${t})`, vxid},
      {session: 3, sql: `update s${(t + 1) % 4} set v = ${t} where id = ${t}`, vxid}, {session: 3, sql: 'COMMIT', vxid})
  }
  const out: string[] = []
  let ms = 0
  const emit = (l: Line) => {
    ms++
    const ts = new Date(Date.UTC(2026, 10, 21, 18, 0, 0, ms)).toISOString().replace('T', ' ').replace('Z', ' UTC')
    out.push(`${ts} [${1000 + l.session}]${withVxid ? ` ${l.vxid}` : ''} app${l.session}_svc@shop app${l.session} LOG:  statement: ${l.sql}`)
  }
  for (let round = 0; autocommit.length || short.length || long.length; round++) {
    if (autocommit.length) emit(autocommit.shift()!)
    if (short.length) emit(short.shift()!)
    if (round >= 1100) for (let k = 0; k < 3 && long.length; k++) emit(long.shift()!)
  }
  return {text: out.join('\n') + '\n', longTables: Array.from({length: 7}, (_, k) => `l${k}`)}
}

describe('carve workload ingest -j N with a transaction longer than a piece hands back', () => {
  for (const withVxid of [false, true]) {
    it(`3,000 statements in one BEGIN … COMMIT across the cuts: -j 1, 2 and 4 byte-identical${withVxid ? ' (with %v)' : ''}`, async () => {
      const {text, longTables} = generate(withVxid)
      const log = join(dir, `long-${withVxid}.log`)
      writeFileSync(log, text)
      const outputs: string[] = []
      for (const jobs of ['1', '2', '4']) {
        const out = join(dir, `w-${withVxid}-${jobs}.json`)
        // Pieces of a few hundred kB: the long transaction has well over 1,000 statements in some.
        const r = await runCarve(['workload', 'ingest', log, '-j', jobs, '--out', out], {env: {CARVE_MIN_SPLIT_BYTES: '65536'}, timeoutMs: 120_000})
        expect(r.code, r.stderr).toBe(0)
        outputs.push(readFileSync(out, 'utf8'))
      }
      const w = JSON.parse(outputs[0]!) as Workload
      // -j 1 is the reference: the long transaction is one, writing all seven tables.
      expect(w.transactions.filter((t) => t.tables.join() === longTables.join()).map((t) => t.calls)).toEqual([1])
      expect(w.transactions.find((t) => t.tables.join() === 'a1,a2')?.calls).toBe(560)
      expect(outputs[1]).toBe(outputs[0])
      expect(outputs[2]).toBe(outputs[0])
    }, 300_000)
  }
})
