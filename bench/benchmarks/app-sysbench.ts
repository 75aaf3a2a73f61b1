/**
 * app-sysbench: the MySQL/MariaDB application's throughput with Carve's plan applied vs
 * untouched — sysbench `oltp_read_write`, 4 threads, no error ignored.
 *
 * sysbench prepares its tables in a database of this run's own; Carve builds the plan for it
 * (`carve discover --yes`, the context renamed to this run's own name since MySQL databases are
 * server-wide, then `carve plan`) and `carve apply` / `carve rollback --all` switch it on and off
 * between runs, interleaved ABBA on the same tables. --full also applies the plan's pieces
 * cumulatively (compatibility views; views + roles and grants; those + the trigger outbox of a
 * second plan made with --outbox trigger) so the cost of each is the difference between
 * neighbours. Besides throughput, each run measures the server's CPU per transaction (mariadbd's
 * utime + stime from /proc, when the server's pid file is readable): on a machine shared with
 * other work, throughput follows the neighbours' load, CPU per transaction much less.
 * Skipped with a message when no MySQL/MariaDB server answers at --mysql or sysbench is missing.
 */
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import type {Connection} from '../../src/db/connection.js'
import {openMysql} from '../../src/db/mysql.js'
import {binlogWrongSettings, readBinlogSettings} from '../../src/plan/dialects/mysql.js'
import {carve, planSteps} from '../lib/carve-cli.js'
import {interleave, untouched, type Arm} from '../lib/interleave.js'
import {onCleanup} from '../lib/cleanup.js'
import {commandOutput} from '../lib/process.js'
import {BenchError, defineBenchmark, type BenchContext, type Row} from '../lib/registry.js'
import {median} from '../lib/stats.js'
import {sysbenchPrepare, sysbenchRun, type SysbenchResult} from '../lib/sysbench.js'

const TABLES = 4
const SETTINGS = {
  quick: {rounds: 2, seconds: 8, tableSize: 25_000},
  full: {rounds: 3, seconds: 15, tableSize: 100_000},
} as const

export default defineBenchmark({
  name: 'app-sysbench',
  summary: 'MariaDB/MySQL sysbench oltp_read_write (4 threads) with the plan for its own database applied vs untouched, interleaved',
  order: 51,
  needsPostgres: false,
  async run(ctx) {
    if (commandOutput('sysbench', ['--version']) === null) {
      ctx.log('app-sysbench: SKIPPED — sysbench is not installed (Debian: apt-get install sysbench)')
      return []
    }
    let admin: Connection
    try {
      admin = await openMysql(adminUrl(ctx.mysql))
    } catch (error) {
      ctx.log(`app-sysbench: SKIPPED — no MySQL/MariaDB server at --mysql: ${(error as Error).message}`)
      return []
    }
    try {
      return await runCase(ctx, admin)
    } finally {
      await admin.close()
    }
  },
})

/** The server URL as given, on information_schema when it names no database (the driver needs one). */
function adminUrl(server: string): string {
  const u = new URL(server)
  if (u.pathname.replace(/^\//, '') === '') u.pathname = '/information_schema'
  return u.toString()
}

const q = (name: string) => `\`${name.replace(/`/g, '``')}\``

