import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {Flags} from '@oclif/core'

import {CarveCommand, connectionFlags} from '../src/cli/base.js'
import {resolveBoundaries, resolveWorkload} from '../src/cli/inputs.js'
import {CarveError, EXIT} from '../src/errors.js'
import {assertNotEmpty, inspect} from '../src/introspect/index.js'
import {planDialect} from '../src/plan/dialects/index.js'
import {generatePlan} from '../src/plan/generate.js'
import {SPLIT_MODE_FLAGS, type SplitModeChoice, type SplitModeFlag} from '../src/plan/split-mode.js'
import {comparePlan, planLocation, rehashPlan, writePlan} from '../src/plan/write.js'

interface PlanResult {
  out: string
  name: string
  steps: {id: string; context: string | null; kind: string; level: {from: number; to: number}}[]
  files: number
  written?: number
  unchanged?: number
  removed?: string[]
  drift?: {changed: string[]; missing: string[]; extra: string[]}
  rehashed?: string[]
  notes: string[]
  /** With --split: the sync mode chosen and why. */
  splitMode?: SplitModeChoice
  rendered?: string[] | {unavailable: string}
}

export default class Plan extends CarveCommand {
  static override summary = 'Write a staged, reversible migration plan that takes each context up the ownership maturity levels.'

  static override description = `Reads the boundaries file (carve.yml: contexts, owners, exceptions), the live catalog and, when given, a workload, and writes a plan folder into your repository, to review in a pull request and run later with \`carve apply\`:

  plan.yml                    the manifest: steps in order, with context, kind, level transition, dependencies, files and checksums
  README.md                   the plan for people, with a Mermaid diagram per maturity level
  contexts/<context>/         OWNERSHIP.md, events.md, er.mmd, api/ (OpenAPI 3.1, a TypeScript server stub, typed clients),
                              and steps/NNN-<kind>-<context>/: up.sql, down.sql, verify.sql and a README (what, why, risk, locks, duration)
  steps/NNN-<kind>/           the steps of no single context (service roles, reporting read models)

Steps, per context: document ownership (0→1); move into the context's schema behind compatibility views, a role per service, only the owner writes (→2); replace cross-context foreign keys with reconciliation and loose-FK cleanup (→3); an outbox fed by triggers, read models for what it reads elsewhere (→4); with --split, the physical split into its own database (logical replication, cut-over, reverse replication).

The same inputs give byte-identical files. --check compares the folder with what would be written (exit 1 on drift), for CI.`

  static override examples = [
    {description: 'The plan for the shipped example (its designed contexts and captured workload)', command: '<%= config.bin %> <%= command.id %> --example shop --out plans/shop'},
    {description: 'Your database, your carve.yml and a workload', command: '<%= config.bin %> <%= command.id %> --db postgres://carve@db/legacy --workload workload.json --out plans/legacy'},
    {description: 'Two contexts only, up to service-owned schemas', command: '<%= config.bin %> <%= command.id %> --example shop --out plans/first --context orders --context billing --target-level 2'},
    {description: 'Fail in CI when the committed plan is stale', command: '<%= config.bin %> <%= command.id %> --example shop --out plans/shop --check'},
    {description: 'Accept a reviewed hand edit of a step file', command: '<%= config.bin %> <%= command.id %> --rehash plans/shop'},
  ]

