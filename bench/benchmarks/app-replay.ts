/**
 * app-replay: the shop example's captured production traffic (examples/shop/logs/postgresql.csv,
 * 29 sessions of 13 services) replayed on the example's database with Carve's plan applied vs
 * untouched.
 *
 * The example is loaded by a plain login standing for the legacy application (it owns the
 * database), Carve plans it the way a team would (`carve workload ingest` of the example's log,
 * `carve plan` with the example's boundaries), and the DBA applies the plan with `carve apply`
 * to a copy. Each timed run replays the log on a fresh copy (CREATE DATABASE … TEMPLATE) of the
 * untouched or the applied database, as the legacy login, interleaved ABBA. Schema changes in
 * the log are not replayed (they are the deploy pipeline's). Quick mode replays the first
 * statements of the log; --full the whole log.
 */
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {carve} from '../lib/carve-cli.js'
import {onCleanup} from '../lib/cleanup.js'
import {interleave, type Arm} from '../lib/interleave.js'
import {databaseUrl, dropDatabase, withClient} from '../lib/postgres.js'
import {BenchError, defineBenchmark, type BenchContext, type Row} from '../lib/registry.js'
import {DDL, readLoggedStatements, replayLog, type ReplayResult, sumOfBest} from '../lib/replay.js'
import {createLogin, runRolePrefix} from '../lib/roles.js'
import {median} from '../lib/stats.js'
import {group} from '../lib/table.js'

const SETTINGS = {
  quick: {rounds: 2, statements: 3000},
  full: {rounds: 5, statements: Infinity},
} as const

const q = (name: string) => `"${name.replace(/"/g, '""')}"`

export default defineBenchmark({
  name: 'app-replay',
  summary: "the shop example's captured traffic replayed statement by statement, plan applied vs untouched",
  order: 52,
  needsPostgres: true,
  run: runCase,
})

