/**
 * app-pgbench: how much slower the legacy application gets once Carve's plan is applied.
 *
 * The application is pgbench on its own schema (`pgbench -i --foreign-keys`, scale 10), run by a
 * plain login that owns its database (privilege checks run as in production). Carve builds the
 * plan for that database itself — `carve discover --yes` then `carve plan`, whatever the current
 * defaults are — and the DBA's connection applies it with `carve apply` and takes it back with
 * `carve rollback --all`. One database: untouched and applied states alternate on the same
 * physical tables (ABBA order), so nothing but the plan differs. Every timed run starts from the
 * same state: the history table emptied (TRUNCATE before each round's TPC-B run: it grows by every
 * transaction), a VACUUM (autovacuum is off on pgbench's tables, so it never lands in one state's
 * run at random) and a CHECKPOINT (which also restarts checkpoint_timeout's clock, so no timed
 * checkpoint lands in a run of seconds; the checkpoints that did start during a run are counted
 * and logged). Each state runs TPC-B (4 clients, default script) then select-only (`-S`, through the
 * compatibility views when the plan moved the tables) with pgbench's simple query protocol, then
 * `-S -M prepared` (statements prepared once per connection: a view is expanded at prepare time,
 * so this shows what the views cost an application that prepares its statements).
 *
 * Each state also measures the server CPU one -S statement costs (one session, both protocols,
 * statements run inside DO blocks so the protocol's socket work, the same in every state and
 * noisy, is left out; from the backend's /proc stat) and one TPC-B transaction costs (likewise):
 * tps on a shared machine mostly measures who got the cores, the CPU per statement or transaction
 * counts the work the views add. The TPC-B row's notes give each state's spread (min–max tps) and
 * the per-round ratios, not only the medians.
 *
 * The whole plan is also made with `--compat search-path` (the views stay, and the database's
 * search_path leads new sessions to the moved tables directly), side by side with the default.
 *
 * --full also applies the plan piece by piece (up to the move behind compatibility views, up to
 * the grants, all of it), so the cost of each piece is the difference between neighbours, and
 * the whole plan made with the other outbox (`--outbox trigger` when the default is the WAL
 * publication), so the two ways events leave the database are measured side by side. No WAL
 * reader (relay, Debezium) runs during the measurement: decoding costs the server CPU, but no
 * time inside the application's transactions.
 */
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {parse} from 'yaml'

import {carve, planSteps} from '../lib/carve-cli.js'
import {interleave, untouched, type Arm} from '../lib/interleave.js'
import {pgbenchInit, pgbenchRun, serverCpuPerSelect, serverCpuPerTpcb, type PgbenchResult} from '../lib/pgbench.js'
import {createScratchDatabase, withClient} from '../lib/postgres.js'
import {commandOutput} from '../lib/process.js'
import {BenchError, defineBenchmark, type BenchContext, type Row} from '../lib/registry.js'
import {createLogin, runRolePrefix} from '../lib/roles.js'
import {max, median, min} from '../lib/stats.js'
import {group} from '../lib/table.js'

const SCALE = 10
// More and shorter rounds than a few long ones: the load of a shared machine changes over
// seconds, and a median of more rounds (order reversed every other round) evens it out better.
// A TPC-B transaction costs the server ~0.13 ms of CPU and /proc counts in 10 ms ticks: 3,000
// transactions give ~40 ticks, a figure to within a few percent.
const SETTINGS = {
  quick: {rounds: 4, tpcbSeconds: 5, selectSeconds: 3, cpuStatements: 20_000, cpuTransactions: 3000},
  full: {rounds: 6, tpcbSeconds: 8, selectSeconds: 4, cpuStatements: 50_000, cpuTransactions: 5000},
} as const

interface Sample {
  tpcb: PgbenchResult
  select: PgbenchResult
  /** -S with -M prepared (extended protocol, prepared once per connection). */
  selectPrepared: PgbenchResult
  /** Server CPU per -S statement in ms (simple, prepared); null when the server is not local. */
  cpu: {simple: number; prepared: number} | null
  /** Server CPU per TPC-B transaction in ms (user, system), one session; null when the server is not local. */
  tpcbCpu: {user: number; system: number} | null
  /** Checkpoints (timed or requested by others) that started during this sample's timed runs. */
  checkpoints: number
  /** Rows and bytes of outboxes after the run (events the plan's outbox produced). */
  outbox: {rows: number; bytes: number} | null
}

