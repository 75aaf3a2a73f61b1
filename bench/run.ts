/**
 * `npm run bench`: Carve against the tools people would use instead, the reference measured in
 * the same run. Prints a table on stdout (progress on stderr) and writes bench/results.json.
 *
 *   node dist/bench/run.js [--quick | --full] [--only NAME]... [--pg URL] [--mysql URL] [--runs N]
 *
 * Benchmarks are the files in bench/benchmarks/ (see lib/registry.ts).
 */
import {readdirSync} from 'node:fs'
import {loadavg} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath, pathToFileURL} from 'node:url'
import {parseArgs} from 'node:util'

import {installSignalHandlers, isStopping, runCleanup} from './lib/cleanup.js'
import {describeMachine, describeRevision, machineLine, revisionLine} from './lib/machine.js'
import {packageRoot} from './lib/paths.js'
import {redact, serverInfo} from './lib/postgres.js'
import {measurementMethod} from './lib/process.js'
import {BenchError, type Benchmark, type Mode, type Row} from './lib/registry.js'
import {writeResults} from './lib/results.js'
import {formatNotes, formatTable} from './lib/table.js'

const DEFAULT_PG = 'postgres://postgres@127.0.0.1:5432/postgres'
const DEFAULT_MYSQL = 'mysql://root@127.0.0.1:3306/'

const USAGE = `usage: npm run bench -- [--quick | --full] [--only NAME]... [--pg URL] [--mysql URL] [--runs N]

  --quick     small cases, few runs (default): under two minutes on 2 cores
  --full      the large cases (10,000 tables), more runs
  --only      run only this benchmark (repeatable, or comma-separated)
  --pg        PostgreSQL server to create scratch databases on (default ${DEFAULT_PG})
  --mysql     MySQL/MariaDB server for the MySQL rows (default ${DEFAULT_MYSQL}; they are skipped,
              with a message, when it cannot be reached)
  --runs      timed runs per case (default: each benchmark's own)
  --size      NAME=N[,N…] override a benchmark's data sizes (repeatable), e.g.
              --size introspection=5000 --size clustering=1000,20000 --size log-ingestion=256
              (tables for introspection and clustering, megabytes for log-ingestion,
              seconds per pgbench run for outbox, pgbench scale for app-pgbench and cutover,
              rows per table for app-sysbench, statements for app-replay)`

class UsageError extends Error {}

interface Args {
  mode: Mode
  only: string[] | null
  pg: string
  mysql: string
  runs: number | undefined
  sizes: Record<string, number[]>
}

function parse(argv: string[]): Args | 'help' {
  let values
  try {
    ;({values} = parseArgs({
      args: argv,
      options: {
        quick: {type: 'boolean'},
        full: {type: 'boolean'},
        only: {type: 'string', multiple: true},
        pg: {type: 'string'},
        mysql: {type: 'string'},
        runs: {type: 'string'},
        size: {type: 'string', multiple: true},
        help: {type: 'boolean', short: 'h'},
      },
      strict: true,
      allowPositionals: false,
    }))
  } catch (error) {
    throw new UsageError((error as Error).message)
  }
  if (values.help) return 'help'
  if (values.quick && values.full) throw new UsageError('--quick and --full exclude each other')
  let runs: number | undefined
  if (values.runs !== undefined) {
    runs = Number(values.runs)
    if (!Number.isInteger(runs) || runs < 1) throw new UsageError(`--runs must be a positive integer, not ${JSON.stringify(values.runs)}`)
  }
  const pg = values.pg ?? DEFAULT_PG
  try {
    if (!/^postgres(ql)?:$/.test(new URL(pg).protocol)) throw new Error()
  } catch {
    throw new UsageError(`--pg must be a postgres:// URL, not ${JSON.stringify(redact(pg))}`)
  }
  const mysql = values.mysql ?? DEFAULT_MYSQL
  try {
    if (!/^mysql:$/.test(new URL(mysql).protocol)) throw new Error()
  } catch {
    throw new UsageError(`--mysql must be a mysql:// URL, not ${JSON.stringify(redact(mysql))}`)
  }
  const only = values.only?.flatMap((o) => o.split(',')).map((o) => o.trim()).filter(Boolean) ?? null
  const sizes: Record<string, number[]> = {}
  for (const spec of values.size ?? []) {
    const [name, list] = spec.split('=')
    const numbers = (list ?? '').split(',').map(Number)
    if (!name || !list || numbers.some((n) => !Number.isInteger(n) || n < 1)) throw new UsageError(`--size takes NAME=N[,N…] with positive whole numbers, not ${JSON.stringify(spec)}`)
    sizes[name] = numbers
  }
  return {mode: values.full ? 'full' : 'quick', only: only?.length ? only : null, pg, mysql, runs, sizes}
}

