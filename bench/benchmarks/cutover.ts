/**
 * cutover: the write pause of a physical split's cut-over while pgbench writes, over many
 * cut-overs — the figure a team asks before letting Carve switch a context to its own database.
 *
 * pgbench's schema (`pgbench -i --foreign-keys`) is planned by Carve with `--split` (the split
 * mode is Carve's default for the server: logical replication at wal_level=logical, change
 * capture otherwise), applied with `carve apply` up to the sync step, then cut over N times:
 * pgbench (4 clients, TPC-B through the compatibility views) writes to the source, `carve apply
 * --to <cutover>` switches behind its bounded write pause and reports the pause it measured,
 * pgbench is stopped (after the switch the source refuses writes by design: the application
 * moves to the target), and `carve rollback --to <sync>` switches back (its own pause, reported
 * too) for the next cut-over. p50 and p99 over the N pauses.
 */
import {spawn, type ChildProcess} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {parse} from 'yaml'

import {carve, planSteps} from '../lib/carve-cli.js'
import {trackChild} from '../lib/cleanup.js'
import {pgbenchInit} from '../lib/pgbench.js'
import {createScratchDatabase, dropDatabase, withClient} from '../lib/postgres.js'
import {commandOutput} from '../lib/process.js'
import {BenchError, defineBenchmark, type BenchContext, type Row} from '../lib/registry.js'
import {createLogin, runRolePrefix} from '../lib/roles.js'
import {median} from '../lib/stats.js'

const SETTINGS = {
  quick: {cutovers: 3, scale: 1},
  full: {cutovers: 20, scale: 10},
} as const

export default defineBenchmark({
  name: 'cutover',
  summary: 'write pause of the split cut-over under pgbench load (carve apply --to cutover / rollback --to sync, N times)',
  order: 53,
  needsPostgres: true,
  fullOnly: true,
  async run(ctx) {
    if (commandOutput('pgbench', ['--version']) === null) throw new BenchError('cutover: pgbench is not on PATH (Debian: apt-get install postgresql-contrib)')
    return runCase(ctx)
  },
})

/** The q-th quantile (0–1) by nearest rank. */
function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!
}

/** pgbench writing until stopped; its errors after the switch are expected (the source is read-only then). */
function startLoad(url: string): {stop: () => Promise<number>} {
  const child: ChildProcess = spawn('pgbench', ['-n', '-c', '4', '-j', '2', '-T', '3600', url], {stdio: ['ignore', 'pipe', 'pipe']})
  trackChild(child)
  let out = ''
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()))
  child.stderr!.on('data', (d: Buffer) => {
    out += d.toString()
    if (out.length > 100_000) out = out.slice(-50_000)
  })
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()))
  return {
    async stop() {
      child.kill('SIGINT')
      const hard = setTimeout(() => child.kill('SIGKILL'), 5000)
      await closed
      clearTimeout(hard)
      return Number(/number of transactions actually processed: (\d+)/.exec(out)?.[1] ?? NaN)
    },
  }
}

