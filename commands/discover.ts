import {existsSync} from 'node:fs'
import {join} from 'node:path'

import {Flags} from '@oclif/core'

import {exampleBoundariesPath} from '../src/boundaries/example-contexts.js'
import {type BoundariesFile, boundariesFromProposal, decisionsFrom, diffBoundaries, readBoundaries, sameBoundaries, saveBoundaries} from '../src/boundaries/file.js'
import {assertBoundariesMatch} from '../src/boundaries/file-check.js'
import type {Proposal} from '../src/boundaries/model.js'
import {propose} from '../src/boundaries/propose.js'
import {applicationCatalog, databaseRoles} from '../src/boundaries/scope.js'
import {CarveCommand, connectionFlags} from '../src/cli/base.js'
import {exampleWorkload} from '../src/cli/example-inputs.js'
import {writeOutputFile} from '../src/cli/output.js'
import {exampleDir} from '../src/db/examples.js'
import {CarveError, EXIT} from '../src/errors.js'
import {DEFAULT_WEIGHTS, type GraphWeights, tableKeyer} from '../src/graph/build.js'
import {inspect} from '../src/introspect/index.js'
import type {Catalog} from '../src/introspect/model.js'
import {discoveryFiles, EXPORT_FORMATS, type ExportFormat} from '../src/render/discovery-files.js'
import {changesSummary, proposalSummary} from '../src/render/proposal-summary.js'
import type {Workload} from '../src/workload/model.js'
import {readWorkload} from '../src/workload/read.js'

export default class Discover extends CarveCommand {
  static override summary = 'Propose bounded contexts: cluster tables by FKs, joins, transactions, writers and names.'
  static override description = `Builds a weighted graph of the tables (declared and inferred references, joins and write transactions from the workload, the same main writer, views, triggers, name stems), damps hub and reference tables, and clusters it with Louvain (seeded: the same input gives the same answer). Each context gets a name and a proposed owner (the service writing it most); the report lists cross-context FKs, joins and transactions, foreign writers and multi-writer tables.

Decisions live in the boundaries file (carve.yml by default): pinned tables never move, owners and names are kept, and a re-run shows what would change. --yes writes the proposal into the file.

On a terminal (without --yes, --json or --no-interactive) an interactive session follows the proposal. Nothing is written until you choose "Save and quit". Keys: ↑/↓ move, ⏎ choose, typing the first letters of a name jumps to it, space toggles an item in a list of tables or contexts (a: all, i: invert), Esc goes back one step (cancels a question), Ctrl-C leaves without saving (the file stays as it was; exit code 130). The main menu:
  Review a context — its tables, couplings and other writers; then accept it, rename it, set its owner, move tables out (to another context or a new one), split tables off into a new context, merge it with another, or pin its tables. Moved and split tables are pinned where you put them.
  Pin contexts and re-cluster — pinned tables stay where they are, the rest is clustered again; you see what would move before keeping it.
  Review multi-writer tables — for each table written by more than one service: record an exception (approved by, expiry date YYYY-MM-DD in the future, exit plan) or leave it as a violation to fix.
  Show what would change — tables that move, new or gone contexts, owners, pins and exceptions, compared with the file.
  Undo — the last change.  Save and quit — writes the file atomically.  Quit without saving — asks first if there are unsaved decisions.`
  static override examples = [
    {description: 'The example, with its captured workload; on a terminal, then review and edit it interactively', command: '<%= config.bin %> <%= command.id %> --example shop'},
    {description: 'Print the proposal and exit, even on a terminal', command: '<%= config.bin %> <%= command.id %> --example shop --no-interactive'},
    {description: 'Accept the proposal into carve.yml without prompts', command: '<%= config.bin %> <%= command.id %> --db postgres://carve_ro@db/legacy --workload workload.json --yes'},
    {description: 'Machine-readable proposal', command: '<%= config.bin %> <%= command.id %> --example shop --json | jq \'.contexts[] | {name, owner, tables}\''},
    {description: 'Ask for about 12 contexts', command: '<%= config.bin %> <%= command.id %> --example shop --contexts 12'},
    {description: 'Diagrams and graph files of the proposal', command: '<%= config.bin %> <%= command.id %> --example shop --yes --export mermaid --export dbml --export graphml --export-dir docs/contexts'},
  ]
  static override flags = {
    ...connectionFlags,
    workload: Flags.string({char: 'w', summary: 'A workload from `carve workload ingest` (with --example: the example\'s logs by default).'}),
    file: Flags.string({
      char: 'f',
      summary: 'The boundaries file to respect and update (default carve.yml).',
      description: 'With --example, no --file and no ./carve.yml, discovery starts from the example\'s committed boundaries file (examples/NAME/carve.yml) and writes ./carve.yml.',
    }),
    yes: Flags.boolean({char: 'y', summary: 'Accept the proposal and write the boundaries file, without prompts.'}),
    contexts: Flags.integer({min: 1, summary: 'About how many contexts you expect (a hint for the resolution).'}),
    resolution: Flags.string({default: 'auto', summary: 'Louvain resolution: a number (higher = smaller contexts) or auto.'}),
    seed: Flags.integer({default: 42, summary: 'Random seed; the same seed and input give the same proposal.'}),
    'schema-only': Flags.boolean({summary: 'Ignore any workload: cluster from the schema alone.'}),
    weight: Flags.string({
      multiple: true,
      summary: `Override a signal's weight, e.g. --weight name=0.5 (repeatable). Signals: ${Object.keys(DEFAULT_WEIGHTS).join(', ')}, hubDamping.`,
      description: 'Defaults and what each signal means: docs/discovery.md.',
    }),
    export: Flags.string({multiple: true, options: [...EXPORT_FORMATS], summary: 'Also write the proposal as mermaid (context map + ER per context), dbml, graphml, gexf or json (repeatable).'}),
    'export-dir': Flags.string({default: 'carve-discovery', summary: 'Folder for --export files.'}),
    interactive: Flags.boolean({
      default: true,
      allowNo: true,
      summary: 'On a terminal, open the interactive session after the proposal; --no-interactive prints it and exits.',
      description: 'The session opens only when both stdin and stdout are terminals and neither --yes nor --json is given.',
    }),
  }