/** Every bench/benchmarks/*.js next to this file, in table order. */
async function discover(): Promise<Benchmark[]> {
  const folder = join(dirname(fileURLToPath(import.meta.url)), 'benchmarks')
  const files = readdirSync(folder).filter((f) => f.endsWith('.js')).sort()
  const found: Benchmark[] = []
  for (const file of files) {
    const mod = (await import(pathToFileURL(join(folder, file)).href)) as {default?: Benchmark}
    if (!mod.default?.name || typeof mod.default.run !== 'function') {
      throw new Error(`bench/benchmarks/${file} does not default-export defineBenchmark({...})`)
    }
    found.push(mod.default)
  }
  const names = new Set<string>()
  for (const b of found) {
    if (names.has(b.name)) throw new Error(`two benchmarks are named ${b.name}`)
    names.add(b.name)
  }
  return found.sort((a, b) => a.order - b.order || a.name.localeCompare(b.name))
}

async function main(): Promise<number> {
  let args
  try {
    args = parse(process.argv.slice(2))
  } catch (error) {
    if (!(error instanceof UsageError)) throw error
    process.stderr.write(`error: ${error.message}\n${USAGE}\n`)
    return 2
  }
  if (args === 'help') {
    process.stdout.write(USAGE + '\n')
    return 0
  }

  const all = await discover()
  const selected = args.only ? all.filter((b) => args.only!.includes(b.name)) : all.filter((b) => args.mode === 'full' || !b.fullOnly)
  const deferred = args.only ? [] : all.filter((b) => args.mode === 'quick' && b.fullOnly)
  const unknown = args.only?.filter((o) => !all.some((b) => b.name === o)) ?? []
  if (unknown.length) {
    process.stderr.write(`error: no benchmark named ${unknown.join(', ')}; there are: ${all.map((b) => b.name).join(', ')}\n`)
    return 2
  }

  installSignalHandlers()
  const started = performance.now()
  const loadStart = loadavg()[0]!
  const root = packageRoot()
  const log = (message: string) => process.stderr.write(`› ${message}\n`)

  let postgres: string | null = null
  let otherSessions: number | null = null
  try {
    const info = await serverInfo(args.pg)
    postgres = info.version
    otherSessions = info.otherActiveSessions
  } catch (error) {
    if (selected.some((b) => b.needsPostgres)) throw error
  }
  const machine = describeMachine(postgres)
  const revision = describeRevision(root)
  log(`${args.mode} mode: ${selected.map((b) => b.name).join(', ')}; PostgreSQL at ${redact(args.pg)}`)
  if (deferred.length) log(`with --full (or --only NAME): ${deferred.map((b) => b.name).join(', ')}`)

  const rows: Row[] = []
  for (const benchmark of selected) {
    log(`${benchmark.name}: ${benchmark.summary}`)
    rows.push(...(await benchmark.run({mode: args.mode, runs: args.runs, sizes: args.sizes[benchmark.name], pg: args.pg, mysql: args.mysql, root, log})))
  }
  const durationSeconds = (performance.now() - started) / 1000
  const loadEnd = loadavg()[0]!
  const date = new Date().toISOString()

  const out = [
    `Carve benchmarks — ${args.mode} mode, ${date.slice(0, 10)}`,
    '',
    formatTable(rows),
    '',
    'ratio = reference time / Carve time (above 1: Carve is faster); times are medians of wall-clock runs.',
    formatNotes(rows),
    '',
    `carve: ${revisionLine(revision)}`,
    `machine: ${machineLine(machine)}`,
    `before the run: 1-min load average ${loadStart.toFixed(2)}${otherSessions === null ? '' : `, ${otherSessions} other active PostgreSQL session${otherSessions === 1 ? '' : 's'}`} (work already on the machine slows both tools)`,
    `measured: ${measurementMethod()}`,
    `took ${durationSeconds.toFixed(0)} s; results in bench/results.json`,
  ]
  process.stdout.write(out.join('\n') + '\n')

  writeResults(join(root, 'bench', 'results.json'), {
    format: 'carve.bench/v1',
    date,
    mode: args.mode,
    args: {only: args.only, runs: args.runs ?? null, sizes: args.sizes, pg: redact(args.pg), mysql: redact(args.mysql)},
    machine,
    revision,
    loadAverage: {start: loadStart, end: loadEnd},
    otherActivePostgresSessions: otherSessions,
    method: measurementMethod(),
    durationSeconds,
    rows,
  })
  return 0
}

main()
  .then(async (code) => {
    await runCleanup()
    process.exitCode = code
  })
  .catch(async (error: unknown) => {
    // After Ctrl-C / SIGTERM the failure is the interruption itself; the signal handler exits.
    if (isStopping()) return
    await runCleanup()
    const e = error as Error
    process.stderr.write(`\nbenchmark failed: ${e instanceof BenchError ? e.message : (e.stack ?? String(e))}\n`)
    process.exitCode = 1
  })