async function runCase(ctx: BenchContext): Promise<Row[]> {
  const settings = SETTINGS[ctx.mode]
  const rounds = ctx.runs ?? settings.rounds
  const limit = ctx.sizes?.[0] ?? settings.statements
  const shop = join(ctx.root, 'examples', 'shop')
  const log = join(shop, 'logs', 'postgresql.csv')
  const prefix = runRolePrefix('rpl')
  const login = await createLogin(ctx.pg, prefix)
  const base = `carve_bench_replay_${process.pid}`
  const names = {untouched: `${base}_a`, applied: `${base}_b`, run: `${base}_run`}
  const created: string[] = []
  const dropAll = onCleanup(async () => {
    for (const name of created.reverse()) await dropDatabase(ctx.pg, name)
  })
  const createDatabase = async (name: string, template?: string) => {
    created.push(name)
    await withClient(ctx.pg, (c) => c.query(`CREATE DATABASE ${q(name)} OWNER ${q(login.user)}${template ? ` TEMPLATE ${q(template)}` : ''}`))
  }
  const dir = mkdtempSync(join(tmpdir(), 'carve-bench-replay-'))
  try {
    ctx.log(`app-replay: loading the shop example into ${names.untouched} as ${login.user}`)
    await createDatabase(names.untouched)
    await carve(ctx.root, ['example', 'load', 'shop', '--db', login.url(ctx.pg, names.untouched)], {cwd: dir})
    await withClient(databaseUrl(ctx.pg, names.untouched), (c) => c.query('VACUUM ANALYZE'))

    const workload = join(dir, 'workload.json')
    await carve(ctx.root, ['workload', 'ingest', log, '--service-map', join(shop, 'logs', 'service-map.yml'), '-o', workload], {cwd: dir})
    const planDir = join(dir, 'plan')
    await carve(ctx.root, ['plan', '--db', databaseUrl(ctx.pg, names.untouched), '-f', join(shop, 'carve.yml'), '-w', workload, '--out', planDir, '--name', 'shop', '--role-prefix', prefix], {cwd: dir})
    await createDatabase(names.applied, names.untouched)
    const applied = await carve(ctx.root, ['apply', planDir, '--db', databaseUrl(ctx.pg, names.applied)], {cwd: dir, timeoutMs: 20 * 60_000})
    const steps = /(\d+) steps? applied/.exec(applied.stderr + applied.stdout)?.[1]
    ctx.log(`  plan applied to ${names.applied} in ${applied.seconds.toFixed(0)} s${steps ? ` (${steps} steps)` : ''}`)
    const views = await withClient(databaseUrl(ctx.pg, names.applied), async (c) =>
      Number((await c.query<{n: string}>(`SELECT count(*)::text AS n FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind = 'v' AND obj_description(c.oid, 'pg_class') LIKE 'carve:compatibility-view%'`)).rows[0]!.n),
    )
    if (views === 0) throw new BenchError('app-replay: the applied copy has no compatibility view: the plan did not move any table')

    const all = (await readLoggedStatements(log)).filter((s) => !DDL.test(s.sql))
    const traffic = all.slice(0, limit)
    const sessions = new Set(traffic.map((s) => s.session)).size
    ctx.log(`  replaying ${group(traffic.length)} of ${group(all.length)} statements (${sessions} sessions) per run`)

    const arm = (name: string, template: string): Arm<ReplayResult> => ({
      name,
      enter: () => createDatabase(names.run, template),
      leave: async () => {
        await dropDatabase(ctx.pg, names.run)
        created.splice(created.indexOf(names.run), 1)
      },
      measure: () => replayLog(login.url(ctx.pg, names.run), traffic),
    })
    const [a, b] = await interleave(rounds, [arm('untouched', names.untouched), arm('applied', names.applied)], (r, name, s) =>
      ctx.log(`  round ${r + 1}/${rounds} ${name}: ${s.seconds.toFixed(2)} s, ${group(s.ok)} ok, ${group(s.failed)} failed ${JSON.stringify(s.errors)}`),
    )
    const untouched = a!
    const mine = b!
    const ref = median(untouched.map((s) => s.seconds))
    const time = median(mine.map((s) => s.seconds))
    const ratio = ref / time
    const bestRef = sumOfBest(untouched)
    const bestMine = sumOfBest(mine)
    const failedRef = median(untouched.map((s) => s.failed))
    const failedMine = median(mine.map((s) => s.failed))
    return [
      {
        benchmark: 'app-replay',
        case: `shop traffic, ${group(traffic.length)} statements of ${sessions} sessions, whole plan`,
        carve: {value: time, unit: 's'},
        reference: {name: 'untouched', value: ref, unit: 's'},
        ratio,
        target: '≥ 0.90× untouched',
        met: ratio >= 0.9,
        notes: [
          `median of ${rounds} interleaved replays each, a fresh copy of the database per replay`,
          `${group(Math.round(traffic.length / time))} vs ${group(Math.round(traffic.length / ref))} statements/s`,
          `sum of each statement's best round trip over the ${rounds} replays (less noisy): ${bestMine.toFixed(2)} vs ${bestRef.toFixed(2)} s = ${(bestRef / bestMine).toFixed(2)}×`,
          `${views} compatibility views`,
          `statements failing (the log's own errors and lock timeouts): ${failedMine} applied vs ${failedRef} untouched`,
          'replayed as the legacy login owning the database; plan applied by the DBA',
        ].join('; '),
        details: {rounds, statements: traffic.length, sessions, sumOfBestSeconds: {untouched: bestRef, applied: bestMine}, untouched: untouched.map(({latenciesMs: _, ...r}) => r), applied: mine.map(({latenciesMs: _, ...r}) => r), applySeconds: applied.seconds, compatibilityViews: views},
      },
    ]
  } finally {
    rmSync(dir, {recursive: true, force: true})
    ctx.log(`  dropping ${created.join(', ')}`)
    await dropAll()
  }
}
