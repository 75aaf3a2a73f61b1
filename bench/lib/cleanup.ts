/**
 * Cleanup that must happen however the run ends: databases created for the run are dropped on
 * success, on a failed benchmark, and on Ctrl-C / SIGTERM (running children are killed first).
 */
import type {ChildProcess} from 'node:child_process'

type Task = () => Promise<void>

const tasks = new Set<Task>()
const children = new Set<ChildProcess>()

/**
 * Register a cleanup task; the returned function runs it now. It runs once: every caller (the
 * benchmark's finally, the signal handler) gets that one run's promise, and it stays registered
 * until it has finished, so a signal arriving mid-drop waits for the drop.
 */
export function onCleanup(task: Task): () => Promise<void> {
  let running: Promise<void> | undefined
  const once: Task = () => (running ??= task().finally(() => tasks.delete(once)))
  tasks.add(once)
  return once
}

export function trackChild(child: ChildProcess): void {
  children.add(child)
  child.once('exit', () => children.delete(child))
}

/** Run (or wait for) every registered task, newest first; a failing task does not stop the others. */
export async function runCleanup(): Promise<void> {
  for (const child of children) child.kill('SIGKILL')
  for (const task of [...tasks].reverse()) {
    try {
      await task()
    } catch (error) {
      process.stderr.write(`cleanup failed: ${(error as Error).message}\n`)
    }
  }
}

let installed = false
let stopping = false

/** True once a signal asked the run to stop: failures after that are the stop, not news. */
export function isStopping(): boolean {
  return stopping
}

export function installSignalHandlers(): void {
  if (installed) return
  installed = true
  const stop = (signal: NodeJS.Signals, code: number) => {
    if (stopping) return
    stopping = true
    process.stderr.write(`\n${signal}: stopping, dropping the databases created for this run…\n`)
    runCleanup().finally(() => process.exit(code))
  }
  process.on('SIGINT', () => stop('SIGINT', 130))
  process.on('SIGTERM', () => stop('SIGTERM', 143))
}
