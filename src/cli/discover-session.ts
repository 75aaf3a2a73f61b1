/**
 * The interactive side of `carve discover`: a person reviews the proposed contexts and shapes
 * them (rename, owner, move and split tables, merge, pin and re-cluster), decides about each
 * multi-writer table (an approved, dated exception, or a violation to fix), sees what would
 * change in the boundaries file, and saves it.
 *
 * Nothing is written until "Save and quit"; the save is atomic (temp file + rename), so Ctrl-C
 * at any point leaves the old file or the new one, never half of one. Ctrl-C (Inquirer's
 * ExitPromptError) ends the session with `{saved: false, interrupted: true}`.
 *
 * Prompts come from @inquirer/prompts; tests may inject their own through `io.prompts`.
 */
import {checkbox, confirm, input, select, Separator} from '@inquirer/prompts'
import ansis from 'ansis'
import stringWidth from 'string-width'

import {
  editEnv, type EditEnv, expiryProblem, mergeContexts, moveTables, nameProblem, pinContext, pinsOf, pinTables, type ReclusterDecisions,
  recluster as reclusterProposal, recordException, renameContext, sessionBoundaries, setOwner, splitContext, todayIso, unpinContext,
  withFileDescriptions,
} from '../boundaries/edit.js'
import {type BoundariesFile, boundariesSchema, diffBoundaries, saveBoundaries} from '../boundaries/file.js'
import type {Proposal, ProposedContext, TableReport} from '../boundaries/model.js'
import {CarveError} from '../errors.js'
import type {Catalog} from '../introspect/model.js'
import {changesSummary} from '../render/proposal-summary.js'
import {formatCount, safeText, table as textTable} from '../render/text.js'
import type {Workload} from '../workload/model.js'

export interface SessionPrompts {
  select: typeof select
  input: typeof input
  checkbox: typeof checkbox
  confirm: typeof confirm
}

export interface SessionIO {
  /** Replace some or all prompts (tests). */
  prompts?: Partial<SessionPrompts>
  /** Where the session's own text goes (one call per block); default stdout. */
  write?: (text: string) => void
  /** Today's date, YYYY-MM-DD (exception expiry must be later); default the local date. */
  today?: string
  /** Where key presses arrive, for Esc (= back); default stdin. */
  keys?: NodeJS.EventEmitter
}

export interface DiscoverSessionOptions {
  proposal: Proposal
  catalog: Catalog
  workload?: Workload
  /** The boundaries file as loaded (empty when it does not exist yet). */
  file: BoundariesFile
  filePath: string
  /** Discovery again with these pins and owners (the command's resolution, seed and hint). */
  recluster: (decisions: ReclusterDecisions) => Proposal
  /** Built from catalog and workload when not given. */
  env?: EditEnv
  io?: SessionIO
}

export interface DiscoverSessionResult {
  saved: boolean
  interrupted: boolean
  /** The proposal as the person left it. */
  proposal: Proposal
  /** What was written, when saved. */
  file: BoundariesFile | null
}

interface Step {
  proposal: Proposal
  base: BoundariesFile
  label: string
}

const BACK = '\u0000back'
const NEW = '\u0000new'
const OTHER = '\u0000other'
const NONE = '\u0000none'

const show = (text: string) => safeText(text)

/** Esc in a prompt: leave the current step (caught by the nearest menu, which shows itself again). */
class BackOut extends Error {
  override name = 'BackOut'
}

/** The prompt, with Esc turned into BackOut (through the prompt's abort signal). */
function escapable<F extends (config: never, context?: {signal?: AbortSignal}) => Promise<unknown>>(prompt: F, keys: NodeJS.EventEmitter): F {
  return ((config: never, context: {signal?: AbortSignal} = {}) => {
    const controller = new AbortController()
    const onKey = (_text: unknown, key?: {name?: string}) => {
      if (key?.name === 'escape') controller.abort()
    }
    keys.on('keypress', onKey)
    return prompt(config, {...context, signal: controller.signal})
      .catch((error: unknown) => {
        throw controller.signal.aborted && (error as Error | undefined)?.name === 'AbortPromptError' ? new BackOut() : error
      })
      .finally(() => keys.off('keypress', onKey))
  }) as F
}

export async function runDiscoverSession(options: DiscoverSessionOptions): Promise<DiscoverSessionResult> {
  const session = new Session(options)
  try {
    return await session.run()
  } catch (error) {
    if ((error as Error | undefined)?.name === 'ExitPromptError') return {saved: false, interrupted: true, proposal: session.proposal, file: null}
    throw error
  }
}

class Session {
  proposal: Proposal
  /** The file being edited: its exceptions and classifications (contexts and pins come from the proposal). */
  private base: BoundariesFile
  private readonly original: BoundariesFile
  private readonly filePath: string
  private readonly env: EditEnv
  private readonly ask: SessionPrompts
  private readonly write: (text: string) => void
  private readonly today: string
  private readonly runRecluster: (decisions: ReclusterDecisions) => Proposal
  private readonly history: Step[] = []
  private readonly reviewed = new Set<string>()
  private readonly violations = new Set<string>()

