/**
 * The discover session's review of multi-writer tables: for each table written by more than one
 * service, record an approved, dated exception per other writer, or leave it as a violation.
 */
import {Separator} from '@inquirer/prompts'
import ansis from 'ansis'
import stringWidth from 'string-width'

import {type EditEnv, recordException} from '../boundaries/edit.js'
import type {BoundariesFile} from '../boundaries/file.js'
import type {Proposal, TableReport} from '../boundaries/model.js'
import {formatCount, table as textTable} from '../render/text.js'
import {BACK, type SessionPrompts, show} from './session-prompts.js'
import {exceptionQuestions, multiWriters, pad, plural} from './session-text.js'

/** What the review reads and changes of the session. */
export interface SessionCore {
  proposal: Proposal
  /** The file being edited (exceptions are recorded into it). */
  base: BoundariesFile
  readonly env: EditEnv
  readonly ask: SessionPrompts
  readonly write: (text: string) => void
  readonly today: string
  readonly history: {proposal: Proposal; base: BoundariesFile; label: string}[]
  /** Tables left as violations to fix. */
  readonly violations: Set<string>
  backOr<T>(value: T, run: () => Promise<T>, message?: string): Promise<T>
}

export class MultiWriterReview {
  constructor(private readonly core: SessionCore) {}

  /** Multi-writer tables decided: every other writer excepted, or left as a violation. */
  decided(): number {
    return multiWriters(this.core.proposal).filter((t) => this.foreignWriters(t).every((w) => this.exceptionFor(t.table, w)) || this.core.violations.has(t.table)).length
  }

  async run(): Promise<void> {
    let cursor: string | undefined
    for (;;) {
      const multi = multiWriters(this.core.proposal)
      if (!multi.length) return
      const width = Math.max(...multi.map((t) => stringWidth(show(t.table))))
      const table = await this.core.ask.select({
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

  multiStatus(t: TableReport): string {
    const foreign = this.foreignWriters(t)
    if (foreign.length && foreign.every((w) => this.exceptionFor(t.table, w))) return ansis.green('✓ exception recorded')
    const excepted = foreign.filter((w) => this.exceptionFor(t.table, w)).length
    if (this.core.violations.has(t.table)) return ansis.yellow(`✗ violation to fix${excepted ? ` (${plural(excepted, 'writer')} excepted)` : ''}`)
    if (foreign.some((w) => this.exceptionFor(t.table, w))) return ansis.yellow('~ some writers excepted')
    return ''
  }

  /** Decide about one table; true when it is decided (every other writer excepted, or left as a violation). */
  async reviewMultiWriter(table: string): Promise<boolean> {
    for (;;) {
      const t = this.core.proposal.tables.find((x) => x.table === table)!
      const owner = this.core.proposal.contexts.find((c) => c.name === t.context)?.owner ?? null
      const usage = this.core.env.workload?.tables.find((u) => u.table === table)
      const lines = ['', ansis.bold(show(table)) + ` — in context ${show(t.context || '(none)')}, owner ${show(owner ?? 'none')}`]
      lines.push(textTable(['writer', 'writes', 'status'], t.writers.map((w) => {
        const e = this.exceptionFor(table, w)
        return [w, formatCount(usage?.writers[w] ?? 0), w === owner ? 'owner' : e ? `exception until ${e.expires} (approved by ${e.approved_by})` : 'writes a table it does not own']
      }), {align: ['left', 'right', 'left']}))
      this.core.write(lines.join('\n'))
      const foreign = this.foreignWriters(t)
      const action = await this.core.backOr(BACK, () => this.core.ask.select({
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
        this.core.violations.add(table)
        const offenders = foreign.filter((w) => !this.exceptionFor(table, w))
        this.core.write(ansis.yellow(`${show(table)}: left as a violation${owner && offenders.length ? ` (${show(offenders.join(', '))} must stop writing it, or write through ${show(owner)})` : ''}.`))
        return true
      }
      const consumer = action.slice('exception:'.length)
      this.core.write(`Exception for ${show(consumer)} writing ${show(table)} (Esc or an empty "approved by" cancels):`)
      await this.core.backOr(undefined, () => this.exceptionForm(consumer, table), 'Cancelled: no exception recorded.')
      if (foreign.every((w) => this.exceptionFor(table, w))) return true
    }
  }

  async exceptionForm(consumer: string, table: string): Promise<void> {
    const q = exceptionQuestions(this.core.today, this.exceptionFor(table, consumer))
    const approvedBy = (await this.core.ask.input(q.approvedBy)).trim()
    if (!approvedBy) {
      this.core.write('Cancelled: no exception recorded.')
      return
    }
    const expires = (await this.core.ask.input(q.expires)).trim()
    const exitPlan = (await this.core.ask.input(q.exitPlan)).trim()
    const before = this.core.base
    this.core.base = recordException(this.core.base, {consumer, table, access: 'write', approved_by: approvedBy, expires, exit_plan: exitPlan}, this.core.today)
    this.core.history.push({proposal: this.core.proposal, base: before, label: `exception for ${consumer} on ${table}`})
    this.core.violations.delete(table)
    this.core.write(ansis.green(`Recorded: ${show(consumer)} may write ${show(table)} until ${expires} (approved by ${show(approvedBy)}).`))
  }

  foreignWriters(t: TableReport): string[] {
    const owner = this.core.proposal.contexts.find((c) => c.name === t.context)?.owner ?? null
    return t.writers.filter((w) => w !== owner)
  }

  exceptionFor(table: string, consumer: string) {
    return this.core.base.exceptions.find((e) => e.table === table && e.consumer === consumer && e.access === 'write')
  }
}