export default defineBenchmark({
  name: 'app-pgbench',
  summary: `pgbench TPC-B and -S (scale ${SCALE}, 4 clients) with Carve's plan for its own database applied vs untouched, interleaved`,
  order: 50,
  needsPostgres: true,
  fullOnly: true,
  async run(ctx) {
    if (commandOutput('pgbench', ['--version']) === null) throw new BenchError('app-pgbench: pgbench is not on PATH (Debian: apt-get install postgresql-contrib)')
    return runCase(ctx)
  },
})

async function runCase(ctx: BenchContext): Promise<Row[]> {
  const settings = SETTINGS[ctx.mode]
  const rounds = ctx.runs ?? settings.rounds
  const scale = ctx.sizes?.[0] ?? SCALE
  const prefix = runRolePrefix('pgb')
  const login = await createLogin(ctx.pg, prefix)
  const db = await createScratchDatabase(ctx.pg, `carve_bench_app_pg_${process.pid}`)
  const dir = mkdtempSync(join(tmpdir(), 'carve-bench-app-'))
  try {
    await withClient(ctx.pg, (c) => c.query(`ALTER DATABASE "${db.name}" OWNER TO "${login.user}"`))
    const appUrl = login.url(ctx.pg, db.name)
    ctx.log(`app-pgbench: pgbench -i --foreign-keys -s ${scale} as ${login.user}`)
    const initStarted = performance.now()
    await pgbenchInit(appUrl, scale)
    const initSeconds = (performance.now() - initStarted) / 1000
    // Autovacuum off on the application's tables: a VACUUM before every timed run replaces it, so
    // it cannot land in one state's run (the options follow the tables when the plan moves them).
    await withClient(db.url, (c) => c.query(`ALTER TABLE pgbench_accounts SET (autovacuum_enabled = off); ALTER TABLE pgbench_branches SET (autovacuum_enabled = off);
      ALTER TABLE pgbench_tellers SET (autovacuum_enabled = off); ALTER TABLE pgbench_history SET (autovacuum_enabled = off)`))

    // The plan, by Carve, for this database as it is: discovery from the schema, then plan.
    await carve(ctx.root, ['discover', '--db', db.url, '--yes', '--no-interactive'], {cwd: dir})
    const planDir = join(dir, 'plan')
    await carve(ctx.root, ['plan', '--db', db.url, '--out', planDir, '--role-prefix', prefix], {cwd: dir})
    const steps = planSteps(planDir)
    ctx.log(`  plan: ${steps.map((s) => s.id).join(', ')}`)
    const lastOf = (kind: string) => steps.map((s) => s.kind).lastIndexOf(kind)
    const moved = lastOf('move-to-schema') >= 0

    const outboxMode = /\bCREATE PUBLICATION\b/.test(planText(planDir, steps.find((s) => s.kind === 'outbox'))) ? 'wal' : 'trigger'
    const pieces: {name: string; upTo: number; dir: string; whole: boolean; searchPath?: boolean}[] = [
      {name: `whole plan (${steps.length} steps, default outbox: ${outboxMode})`, upTo: steps.length - 1, dir: planDir, whole: true},
    ]
    if (moved) {
      const pathDir = join(dir, 'plan-search-path')
      await carve(ctx.root, ['plan', '--db', db.url, '--out', pathDir, '--role-prefix', prefix, '--compat', 'search-path'], {cwd: dir})
      pieces.push({name: 'whole plan, --compat search-path', upTo: planSteps(pathDir).length - 1, dir: pathDir, whole: true, searchPath: true})
    }
    if (ctx.mode === 'full') {
      if (moved) pieces.unshift({name: `compatibility views only (steps 1–${lastOf('move-to-schema') + 1})`, upTo: lastOf('move-to-schema'), dir: planDir, whole: false})
      if (lastOf('grants') > lastOf('move-to-schema')) pieces.splice(pieces.length - 1, 0, {name: `views + roles and grants (steps 1–${lastOf('grants') + 1})`, upTo: lastOf('grants'), dir: planDir, whole: false})
      const other = outboxMode === 'wal' ? 'trigger' : 'wal'
      const otherDir = join(dir, `plan-${other}`)
      await carve(ctx.root, ['plan', '--db', db.url, '--out', otherDir, '--role-prefix', prefix, '--outbox', other], {cwd: dir})
      pieces.push({name: `whole plan, --outbox ${other}`, upTo: planSteps(otherDir).length - 1, dir: otherDir, whole: false})
    }

    const applyTimes: number[] = []
    let checkpoints = 0
    /** One timed run from the same starting state each time (see the header), counting checkpoints that start during it. */
    const timedRun = async <T>(run: () => Promise<T>, emptyHistory = false): Promise<T> =>
      withClient(db.url, async (c) => {
        if (emptyHistory) {
          // Wherever the plan moved it: the history table by name, whatever its schema.
          const {rows} = await c.query<{rel: string}>(`SELECT c.oid::regclass::text AS rel FROM pg_class c WHERE c.relname = 'pgbench_history' AND c.relkind = 'r'`)
          for (const r of rows) await c.query(`TRUNCATE ${r.rel}`)
        }
        await c.query('VACUUM')
        await c.query('CHECKPOINT')
        const count = async () => Number((await c.query<{n: string}>('SELECT (checkpoints_timed + checkpoints_req)::text AS n FROM pg_stat_bgwriter')).rows[0]!.n)
        const before = await count()
        const result = await run()
        checkpoints += (await count()) - before
        return result
      })
    const measure = async (): Promise<Sample> => {
      checkpoints = 0
      const tpcb = await timedRun(() => pgbenchRun(appUrl, {seconds: settings.tpcbSeconds}), true)
      const select = await timedRun(() => pgbenchRun(appUrl, {seconds: settings.selectSeconds, selectOnly: true}))
      const selectPrepared = await timedRun(() => pgbenchRun(appUrl, {seconds: settings.selectSeconds, selectOnly: true, protocol: 'prepared'}))
      const outbox = await withClient(db.url, async (c) => {
        const {rows} = await c.query<{rel: string; bytes: string}>(`SELECT c.oid::regclass::text AS rel, pg_total_relation_size(c.oid)::text AS bytes
          FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' AND c.relname = 'outbox' AND n.nspname NOT IN ('pg_catalog', 'information_schema')`)
        if (!rows.length) return null
        let total = 0
        for (const r of rows) total += Number((await c.query<{n: string}>(`SELECT count(*)::text AS n FROM ${r.rel}`)).rows[0]!.n)
        return {rows: total, bytes: rows.reduce((s, r) => s + Number(r.bytes), 0)}
      })
      const cpuOf = (protocol: 'simple' | 'prepared') => serverCpuPerSelect(appUrl, {n: settings.cpuStatements, accounts: scale * 100_000, protocol})
      const simple = await cpuOf('simple')
      const prepared = await cpuOf('prepared')
      const cpu = simple === null || prepared === null ? null : {simple, prepared}
      // From a checkpoint, as every timed run: the first change of each page after one costs a full-page image in the WAL.
      await withClient(db.url, (c) => c.query('CHECKPOINT'))
      const tpcbCpu = await serverCpuPerTpcb(appUrl, {n: settings.cpuTransactions, scale})
      return {tpcb, select, selectPrepared, cpu, tpcbCpu, checkpoints, outbox}
    }
    const arms: Arm<Sample>[] = [
      untouched(measure),
      ...pieces.map((p) => ({
        name: p.name,
        enter: async () => {
          const r = await carve(ctx.root, ['apply', p.dir, '--to', planSteps(p.dir)[p.upTo]!.id, '--db', db.url], {cwd: dir})
          applyTimes.push(r.seconds)
          if (moved && p.upTo >= lastOf('move-to-schema')) await expectKind(db.url, 'v')
          if (p.searchPath) await expectDirect(appUrl)
        },
        leave: async () => {
          await carve(ctx.root, ['rollback', p.dir, '--all', '--db', db.url], {cwd: dir})
          await expectKind(db.url, 'r')
        },
        measure,
      })),
    ]
    await expectKind(db.url, 'r')
    const samples = await interleave(rounds, arms, (r, arm, s) =>
      ctx.log(`  round ${r + 1}/${rounds} ${arm}: TPC-B ${s.tpcb.tps.toFixed(0)} tps, -S ${s.select.tps.toFixed(0)} tps, -S -M prepared ${s.selectPrepared.tps.toFixed(0)} tps${s.cpu ? `, server CPU per -S ${(s.cpu.simple * 1000).toFixed(1)} µs simple / ${(s.cpu.prepared * 1000).toFixed(1)} µs prepared` : ''}${s.tpcbCpu !== null ? `, per TPC-B transaction ${((s.tpcbCpu.user + s.tpcbCpu.system) * 1000).toFixed(0)} µs (user ${(s.tpcbCpu.user * 1000).toFixed(0)})` : ''}${s.checkpoints ? `, ${s.checkpoints} checkpoint(s) started during the timed runs` : ''}${s.outbox ? `, outbox ${group(s.outbox.rows)} rows (${(s.outbox.bytes / 2 ** 20).toFixed(1)} MB)` : ''}`),
    )
    const base = samples[0]!
    const baseTpcb = median(base.map((s) => s.tpcb.tps))
    const baseSelect = median(base.map((s) => s.select.tps))
    const basePrepared = median(base.map((s) => s.selectPrepared.tps))
    const cpuMedian = (list: Sample[], protocol: 'simple' | 'prepared') => {
      const values = list.map((s) => s.cpu?.[protocol]).filter((v): v is number => v !== undefined)
      return values.length ? median(values) : null
    }
    const rows: Row[] = []
    pieces.forEach((p, i) => {
      const mine = samples[i + 1]!
      const tpcb = median(mine.map((s) => s.tpcb.tps))
      const select = median(mine.map((s) => s.select.tps))
      const prepared = median(mine.map((s) => s.selectPrepared.tps))
      const outbox = mine.map((s) => s.outbox).filter((o) => o !== null)
      const applied = planSteps(p.dir).slice(0, p.upTo + 1)
      const details = {rounds, scale, tpcbSeconds: settings.tpcbSeconds, selectSeconds: settings.selectSeconds, steps: applied.map((s) => s.id), untouched: base, applied: mine, applySeconds: applyTimes, initSeconds}
      const notes = (extra: string[]) =>
        [`median of ${rounds} interleaved runs each`, `steps: ${applied.map((s) => s.kind).join(', ')}`, ...extra, 'pgbench as a plain login owning the database; plan applied by the DBA'].join('; ')
      const isWhole = p.whole
      const tpcbRatio = tpcb / baseTpcb
      // The spread behind the medians: each state's range and the ratio of each round's pair.
      const range = (list: Sample[]) => `${group(Math.round(min(list.map((s) => s.tpcb.tps))))}–${group(Math.round(max(list.map((s) => s.tpcb.tps))))}`
      const pairs = mine.map((s, r) => s.tpcb.tps / base[r]!.tpcb.tps)
      const landed = [...base, ...mine].reduce((n, s) => n + s.checkpoints, 0)
      const selectRatio = select / baseSelect
      rows.push({
        benchmark: 'app-pgbench',
        case: `TPC-B, scale ${scale}, 4 clients, ${p.name}`,
        carve: {value: tpcb, unit: 'tps'},
        reference: {name: 'untouched', value: baseTpcb, unit: 'tps'},
        ratio: tpcbRatio,
        target: isWhole ? '≥ 0.90× untouched' : '— (attribution)',
        met: isWhole ? tpcbRatio >= 0.9 : null,
        notes: notes([
          `${settings.tpcbSeconds} s per run`,
          `tps range untouched ${range(base)}, applied ${range(mine)}; per-round ratios ${pairs.map((x) => x.toFixed(2)).join(', ')}`,
          `TRUNCATE history + VACUUM + CHECKPOINT before every run, autovacuum off on the tables; ${landed} checkpoint(s) started during these states' timed runs`,
          outbox.length ? `outbox after a run: ${group(median(outbox.map((o) => o.rows)))} rows, ${(median(outbox.map((o) => o.bytes)) / 2 ** 20).toFixed(1)} MB (TPC-B and -S runs)` : 'no outbox table',
        ]),
        details,
      })
      rows.push({
        benchmark: 'app-pgbench',
        case: `select-only (-S), scale ${scale}, 4 clients, ${p.name}`,
        carve: {value: select, unit: 'tps'},
        reference: {name: 'untouched', value: baseSelect, unit: 'tps'},
        ratio: selectRatio,
        target: isWhole ? '≥ 0.97× untouched' : '— (attribution)',
        met: isWhole ? selectRatio >= 0.97 : null,
        notes: notes([`${settings.selectSeconds} s per run`, !moved ? 'the plan moved no table' : p.searchPath ? 'new sessions reach the tables through the search_path' : 'reads go through the compatibility views']),
        details,
      })
      rows.push({
        benchmark: 'app-pgbench',
        case: `select-only (-S -M prepared), scale ${scale}, 4 clients, ${p.name}`,
        carve: {value: prepared, unit: 'tps'},
        reference: {name: 'untouched, -M prepared', value: basePrepared, unit: 'tps'},
        ratio: prepared / basePrepared,
        target: '— (additional row: prepared statements)',
        met: null,
        notes: notes([`${settings.selectSeconds} s per run`, 'extended protocol, each statement prepared once per connection (a view is expanded at prepare time)']),
        details,
      })
      const txOf = (list: Sample[], part: (c: {user: number; system: number}) => number) => list.map((s) => (s.tpcbCpu ? part(s.tpcbCpu) : null)).filter((v): v is number => v !== null)
      const baseTx = txOf(base, (c) => c.user + c.system)
      const mineTx = txOf(mine, (c) => c.user + c.system)
      const [baseUser, mineUser] = [txOf(base, (c) => c.user), txOf(mine, (c) => c.user)]
      if (baseTx.length && mineTx.length) {
        rows.push({
          benchmark: 'app-pgbench',
          case: `server CPU per TPC-B transaction, one session, ${p.name}`,
          carve: {value: median(mineTx) * 1000, unit: 'µs'},
          reference: {name: 'untouched', value: median(baseTx) * 1000, unit: 'µs'},
          ratio: median(baseTx) / median(mineTx),
          target: '— (attribution: the work per transaction, robust to a busy machine)',
          met: null,
          notes: notes([
            `${group(settings.cpuTransactions)} transactions per run inside DO blocks (pgbench's script, each statement an EXECUTE of its text, then COMMIT), backend utime + stime from /proc`,
            `user time alone ${(median(mineUser) * 1000).toFixed(0)} vs ${(median(baseUser) * 1000).toFixed(0)} µs (${(median(baseUser) / median(mineUser)).toFixed(2)}×): the plan's own work; system time is mostly pages read back from the OS, which moves with the other databases' use of the shared buffers`,
          ]),
          details: {rounds, untouched: base.map((s) => s.tpcbCpu), applied: mine.map((s) => s.tpcbCpu)},
        })
      }
      for (const protocol of ['simple', 'prepared'] as const) {
        const baseCpu = cpuMedian(base, protocol)
        const cpu = cpuMedian(mine, protocol)
        if (baseCpu === null || cpu === null) continue
        rows.push({
          benchmark: 'app-pgbench',
          case: `server CPU per -S statement (${protocol}), one session, ${p.name}`,
          carve: {value: cpu * 1000, unit: 'µs'},
          reference: {name: 'untouched', value: baseCpu * 1000, unit: 'µs'},
          // Reference / Carve, as for times: 0.8× means the statement costs the server 1.25 times the CPU.
          ratio: baseCpu / cpu,
          target: '— (attribution: the work per statement, robust to a busy machine)',
          met: null,
          notes: notes([`${group(settings.cpuStatements)} statements per run inside DO blocks (the statement's own server CPU, without the protocol's socket work), backend utime + stime from /proc`]),
          details: {rounds, untouched: base.map((s) => s.cpu?.[protocol] ?? null), applied: mine.map((s) => s.cpu?.[protocol] ?? null)},
        })
      }
    })
    return rows
  } finally {
    rmSync(dir, {recursive: true, force: true})
    ctx.log(`  dropping ${db.name}`)
    await db.drop()
  }
}