  constructor(options: DiscoverSessionOptions) {
    this.original = options.file
    this.base = options.file
    this.filePath = options.filePath
    this.proposal = withFileDescriptions(options.proposal, options.file)
    this.env = options.env ?? editEnv(options.catalog, options.workload)
    const prompts: SessionPrompts = {select, input, checkbox, confirm, ...options.io?.prompts}
    const keys = options.io?.keys ?? process.stdin
    this.ask = {
      select: escapable(prompts.select, keys), input: escapable(prompts.input, keys),
      checkbox: escapable(prompts.checkbox, keys), confirm: escapable(prompts.confirm, keys),
    }
    this.write = options.io?.write ?? ((text) => process.stdout.write(text + '\n'))
    this.today = options.io?.today ?? todayIso()
    this.runRecluster = options.recluster
  }

  async run(): Promise<DiscoverSessionResult> {
    this.write(this.overview())
    this.write(ansis.dim('Nothing is written until you choose "Save and quit". ↑/↓ move, ⏎ choose, Esc goes back, Ctrl-C leaves without saving.'))
    let last: string | undefined
    for (;;) {
      try {
        if (await this.menuStep((last = await this.mainMenu(last)))) return this.result!
      } catch (error) {
        if (!(error instanceof BackOut)) throw error
      }
    }
  }

  private result: DiscoverSessionResult | undefined

  /** Run one main-menu choice; true when the session is over (this.result is set). */
  private async menuStep(choice: string): Promise<boolean> {
    if (choice === 'review') await this.reviewContexts()
    else if (choice === 'recluster') await this.pinAndRecluster()
    else if (choice === 'multi') await this.reviewMultiWriters()
    else if (choice === 'diff') this.write(this.changes())
    else if (choice === 'overview') this.write(this.overview())
    else if (choice === 'undo') this.undo()
    else if (choice === 'save') {
      const written = this.save()
      if (written) this.result = {saved: true, interrupted: false, proposal: this.proposal, file: written}
    } else if (choice === 'quit') {
      const sure = !this.dirty() || (await this.ask.confirm({message: `Quit without saving? ${show(this.filePath)} stays as it was and this session's decisions are lost.`, default: false}))
      if (sure) this.result = {saved: false, interrupted: false, proposal: this.proposal, file: null}
    }
    return this.result !== undefined
  }

  // ── Main menu ────────────────────────────────────────────────────────────────────────────

  private async mainMenu(last?: string): Promise<string> {
    const p = this.proposal
    const multi = multiWriters(p)
    const decided = multi.filter((t) => this.foreignWriters(t).every((w) => this.exceptionFor(t.table, w)) || this.violations.has(t.table)).length
    const undo = this.history.at(-1)
    return this.ask.select<string>({
      message: `${p.contexts.length} contexts, ${this.reviewed.size} reviewed${this.dirty() ? ', not saved' : ''}. What next?`,
      pageSize: 10,
      default: last === 'undo' && !undo ? 'review' : last,
      choices: [
        {value: 'review', name: 'Review a context', description: 'See its tables and couplings; accept, rename, set the owner, move or split tables, merge, pin'},
        {value: 'recluster', name: 'Pin contexts and re-cluster', description: 'Pinned tables stay where they are; the rest is clustered again'},
        {value: 'multi', name: `Review multi-writer tables (${multi.length}, ${decided} decided)`, description: 'Tables written by more than one service: record an approved exception or leave it as a violation', disabled: multi.length === 0 ? 'none' : false},
        {value: 'diff', name: `Show what would change in ${show(this.filePath)}`, description: 'Tables that move, contexts, owners, pins and exceptions, compared with the file'},
        {value: 'overview', name: 'Show the contexts again', description: 'The contexts table and the strongest couplings'},
        {value: 'undo', name: undo ? `Undo: ${show(undo.label)}` : 'Undo', disabled: undo ? false : '(nothing to undo)'},
        new Separator(),
        {value: 'save', name: `Save ${show(this.filePath)} and quit`, description: 'Write the boundaries file (atomically) and end the session'},
        {value: 'quit', name: 'Quit without saving'},
      ],
    })
  }

  /** `run`, or `value` when the person pressed Esc in it. */
  private async backOr<T>(value: T, run: () => Promise<T>, message?: string): Promise<T> {
    try {
      return await run()
    } catch (error) {
      if (!(error instanceof BackOut)) throw error
      if (message) this.write(ansis.dim(message))
      return value
    }
  }

  // ── Contexts ─────────────────────────────────────────────────────────────────────────────

  private async reviewContexts(): Promise<void> {
    let cursor: string | undefined
    for (;;) {
      const p = this.proposal
      const name = await this.ask.select({
        message: 'Which context? (type its first letters to jump to it)',
        pageSize: 15,
        default: cursor && p.contexts.some((c) => c.name === cursor) ? cursor : p.contexts[0]?.name,
        choices: [
          {value: BACK, name: '← Back to the main menu'},
          new Separator(),
          ...p.contexts.map((c) => ({value: c.name, name: this.contextLine(c, p.contexts), short: show(c.name)})),
        ],
      })
      if (name === BACK) return
      const result = await this.reviewContext(name)
      // After accepting one, the cursor goes to the next context not yet reviewed.
      if (result.accepted) {
        const all = this.proposal.contexts.map((c) => c.name)
        const at = all.indexOf(result.name!)
        cursor = [...all.slice(at + 1), ...all.slice(0, at)].find((n) => !this.reviewed.has(n)) ?? result.name!
      } else cursor = result.name ?? undefined
    }
  }