  static override flags = {
    ...connectionFlags,
    out: Flags.string({char: 'o', summary: 'Plan folder to write (e.g. plans/NAME).', description: 'Created if missing. Files Carve no longer generates are removed from it; other files are left alone.'}),
    name: Flags.string({summary: 'Plan name recorded in plan.yml and the ledger (default: the --out folder name).'}),
    file: Flags.string({char: 'f', summary: 'The boundaries file (default carve.yml; with --example and no carve.yml, the example\'s designed contexts).'}),
    workload: Flags.string({char: 'w', summary: 'A workload from `carve workload ingest` (with --example: the example\'s logs).'}),
    context: Flags.string({char: 'c', multiple: true, summary: 'Only plan these contexts (repeatable).'}),
    'target-level': Flags.integer({default: 4, min: 1, max: 5, summary: 'Highest maturity level to plan for (5 includes the physical split).'}),
    split: Flags.boolean({summary: 'Include the physical split: a database per context, logical replication or change capture, cut-over.'}),
    'split-mode': Flags.string({options: [...SPLIT_MODE_FLAGS], summary: 'How the split\'s target follows the source (default: logical when the server has wal_level=logical, else change-capture).'}),
    outbox: Flags.string({options: ['wal', 'trigger'], default: 'wal', summary: 'How events leave the database: wal (read from the log, adding nothing to the application\'s transactions: on PostgreSQL a publication read by Debezium or carve relay, on MySQL/MariaDB the binary log read by Debezium) or trigger (an outbox table written in the same transaction as the change).'}),
    compat: Flags.string({options: ['views', 'search-path'], default: 'views', summary: 'How legacy code keeps the old table names after the move: views (compatibility views) or search-path (PostgreSQL: the views stay, and the database\'s search_path also leads new sessions to the moved tables directly, with no view to expand per statement; MySQL keeps views).'}),
    'role-prefix': Flags.string({default: 'carve_', summary: 'Prefix of the roles the plan creates (roles are cluster-wide).'}),
    'codeowners-org': Flags.string({summary: 'Write CODEOWNERS owners as @ORG/<owner> teams (default @<owner>).', helpValue: 'ORG'}),
    knex: Flags.boolean({summary: 'Also write knex/: a knexfile (DATABASE_URL) and one migration per step, to run the plan with `npx knex migrate:latest`.'}),
    check: Flags.boolean({summary: 'Write nothing; exit 1 when the folder differs from what would be written.'}),
    force: Flags.boolean({summary: 'Write into a non-empty folder that holds no plan.yml.'}),
    rehash: Flags.string({summary: 'Recompute the checksums in PLAN/plan.yml after a reviewed hand edit, and exit.', helpValue: 'PLAN'}),
    render: Flags.string({options: ['svg', 'png'], summary: 'Also render the Mermaid diagrams with mermaid-cli (needs a browser; a message, not a failure, when none).'}),
    'render-width': Flags.integer({min: 400, max: 10_000, default: 1600, summary: 'Width in pixels the rendered diagrams are laid out in.'}),
    'render-scale': Flags.integer({min: 1, max: 4, default: 1, summary: 'Pixel density of rendered PNGs (2 for high-DPI screens).'}),
  }

