import {Flags} from '@oclif/core'

import {CarveCommand, connectionFlags} from '../src/cli/base.js'
import {resolveBoundaries, resolveWorkload} from '../src/cli/inputs.js'
import type {Connection} from '../src/db/connection.js'
import {openTarget} from '../src/db/open.js'
import type {Target} from '../src/db/target.js'
import {CarveError, EXIT} from '../src/errors.js'
import {type Assessment, assess} from '../src/assess/assess.js'
import {gatherAssessmentFacts} from '../src/assess/assess-facts.js'
import {DEFAULT_CONVENTIONS} from '../src/plan/context.js'
import {assessmentReport} from '../src/render/assessment.js'

export default class Assess extends CarveCommand {
  static override summary = 'Measure each context\'s Database Ownership Maturity level (0–5) from the live database.'
  static override description = `For every context of the boundaries file, checks the evidence of each maturity level against the database (and the workload, when given) and reports the highest level whose checks, and those of every level below, pass:
  0  shared database: which tables several services write, whether owners are recorded
  1  ownership documented: owner and tables in the boundaries file; carve.ownership rows for every table; every foreign write seen in the workload listed as an exception, none expired
  2  service-owned schema: the tables live in the context's schema; no role but the owner's (and table owners, superusers) can write them, PUBLIC cannot; the owner's role exists and can write
  3  service-owned database: a split-cutover applied in the executor's ledger, the tables gone from this database (retired copies aside), no foreign key crossing the context
  4  projections and outbox: an outbox fed by carve_outbox row triggers on every owned table; every consumer reading the tables has a read model (rm_<context>_<table> in its schema) or an approved read exception
  5  independent lifecycle: no open exceptions, no direct access by other services in the workload, levels 1–4 met

The report is not a gate: it exits 0 whatever the levels, unless --min-level is given (exit 1 when a context is below it). With --example and no carve.yml, the example's designed contexts are assessed.`
  static override examples = [
    {description: 'The example (its designed contexts and captured workload)', command: '<%= config.bin %> <%= command.id %> --example shop'},
    {description: 'Your database, your boundaries and a workload', command: '<%= config.bin %> <%= command.id %> --db postgres://carve_ro@db/legacy --file carve.yml --workload workload.json'},
    {description: 'One context, machine-readable', command: '<%= config.bin %> <%= command.id %> --example shop --context orders --json'},
    {description: 'A CI gate: fail when a context is below level 2', command: '<%= config.bin %> <%= command.id %> --db "$DATABASE_URL" --min-level 2 --brief'},
  ]
  static override flags = {
    ...connectionFlags,
    file: Flags.string({char: 'f', summary: 'The boundaries file (default carve.yml; with --example and no carve.yml, the example\'s designed contexts).'}),
    workload: Flags.string({char: 'w', summary: 'A workload from `carve workload ingest` (with --example: the example\'s logs by default).'}),
    context: Flags.string({char: 'c', multiple: true, summary: 'Assess only this context (repeatable).'}),
    'min-level': Flags.integer({min: 0, max: 5, summary: 'Exit 1 when any assessed context is below this level (for CI).'}),
    brief: Flags.boolean({summary: 'Only the table of levels, without the evidence lines.'}),
    'role-prefix': Flags.string({default: DEFAULT_CONVENTIONS.rolePrefix, summary: 'Prefix of the service roles Carve creates (as in the plan).'}),
    today: Flags.string({hidden: true, summary: 'The date exceptions are compared with (YYYY-MM-DD; default today).'}),
  }

  async run(): Promise<Assessment & {minLevel?: number; belowMinLevel?: string[]}> {
    const {flags} = await this.parse(Assess)
    const today = flags.today ?? new Date().toISOString().slice(0, 10)
    if (!/^\d{4}-\d\d-\d\d$/.test(today)) throw new CarveError('usage.today', `--today ${flags.today}: use a date like 2027-03-31`, {exitCode: EXIT.usage})
    const target = this.resolveTarget(flags)
    const boundaries = resolveBoundaries(flags.file, flags.example, (m) => this.progress(m))
    const known = boundaries.contexts.map((c) => c.name)
    const unknown = (flags.context ?? []).filter((c) => !known.includes(c))
    if (unknown.length) {
      throw new CarveError('usage.context', `no context ${unknown.map((c) => `"${c}"`).join(', ')} in the boundaries file`, {exitCode: EXIT.usage, hint: `contexts: ${known.join(', ')}`})
    }
    const workload = await resolveWorkload(flags.workload, flags.example, (m) => this.progress(m))
    const conn = await this.connect(target)
    const conventions = {rolePrefix: flags['role-prefix']}
    const facts = await gatherAssessmentFacts(conn, {
      boundaries,
      conventions,
      connectDatabase: siblingConnector(target),
      onProgress: (m) => this.progress(m),
    })
    const assessment = assess(facts, boundaries, workload, {today, only: flags.context, conventions})
    this.log(assessmentReport(assessment, {evidence: !flags.brief}))

    const min = flags['min-level']
    if (min === undefined) return assessment
    const below = assessment.contexts.filter((c) => c.level < min).map((c) => c.name)
    const result = {...assessment, minLevel: min, belowMinLevel: below}
    if (below.length) {
      if (this.jsonEnabled()) {
        this.logJson(result)
        this.exit(EXIT.failure)
      }
      throw new CarveError('assess.below-min-level', `${below.length} context${below.length === 1 ? '' : 's'} below level ${min}: ${below.join(', ')}`, {
        hint: 'the table above says what each needs next',
      })
    }
    return result
  }


}

/** Another database on the same PostgreSQL server, same credentials: where a context was split to. */
function siblingConnector(target: Target): ((name: string) => Promise<Connection>) | undefined {
  if (target.kind !== 'postgres') return undefined
  return (name) => {
    const url = new URL(target.url)
    url.pathname = '/' + encodeURIComponent(name)
    return openTarget({kind: 'postgres', url: url.toString()})
  }
}