  /** Review one context until the person goes back or accepts it; `name`: its name then (null when merged away). */
  private async reviewContext(start: string): Promise<{name: string | null; accepted: boolean}> {
    let name = start
    let details = true
    for (;;) {
      const c = this.proposal.contexts.find((x) => x.name === name)
      if (!c) return {name: null, accepted: false}
      if (details) this.write(this.contextDetails(c))
      const tablesBefore = c.tables.join('\n')
      const allPinned = this.pinnedIn(c).length === c.tables.length
      const action = await this.backOr(BACK, () => this.ask.select({
        message: `What about ${show(c.name)}?`,
        pageSize: 10,
        choices: [
          {value: 'accept', name: 'Accept it as it is', description: 'Mark it reviewed; the list then points at the next context to review'},
          {value: 'rename', name: 'Rename it'},
          {value: 'owner', name: `Set the owner (now: ${show(c.owner ?? 'none')})`, description: 'The one service that may write its tables'},
          {value: 'move', name: 'Move tables out…', description: 'To another context or to a new one; moved tables are pinned there'},
          {value: 'split', name: 'Split off tables into a new context', description: 'The chosen tables become a new context; they are pinned there'},
          {value: 'merge', name: 'Merge with another context', disabled: this.proposal.contexts.length < 2 ? 'no other context' : false},
          allPinned
            ? {value: 'unpin', name: 'Unpin its tables', description: 'Re-clustering may move them again'}
            : {value: 'pin', name: 'Pin its tables', description: 'Re-clustering will keep them together in this context'},
          new Separator(),
          {value: BACK, name: '← Back to the list of contexts'},
        ],
      }))
      if (action === BACK) return {name, accepted: false}
      if (action === 'accept') {
        this.reviewed.add(name)
        this.write(ansis.green(`✓ ${show(name)} reviewed.`))
        return {name, accepted: true}
      }
      let result: string | null
      try {
        result = await this.contextAction(action, c)
      } catch (error) {
        if (error instanceof BackOut) this.write(ansis.dim('Cancelled.'))
        else if (error instanceof CarveError) this.write(ansis.yellow(show(error.message)))
        else throw error
        details = false
        continue
      }
      if (result === null) return {name: null, accepted: false}
      name = result
      details = this.proposal.contexts.find((x) => x.name === name)?.tables.join('\n') !== tablesBefore
    }
  }

  /** Run one action on a context; returns its name afterwards (it may have been renamed), null if it is gone. */
  private async contextAction(action: string, c: ProposedContext): Promise<string | null> {
    const p = this.proposal
    switch (action) {
      case 'rename': {
        const to = (await this.ask.input({message: `New name for ${show(c.name)}:`, default: c.name, validate: (v) => nameProblem(p, v.trim(), c.name) ?? true})).trim()
        if (to === c.name) return c.name
        this.apply(`rename ${c.name} to ${to}`, renameContext(this.env, p, c.name, to), ansis.green(`Renamed ${show(c.name)} to ${show(to)}.`))
        if (this.reviewed.delete(c.name)) this.reviewed.add(to)
        return to
      }
      case 'owner': {
        const owner = await this.pickOwner(c)
        if (owner === undefined) return c.name
        this.apply(`set the owner of ${c.name}`, setOwner(this.env, p, c.name, owner), ansis.green(owner ? `${show(c.name)} is owned by ${show(owner)}.` : `${show(c.name)} has no owner.`))
        return c.name
      }
      case 'move': {
        const tables = await this.pickTables(c, 'Which tables move out?')
        if (!tables.length) return c.name
        const target = await this.ask.select({
          message: `Move ${tables.length} table${tables.length > 1 ? 's' : ''} to which context?`,
          pageSize: 14,
          choices: [
            {value: NEW, name: 'A new context…', description: 'Type its name next'},
            new Separator(),
            ...p.contexts.filter((x) => x.name !== c.name).map((x) => ({value: x.name, name: this.contextLine(x), short: show(x.name)})),
            new Separator(),
            {value: BACK, name: '← Cancel'},
          ],
        })
        if (target === BACK) return c.name
        if (target === NEW) {
          if (tables.length === c.tables.length) {
            this.write(ansis.yellow(`That is every table of ${show(c.name)}: rename it instead.`))
            return c.name
          }
          const to = await this.askNewName(p)
          if (!to) return c.name
          this.apply(`move ${plural(tables.length, 'table')} to new context ${to}`, pinTables(this.env, splitContext(this.env, p, c.name, tables, to), tables), ansis.green(`Moved ${show(tables.join(', '))} to the new context ${show(to)} (pinned there).`))
        } else {
          this.apply(`move ${plural(tables.length, 'table')} to ${target}`, pinTables(this.env, moveTables(this.env, p, tables, target), tables), ansis.green(`Moved ${show(tables.join(', '))} to ${show(target)} (pinned there).`))
        }
        return this.proposal.contexts.some((x) => x.name === c.name) ? c.name : null
      }
      case 'split': {
        if (c.tables.length < 2) {
          this.write(ansis.yellow(`${show(c.name)} has one table: there is nothing to split.`))
          return c.name
        }
        const tables = await this.pickTables(c, 'Which tables form the new context?', (n) => (n === c.tables.length ? 'leave at least one table behind (to move them all, rename the context)' : true))
        if (!tables.length) return c.name
        const to = await this.askNewName(p)
        if (!to) return c.name
        this.apply(`split ${to} off ${c.name}`, pinTables(this.env, splitContext(this.env, p, c.name, tables, to), tables), ansis.green(`Split ${show(to)} off ${show(c.name)}: ${show(tables.join(', '))} (pinned there).`))
        return c.name
      }
      case 'merge': {
        const other = await this.ask.select({
          message: `Merge which context into ${show(c.name)}?`,
          pageSize: 14,
          choices: [
            ...p.contexts.filter((x) => x.name !== c.name).map((x) => ({value: x.name, name: this.contextLine(x), short: show(x.name)})),
            new Separator(),
            {value: BACK, name: '← Cancel'},
          ],
        })
        if (other === BACK) return c.name
        const to = (await this.ask.input({
          message: `Name of the merged context:`,
          default: c.name,
          validate: (v) => (v.trim() === c.name || v.trim() === other ? true : nameProblem(p, v.trim()) ?? true),
        })).trim()
        this.apply(`merge ${other} into ${c.name}`, mergeContexts(this.env, p, c.name, other, to), ansis.green(`Merged ${show(other)} into ${show(to)}.`))
        this.reviewed.delete(other)
        if (this.reviewed.delete(c.name)) this.reviewed.add(to)
        return to
      }
      case 'pin':
        this.apply(`pin ${c.name}`, pinContext(this.env, p, c.name), ansis.green(`Pinned the ${c.tables.length} tables of ${show(c.name)}: re-clustering keeps them there.`))
        return c.name
      case 'unpin':
        this.apply(`unpin ${c.name}`, unpinContext(this.env, p, c.name), ansis.green(`Unpinned ${show(c.name)}.`))
        return c.name
    }
    return c.name
  }

