import {availableParallelism} from 'node:os'

import {Args, Flags} from '@oclif/core'

import {applyBaseline, baselineOf, readBaseline, writeBaseline} from '../src/check/baseline.js'
import {githubReport} from '../src/check/format/github.js'
import {jsonReport} from '../src/check/format/json.js'
import {junitReport} from '../src/check/format/junit.js'
import {sarifReport} from '../src/check/format/sarif.js'
import {textReport} from '../src/check/format/text.js'
import {type EvidenceRequest, gatherSightings, gatherWorkload} from '../src/check/gather.js'
import {assertExceptionTables, readCatalogFile, resolveBoundaries} from '../src/check/inputs.js'
import {locator} from '../src/check/locate.js'
import {type CheckReport, type Draft, type RuleId, SEVERITIES, type Severity} from '../src/check/model.js'
import {runCheck} from '../src/check/run.js'
import {CarveCommand, connectionFlags} from '../src/cli/base.js'
import {exampleLogs} from '../src/cli/example-inputs.js'
import {writeOutputFile} from '../src/cli/output.js'
import type {Connection} from '../src/db/connection.js'
import {describeTarget} from '../src/db/target.js'
import {CarveError, EXIT} from '../src/errors.js'
import type {Catalog} from '../src/introspect/model.js'
import {assess, type AssessmentFacts} from '../src/assess/assess.js'
import {gatherAssessmentFacts} from '../src/assess/assess-facts.js'
import {DEFAULT_CONVENTIONS} from '../src/plan/context.js'
import {loadServiceMap, type ServiceMap} from '../src/workload/service-map.js'
import {LIVE_FORMATS, type LiveFormat} from '../src/workload/ingest.js'
import {FILE_FORMATS, type FileFormat} from '../src/workload/sources/registry.js'

const OUTPUT_FORMATS = ['text', 'json', 'github', 'junit', 'sarif'] as const

export default class Check extends CarveCommand {
  static override summary = 'Keep the boundaries: report accesses, exceptions, tables, grants and drift that break carve.yml (for CI and daily jobs).'
  static override description = `Checks the boundaries file against fresh evidence and the database, and reports findings with a severity, the context, table, consumer, kind of access and evidence (statement fingerprint, a masked sample, count, first/last seen, the log line):
  foreign-write              a service writes another context's table, no approved unexpired exception (error)
  foreign-read               a service reads another context's table directly (warning; error with --strict-reads)
  cross-context-join         one statement joins tables of different contexts (warning)
  cross-context-transaction  one transaction writes tables of different contexts (warning)
  exception-expired          an exception is past its date (error); exception-expiring within --warn-days (warning)
  exception-unused           no access uses an exception any more (info: remove it)
  unowned-table              a table of the database in no context (warning)
  missing-table              a context table the database no longer has (warning)
  cross-context-fk           a foreign key across contexts (warning; info towards shared reference data)
  foreign-write-grant        another role can write a context's tables once they are in its own schema (error)
  below-min-level            a context below --min-level (error)
  plan-drift                 the committed plan (--plan DIR) differs from what carve plan would write now (error)

Evidence: log files or folders of .sql files (any format \`carve workload ingest\` reads), --live pg_stat_statements / mysql-digest from --db, or a saved --workload. The catalog: --db (or --example), or --catalog JSON so CI needs no database (then grants and levels are not checked).

Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it (default: error), 2 bad input. With --baseline only findings the baseline does not have count.`

  static override examples = [
    {description: 'The example: its boundaries, database and captured logs', command: '<%= config.bin %> <%= command.id %> --example shop'},
    {description: 'CI without a database: a catalog JSON and yesterday\'s logs', command: '<%= config.bin %> <%= command.id %> --catalog catalog.json /var/log/postgresql/postgresql-*.csv --service-map services.yml --format github'},
    {description: 'Live statistics from the database itself', command: '<%= config.bin %> <%= command.id %> --db postgres://carve_ro@db/legacy --live pg_stat_statements --min-level 1'},
    {description: 'Adopt on a legacy codebase: record today, then fail only on new findings', command: '<%= config.bin %> <%= command.id %> --example shop --write-baseline carve-baseline.json && <%= config.bin %> <%= command.id %> --example shop --baseline carve-baseline.json'},
    {description: 'SARIF for code scanning', command: '<%= config.bin %> <%= command.id %> --catalog catalog.json --workload workload.json --format sarif --out carve.sarif'},
  ]

