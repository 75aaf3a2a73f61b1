import {readFileSync, statSync} from 'node:fs'
import {availableParallelism} from 'node:os'

import {Args, Flags} from '@oclif/core'

import {CarveCommand, connectionFlags} from '../../src/cli/base.js'
import {writeOutputFile} from '../../src/cli/output.js'
import {ByteProgress} from '../../src/cli/progress.js'
import {leaveShortRun, SMALL_INPUT_BYTES} from '../../src/cli/short-run.js'
import {CarveError, EXIT} from '../../src/errors.js'
import {inspect} from '../../src/introspect/index.js'
import type {Catalog} from '../../src/introspect/model.js'
import {formatBytes} from '../../src/render/text.js'
import {workloadReport} from '../../src/render/workload-report.js'
import {FILE_FORMATS, ingest, LIVE_FORMATS, type LiveFormat} from '../../src/workload/ingest.js'
import {workloadDialect} from '../../src/workload/dialect.js'
import type {Workload} from '../../src/workload/model.js'
import {isCompressed} from '../../src/workload/sources/lines.js'

export default class WorkloadIngest extends CarveCommand {
  static override summary = 'Learn from query logs which service reads and writes which table.'
  static override description = `Reads PostgreSQL logs (stderr with any log_line_prefix — detected from the lines —, csvlog, jsonlog, syslog, journalctl -o json, Heroku logplex, Google Cloud SQL and CloudNativePG JSON; plain or gzip/bzip2/xz/zstd-compressed), MySQL/MariaDB general and slow query logs, folders of .sql files per service, or live statistics (pg_stat_statements, performance_schema digests with --live), parses every distinct statement once with a real SQL parser, and writes workload.json: per-statement stats, per service×table reads/writes, joins, multi-table write transactions, and each table's classification (single writer, shared writers, common, read-only, untouched).

Services are attributed from sqlcommenter tags, then application_name, then the service map (users, client addresses), then the database user. Unparseable statements and garbage lines are counted and sampled, never fatal.`

  static override examples = [
    {description: 'The shipped example\'s logs (captured from real servers)', command: '<%= config.bin %> <%= command.id %> --example shop'},
    {description: 'PostgreSQL logs, gzipped ones too, with a service map', command: '<%= config.bin %> <%= command.id %> /var/log/postgresql/postgresql-15-main.log* --service-map services.yml --out workload.json'},
    {description: 'A custom log_line_prefix (SHOW log_line_prefix on the server)', command: "<%= config.bin %> <%= command.id %> pg.log --log-line-prefix '%t [%p]: user=%u,db=%d,app=%a '"},
    {description: 'Live pg_stat_statements, with the catalog to spot untouched tables', command: '<%= config.bin %> <%= command.id %> --live pg_stat_statements --db postgres://carve_ro@db/legacy'},
    {description: 'MariaDB general log', command: '<%= config.bin %> <%= command.id %> /var/lib/mysql/general.log --format mysql-general'},
  ]

  static override strict = false
  static override args = {files: Args.string({description: 'log files or folders of .sql files (many allowed)'})}
  static override flags = {
    ...connectionFlags,
    format: Flags.string({options: [...FILE_FORMATS], summary: 'Force the format of every file (auto-detected per file otherwise).'}),
    live: Flags.string({options: [...LIVE_FORMATS], summary: 'Also read live statistics from --db.'}),
    'service-map': Flags.string({summary: 'YAML mapping applications / users / client addresses to services.'}),
    'log-line-prefix': Flags.string({summary: "The server's log_line_prefix, for stderr logs (read from --db when it is PostgreSQL, else detected)."}),
    catalog: Flags.string({summary: 'A catalog JSON from `carve inspect --out`, to list tables no statement touched.'}),
    out: Flags.string({char: 'o', default: 'workload.json', summary: 'Where to write the workload.'}),
    limit: Flags.integer({default: 15, min: 0, summary: 'Rows per section in the printed report (0 = all).'}),
    jobs: Flags.integer({char: 'j', min: 1, default: availableParallelism(), summary: 'Worker threads (default: the machine\'s cores). Large plain logs are read in pieces in parallel.'}),
  }

  /**
   * A small log is read as a short run (short-run.ts): V8's young generation held at its size (on
   * a 1 MB log it would grow to 32 MB, a quarter of the process) and fewer functions optimized.
   * Larger logs get V8's defaults, which their throughput needs. Left when the command ends.
   */
  protected override async isShortRun(): Promise<boolean> {
    const {argv, flags} = await this.flagsOnce()
    return !flags.live && smallPlainFiles(argv as string[])
  }

  /** The flags, parsed once: isShortRun (in init) needs them before run() does. */
  private parsing?: ReturnType<WorkloadIngest['parseFlags']>
  private flagsOnce() {
    return (this.parsing ??= this.parseFlags())
  }
  private parseFlags() {
    return this.parse(WorkloadIngest)
  }