  /** Tables of the context to act on; [] when none was ticked. */
  private async pickTables(c: ProposedContext, message: string, validate?: (count: number) => true | string): Promise<string[]> {
    const reports = new Map(this.proposal.tables.map((t) => [t.table, t]))
    const pinned = new Set(this.pinnedIn(c))
    const width = Math.max(...c.tables.map((t) => stringWidth(show(t))))
    const chosen = await this.ask.checkbox({
      message,
      pageSize: 15,
      choices: c.tables.map((t) => {
        const r = reports.get(t)
        const notes = [pinned.has(t) ? 'pinned' : '', r && r.writers.length ? `written by ${r.writers.join(', ')}` : ''].filter(Boolean)
        return {value: t, name: pad(show(t), width) + (notes.length ? ansis.dim(`  ${show(notes.join('; '))}`) : ''), short: show(t)}
      }),
      validate: (list) => (validate ? validate(list.length) : true),
    })
    if (!chosen.length) this.write(ansis.dim('No table chosen (space ticks a table): nothing changed.'))
    return chosen
  }

  /** A new context's name; '' when the person left it empty (cancel). */
  private async askNewName(p: Proposal): Promise<string> {
    const name = (await this.ask.input({message: 'Name of the new context (empty to cancel):', validate: (v) => (v.trim() ? nameProblem(p, v.trim()) ?? true : true)})).trim()
    if (!name) this.write('Cancelled.')
    return name
  }

