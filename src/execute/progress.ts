/**
 * Showing a run as it goes. Three renderers over the executor's events:
 *   - a terminal: a listr2 task list (current step, retries, rows/s and ETA of long steps);
 *   - anything else (CI logs, pipes): plain `› ` lines on stderr, long steps every few seconds;
 *   - --json: one JSON object per event on stdout (the command prints its result last).
 * Progress goes to stderr in the first two, so stdout carries only the result.
 */
import ansis from 'ansis'

import {formatCount} from '../util/numbers.js'
import {safeText} from '../util/safe-text.js'
import type {ExecEvent} from './executor.js'
import {describeHolder, formatMs} from './lock.js'

export interface ProgressRenderer {
  event(event: ExecEvent): void
  /** Let the renderer settle (the task list draws its last frame). */
  finish(): Promise<void>
}

export type ProgressMode = 'json' | 'tty' | 'plain' | 'silent'

export function progressMode(json: boolean, stream: NodeJS.WriteStream = process.stderr): ProgressMode {
  if (json) return 'json'
  return stream.isTTY && process.env.TERM !== 'dumb' && !process.env.CI ? 'tty' : 'plain'
}

export function createRenderer(mode: ProgressMode): ProgressRenderer {
  switch (mode) {
    case 'json':
      return new JsonLines()
    case 'plain':
      return new PlainLines(process.stderr)
    case 'tty':
      return new TaskList()
    case 'silent':
      return {event: () => {}, finish: async () => {}}
  }
}

/** "12,000/50,000 rows, 8,100 rows/s, ETA 5 s" from a progress event's numbers. */
export function progressText(e: {message: string; done?: number; total?: number; rate?: number}): string {
  const parts = [e.message]
  if (e.done !== undefined) parts.push(e.total !== undefined ? `${formatCount(e.done)}/${formatCount(e.total)} rows` : `${formatCount(e.done)} rows`)
  if (e.rate !== undefined && e.rate > 0) {
    parts.push(`${formatCount(Math.round(e.rate))} rows/s`)
    if (e.done !== undefined && e.total !== undefined && e.total > e.done) parts.push(`ETA ${formatMs(((e.total - e.done) / e.rate) * 1000)}`)
  }
  return parts.join(', ')
}

const VERB = {apply: 'applying', rollback: 'rolling back', verify: 'verifying'} as const
const DONE = {apply: 'applied', rollback: 'rolled back', verify: 'verified'} as const

/** One line of text for an event, or null for events a person need not see. */
export function describeEvent(e: ExecEvent): string | null {
  switch (e.type) {
    case 'start':
      return e.steps.length ? `${VERB[e.action]} ${e.steps.length} step${e.steps.length > 1 ? 's' : ''} of plan ${e.plan} on ${e.database}` : null
    case 'lock-wait':
      return `another run holds the plan lock${e.holder ? ` (${describeHolder(e.holder)})` : ''}: waiting`
    case 'info':
      return e.message
    case 'step-start':
      return `${VERB[e.action]} ${e.step}: ${e.title}${e.transactional ? '' : ' (statement by statement)'}`
    case 'step-done':
      return `${DONE[e.action]} ${e.step} in ${formatMs(e.durationMs)}${e.retries ? ` (${formatMs(e.waitedMs)} of it waiting for locks, ${e.retries} retr${e.retries === 1 ? 'y' : 'ies'})` : ''}`
    case 'step-failed':
      return `${e.step} failed: ${e.error}`
    case 'retry':
      return `${e.step}: lost a race for its locks, rolled back (${e.reason}); retry ${e.attempt}/${e.retries} in ${formatMs(e.waitMs)}`
    case 'progress':
      return `${e.step} ${e.phase}: ${progressText(e)}`
    case 'end':
      return null
  }
}

class JsonLines implements ProgressRenderer {
  event(e: ExecEvent): void {
    process.stdout.write(JSON.stringify({event: e.type, ...e, type: undefined}) + '\n')
  }

  async finish(): Promise<void> {}
}

class PlainLines implements ProgressRenderer {
  private lastProgress = new Map<string, number>()

  constructor(private readonly stream: NodeJS.WriteStream) {}