async function runCase(ctx: BenchContext, admin: Connection): Promise<Row[]> {
  const settings = SETTINGS[ctx.mode]
  const rounds = ctx.runs ?? settings.rounds
  const tableSize = ctx.sizes?.[0] ?? settings.tableSize
  const db = `carve_bench_sb_${process.pid}`
  // Context names are kebab-case; the context's database is the name with underscores.
  const context = `${db.replace(/_/g, '-')}-oltp`
  const contextDb = context.replace(/-/g, '_')
  const prefix = `cb_sb${process.pid}_`
  const url = (() => {
    const u = new URL(ctx.mysql)
    u.pathname = `/${db}`
    return u.toString()
  })()
  const dir = mkdtempSync(join(tmpdir(), 'carve-bench-sb-'))
  const drop = onCleanup(async () => {
    const c = await openMysql(adminUrl(ctx.mysql))
    try {
      for (const d of [db, contextDb]) await c.exec(`DROP DATABASE IF EXISTS ${q(d)}`).catch(() => {})
      const roles = await c.query<{u: string}>('SELECT User AS u FROM mysql.user WHERE User LIKE ?', [`${prefix.replace(/_/g, '\\_')}%`]).catch(() => [])
      for (const r of roles) await c.exec(`DROP ROLE IF EXISTS ${q(r.u)}`).catch(() => {})
      await c.query('DELETE FROM carve.ownership WHERE table_schema IN (?)', [[db, contextDb]]).catch(() => {})
      for (const t of ['ledger_steps', 'ledger_events']) await c.query(`DELETE FROM carve.${t} WHERE plan LIKE ?`, [`${db}/%`]).catch(() => {})
    } finally {
      await c.close()
    }
  })
  try {
    await admin.exec(`CREATE DATABASE ${q(db)}`)
    ctx.log(`app-sysbench: sysbench prepare, ${TABLES} tables × ${tableSize} rows in ${db}`)
    await sysbenchPrepare(url, TABLES, tableSize)

    await carve(ctx.root, ['discover', '--db', url, '--yes', '--no-interactive'], {cwd: dir})
    const boundaries = join(dir, 'carve.yml')
    const proposed = readFileSync(boundaries, 'utf8')
    const names = [...proposed.matchAll(/^ {2}- name: (\S+)$/gm)].map((m) => m[1]!)
    if (names.length !== 1) throw new BenchError(`app-sysbench: discovery proposed ${names.length} contexts for the sysbench tables, expected one:\n${proposed}`)
    // MySQL databases are server-wide: the context's database gets this run's own name.
    writeFileSync(boundaries, proposed.replace(/^ {2}- name: \S+$/m, `  - name: ${context}`))
    const planDir = join(dir, 'plan')
    // The default outbox reads the binary log and refuses to apply where a change reader cannot
    // use it (MariaDB's own default: log_bin OFF). There the whole plan is measured with the
    // trigger outbox, and the row says so: the default's figure needs a server with binlog on.
    const binlog = await readBinlogSettings(admin)
    const binlogWrong = binlog ? binlogWrongSettings(binlog) : ['binlog settings unreadable']
    const outboxArgs = binlogWrong.length ? ['--outbox', 'trigger'] : []
    if (binlogWrong.length) ctx.log(`  this server's binary log is not usable for change data capture (${binlogWrong.join('; ')}): the whole plan is measured with --outbox trigger`)
    await carve(ctx.root, ['plan', '--db', url, '--out', planDir, '--name', db, '--role-prefix', prefix, ...outboxArgs], {cwd: dir})
    const steps = planSteps(planDir)
    ctx.log(`  plan: ${steps.map((s) => s.id).join(', ')}`)

    const isView = async () =>
      (await admin.query<{t: string}>('SELECT TABLE_TYPE AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?', [db, 'sbtest1']))[0]?.t === 'VIEW'
    const cpu = await serverCpu(admin)
    const measure = async (): Promise<Sample> => {
      const before = cpu()
      const result = await sysbenchRun(url, {tables: TABLES, tableSize, seconds: settings.seconds})
      const after = cpu()
      const cpuMsPerTxn = before !== null && after !== null && result.transactions > 0 ? ((after - before) * 1000) / result.transactions : null
      return {...result, cpuMsPerTxn}
    }
    const kinds = steps.map((s) => s.kind)
    const moveAt = kinds.lastIndexOf('move-to-schema')
    const grantsAt = kinds.lastIndexOf('grants')
    // Quick: the whole plan. --full: also its pieces, cumulatively (views; views + grants), so
    // each piece's cost is the difference between neighbours.
    const wholeName = binlogWrong.length ? `whole plan with --outbox trigger, binlog off here (${steps.length} steps)` : `whole plan (${steps.length} steps)`
    const pieces: {name: string; upTo: number; whole: boolean; plan: string}[] = [{name: wholeName, upTo: steps.length - 1, whole: true, plan: planDir}]
    if (ctx.mode === 'full') {
      if (kinds.at(-1) === 'outbox' && !binlogWrong.length) {
        // The same plan with the in-transaction outbox: three AFTER row triggers per table.
        const triggerDir = join(dir, 'plan-trigger')
        await carve(ctx.root, ['plan', '--db', url, '--out', triggerDir, '--name', db, '--role-prefix', prefix, '--outbox', 'trigger'], {cwd: dir})
        const triggerSteps = planSteps(triggerDir)
        pieces.push({name: `whole plan with --outbox trigger (${triggerSteps.length} steps)`, upTo: triggerSteps.length - 1, whole: false, plan: triggerDir})
      }
      if (grantsAt > moveAt && grantsAt < steps.length - 1) pieces.unshift({name: `views + roles and grants (steps 1–${grantsAt + 1})`, upTo: grantsAt, whole: false, plan: planDir})
      if (moveAt >= 0) pieces.unshift({name: `compatibility views only (steps 1–${moveAt + 1})`, upTo: moveAt, whole: false, plan: planDir})
    }
    const arms: Arm<Sample>[] = [
      untouched(measure),
      ...pieces.map((p) => ({
        name: p.name,
        enter: async () => {
          await carve(ctx.root, ['apply', p.plan, '--to', planSteps(p.plan)[p.upTo]!.id, '--db', url], {cwd: dir})
          if (moveAt >= 0 && p.upTo >= moveAt && !(await isView())) throw new BenchError('app-sysbench: after apply, sbtest1 is not a compatibility view')
        },
        leave: async () => {
          await carve(ctx.root, ['rollback', p.plan, '--all', '--db', url], {cwd: dir})
          if (await isView()) throw new BenchError('app-sysbench: after rollback, sbtest1 is still a view')
        },
        measure,
      })),
    ]
    const samples = await interleave(rounds, arms, (r, arm, s) =>
      ctx.log(`  round ${r + 1}/${rounds} ${arm}: ${s.tps.toFixed(0)} tps, ${s.qps.toFixed(0)} qps, p95 ${s.p95Ms} ms`),
    )
    const base = samples[0]!
    const ref = median(base.map((s) => s.tps))
    const version = (await admin.query<{v: string}>('SELECT VERSION() AS v'))[0]!.v
    return pieces.map((p, i): Row => {
      const mine = samples[i + 1]!
      const tps = median(mine.map((s) => s.tps))
      const ratio = tps / ref
      const cpuOf = (xs: Sample[]) => (xs.every((x) => x.cpuMsPerTxn !== null) ? median(xs.map((x) => x.cpuMsPerTxn!)) : null)
      const cpuMine = cpuOf(mine)
      const cpuBase = cpuOf(base)
      return {
        benchmark: 'app-sysbench',
        case: `oltp_read_write, 4 threads, ${TABLES} × ${tableSize.toLocaleString('en-US')} rows, ${p.name}`,
        carve: {value: tps, unit: 'tps'},
        reference: {name: 'untouched', value: ref, unit: 'tps'},
        ratio,
        target: p.whole ? '≥ 0.95× untouched' : '— (attribution)',
        met: p.whole ? ratio >= 0.95 : null,
        notes: [
          `median of ${rounds} interleaved ${settings.seconds} s runs each`,
          `steps: ${planSteps(p.plan).slice(0, p.upTo + 1).map((s) => s.kind).join(', ')}`,
          `p95 latency ${median(mine.map((s) => s.p95Ms)).toFixed(1)} vs ${median(base.map((s) => s.p95Ms)).toFixed(1)} ms`,
          ...(cpuMine !== null && cpuBase !== null ? [`server CPU ${cpuMine.toFixed(3)} vs ${cpuBase.toFixed(3)} ms per transaction (${(cpuBase / cpuMine).toFixed(2)}× as cheap)`] : []),
          `server ${version}; sysbench as root, plan applied by root`,
        ].join('; '),
        details: {rounds, seconds: settings.seconds, tables: TABLES, tableSize, steps: planSteps(p.plan).slice(0, p.upTo + 1).map((s) => s.id), untouched: base, applied: mine, server: version, serverCpuMsPerTxn: {untouched: cpuBase, applied: cpuMine}},
      }
    })
  } finally {
    rmSync(dir, {recursive: true, force: true})
    ctx.log(`  dropping ${db}`)
    await drop()
  }
}

type Sample = SysbenchResult & {cpuMsPerTxn: number | null}

/**
 * A reader of the server process's CPU seconds (user + system) from /proc, or of null when its
 * pid file or /proc entry cannot be read (another host, another user's server without access).
 */
async function serverCpu(admin: Connection): Promise<() => number | null> {
  const [row] = await admin.query<{f: string | null}>('SELECT @@pid_file AS f')
  const ticks = Number(commandOutput('getconf', ['CLK_TCK']) ?? 100)
  let pid: number | null = null
  try {
    pid = Number(readFileSync(String(row?.f ?? ''), 'utf8').trim()) || null
  } catch {
    pid = null
  }
  return () => {
    if (pid === null) return null
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
      // Fields after "(comm) ": state is the first; utime and stime are the 12th and 13th.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      return (Number(fields[11]) + Number(fields[12])) / ticks
    } catch {
      return null
    }
  }
}
