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
  editEnv, type EditEnv, mergeContexts, moveTables, nameProblem, pinContext, pinsOf, pinTables, type ReclusterDecisions,
  recluster as reclusterProposal, renameContext, sessionBoundaries, setOwner, splitContext, todayIso, unpinContext,
  withFileDescriptions,
} from '../boundaries/edit.js'
import {type BoundariesFile, boundariesSchema, sameBoundaries, saveBoundaries} from '../boundaries/file.js'
import type {Proposal, ProposedContext} from '../boundaries/model.js'
import {CarveError} from '../errors.js'
import type {Catalog} from '../introspect/model.js'
import {formatCount, table as textTable} from '../render/text.js'
import type {Workload} from '../workload/model.js'
import {MultiWriterReview} from './session-multi-writers.js'
import {pinAndRecluster} from './session-recluster.js'
import {BACK, BackOut, escapable, NEW, NONE, OTHER, type SessionIO, type SessionPrompts, show} from './session-prompts.js'
import {changesText, contextDetailsText, contextNameChanges, deltaText, multiWriters, overviewText, pad, plural, tableMoves} from './session-text.js'

export type {SessionIO, SessionPrompts} from './session-prompts.js'
export {exceptionQuestions, pairCouplings} from './session-text.js'

export interface DiscoverSessionOptions {
  proposal: Proposal
  catalog: Catalog
  workload?: Workload
  /** The boundaries file as loaded (empty when it does not exist yet); the proposal should be what it says (proposalFromFile). */
  file: BoundariesFile
  filePath: string
  /** Whether filePath exists: saving without changes leaves an existing file untouched (default true). */
  fileExists?: boolean
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
  base: BoundariesFile
  private readonly original: BoundariesFile
  private readonly filePath: string
  private readonly fileExists: boolean
  readonly env: EditEnv
  readonly ask: SessionPrompts
  readonly write: (text: string) => void
  readonly today: string
  readonly runRecluster: (decisions: ReclusterDecisions) => Proposal
  readonly history: Step[] = []
  private readonly reviewed = new Set<string>()
  readonly violations = new Set<string>()
  private readonly multi = new MultiWriterReview(this)

  constructor(options: DiscoverSessionOptions) {
    this.original = options.file
    this.base = options.file
    this.filePath = options.filePath
    this.fileExists = options.fileExists ?? true
    this.proposal = withFileDescriptions(options.proposal, options.file)
    // Reviewed marks are decisions too: a session resumed from the file shows them.
    for (const r of options.file.reviewed ?? []) if (this.proposal.contexts.some((c) => c.name === r)) this.reviewed.add(r)
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
    this.write(overviewText(this.proposal, this.reviewed, (c) => this.pinnedIn(c)))
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
    else if (choice === 'recluster') await pinAndRecluster(this)
    else if (choice === 'multi') await this.multi.run()
    else if (choice === 'diff') this.write(changesText(this.next(), this.original, this.filePath, this.dirty()))
    else if (choice === 'overview') this.write(overviewText(this.proposal, this.reviewed, (c) => this.pinnedIn(c)))
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
    const decided = this.multi.decided()
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
  async backOr<T>(value: T, run: () => Promise<T>, message?: string): Promise<T> {
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
      if (details) this.write(contextDetailsText(this.proposal, c, (x) => this.pinnedIn(x), this.reviewed.has(c.name)))
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
        const to = (await this.ask.input({message: `New name for ${show(c.name)}:`, default: c.name, validate: (v) => nameProblem(p, v.trim(), c.name, this.env.reservedNames) ?? true})).trim()
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
          validate: (v) => (v.trim() === c.name || v.trim() === other ? true : nameProblem(p, v.trim(), undefined, this.env.reservedNames) ?? true),
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
    const name = (await this.ask.input({message: 'Name of the new context (empty to cancel):', validate: (v) => (v.trim() ? nameProblem(p, v.trim(), undefined, this.env.reservedNames) ?? true : true)})).trim()
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

  // ── File ─────────────────────────────────────────────────────────────────────────────────

  private next(): BoundariesFile {
    return sessionBoundaries(this.proposal, this.base, this.reviewed)
  }

  private dirty(): boolean {
    return !sameBoundaries(this.next(), this.original)
  }

  private save(): BoundariesFile | null {
    const next = this.next()
    // Nothing decided differently: the file stays byte for byte as the team wrote it.
    if (this.fileExists && !this.dirty()) {
      this.write(ansis.green(`${show(this.filePath)} is unchanged: nothing to write.`))
      return this.original
    }
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
  apply(label: string, next: Proposal, message?: string): void {
    const before = this.proposal
    this.history.push({proposal: before, base: this.base, label})
    this.proposal = next
    if (message) this.write(message)
    const d = deltaText(before, next)
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
  pinnedIn(c: ProposedContext): string[] {
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


}

