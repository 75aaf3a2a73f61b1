/**
 * A finding's evidence is worked out once per list of statements and shared by every finding
 * citing the whole list (src/check/evidence.ts); a write transaction's finding cites only the
 * statements that write nothing outside its group, so two groups of one table can differ.
 *
 * On a PostgreSQL log where billing updates orders in two kinds of transaction: with invoices,
 * and with invoices plus an audit row written by the same statement (a CTE). Each group's finding
 * must cite its own statements, times and line, whatever order the findings are asked in.
 */
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {stringify} from 'yaml'

import {loadBoundaries} from '../src/boundaries/file.js'
import {accessFindings} from '../src/check/access.js'
import {StatementIndex} from '../src/check/evidence.js'
import {logSightings} from '../src/check/evidence-logs.js'
import {ownership} from '../src/check/ownership.js'
import {ingest} from '../src/workload/ingest.js'
import type {Workload} from '../src/workload/model.js'

let dir: string
let workload: Workload
let log: string

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'carve-check-evidence-'))
  const lines: string[] = []
  const at = () => new Date(Date.UTC(2026, 10, 21, 9, 0, 0) + lines.length * 1000).toISOString().replace('T', ' ').slice(0, 19) + ' UTC'
  const tx = (sqls: string[]) => {
    for (const sql of ['BEGIN', ...sqls, 'COMMIT']) lines.push(`${at()} [100] billing_svc@shop billing LOG:  statement: ${sql}`)
  }
  // Lines 1-12: three transactions writing orders and invoices.
  for (let i = 1; i <= 3; i++) tx([`update orders set total = ${i} where id = ${i}`, `insert into invoices (id) values (${i})`])
  // Lines 13-20: two writing billing_audit too, in the statement that updates orders.
  for (let i = 4; i <= 5; i++) tx([`with a as (insert into billing_audit (id) values (${i}) returning id) update orders set total = ${i} where id = ${i}`, `insert into invoices (id) values (${i})`])
  log = join(dir, 'postgresql.log')
  writeFileSync(log, lines.join('\n') + '\n')
  workload = await ingest({files: [log], workers: 1})
}, 120_000)
afterAll(() => rmSync(dir, {recursive: true, force: true}))

const UPDATE = 'update orders set total = ? where id = ?'
const iso = (second: number) => new Date(Date.UTC(2026, 10, 21, 9, 0, second)).toISOString()

describe('evidence of write transactions across contexts', () => {
  it('cites, per group, only the statements that write inside it', () => {
    const path = join(dir, 'carve.yml')
    writeFileSync(path, stringify({
      version: 1,
      contexts: [
        {name: 'orders', owner: 'orders', tables: ['orders']},
        {name: 'billing', owner: 'billing', tables: ['invoices', 'billing_audit']},
      ],
    }))
    const {drafts} = accessFindings(workload, ownership(loadBoundaries(path)), {today: '2026-12-07', strictReads: false, sightings: logSightings(workload)})
    const evidence = (rule: string, subject?: string) => drafts.find((d) => d.rule === rule && d.consumer === 'billing' && d.table === 'orders' && d.subject === subject)?.evidence
    // Both statements write orders: the foreign write cites them all, up to the last CTE (line 18).
    expect(evidence('foreign-write')).toMatchObject({sample: UPDATE, count: 5, statements: 2, firstSeen: iso(1), lastSeen: iso(17), source: {line: 2}})
    // The CTE writes billing_audit, outside {invoices, orders}: that group's finding cites the update alone.
    expect(evidence('cross-context-transaction', 'invoices,orders')).toMatchObject({sample: UPDATE, count: 3, statements: 1, firstSeen: iso(1), lastSeen: iso(9), source: {line: 2}})
    expect(evidence('cross-context-transaction', 'billing_audit,invoices,orders')).toMatchObject({sample: UPDATE, count: 2, statements: 2, firstSeen: iso(1), lastSeen: iso(17), source: {line: 2}})
  })

  it('are the same whichever finding asks first', () => {
    const groups = [new Set(['invoices', 'orders']), new Set(['billing_audit', 'invoices', 'orders'])]
    const ask = (order: number[]) => {
      const index = new StatementIndex(workload, logSightings(workload))
      const answers: unknown[] = []
      for (const k of order) answers[k] = k < groups.length ? index.writesWithin('billing', 'orders', groups[k]!, 1) : index.writes('billing', 'orders', 1)
      return answers
    }
    const first = ask([0, 1, 2])
    expect(first.map((e) => (e as {statements: number}).statements)).toEqual([1, 2, 2])
    for (const order of [[2, 1, 0], [1, 2, 0], [2, 0, 1]]) expect(ask(order)).toEqual(first)
  })
})