async function runCase(ctx: BenchContext): Promise<Row[]> {
  const settings = SETTINGS[ctx.mode]
  const cutovers = ctx.runs ?? settings.cutovers
  const scale = ctx.sizes?.[0] ?? settings.scale
  const prefix = runRolePrefix('cut')
  const login = await createLogin(ctx.pg, prefix)
  const db = await createScratchDatabase(ctx.pg, `carve_bench_cut_${process.pid}`)
  const dir = mkdtempSync(join(tmpdir(), 'carve-bench-cut-'))
  let targetDb: string | null = null
  try {
    await withClient(ctx.pg, (c) => c.query(`ALTER DATABASE "${db.name}" OWNER TO "${login.user}"`))
    const appUrl = login.url(ctx.pg, db.name)
    ctx.log(`cutover: pgbench -i --foreign-keys -s ${scale}`)
    await pgbenchInit(appUrl, scale)
    await carve(ctx.root, ['discover', '--db', db.url, '--yes', '--no-interactive'], {cwd: dir})
    const planDir = join(dir, 'plan')
    await carve(ctx.root, ['plan', '--db', db.url, '--out', planDir, '--split', '--role-prefix', prefix], {cwd: dir})
    const steps = planSteps(planDir)
    const sync = steps.find((s) => s.kind === 'split-sync')
    const cut = steps.find((s) => s.kind === 'split-cutover')
    if (!sync || !cut) throw new BenchError(`cutover: the --split plan has no sync or cut-over step: ${steps.map((s) => s.kind).join(', ')}`)
    const doc = parse(readFileSync(join(planDir, 'plan.yml'), 'utf8')) as {steps: {id: string; spec?: {target_database?: string}}[]}
    targetDb = doc.steps.find((s) => s.id === sync.id)?.spec?.target_database ?? null
    const mode = (await withClient(db.url, (c) => c.query<{w: string}>(`SELECT current_setting('wal_level') AS w`))).rows[0]!.w === 'logical' ? 'logical replication' : 'change capture'
    ctx.log(`  applying up to ${sync.id} (prepare, copy, sync; ${mode})`)
    const prepared = await carve(ctx.root, ['apply', planDir, '--to', sync.id, '--db', db.url], {cwd: dir, timeoutMs: 60 * 60_000})
    ctx.log(`  ready in ${prepared.seconds.toFixed(0)} s`)

    const pauses: number[] = []
    const backPauses: number[] = []
    const aborted: number[] = []
    const processed: number[] = []
    for (let i = 0; i < cutovers; i++) {
      const load = startLoad(appUrl)
      await new Promise((r) => setTimeout(r, 2000))
      let text = ''
      try {
        const r = await carve(ctx.root, ['apply', planDir, '--to', cut.id, '--db', db.url, '--json'], {cwd: dir, timeoutMs: 10 * 60_000})
        text = r.stdout + r.stderr
      } finally {
        processed.push(await load.stop())
      }
      const pause = /switched: pause (\d+) ms/.exec(text)
      if (!pause) throw new BenchError(`cutover: carve apply did not report the pause:\n${text.slice(-1500)}`)
      pauses.push(Number(pause[1]))
      aborted.push([...text.matchAll(/attempt \d+ aborted after/g)].length)
      const back = await carve(ctx.root, ['rollback', planDir, '--to', sync.id, '--db', db.url, '--json'], {cwd: dir, timeoutMs: 10 * 60_000})
      const backPause = /writes paused (\d+) ms/.exec(back.stdout + back.stderr)
      if (backPause) backPauses.push(Number(backPause[1]))
      ctx.log(`  cut-over ${i + 1}/${cutovers}: pause ${pauses[i]} ms${aborted[i] ? ` (${aborted[i]} aborted attempts before)` : ''}, back ${backPause?.[1] ?? '?'} ms; pgbench ${processed[i]} transactions meanwhile`)
    }
    await carve(ctx.root, ['rollback', planDir, '--all', '--db', db.url], {cwd: dir, timeoutMs: 10 * 60_000})
    const p50 = quantile(pauses, 0.5)
    const p99 = quantile(pauses, 0.99)
    const details = {cutovers, scale, mode, pauses, backPauses, abortedAttempts: aborted, pgbenchTransactions: processed, prepareSeconds: prepared.seconds}
    const note = [
      `${cutovers} cut-overs at pgbench scale ${scale} (4 clients writing through the compatibility views), ${mode}`,
      `pauses ${Math.min(...pauses)}–${Math.max(...pauses)} ms, median ${median(pauses)} ms`,
      backPauses.length ? `switching back: median ${median(backPauses)} ms, max ${Math.max(...backPauses)} ms` : null,
      aborted.some((a) => a) ? `${aborted.reduce((a, b) => a + b, 0)} attempts aborted and retried (not in the pauses)` : null,
    ].filter(Boolean).join('; ')
    const row = (label: string, value: number, limit: number): Row => ({
      benchmark: 'cutover',
      case: `write pause ${label}, ${cutovers} cut-overs under pgbench`,
      carve: {value: value / 1000, unit: 's'},
      reference: {name: '— (target)', value: NaN, unit: 's'},
      ratio: NaN,
      target: `≤ ${limit} s${cutovers < 20 ? ' (the target is over ≥ 20: --full)' : ''}`,
      met: value / 1000 <= limit,
      notes: note,
      details,
    })
    return [row('p50', p50, 1), row('p99', p99, 3)]
  } finally {
    rmSync(dir, {recursive: true, force: true})
    ctx.log(`  dropping ${db.name}${targetDb ? ` and ${targetDb}` : ''}`)
    await db.drop()
    if (targetDb) await dropDatabase(ctx.pg, targetDb).catch(() => {})
  }
}