  event(e: ExecEvent): void {
    if (e.type === 'progress' && e.done !== undefined && e.total !== undefined && e.done < e.total) {
      // Long steps: a line every 5 s is enough for a log.
      const now = performance.now()
      if (now - (this.lastProgress.get(e.step) ?? -Infinity) < 5000) return
      this.lastProgress.set(e.step, now)
    }
    const text = describeEvent(e)
    if (text !== null) this.stream.write(`${e.type === 'step-failed' ? ansis.red('›') : ansis.dim('›')} ${ansis.dim(safeText(text))}\n`)
  }

  async finish(): Promise<void> {}
}

interface Entry {
  base: string
  promise: Promise<{skip?: string; title?: string}>
  resolve: (outcome: {skip?: string; title?: string}) => void
  reject: (error: Error) => void
  settled: boolean
  task?: {title: string; output: string; skip(message?: string): void}
  output?: string
}

/**
 * listr2's task list driven by events: each step is a task that waits until the executor
 * reports it done or failed. The executor runs steps in order, so the list and the run agree.
 */
class TaskList implements ProgressRenderer {
  private entries = new Map<string, Entry>()
  private running: Promise<void> | null = null
  private notes: string[] = []

  event(e: ExecEvent): void {
    switch (e.type) {
      case 'start':
        if (e.steps.length) this.start(e.steps)
        return
      case 'step-done': {
        const entry = this.settle(e.step)
        entry?.resolve({title: `${entry.base} ${ansis.dim(`(${formatMs(e.durationMs)})`)}`})
        return
      }
      case 'step-failed': {
        const entry = this.settle(e.step)
        entry?.reject(new Error(safeText(e.error)))
        return
      }
      case 'retry':
      case 'progress': {
        const entry = this.entries.get(e.step)
        const text = safeText(e.type === 'retry' ? describeEvent(e)! : `${e.phase}: ${progressText(e)}`)
        if (entry) {
          entry.output = text
          if (entry.task) entry.task.output = text
        }
        return
      }
      case 'lock-wait':
      case 'info': {
        const text = describeEvent(e)
        // Before the list starts, print straight away; during it, after it (listr owns the screen).
        if (text && !this.running) process.stderr.write(`${ansis.dim(`› ${safeText(text)}`)}\n`)
        else if (text) this.notes.push(text)
        return
      }
      default:
        return
    }
  }

  private settle(step: string): Entry | undefined {
    const entry = this.entries.get(step)
    if (!entry || entry.settled) return undefined
    entry.settled = true
    return entry
  }

  private start(steps: {id: string; title: string}[]): void {
    const tasks = steps.map((s) => {
      let resolve!: Entry['resolve']
      let reject!: Entry['reject']
      const promise = new Promise<{skip?: string; title?: string}>((res, rej) => {
        resolve = res
        reject = rej
      })
      // Settled before listr reaches the task: the rejection is handled there, not lost.
      promise.catch(() => {})
      const entry: Entry = {base: s.title === s.id ? s.id : `${s.id} ${ansis.dim(safeText(s.title))}`, promise, resolve, reject, settled: false}
      this.entries.set(s.id, entry)
      return {
        title: entry.base,
        task: async (_ctx: unknown, task: NonNullable<Entry['task']>) => {
          entry.task = task
          if (entry.output) task.output = entry.output
          const outcome = await entry.promise
          if (outcome.skip) task.skip(outcome.skip)
          else if (outcome.title) task.title = outcome.title
        },
      }
    })
    this.running = (async () => {
      const {Listr, ProcessOutput} = await import('listr2')
      const list = new Listr(tasks as never, {
        concurrent: false,
        exitOnError: true,
        registerSignalListeners: false,
        rendererOptions: {collapseSubtasks: false, showErrorMessage: true, formatOutput: 'truncate'} as never,
        processOutput: new ProcessOutput(process.stderr, process.stderr),
      } as never)
      await list.run().catch(() => {})
      for (const note of this.notes) process.stderr.write(`${ansis.dim(`› ${safeText(note)}`)}\n`)
      this.notes = []
    })()
  }

  async finish(): Promise<void> {
    for (const entry of this.entries.values()) {
      if (!entry.settled) {
        entry.settled = true
        entry.resolve({skip: 'not run'})
      }
    }
    await this.running
    for (const note of this.notes) process.stderr.write(`${ansis.dim(`› ${safeText(note)}`)}\n`)
  }
}