  static override strict = false
  static override args = {logs: Args.string({description: 'log files or folders of .sql files (many allowed)'})}
  static override flags = {
    ...connectionFlags,
    file: Flags.string({char: 'f', summary: 'The boundaries file (default carve.yml; with --example and no carve.yml, the example\'s own).'}),
    catalog: Flags.string({summary: 'A catalog JSON from `carve inspect --out` instead of a database connection.'}),
    workload: Flags.string({char: 'w', summary: 'A saved workload.json as the evidence.'}),
    live: Flags.string({options: [...LIVE_FORMATS], summary: 'Read live statistics from --db as the evidence.'}),
    'log-format': Flags.string({options: [...FILE_FORMATS], summary: 'Force the format of every log file (auto-detected otherwise).'}),
    'log-line-prefix': Flags.string({summary: "The server's log_line_prefix, for stderr logs (detected otherwise)."}),
    'service-map': Flags.string({summary: 'YAML mapping applications / users / client addresses to services (as for workload ingest).'}),
    jobs: Flags.integer({char: 'j', min: 1, default: availableParallelism(), summary: 'Worker threads for reading logs (default: the machine\'s cores).'}),
    plan: Flags.string({summary: 'A committed plan folder: report drift from what carve plan would write now.', helpValue: 'DIR'}),
    format: Flags.string({options: [...OUTPUT_FORMATS], default: 'text', summary: 'Output: text (grouped by context), json, github (workflow commands), junit, sarif (2.1.0).'}),
    out: Flags.string({char: 'o', summary: 'Write the report to this file instead of stdout.'}),
    'fail-on': Flags.string({options: [...SEVERITIES, 'none'], default: 'error', summary: 'Exit 1 when a (new) finding is at or above this severity (none: report only, exit 0).'}),
    'strict-reads': Flags.boolean({summary: 'Direct reads of another context\'s tables are errors, not warnings.'}),
    'warn-days': Flags.integer({min: 0, default: 14, summary: 'Warn about exceptions expiring within this many days.'}),
    'min-level': Flags.integer({min: 0, max: 5, summary: 'Report contexts below this maturity level as errors (needs a database).'}),
    limit: Flags.integer({default: 20, min: 0, summary: 'Findings shown per context in the text report (0 = all; the other formats list all).'}),
    context: Flags.string({char: 'c', multiple: true, summary: 'Only findings about this context (repeatable).'}),
    baseline: Flags.string({summary: 'Only findings this baseline does not have count (and are shown).', helpValue: 'FILE'}),
    'write-baseline': Flags.string({summary: 'Record today\'s findings in FILE (the check then exits 0).', helpValue: 'FILE'}),
    'role-prefix': Flags.string({default: DEFAULT_CONVENTIONS.rolePrefix, summary: 'Prefix of the service roles Carve creates (as in the plan).'}),
    today: Flags.string({hidden: true, summary: 'The date exceptions are compared with (YYYY-MM-DD; default today).'}),
  }