  async run(): Promise<Proposal> {
    const {flags} = await this.parse(Discover)
    const conn = await this.connect(this.resolveTarget(flags))
    this.progress('reading the catalog')
    const catalog = await inspect(conn)
    let workload: Workload | undefined
    if (!flags['schema-only']) {
      if (flags.workload) workload = readWorkload(flags.workload)
      else if (flags.example) workload = (await exampleWorkload(flags.example, (m) => this.progress(m))) ?? undefined
    }
    // Without a boundaries file yet, an example starts from the one its team committed.
    const path = flags.file ?? 'carve.yml'
    const fileExists = existsSync(path)
    const exampleFile = !fileExists && !flags.file && flags.example ? exampleBoundariesPath(exampleDir(flags.example)) : null
    const source = exampleFile ?? path
    if (exampleFile) this.progress(`no ${path}: starting from the example's ${exampleFile}`)
    const loaded = readBoundaries(source)
    const previous = loaded.file
    const roles = await databaseRoles(conn)
    const app = applicationCatalog(catalog)
    const keyOf = tableKeyer(app)
    assertBoundariesMatch(loaded, new Set(app.tables.filter((t) => !t.partitionOf).map((t) => keyOf(t.schema, t.name))), roles)
    const {pins, owners, previous: was} = decisionsFrom(previous)
    const resolution: number | 'auto' = flags.resolution === 'auto' ? 'auto' : Number(flags.resolution)
    if (resolution !== 'auto' && !(resolution > 0)) this.error('--resolution takes a positive number or auto', {exit: 2})
    this.progress(`clustering ${app.tables.length} tables${workload ? ' with the workload' : ' from the schema alone'}`)
    const settings = {resolution, seed: flags.seed, contextsHint: flags.contexts, reservedNames: roles, ...parseWeights(flags.weight ?? [])}
    const proposal = propose(catalog, workload, {pins, owners, previous: was, ...settings})
    const next = boundariesFromProposal(proposal, previous)
    const changes = diffBoundaries(previous, next)
    this.log(proposalSummary(proposal))
    this.log('')
    const interactive = flags.interactive && !flags.yes && !this.jsonEnabled() && process.stdin.isTTY === true && process.stdout.isTTY === true
    if (interactive) {
      // The session needs no database: let go of it (an embedded one holds hundreds of MB).
      await conn.close()
      if (previous.contexts.length === 0) this.log(`${path} has no contexts yet: the session below decides what goes in it.`)
      else this.log(changes.length ? `Compared with ${path}: ${changes.length} table${changes.length > 1 ? 's' : ''} would move (see "Show what would change").` : `The proposal matches ${path}.`)
      // Imported only here: the prompts are not needed by --yes, --json or piped runs.
      const {runDiscoverSession} = await import('../src/cli/discover-session.js')
      const {editEnv} = await import('../src/boundaries/edit.js')
      const {proposalFromFile} = await import('../src/boundaries/resume.js')
      const env = editEnv(catalog, workload, {...settings})
      // The session opens what the file says; the fresh proposal is what re-clustering offers.
      const start = previous.contexts.length ? proposalFromFile(env, previous, proposal) : proposal
      const result = await runDiscoverSession({
        proposal: start, catalog, workload, env, file: previous, filePath: path, fileExists,
        recluster: (decisions) => propose(catalog, workload, {...decisions, ...settings}),
      })
      if (result.interrupted) {
        process.stderr.write(`\nInterrupted: ${path} was left as it was.\n`)
        this.exit(EXIT.interrupted)
      }
      if (!result.saved) this.log(`Not saved: ${path} was left as it was.`)
      this.writeExports(result.proposal, catalog, flags.export, flags['export-dir'])
      return result.proposal
    }
    this.log(changesSummary(changes, source))
    this.warnUnowned(next, path)
    if (flags.yes) {
      if (fileExists && sameBoundaries(previous, next)) this.log(`${path} is unchanged (not rewritten).`)
      else {
        saveBoundaries(path, next)
        this.log(`Wrote ${path}.`)
      }
    } else if (!this.jsonEnabled()) {
      this.log(`Run again with --yes to write ${path}${process.stdin.isTTY && process.stdout.isTTY ? '' : ', or on a terminal to review it interactively'}.`)
    }
    this.writeExports(proposal, catalog, flags.export, flags['export-dir'])
    return proposal
  }