  /** undefined: cancelled; null: no owner. */
  private async pickOwner(c: ProposedContext): Promise<string | null | undefined> {
    const writes = new Map<string, number>()
    for (const u of this.env.workload?.tables ?? []) if (c.tables.includes(u.table)) for (const [s, n] of Object.entries(u.writers)) writes.set(s, (writes.get(s) ?? 0) + n)
    const candidates = [...writes].sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1))
    const choice = await this.ask.select({
      message: `Who owns ${show(c.name)}?`,
      pageSize: 12,
      default: c.owner && writes.has(c.owner) ? c.owner : undefined,
      choices: [
        ...candidates.map(([s, n]) => ({value: s, name: `${show(s)}${s === c.owner ? ' (current)' : ''}`, description: `writes its tables ${formatCount(n)} times`, short: show(s)})),
        {value: OTHER, name: 'Another service…', description: 'Type its name'},
        {value: NONE, name: 'No owner yet'},
        new Separator(),
        {value: BACK, name: '← Cancel'},
      ],
    })
    if (choice === BACK) return undefined
    if (choice === NONE) return null
    if (choice !== OTHER) return choice
    return (await this.ask.input({message: 'Owning service:', default: c.owner ?? undefined, validate: (v) => (v.trim() ? true : 'type the service name')})).trim()
  }

  // ── Pins and re-clustering ───────────────────────────────────────────────────────────────

  private async pinAndRecluster(): Promise<void> {
    const p = this.proposal
    const chosen = await this.ask.checkbox({
      message: 'Pin which contexts? (space toggles, ⏎ re-clusters) Pinned tables stay put; the rest is clustered again.',
      pageSize: 14,
      choices: p.contexts.map((c) => {
        const n = this.pinnedIn(c).length
        return {
          value: c.name,
          name: `${show(c.name)}${ansis.dim(`  ${c.tables.length} tables${n && n < c.tables.length ? `, ${n} pinned already (they stay pinned)` : ''}`)}`,
          short: show(c.name),
          checked: n === c.tables.length,
        }
      }),
    })
    let pinned = p
    for (const c of p.contexts) {
      const all = this.pinnedIn(c).length === c.tables.length
      if (chosen.includes(c.name) && !all) pinned = pinContext(this.env, pinned, c.name)
      else if (!chosen.includes(c.name) && all) pinned = unpinContext(this.env, pinned, c.name)
    }
    const label = chosen.length ? `pin ${chosen.join(', ')} and re-cluster` : 're-cluster'
    const pinCount = pinsOf(pinned).size
    this.write(ansis.dim(`Re-clustering ${this.env.catalog.tables.length} tables around ${plural(pinCount, 'pinned table')}…`))
    let next: Proposal
    try {
      next = reclusterProposal(this.env, pinned, this.runRecluster)
    } catch (error) {
      this.write(ansis.red(`Re-clustering failed: ${show((error as Error).message)}`))
      if (pinned !== p) this.apply('pin contexts', pinned)
      return
    }
    const moves = tableMoves(pinned, next)
    const names = contextNameChanges(pinned, next)
    if (!moves.length && !names.length) {
      this.write(ansis.green('Re-clustered: no table moved.'))
      this.apply(label, next)
      return
    }
    const lines = [ansis.bold(`Re-clustering would move ${moves.length} table${moves.length === 1 ? '' : 's'}:`)]
    if (moves.length) lines.push(textTable(['table', 'from', 'to'], moves.map((m) => [m.table, m.from, m.to])))
    if (names.length) lines.push(`  contexts: ${show(names.join('; '))}`)
    lines.push(this.delta(pinned, next))
    this.write(lines.join('\n'))
    if (await this.ask.confirm({message: 'Keep the re-clustered contexts?', default: true})) {
      this.apply(label, next, ansis.green('Re-clustered.'))
    } else {
      if (pinned !== p) this.apply('pin contexts', pinned)
      this.write('Kept the contexts as they were' + (pinned !== p ? ' (with the new pins).' : '.'))
    }
  }

  // ── Multi-writer tables ──────────────────────────────────────────────────────────────────

  private async reviewMultiWriters(): Promise<void> {
    let cursor: string | undefined
    for (;;) {
      const multi = multiWriters(this.proposal)
      if (!multi.length) return
      const width = Math.max(...multi.map((t) => stringWidth(show(t.table))))
      const table = await this.ask.select({
        message: 'Which multi-writer table? (type its first letters to jump to it)',
        pageSize: 15,
        default: cursor ?? multi[0]!.table,
        choices: [
          {value: BACK, name: '← Back to the main menu'},
          new Separator(),
          ...multi.map((t) => ({value: t.table, name: `${pad(show(t.table), width)}${ansis.dim(`  in ${show(t.context)}, written by ${show(t.writers.join(', '))}`)}  ${this.multiStatus(t)}`, short: show(t.table)})),
        ],
      })
      if (table === BACK) return
      const done = await this.reviewMultiWriter(table)
      const names = multi.map((t) => t.table)
      cursor = done ? names[names.indexOf(table) + 1] ?? table : table
    }
  }

  private multiStatus(t: TableReport): string {
    const foreign = this.foreignWriters(t)
    if (foreign.length && foreign.every((w) => this.exceptionFor(t.table, w))) return ansis.green('✓ exception recorded')
    const excepted = foreign.filter((w) => this.exceptionFor(t.table, w)).length
    if (this.violations.has(t.table)) return ansis.yellow(`✗ violation to fix${excepted ? ` (${plural(excepted, 'writer')} excepted)` : ''}`)
    if (foreign.some((w) => this.exceptionFor(t.table, w))) return ansis.yellow('~ some writers excepted')
    return ''
  }

  /** Decide about one table; true when it is decided (every other writer excepted, or left as a violation). */
  private async reviewMultiWriter(table: string): Promise<boolean> {
    for (;;) {
      const t = this.proposal.tables.find((x) => x.table === table)!
      const owner = this.proposal.contexts.find((c) => c.name === t.context)?.owner ?? null
      const usage = this.env.workload?.tables.find((u) => u.table === table)
      const lines = ['', ansis.bold(show(table)) + ` — in context ${show(t.context || '(none)')}, owner ${show(owner ?? 'none')}`]
      lines.push(textTable(['writer', 'writes', 'status'], t.writers.map((w) => {
        const e = this.exceptionFor(table, w)
        return [w, formatCount(usage?.writers[w] ?? 0), w === owner ? 'owner' : e ? `exception until ${e.expires} (approved by ${e.approved_by})` : 'writes a table it does not own']
      }), {align: ['left', 'right', 'left']}))
      this.write(lines.join('\n'))
      const foreign = this.foreignWriters(t)
      const action = await this.backOr(BACK, () => this.ask.select({
        message: `What about the other writers of ${show(table)}?`,
        pageSize: 10,
        choices: [
          ...foreign.map((w) => ({
            value: `exception:${w}`,
            name: `Record an exception for ${show(w)}${this.exceptionFor(table, w) ? ' (replaces its current one)' : ''}`,
            description: `Approve ${show(w)} writing ${show(table)} until a date, with a plan to stop`,
          })),
          {value: 'violation', name: 'Leave it as a violation to fix', description: `The plan will have to move these writes behind ${owner ? show(owner) : 'an owner'}`},
          new Separator(),
          {value: BACK, name: '← Back to the list'},
        ],
      }))
      if (action === BACK) return false
      if (action === 'violation') {
        this.violations.add(table)
        const offenders = foreign.filter((w) => !this.exceptionFor(table, w))
        this.write(ansis.yellow(`${show(table)}: left as a violation${owner && offenders.length ? ` (${show(offenders.join(', '))} must stop writing it, or write through ${show(owner)})` : ''}.`))
        return true
      }
      const consumer = action.slice('exception:'.length)
      this.write(`Exception for ${show(consumer)} writing ${show(table)} (Esc or an empty "approved by" cancels):`)
      await this.backOr(undefined, () => this.exceptionForm(consumer, table), 'Cancelled: no exception recorded.')
      if (foreign.every((w) => this.exceptionFor(table, w))) return true
    }
  }

  private async exceptionForm(consumer: string, table: string): Promise<void> {
    const q = exceptionQuestions(this.today, this.exceptionFor(table, consumer))
    const approvedBy = (await this.ask.input(q.approvedBy)).trim()
    if (!approvedBy) {
      this.write('Cancelled: no exception recorded.')
      return
    }
    const expires = (await this.ask.input(q.expires)).trim()
    const exitPlan = (await this.ask.input(q.exitPlan)).trim()
    const before = this.base
    this.base = recordException(this.base, {consumer, table, access: 'write', approved_by: approvedBy, expires, exit_plan: exitPlan}, this.today)
    this.history.push({proposal: this.proposal, base: before, label: `exception for ${consumer} on ${table}`})
    this.violations.delete(table)
    this.write(ansis.green(`Recorded: ${show(consumer)} may write ${show(table)} until ${expires} (approved by ${show(approvedBy)}).`))
  }

  private foreignWriters(t: TableReport): string[] {
    const owner = this.proposal.contexts.find((c) => c.name === t.context)?.owner ?? null
    return t.writers.filter((w) => w !== owner)
  }

  private exceptionFor(table: string, consumer: string) {
    return this.base.exceptions.find((e) => e.table === table && e.consumer === consumer && e.access === 'write')
  }

  // ── File ─────────────────────────────────────────────────────────────────────────────────

  private next(): BoundariesFile {
    return sessionBoundaries(this.proposal, this.base)
  }

  private dirty(): boolean {
    return canonical(this.next()) !== canonical(this.original)
  }

  private changes(): string {
    const next = this.next()
    const before = this.original
    const out: string[] = []
    if (before.contexts.length === 0) {
      out.push(ansis.bold(`${show(this.filePath)} has no contexts yet: saving writes ${next.contexts.length} contexts:`))
      out.push(textTable(['context', 'owner', 'tables'], next.contexts.map((c) => [c.name, c.owner ?? '-', String(c.tables.length)]), {align: ['left', 'left', 'right']}))
    } else {
      out.push(changesSummary(diffBoundaries(before, next), this.filePath))
      const was = new Map(before.contexts.map((c) => [c.name, c]))
      const now = new Map(next.contexts.map((c) => [c.name, c]))
      const added = [...now.keys()].filter((n) => !was.has(n))
      const gone = [...was.keys()].filter((n) => !now.has(n))
      if (added.length) out.push(`  new contexts: ${show(added.join(', '))}`)
      if (gone.length) out.push(`  contexts no longer there: ${show(gone.join(', '))}`)
      const owners = [...now.values()].filter((c) => was.has(c.name) && was.get(c.name)!.owner !== c.owner)
      for (const c of owners) out.push(`  owner of ${show(c.name)}: ${show(was.get(c.name)!.owner ?? 'none')} → ${show(c.owner ?? 'none')}`)
    }
    const pinDiff = Object.keys(next.pins).filter((t) => before.pins[t] !== next.pins[t]).length + Object.keys(before.pins).filter((t) => !(t in next.pins)).length
    if (pinDiff) out.push(`  pins: ${Object.keys(before.pins).length} → ${Object.keys(next.pins).length} (${pinDiff} changed)`)
    const key = (e: BoundariesFile['exceptions'][number]) => JSON.stringify(e)
    const oldEx = new Set(before.exceptions.map(key))
    const newEx = next.exceptions.filter((e) => !oldEx.has(key(e)))
    for (const e of newEx) out.push(`  + exception: ${show(e.consumer)} ${e.access}s ${show(e.table)} until ${e.expires} (approved by ${show(e.approved_by)})`)
    const newSet = new Set(next.exceptions.map(key))
    for (const e of before.exceptions.filter((x) => !newSet.has(key(x)))) out.push(`  - exception: ${show(e.consumer)} ${e.access}s ${show(e.table)} until ${e.expires}`)
    if (!this.dirty()) out.push(ansis.green(`Saving would not change ${show(this.filePath)}.`))
    return out.join('\n')
  }

  private save(): BoundariesFile | null {
    const next = this.next()
    const check = boundariesSchema.safeParse(next)
    if (!check.success) {
      this.write(ansis.red(`Not saved: the result would not be a valid boundaries file: ${show(check.error.issues[0]!.path.join('.'))}: ${show(check.error.issues[0]!.message)}`))
      return null
    }
    try {
      saveBoundaries(this.filePath, next)
    } catch (error) {
      const e = error as NodeJS.ErrnoException
      this.write(ansis.red(`Not saved: cannot write ${show(this.filePath)}: ${show(e.code ?? e.message)}. Your decisions are still here; fix the problem and save again.`))
      return null
    }
    this.write(ansis.green(`Wrote ${show(this.filePath)}: ${next.contexts.length} contexts, ${Object.keys(next.pins).length} pinned tables, ${next.exceptions.length} exception${next.exceptions.length === 1 ? '' : 's'}.`))
    return next
  }

  // ── State ────────────────────────────────────────────────────────────────────────────────

  /** Make `next` the current proposal (undoable as `label`); say what happened, then how the numbers moved. */
  private apply(label: string, next: Proposal, message?: string): void {
    const before = this.proposal
    this.history.push({proposal: before, base: this.base, label})
    this.proposal = next
    if (message) this.write(message)
    const d = this.delta(before, next)
    if (d) this.write(d)
  }

  private undo(): void {
    const step = this.history.pop()
    if (!step) return
    this.proposal = step.proposal
    this.base = step.base
    for (const r of [...this.reviewed]) if (!this.proposal.contexts.some((c) => c.name === r)) this.reviewed.delete(r)
    this.write(ansis.green(`Undone: ${show(step.label)}.`))
  }

  // ── Text ─────────────────────────────────────────────────────────────────────────────────

  /** Tables a person pinned in the context (not the automatic grouping of deprecated tables). */
  private pinnedIn(c: ProposedContext): string[] {
    const pins = pinsOf(this.proposal)
    return c.tables.filter((t) => pins.get(t) === c.name)
  }

  /** Starts with the name (typing its first letters in a list jumps to it), padded to line up with the others. */
  private contextLine(c: ProposedContext, all: ProposedContext[] = this.proposal.contexts): string {
    const width = Math.max(...all.map((x) => stringWidth(show(x.name))))
    const pinned = this.pinnedIn(c).length
    const pins = pinned === 0 ? '' : pinned === c.tables.length ? ', pinned' : `, ${pinned} pinned`
    return `${pad(show(c.name), width)}${ansis.dim(`  ${show(c.owner ?? 'no owner')} · ${c.tables.length} table${c.tables.length === 1 ? '' : 's'}${pins}`)}${this.reviewed.has(c.name) ? ansis.green('  ✓ reviewed') : ''}`
  }

  private overview(): string {
    const p = this.proposal
    const out: string[] = ['']
    out.push(ansis.bold(`${p.contexts.length} contexts`) + ansis.dim(` — modularity ${p.modularity.toFixed(3)}`))
    out.push(`${p.totals.crossContextFks} cross-context foreign keys · ${(p.totals.crossContextJoinShare * 100).toFixed(1)}% of joining executions cross contexts · ` +
      `${formatCount(p.totals.crossContextWriteTransactions)} cross-context write transactions · ${p.totals.multiWriterTables.length} multi-writer tables`)
    out.push(textTable(
      ['context', 'owner', 'tables', 'pinned', 'FK out', 'FK in', 'cross joins', 'cross txns', 'foreign writers'],
      p.contexts.map((c) => [
        c.name + (this.reviewed.has(c.name) ? ' ✓' : ''), c.owner ?? '-', String(c.metrics.tables), String(this.pinnedIn(c).length), String(c.metrics.crossFksOut), String(c.metrics.crossFksIn),
        formatCount(c.metrics.crossJoinCalls), formatCount(c.metrics.crossWriteTransactions), abbreviate(c.metrics.foreignWriters, 3),
      ]),
      {align: ['left', 'left', 'right', 'right', 'right', 'right', 'right', 'right', 'left']},
    ))
    const pairs = pairCouplings(p)
    if (pairs.length) {
      out.push(ansis.bold('Strongest couplings') + ansis.dim(' (what splitting them costs)'))
      out.push(textTable(['between', 'FKs', 'joining calls', 'write txns'], pairs.slice(0, 6).map((c) => [`${c.a} ↔ ${c.b}`, String(c.fks), formatCount(c.joinCalls), formatCount(c.writeTransactions)]), {align: ['left', 'right', 'right', 'right']}))
      if (pairs.length > 6) out.push(ansis.dim(`  … and ${pairs.length - 6} more pairs`))
    }
    return out.join('\n')
  }

  private contextDetails(c: ProposedContext): string {
    const pinned = new Set(this.pinnedIn(c))
    const multi = new Set(this.proposal.tables.filter((t) => t.context === c.name && t.writers.length > 1).map((t) => t.table))
    const head = `${c.tables.length} table${c.tables.length === 1 ? '' : 's'}${pinned.size ? `, ${pinned.size} pinned` : ''}${this.reviewed.has(c.name) ? ', reviewed' : ''}`
    const out = ['', `${ansis.bold(show(c.name))} — owner ${show(c.owner ?? 'none')}, ${head}`]
    // A description a person wrote is worth showing; the generated one only repeats the tables.
    if (c.description && !/^(Written mostly by .+?: |Tables: )/.test(c.description)) out.push(ansis.dim(`  ${show(c.description)}`))
    const marked = c.tables.map((t) => show(t) + (pinned.has(t) ? ' (pinned)' : '') + (multi.has(t) ? ' *' : ''))
    out.push(...wrap(marked, 'tables: ', 100))
    if (multi.size) out.push(ansis.dim(`  * written by other services too (see "Review multi-writer tables")`))
    const pairs = pairCouplings(this.proposal).filter((x) => x.a === c.name || x.b === c.name)
    if (pairs.length) {
      out.push('  coupled with' + ansis.dim(' (strongest first)') + ':')
      out.push(textTable(['context', 'FKs', 'joining calls', 'write txns'], pairs.slice(0, 5).map((x) => [x.a === c.name ? x.b : x.a, String(x.fks), formatCount(x.joinCalls), formatCount(x.writeTransactions)]), {align: ['left', 'right', 'right', 'right'], indent: 4}))
      if (pairs.length > 5) out.push(ansis.dim(`    … and ${pairs.length - 5} more: ${show(pairs.slice(5).map((x) => (x.a === c.name ? x.b : x.a)).join(', '))}`))
    } else out.push('  coupled with: nothing (no FK, join or transaction crosses its edge)')
    if (c.metrics.foreignWriters.length) out.push(`  other services writing it: ${show(c.metrics.foreignWriters.join(', '))}`)
    return out.join('\n')
  }

  /** How the cross-context numbers moved, or '' when none did. */
  private delta(before: Proposal, after: Proposal): string {
    const parts: string[] = []
    const a = before.totals
    const b = after.totals
    if (a.crossContextFks !== b.crossContextFks) parts.push(`cross-context FKs ${a.crossContextFks} → ${b.crossContextFks}`)
    if (a.crossContextJoinShare !== b.crossContextJoinShare) parts.push(`crossing joins ${(a.crossContextJoinShare * 100).toFixed(1)}% → ${(b.crossContextJoinShare * 100).toFixed(1)}%`)
    if (a.crossContextWriteTransactions !== b.crossContextWriteTransactions) parts.push(`cross-context write txns ${formatCount(a.crossContextWriteTransactions)} → ${formatCount(b.crossContextWriteTransactions)}`)
    if (before.modularity !== after.modularity) parts.push(`modularity ${before.modularity.toFixed(3)} → ${after.modularity.toFixed(3)}`)
    return parts.length ? ansis.dim(`  ${parts.join(' · ')}`) : ''
  }
}