  async run(): Promise<CheckReport> {
    const {argv, flags} = await this.parse(Check)
    const today = flags.today ?? new Date().toISOString().slice(0, 10)
    if (!/^\d{4}-\d\d-\d\d$/.test(today)) throw new CarveError('usage.today', `--today ${flags.today}: use a date like 2027-03-31`, {exitCode: EXIT.usage})
    if (flags.baseline && flags['write-baseline']) throw new CarveError('usage.baseline', 'give either --baseline or --write-baseline', {exitCode: EXIT.usage})
    const boundaries = resolveBoundaries(flags.file, flags.example)
    const known = boundaries.file.contexts.map((c) => c.name)
    const unknown = (flags.context ?? []).filter((c) => !known.includes(c))
    if (unknown.length) throw new CarveError('usage.context', `no context ${unknown.map((c) => `"${c}"`).join(', ')} in ${boundaries.path}`, {exitCode: EXIT.usage, hint: `contexts: ${known.join(', ')}`})
    const baseline = flags.baseline ? readBaseline(flags.baseline) : undefined

    const skipped: {rules: RuleId[]; reason: string}[] = []
    let catalog: Catalog | null = flags.catalog ? readCatalogFile(flags.catalog) : null
    let catalogLabel = flags.catalog ?? null
    let conn: Connection | null = null
    let assessFacts: AssessmentFacts | null = null
    if (flags.example || flags.db) {
      const target = this.resolveTarget(flags)
      conn = await this.connect(target)
      catalogLabel = describeTarget(target)
      const facts = await gatherAssessmentFacts(conn, {boundaries: boundaries.file, conventions: {rolePrefix: flags['role-prefix']}, onProgress: (m) => this.progress(m)})
      if (!catalog) catalog = facts.here.catalog
      assessFacts = facts
    } else {
      skipped.push({rules: ['foreign-write-grant', 'below-min-level'], reason: 'no database (give --db): grants and maturity levels are read from it'})
      if (!catalog) skipped.push({rules: ['unowned-table', 'missing-table', 'cross-context-fk', 'plan-drift'], reason: 'no catalog (give --db or --catalog)'})
    }
    if (flags['min-level'] !== undefined && !conn) throw new CarveError('usage.min-level', '--min-level needs a database (--db or --example)', {exitCode: EXIT.usage})
    if (flags.plan && !catalog) throw new CarveError('usage.plan', '--plan needs the catalog (--db, --example or --catalog)', {exitCode: EXIT.usage})
    assertExceptionTables(boundaries, catalog)

    const request = this.evidenceRequest(argv as string[], flags, conn)
    const {workload, sources} = await gatherWorkload(request)
    if (!workload) skipped.push({rules: ['foreign-write', 'foreign-read', 'cross-context-join', 'cross-context-transaction', 'exception-unused'], reason: 'no evidence (give log files, --live, or --workload)'})
    // Assessed after the evidence is in: its read-model and exception checks use the workload.
    const assessment = assessFacts ? assess(assessFacts, boundaries.file, workload, {today, conventions: {rolePrefix: flags['role-prefix']}}) : null
    const sightings = workload ? gatherSightings(workload, request) : null

    const extra: Draft[] = []
    if (flags.plan) {
      this.progress(`comparing ${flags.plan} with the plan Carve would write now`)
      const {driftFindings} = await import('../src/check/drift.js')
      extra.push(...driftFindings(flags.plan, catalog!, boundaries.file, workload))
    }

    const report = runCheck(
      {boundaries: boundaries.file, boundariesPath: boundaries.path, catalog, catalogLabel, workload, evidenceSources: sources, assessment, extra, sightings, locate: locator(boundaries), skipped},
      {today, warnDays: flags['warn-days'], strictReads: flags['strict-reads'], minLevel: flags['min-level'], failOn: flags['fail-on'] as Severity | 'none', baseline, contexts: flags.context},
    )

    if (flags['write-baseline']) {
      writeBaseline(flags['write-baseline'], baselineOf(report.findings, today))
      this.progress(`recorded ${report.findings.length} finding${report.findings.length === 1 ? '' : 's'} in ${flags['write-baseline']}; check with --baseline ${flags['write-baseline']}`)
      const recorded = {...report, findings: applyBaseline(report.findings, baselineOf(report.findings, today))}
      recorded.summary = {...report.summary, error: 0, warning: 0, info: 0, known: report.findings.length, failing: 0}
      return await this.emit(recorded, flags.format, flags.out, flags.limit)
    }
    return await this.emit(report, flags.format, flags.out, flags.limit)
  }

  private async emit(report: CheckReport, format: string, out: string | undefined, limit: number): Promise<CheckReport> {
    const json = this.jsonEnabled() || format === 'json'
    const text =
      json ? jsonReport(report)
      : format === 'github' ? githubReport(report)
      : format === 'junit' ? junitReport(report)
      : format === 'sarif' ? sarifReport(report, {version: this.config.version})
      : textReport(report, {maxPerContext: limit || Infinity})
    if (out) {
      writeOutputFile(out, text + '\n')
      this.progress(`report written to ${out}`)
    } else {
      // Written and flushed before any exit: a pipe takes a large report in several chunks.
      await new Promise<void>((resolve) => process.stdout.write(text + '\n', () => resolve()))
    }
    if (report.summary.failing > 0) {
      if (json || format !== 'text') this.exit(EXIT.failure)
      throw new CarveError('check.failed', `${report.summary.failing} finding${report.summary.failing === 1 ? '' : 's'} at or above ${report.failOn}`, {
        hint: report.summary.known ? 'findings in the baseline do not count' : 'fix them, record an exception in the boundaries file, or adopt with --write-baseline',
      })
    }
    // --json prints the report above; returning nothing keeps oclif from printing it twice.
    return json ? (undefined as unknown as CheckReport) : report
  }

  private evidenceRequest(argv: string[], flags: {jobs?: number; example?: string; live?: string; workload?: string; 'log-format'?: string; 'log-line-prefix'?: string; 'service-map'?: string}, conn: Connection | null): EvidenceRequest {
    let files = argv
    let serviceMap: ServiceMap | undefined = flags['service-map'] ? loadServiceMap(flags['service-map']) : undefined
    if (flags.example && !files.length && !flags.live && !flags.workload) {
      const example = exampleLogs(flags.example)
      files = example.files
      serviceMap ??= example.serviceMap
      if (files.length) this.progress(`evidence: the example's captured logs (${files.join(', ')})`)
    }
    if (flags.live && !conn) throw new CarveError('usage.no-db', `--live ${flags.live} needs --db`, {exitCode: EXIT.usage})
    return {
      files,
      workloadFile: flags.workload,
      live: flags.live && conn ? {format: flags.live as LiveFormat, conn} : undefined,
      format: flags['log-format'] as FileFormat | undefined,
      logLinePrefix: flags['log-line-prefix'],
      serviceMap,
      workers: flags.jobs,
      onProgress: (m) => this.progress(m),
    }
  }
}
