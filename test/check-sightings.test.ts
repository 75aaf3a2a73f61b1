/**
 * First/last seen and the log line of a finding come from ingestion itself (one pass over the
 * logs): the aggregator keeps them per statement shape and service, and pieces read in parallel
 * merge to the same answer whatever their number or the order they finish in.
 *
 * In process: aggregators fed the pieces of a log in different groupings and merge orders give
 * the sighting of one aggregator reading it in order. Through the CLI: `carve check` on a log cut
 * into many pieces gives the same report for -j 1 and -j 4, citing the first line of the
 * earliest offending statement.
 */
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {stringify} from 'yaml'

import {epochOf, isoTime} from '../src/check/evidence-logs.js'
import type {CheckReport} from '../src/check/model.js'
import {sightingsByShape, WorkloadAggregator} from '../src/workload/aggregate.js'
import type {Workload} from '../src/workload/model.js'

/** One service's sighting of one statement shape, as a plain object (undefined without sightings). */
function sightingsOf(workload: Workload) {
  const byShape = sightingsByShape(workload)
  return byShape && ((fingerprint: string, service: string) => {
    const t = byShape(fingerprint)?.get(service)
    return t && {first: t.first, last: t.last, file: t.file, line: t.line}
  })
}
import {StatementAnalyzer} from '../src/workload/analyzer.js'
import type {StatementEvent} from '../src/workload/events.js'
import {runCarve} from './support/cli.js'

let dir: string
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'carve-check-sightings-'))
})
afterAll(() => rmSync(dir, {recursive: true, force: true}))

const UPDATE = 'update orders set total = 1 where id = 2'

describe('sightings kept while aggregating', () => {
  const event = (file: string, line: number, at: string | undefined, sql = UPDATE, application = 'billing'): StatementEvent => ({sql, calls: 1, at, file, line, application})
  // Pieces of one log, as parallel ingestion cuts it: the earliest execution is not in the first
  // piece (backends write their lines late), two share the earliest second, some lines are untimed.
  const pieces: StatementEvent[][] = [
    [event('a.log', 1, '2026-11-21 10:00:05 UTC'), event('a.log', 2, undefined), event('a.log', 3, '2026-11-21 10:00:09 UTC', 'select 1')],
    [event('a.log', 4, '2026-11-21 10:00:02 UTC', 'UPDATE orders SET total = 7 WHERE id = 9'), event('a.log', 5, '2026-11-21 10:00:02 UTC')],
    [event('a.log', 6, '2026-11-21 10:00:30 UTC'), event('a.log', 7, '2026-11-21 10:00:02 UTC')],
    // Another file with the same earliest second: the file first by name holds the location.
    [event('b.log', 1, '2026-11-21 10:00:02 UTC'), event('b.log', 2, '2026-11-21 10:00:31 UTC', UPDATE, 'orders')],
  ]

  const sightingFor = async (groups: number[][], order: number[]) => {
    const analyzer = await StatementAnalyzer.create('postgres')
    const main = new WorkloadAggregator(analyzer)
    const states = groups.map((g) => {
      const worker = new WorkloadAggregator(analyzer)
      for (const i of g) for (const e of pieces[i]!) worker.add(e)
      return worker.snapshot()
    })
    for (const k of order) main.merge(states[k]!)
    const workload = main.finish('postgres')
    const update = workload.statements.find((s) => s.writes.includes('orders'))!
    const seen = sightingsOf(workload)!
    return {billing: seen(update.fingerprint, 'billing'), orders: seen(update.fingerprint, 'orders'), calls: update.services}
  }

  it('are the same for any grouping of the pieces and any merge order, and name the earliest execution', async () => {
    const inOrder = await sightingFor([[0, 1, 2, 3]], [0])
    expect(inOrder.billing).toEqual({first: '2026-11-21 10:00:02 UTC', last: '2026-11-21 10:00:30 UTC', file: 'a.log', line: 4})
    expect(inOrder.orders).toEqual({first: '2026-11-21 10:00:31 UTC', last: '2026-11-21 10:00:31 UTC', file: 'b.log', line: 2})
    expect(inOrder.calls).toEqual({billing: 7, orders: 1})
    for (const [groups, order] of [
      [[[0], [1], [2], [3]], [3, 2, 1, 0]],
      [[[2, 0], [3, 1]], [1, 0]],
      [[[3], [0, 1, 2]], [0, 1]],
      [[[1], [0], [3], [2]], [2, 0, 3, 1]],
    ] as [number[][], number[]][]) {
      expect(await sightingFor(groups, order)).toEqual(inOrder)
    }
  })

  it('without timestamps (SQL files), locate the first line of the first file by name', async () => {
    const analyzer = await StatementAnalyzer.create('postgres')
    const a = new WorkloadAggregator(analyzer)
    for (const e of [event('sql/b.sql', 1, undefined), event('sql/a.sql', 7, undefined), event('sql/a.sql', 3, undefined)]) a.add(e)
    const workload = a.finish('postgres')
    expect(sightingsOf(workload)!(workload.statements[0]!.fingerprint, 'billing')).toEqual({first: undefined, last: undefined, file: 'sql/a.sql', line: 3})
  })

  it('a workload read back from a file has none', async () => {
    const analyzer = await StatementAnalyzer.create('postgres')
    const a = new WorkloadAggregator(analyzer)
    a.add(event('a.log', 1, '2026-11-21 10:00:05 UTC'))
    expect(sightingsOf(JSON.parse(JSON.stringify(a.finish('postgres'))))).toBeUndefined()
  })
})