type Exception = BoundariesFile['exceptions'][number]

/** The exception form's questions (approved by, expiry, exit plan), with their validation. */
export function exceptionQuestions(today: string, previous?: Exception) {
  return {
    /** Empty cancels the exception. */
    approvedBy: {message: 'Approved by (name or email):', default: previous?.approved_by},
    expires: {message: 'Expires on (YYYY-MM-DD):', default: previous?.expires ?? addMonths(today, 6), validate: (v: string) => expiryProblem(v, today) ?? true},
    exitPlan: {
      message: 'Exit plan (how it will stop writing the table):', default: previous?.exit_plan,
      validate: (v: string) => (v.trim() ? true : 'describe how the exception ends, e.g. "call the orders API instead"'),
    },
  }
}

function multiWriters(p: Proposal): TableReport[] {
  return p.tables.filter((t) => t.writers.length > 1)
}

interface PairCoupling {
  a: string
  b: string
  fks: number
  joinCalls: number
  writeTransactions: number
}

/** Couplings per unordered pair of contexts, strongest first (write transactions, then joins, then FKs). */
export function pairCouplings(p: Proposal): PairCoupling[] {
  const pairs = new Map<string, PairCoupling>()
  for (const c of p.couplings) {
    const [a, b] = c.from < c.to ? [c.from, c.to] : [c.to, c.from]
    const k = `${a}\u0000${b}`
    const x = pairs.get(k) ?? {a, b, fks: 0, joinCalls: 0, writeTransactions: 0}
    x.fks += c.fks
    x.joinCalls += c.joinCalls
    x.writeTransactions += c.writeTransactions
    pairs.set(k, x)
  }
  return [...pairs.values()].sort((x, y) => y.writeTransactions - x.writeTransactions || y.joinCalls - x.joinCalls || y.fks - x.fks || (x.a + x.b < y.a + y.b ? -1 : 1))
}

