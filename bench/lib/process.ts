/**
 * Timing a child process honestly.
 *
 * - wall time: measured here with performance.now() from just before spawn() to the child's exit,
 *   so it includes process start-up (Node's own boot for Carve, exec for pg_dump) — what a user
 *   waits for. When GNU time is present it wraps both tools alike (~1 ms of extra exec).
 * - CPU (user + sys) and peak RSS: from GNU time (`/usr/bin/time -f '%e %U %S %M'`), i.e. the
 *   kernel's rusage of the measured process (ru_maxrss is the largest resident set of the process
 *   and of any descendant it waited for). This is the client process only: work done by the
 *   PostgreSQL server on its behalf is not in these figures (it is in the wall time).
 * - Without GNU time, CPU and peak RSS are reported as null (Node cannot read RUSAGE_CHILDREN),
 *   never guessed.
 */
import {spawn, spawnSync} from 'node:child_process'
import {closeSync, mkdtempSync, openSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {trackChild} from './cleanup.js'
import {BenchError} from './registry.js'

export const GNU_TIME = '/usr/bin/time'

export interface Sample {
  wallSeconds: number
  /** User + system CPU seconds of the measured process (null without GNU time). */
  cpuSeconds: number | null
  /** Peak resident set size in MiB (null without GNU time). */
  peakRssMb: number | null
}

export interface TimeOptions {
  /** Where stdout goes: a file path; /dev/null by default. */
  stdoutTo?: string
  env?: NodeJS.ProcessEnv
  cwd?: string
  timeoutMs?: number
}

let gnuTime: boolean | undefined

/** True when /usr/bin/time is GNU time (supports -f and -o). */
export function hasGnuTime(): boolean {
  if (gnuTime === undefined) {
    const probe = spawnSync(GNU_TIME, ['-f', '%M', '-o', '/dev/null', 'true'], {stdio: 'ignore'})
    gnuTime = probe.status === 0
  }
  return gnuTime
}

export function measurementMethod(): string {
  return hasGnuTime()
    ? 'wall time from spawn to exit (harness clock); CPU and peak RSS of the client process from GNU time (rusage)'
    : 'wall time from spawn to exit (harness clock); CPU and peak RSS unavailable (no GNU time at /usr/bin/time)'
}

let scratch: string | undefined
function scratchDir(): string {
  if (!scratch) {
    scratch = mkdtempSync(join(tmpdir(), 'carve-bench-'))
    process.once('exit', () => rmSync(scratch!, {recursive: true, force: true}))
  }
  return scratch
}

/** A path in this run's scratch folder, which is removed when the process exits (also on Ctrl-C). */
export function scratchPath(name: string): string {
  return join(scratchDir(), name)
}

let counter = 0

/** Run a command to completion and time it; a non-zero exit is an error (with the stderr tail). */
export async function timeCommand(command: string, args: readonly string[], options: TimeOptions = {}): Promise<Sample> {
  const useTime = hasGnuTime()
  const report = join(scratchDir(), `time-${process.pid}-${counter++}.txt`)
  const argv = useTime ? ['-f', '%e %U %S %M', '-o', report, '--', command, ...args] : [...args]
  const out = openSync(options.stdoutTo ?? '/dev/null', 'w')
  let stderr = ''
  let wallSeconds = 0
  let code: number | null = null
  let signal: NodeJS.Signals | null = null
  try {
    await new Promise<void>((resolve, reject) => {
      const started = performance.now()
      const child = spawn(useTime ? GNU_TIME : command, argv, {
        cwd: options.cwd,
        env: options.env ?? process.env,
        stdio: ['ignore', out, 'pipe'],
      })
      trackChild(child)
      const timer = options.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), options.timeoutMs) : undefined
      child.stderr!.on('data', (chunk: Buffer) => {
        stderr += chunk.toString()
        if (stderr.length > 20_000) stderr = stderr.slice(-10_000)
      })
      child.once('exit', (c, s) => {
        wallSeconds = (performance.now() - started) / 1000
        code = c
        signal = s
      })
      child.once('error', reject)
      child.once('close', () => {
        if (timer) clearTimeout(timer)
        resolve()
      })
    })
  } finally {
    closeSync(out)
  }
  const shown = `${command} ${args.join(' ')}`
  if (code !== 0) {
    throw new BenchError(`\`${shown}\` failed (${signal ? `signal ${signal}` : `exit code ${code}`}):\n${stderr.trim().split('\n').slice(-15).join('\n')}`)
  }
  if (!useTime) return {wallSeconds, cpuSeconds: null, peakRssMb: null}
  const last = readFileSync(report, 'utf8').trim().split('\n').at(-1) ?? ''
  rmSync(report, {force: true})
  const [, user, sys, rssKb] = last.split(' ').map(Number)
  if (user === undefined || sys === undefined || rssKb === undefined || [user, sys, rssKb].some(Number.isNaN)) {
    throw new BenchError(`cannot read GNU time's report for \`${shown}\`: ${JSON.stringify(last)}`)
  }
  return {wallSeconds, cpuSeconds: user + sys, peakRssMb: rssKb / 1024}
}

/** Run a command and return its stdout (for version probes); null when it cannot run. */
export function commandOutput(command: string, args: readonly string[]): string | null {
  const result = spawnSync(command, args, {encoding: 'utf8'})
  return result.status === 0 ? result.stdout.trim() : null
}