  async run(): Promise<Workload> {
    const {argv, flags} = await this.flagsOnce()
    let files = argv as string[]
    // Imported where used: the example's and the service map's YAML and schema code cost ~30 MB
    // of peak RSS that a plain ingest does not need (/usr/bin/time -v).
    const example = flags.example ? (await import('../../src/cli/example-inputs.js')).exampleLogs(flags.example) : undefined
    if (files.length === 0 && example) files = example.files
    if (files.length === 0 && !flags.live) {
      throw new CarveError('usage.no-input', 'no log files given', {exitCode: EXIT.usage, hint: 'carve workload ingest FILE... (or --example shop for the example\'s logs)'})
    }
    const serviceMap = flags['service-map'] ? (await import('../../src/workload/service-map.js')).loadServiceMap(flags['service-map']) : example?.serviceMap

    let catalog: Catalog | undefined
    let conn
    if (flags.catalog) catalog = readCatalog(flags.catalog)
    if (flags.db || flags.example) {
      conn = await this.connect(this.resolveTarget(flags))
      if (!catalog) catalog = await inspect(conn)
    }
    if (flags.live && !conn) throw new CarveError('usage.no-db', `--live ${flags.live} needs --db`, {exitCode: EXIT.usage})
    // The logs' server is the one named by --db: its log_line_prefix is the authority.
    let prefix = flags['log-line-prefix']
    if (prefix === undefined && conn) {
      prefix = await workloadDialect(conn.engine).logLinePrefix(conn)
      if (prefix !== undefined) this.progress(`log_line_prefix from the server: '${prefix}'`)
    }

    const total = files.reduce((n, f) => n + (safeSize(f) ?? 0), 0)
    const progress = new ByteProgress(total, process.stderr, !this.jsonEnabled())
    const workload = await ingest({
      files,
      format: flags.format as (typeof FILE_FORMATS)[number] | undefined,
      live: flags.live && conn ? {format: flags.live as LiveFormat, conn} : undefined,
      logLinePrefix: prefix,
      serviceMap,
      workers: flags.jobs,
      knownTables: catalog?.tables.filter((t) => !t.partitionOf).map(workloadDialect(catalog.database.engine).tableName),
      onProgress: (p) => progress.update(p.file, p.bytes, p.size),
      onWarning: () => {},
    })
    const {seconds, bytes} = progress.finish()
    writeOutputFile(flags.out, JSON.stringify(workload, null, 2) + '\n')
    this.progress(`read ${formatBytes(bytes)} in ${seconds.toFixed(1)} s (${formatBytes(bytes / Math.max(seconds, 0.001))}/s); workload written to ${flags.out}`)
    if (workload.totals.calls === 0) {
      // No silent zero: the workload (with every file's warning) is written and shown, and the
      // command fails, naming what the inputs looked like.
      const warnings = workload.sources.flatMap((s) => s.warnings.map((m) => `${s.file}: ${m}`))
      const message = `no statement found in ${workload.sources.length} input${workload.sources.length === 1 ? '' : 's'}`
      if (this.jsonEnabled()) {
        this.logJson({...workload, error: {code: 'workload.no-statements', message, hint: warnings[0] ?? null}})
        this.exit(EXIT.failure)
      }
      throw new CarveError('workload.no-statements', message, {hint: warnings.join('\n') || undefined})
    }
    this.log(workloadReport(workload, {limit: flags.limit}))
    return workload
  }

  protected override async finally(error: Error | undefined): Promise<void> {
    leaveShortRun()
    await super.finally(error)
  }
}

/** Whether the inputs are regular files, none compressed, under SMALL_INPUT_BYTES together. */
async function smallPlainFiles(files: string[]): Promise<boolean> {
  let total = 0
  for (const file of files) {
    const stat = safeStat(file)
    if (!stat?.isFile()) return false
    total += stat.size
  }
  if (files.length === 0 || total >= SMALL_INPUT_BYTES) return false
  for (const file of files) if (await isCompressed(file)) return false
  return true
}

function safeStat(path: string) {
  try {
    return statSync(path)
  } catch {
    return undefined
  }
}

function safeSize(path: string): number | undefined {
  return safeStat(path)?.size
}

function readCatalog(path: string): Catalog {
  try {
    const data = JSON.parse(readFileSync(path, 'utf8')) as Catalog
    if (data.format !== 'carve.catalog/v1') throw new Error('not a Carve catalog (format carve.catalog/v1)')
    return data
  } catch (error) {
    throw new CarveError('usage.catalog', `cannot use ${path} as a catalog: ${(error as Error).message}`, {exitCode: EXIT.usage, hint: 'write one with carve inspect --out catalog.json'})
  }
}