/** The up.sql of a step, or '' when there is no such step. */
function planText(planDir: string, step: {id: string} | undefined): string {
  if (!step) return ''
  const doc = parse(readFileSync(join(planDir, 'plan.yml'), 'utf8')) as {steps: {id: string; files: {up: string}}[]}
  const file = doc.steps.find((s) => s.id === step.id)?.files.up
  return file ? readFileSync(join(planDir, file), 'utf8') : ''
}

/** With --compat search-path, a new session of the application resolves pgbench_accounts to the moved table, not the view. */
async function expectDirect(appUrl: string): Promise<void> {
  const found = await withClient(appUrl, async (c) => (await c.query<{k: string; n: string}>(`SELECT c.relkind AS k, n.nspname AS n FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = to_regclass('pgbench_accounts')`)).rows[0])
  if (found?.k !== 'r' || found.n === 'public') throw new BenchError(`app-pgbench: with --compat search-path a new session should resolve pgbench_accounts to the moved table, found ${found ? `${found.n} (relkind ${found.k})` : 'nothing'}`)
}

/** public.pgbench_accounts is a view once the tables moved, a table when untouched. */
async function expectKind(url: string, kind: 'r' | 'v'): Promise<void> {
  const found = await withClient(url, async (c) => (await c.query<{k: string}>(`SELECT relkind AS k FROM pg_class WHERE oid = to_regclass('public.pgbench_accounts')`)).rows[0]?.k)
  if (found !== kind) throw new BenchError(`app-pgbench: public.pgbench_accounts should be ${kind === 'v' ? 'a compatibility view' : 'the table'}, found relkind ${found ?? 'none'}`)
}