  /** A context without an owner stays unowned (nothing invents one): say so, once. */
  private warnUnowned(file: BoundariesFile, path: string): void {
    const unowned = file.contexts.filter((c) => c.owner === null).map((c) => c.name)
    if (!unowned.length) return
    process.stderr.write(`warning: ${unowned.length} context${unowned.length === 1 ? ' has' : 's have'} no owner (${unowned.slice(0, 5).join(', ')}${unowned.length > 5 ? ', …' : ''}): they stay unowned until someone sets one (owner: in ${path}, or "Set the owner" in the session)\n`)
  }

  private writeExports(proposal: Proposal, catalog: Catalog, formats: string[] | undefined, dir: string): void {
    if (!formats?.length) return
    const files = discoveryFiles(proposal, catalog, formats as ExportFormat[])
    for (const [path, content] of files) writeOutputFile(join(dir, path), content)
    this.progress(`wrote ${files.size} file${files.size > 1 ? 's' : ''} to ${dir}/ (${[...files.keys()].slice(0, 4).join(', ')}${files.size > 4 ? ', …' : ''})`)
  }
}

/** `--weight name=0.5` pairs → build options; a typo is a usage error that lists the signals. */
function parseWeights(pairs: string[]): {weights?: Partial<GraphWeights>; hubDamping?: number} {
  if (pairs.length === 0) return {}
  const weights: Partial<GraphWeights> = {}
  let hubDamping: number | undefined
  for (const pair of pairs) {
    const [name, raw] = pair.split('=')
    const value = Number(raw)
    const known = name === 'hubDamping' || Object.hasOwn(DEFAULT_WEIGHTS, name ?? '')
    if (!known || raw === undefined || !Number.isFinite(value) || value < 0) {
      throw new CarveError('usage.weight', `--weight ${pair}: expected SIGNAL=NUMBER (≥ 0)`, {
        exitCode: EXIT.usage,
        hint: `signals: ${Object.keys(DEFAULT_WEIGHTS).join(', ')}, hubDamping`,
      })
    }
    if (name === 'hubDamping') hubDamping = value
    else weights[name as keyof GraphWeights] = value
  }
  return {weights, hubDamping}
}