describe('carve check -j N on a log cut into many pieces', () => {
  it('gives the same report for -j 1 and -j 4, citing the first line of the earliest foreign write', async () => {
    // 30 sessions round-robin, ten lines a second (second-resolution %t: the first two foreign
    // writes share theirs).
    const lines: string[] = []
    const apps = ['orders', 'billing', 'stock']
    for (let n = 0; n < 6000; n++) {
      const app = apps[n % 3]!
      const ts = new Date(Date.UTC(2026, 10, 21, 18, 0, 0) + n * 100).toISOString().replace('T', ' ').slice(0, 19) + ' UTC'
      const sql = app === 'billing' && n % 6 === 1 ? `update orders set total = ${n} where id = ${n % 50}` : app === 'stock' && n % 11 === 2 ? `select total from orders where id = ${n}` : `insert into ${app === 'stock' ? 'stock_levels' : app === 'billing' ? 'invoices' : 'orders'} (id) values (${n})`
      lines.push(`${ts} [${1000 + (n % 30)}] ${app}_svc@shop ${app} LOG:  statement: ${sql}`)
    }
    const log = join(dir, 'postgresql.log')
    writeFileSync(log, lines.join('\n') + '\n')
    const boundaries = join(dir, 'carve.yml')
    writeFileSync(boundaries, stringify({
      version: 1,
      contexts: [
        {name: 'orders', owner: 'orders', tables: ['orders']},
        {name: 'billing', owner: 'billing', tables: ['invoices']},
        {name: 'stock', owner: 'stock', tables: ['stock_levels']},
      ],
    }))
    const reports: CheckReport[] = []
    for (const jobs of ['1', '4']) {
      // Cut at 16 kB and up: 8 pieces for -j 4.
      const run = await runCarve(['check', '-f', boundaries, log, '-j', jobs, '--json', '--fail-on', 'none'], {cwd: dir, env: {CARVE_MIN_SPLIT_BYTES: '16384'}, timeoutMs: 120_000})
      expect(run.code, run.stderr).toBe(0)
      reports.push(JSON.parse(run.stdout) as CheckReport)
    }
    expect(reports[1]).toEqual(reports[0])

    const offending = (pattern: RegExp) => lines.map((text, i) => ({text, line: i + 1})).filter((l) => pattern.test(l.text))
    const iso = (text: string) => new Date(text.slice(0, 19).replace(' ', 'T') + 'Z').toISOString()
    for (const [consumer, rule, pattern] of [['billing', 'foreign-write', /billing LOG: {2}statement: update orders/], ['stock', 'foreign-read', /stock LOG: {2}statement: select total from orders/]] as const) {
      const f = reports[0]!.findings.find((x) => x.rule === rule && x.consumer === consumer && x.table === 'orders')!
      const seen = offending(pattern)
      expect(f.evidence).toMatchObject({count: seen.length, firstSeen: iso(seen[0]!.text), lastSeen: iso(seen.at(-1)!.text), source: {file: 'postgresql.log', line: seen[0]!.line}})
    }
  }, 300_000)
})

describe('sighting times as a check compares them', () => {
  // epochOf reads PostgreSQL's UTC stamps by hand (a check compares the times of every statement
  // its findings cite); it must give the instant of the ISO text the report shows, for those and
  // for everything it leaves to the general path.
  it('are the instants of the ISO times the report gives', () => {
    const stamps = [
      '2026-11-21 00:00:07 UTC', '2026-11-21 23:59:59.5 UTC', '2026-11-21 18:00:00.123 GMT', '2026-11-21 18:00:00.12 UTC',
      '2024-02-29 12:00:00 UTC', '2026-02-29 12:00:00 UTC', '2026-01-31 08:30:00 UTC', '2026-11-21 24:00:00 UTC', '2026-13-01 00:00:00 UTC',
      '2026-11-21 18:00:00.123456 UTC', '2026-11-21 18:00:00 +02', '2026-11-21 18:00:00+05:30', '2026-11-21T18:00:00Z', '2026-11-21 18:00:00',
      '261121 18:00:00', 'not a time',
      // Near misses of the hand-read form: an empty fraction, a letter, a year before 1000.
      '2026-11-21 18:00:00. UTC', '2026-11-2x 18:00:00 UTC', '2026-11-21 18:00:00.1x UTC', '0999-11-21 18:00:00 UTC', '2026-11-21 18:00:00 EST',
    ]
    for (const [month, day] of [[1, 1], [6, 15], [12, 28], [3, 9]] as const) {
      stamps.push(`2031-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')} ${String(day % 24).padStart(2, '0')}:${String(month * 4).padStart(2, '0')}:07 UTC`)
    }
    for (const stamp of stamps) {
      const iso = isoTime(stamp)
      const parsed = iso === null ? NaN : Date.parse(iso)
      expect([stamp, epochOf(stamp, Infinity)]).toEqual([stamp, Number.isNaN(parsed) ? Infinity : parsed])
    }
    expect(epochOf('2026-11-21 00:00:07 UTC', Infinity)).toBe(Date.UTC(2026, 10, 21, 0, 0, 7))
    expect(epochOf(null, -Infinity)).toBe(-Infinity)
  })
})