  async run(): Promise<PlanResult> {
    const {flags} = await this.parse(Plan)
    if (flags.rehash) {
      const changed = rehashPlan(flags.rehash)
      this.log(changed.length ? `Rehashed ${changed.length} file${changed.length === 1 ? '' : 's'} in ${flags.rehash}/plan.yml:\n${changed.map((f) => `  ${f}`).join('\n')}` : `Every checksum in ${flags.rehash}/plan.yml already matches.`)
      return {out: flags.rehash, name: '', steps: [], files: 0, rehashed: changed, notes: []}
    }
    if (!flags.out) throw new CarveError('usage.out', 'missing --out: the folder to write the plan into', {exitCode: EXIT.usage, hint: 'e.g. carve plan --example shop --out plans/shop'})
    const boundaries = resolveBoundaries(flags.file, flags.example, (m) => this.progress(m))
    const conn = await this.connect(this.resolveTarget(flags))
    this.progress('reading the catalog')
    const catalog = await inspect(conn)
    assertNotEmpty(catalog, conn.label)
    const workload = await resolveWorkload(flags.workload, flags.example, (m) => this.progress(m))
    const splitting = flags.split || flags['target-level'] >= 5
    if (flags['split-mode'] && !splitting) throw new CarveError('usage.split-mode', '--split-mode needs --split (or --target-level 5)', {exitCode: EXIT.usage})
    const server = await planDialect(conn.engine).readServer(conn, {
      contexts: boundaries.contexts.map((c) => c.name),
      outbox: flags.outbox as 'wal' | 'trigger',
      split: splitting ? {mode: flags['split-mode'] as SplitModeFlag | undefined} : null,
    })
    const splitMode = server.splitMode
    // The split repoints the compatibility views at the cut-over; a search_path would lead past them.
    if (flags.compat === 'search-path' && splitting) throw new CarveError('usage.compat', '--compat search-path cannot be combined with --split: the cut-over repoints the compatibility views, and sessions resolving names through the search_path would bypass them', {exitCode: EXIT.usage})
    const name = flags.name ?? (flags.out.replace(/[\\/]+$/, '').split(/[\\/]/).pop() || 'plan')
    this.progress(`planning ${flags.context?.length ? flags.context.join(', ') : `${boundaries.contexts.length} contexts`} up to level ${flags.split ? 5 : flags['target-level']}`)
    const plan = generatePlan(catalog, boundaries, workload, {
      name,
      only: flags.context,
      targetLevel: flags['target-level'],
      split: flags.split,
      splitMode,
      serverNotes: server.notes,
      conventions: {rolePrefix: flags['role-prefix'], outboxDelivery: flags.outbox as 'wal' | 'trigger', compat: flags.compat as 'views' | 'search-path'},
      location: planLocation(flags.out),
      codeownersOrg: flags['codeowners-org'],
      knex: flags.knex,
    })
    const result: PlanResult = {
      out: flags.out,
      name,
      steps: plan.manifest.steps.map((s) => ({id: s.id, context: s.context, kind: s.kind, level: s.level})),
      files: plan.files.size + 1,
      notes: plan.notes,
      ...(splitMode ? {splitMode} : {}),
    }
    if (flags.check) {
      const drift = comparePlan(flags.out, plan)
      result.drift = drift
      const total = drift.changed.length + drift.missing.length + drift.extra.length
      if (total === 0) {
        this.log(`${flags.out} is up to date (${result.files} files).`)
        return result
      }
      if (this.jsonEnabled()) this.logJson(result)
      else {
        this.log(`${flags.out} differs from the plan Carve would write now:`)
        for (const f of drift.changed) this.log(`  changed  ${f}`)
        for (const f of drift.missing) this.log(`  missing  ${f}`)
        for (const f of drift.extra) this.log(`  extra    ${f}`)
        this.log(`Run without --check to regenerate it.`)
      }
      this.exit(EXIT.failure)
    }
    const written = writePlan(flags.out, plan, {force: flags.force})
    Object.assign(result, written)
    this.log(`Wrote ${flags.out}: ${plan.manifest.steps.length} steps, ${result.files} files (${written.written} written, ${written.unchanged} unchanged${written.removed.length ? `, ${written.removed.length} removed` : ''}).`)
    for (const s of plan.manifest.steps) this.log(`  ${s.id.padEnd(44)} ${(s.context ?? '(all)').padEnd(16)} ${s.level.from}→${s.level.to}`)
    for (const n of plan.notes) this.log(`note: ${n}`)
    if (flags.render) result.rendered = await this.render(flags.out, plan.files, flags.render as 'svg' | 'png', {width: flags['render-width'], scale: flags['render-scale']})
    this.log(`\nReview ${join(flags.out, 'README.md')}, then: carve apply ${flags.out} --dry-run`)
    return result
  }

  private async render(out: string, files: Map<string, string>, format: 'svg' | 'png', size: {width: number; scale: number}): Promise<string[] | {unavailable: string}> {
    const diagrams = [...files.keys()].filter((p) => p.endsWith('.mmd')).map((p) => ({path: p, mermaid: readFileSync(join(out, p), 'utf8')}))
    const {renderMermaidFiles} = await import('../src/render/mermaid-cli.js')
    this.progress(`rendering ${diagrams.length} diagrams to ${format} (rendered images are not part of the plan: --check ignores them)`)
    const r = await renderMermaidFiles(diagrams, out, format, {...size, onProgress: (done, total, path) => this.progress(`rendered ${done}/${total} ${path}`)})
    if ('unavailable' in r) {
      this.log(`Diagrams not rendered: ${r.unavailable}`)
      return r
    }
    this.log(`Rendered ${r.rendered.length} diagrams.`)
    return r.rendered
  }
}