function tableMoves(before: Proposal, after: Proposal): {table: string; from: string; to: string}[] {
  const was = new Map(before.contexts.flatMap((c) => c.tables.map((t) => [t, c.name] as const)))
  return after.contexts.flatMap((c) => c.tables.filter((t) => was.get(t) !== c.name).map((t) => ({table: t, from: was.get(t) ?? '(none)', to: c.name}))).sort((x, y) => (x.table < y.table ? -1 : 1))
}

function contextNameChanges(before: Proposal, after: Proposal): string[] {
  const was = new Set(before.contexts.map((c) => c.name))
  const now = new Set(after.contexts.map((c) => c.name))
  return [...[...now].filter((n) => !was.has(n)).map((n) => `new ${n}`), ...[...was].filter((n) => !now.has(n)).map((n) => `gone ${n}`)]
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`
}

function pad(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - stringWidth(text)))
}

/** Items joined with commas over lines of at most `width` columns, the first line labelled. */
function wrap(items: string[], label: string, width: number): string[] {
  const lines: string[] = []
  let line = `  ${label}`
  const indent = ' '.repeat(line.length)
  for (const [i, item] of items.entries()) {
    const piece = item + (i < items.length - 1 ? ',' : '')
    if (stringWidth(line) + 1 + stringWidth(piece) > width && line.trim() !== label.trim()) {
      lines.push(line)
      line = indent + piece
    } else line += (line.endsWith(' ') ? '' : ' ') + piece
  }
  lines.push(line)
  return lines
}

function abbreviate(items: string[], n: number): string {
  return items.length <= n ? items.join(', ') : `${items.slice(0, n).join(', ')} +${items.length - n}`
}

function addMonths(iso: string, months: number): string {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number]
  const date = new Date(Date.UTC(y, m - 1 + months, Math.min(d, 28)))
  return date.toISOString().slice(0, 10)
}

/** JSON with object keys sorted, to compare files regardless of key order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1))) : v))
}

