/**
 * `carve status` as a deploy gate: with --exit-code it exits 3 while steps are pending, 0 once
 * everything is applied and unchanged, 1 when a step's files were edited after the plan was
 * written — and an edited plan is shown as a state (which files, changed or missing), not
 * refused, so a team can still see where the database stands.
 */
import {appendFileSync, rmSync, unlinkSync} from 'node:fs'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {hasStackTrace, runCarve} from './support/cli.js'
import {basicSteps, SEED_SQL, tempDir, writePlan} from './support/plan-fixture.js'

const temp: string[] = []
afterAll(() => {
  for (const d of temp) rmSync(d, {recursive: true, force: true})
})

describe('carve status --exit-code', () => {
  let db = ''
  let plan = ''
  beforeAll(async () => {
    const d = tempDir('carve-status-')
    temp.push(d)
    db = join(d, 'db')
    const {openPglite} = await import('../src/db/pglite.js')
    const conn = await openPglite(db)
    await conn.exec(SEED_SQL)
    await conn.close()
    plan = writePlan(basicSteps(), {dir: join(d, 'plan'), name: 'gate'})
  })

  it('pending → 3, applied → 0, edited → 1 and shown as a state; without the flag always 0', async () => {
    const pending = await runCarve(['status', plan, '--db', `pglite:${db}`, '--exit-code'])
    expect(pending.code, pending.stderr).toBe(3)
    expect((await runCarve(['status', plan, '--db', `pglite:${db}`])).code).toBe(0)

    const applied = await runCarve(['apply', plan, '--db', `pglite:${db}`])
    expect(applied.code, applied.stderr).toBe(0)
    const done = await runCarve(['status', plan, '--db', `pglite:${db}`, '--exit-code', '--json'])
    expect(done.code, done.stderr).toBe(0)
    expect(JSON.parse(done.stdout)).toMatchObject({pending: 0, edited: [], exitCode: 0})

    appendFileSync(join(plan, 'steps/002-move-orders/down.sql'), '-- edited by hand\n')
    unlinkSync(join(plan, 'steps/003-order-status/verify.sql'))
    const edited = await runCarve(['status', plan, '--db', `pglite:${db}`, '--exit-code', '--json'])
    expect(edited.code).toBe(1)
    expect(hasStackTrace(edited.stderr)).toBe(false)
    const report = JSON.parse(edited.stdout) as {edited: {step: string; files: {path: string; problem: string}[]}[]; exitCode: number}
    expect(report.exitCode).toBe(1)
    expect(report.edited).toEqual([
      {step: '002-move-orders', files: [{key: 'down', path: 'steps/002-move-orders/down.sql', problem: 'changed'}]},
      {step: '003-order-status', files: [{key: 'verify', path: 'steps/003-order-status/verify.sql', problem: 'missing'}]},
    ])
    const text = await runCarve(['status', plan, '--db', `pglite:${db}`])
    expect(text.code).toBe(0)
    expect(text.stdout).toMatch(/applied \(edited since generated\)\s+002-move-orders/)
    expect(text.stdout).toMatch(/steps\/003-order-status\/verify\.sql \(missing\)/)
    // apply still refuses the edited plan.
    expect((await runCarve(['apply', plan, '--db', `pglite:${db}`])).code).toBe(2)
  }, 180_000)
})
