/** pgbench as the application under test: initialise, run for a while, read what it reports. */
import {spawn} from 'node:child_process'
import {readFileSync} from 'node:fs'

import type pg from 'pg'

import {trackChild} from './cleanup.js'
import {withClient} from './postgres.js'
import {commandOutput} from './process.js'
import {BenchError} from './registry.js'

export interface PgbenchResult {
  /** Transactions per second, without the initial connection time (pgbench's own figure). */
  tps: number
  processed: number
  failed: number
  /** Mean latency in ms as pgbench reports it. */
  latencyMs: number
}

function pgbench(args: readonly string[], timeoutMs: number): Promise<{stdout: string; stderr: string}> {
  return new Promise((resolve, reject) => {
    const child = spawn('pgbench', args, {stdio: ['ignore', 'pipe', 'pipe']})
    trackChild(child)
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString()
      if (stderr.length > 50_000) stderr = stderr.slice(-20_000)
    })
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.on('error', (e) => reject(new BenchError(`pgbench cannot run: ${e.message} (Debian: apt-get install postgresql-contrib)`)))
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      if (code === 0) return resolve({stdout, stderr})
      reject(new BenchError(`\`pgbench ${args.filter((a) => !a.includes('://')).join(' ')}\` failed (${signal ?? `exit code ${code}`}):\n${(stderr + stdout).trim().split('\n').slice(-10).join('\n')}`))
    })
  })
}

/** `pgbench -i` at `scale` (with foreign keys: pgbench's own schema with its references). */
export async function pgbenchInit(url: string, scale: number): Promise<void> {
  await pgbench(['-i', '--foreign-keys', '-s', String(scale), '-q', url], 20 * 60_000)
}

/**
 * One timed pgbench run: `clients` clients on 2 threads for `seconds`, no vacuum before (-n),
 * TPC-B-like by default or select-only (-S), with pgbench's default simple query protocol (every
 * statement parsed, rewritten and planned afresh) or `prepared` (-M prepared: the extended protocol
 * with statements prepared once per connection, as many drivers and poolers run). A failed transaction or an aborted client is an
 * error: throughput of an application that fails is not a throughput.
 */
export async function pgbenchRun(url: string, options: {seconds: number; clients?: number; selectOnly?: boolean; protocol?: 'simple' | 'prepared'}): Promise<PgbenchResult> {
  const args = ['-n', '-c', String(options.clients ?? 4), '-j', '2', '-T', String(options.seconds), ...(options.selectOnly ? ['-S'] : []), '-M', options.protocol ?? 'simple', url]
  const {stdout, stderr} = await pgbench(args, (options.seconds + 120) * 1000)
  const num = (re: RegExp) => {
    const m = re.exec(stdout)
    return m ? Number(m[1]) : NaN
  }
  const result = {
    tps: num(/tps = ([\d.]+) \(without initial connection time\)/),
    processed: num(/number of transactions actually processed: (\d+)/),
    failed: num(/number of failed transactions: (\d+)/),
    latencyMs: num(/latency average = ([\d.]+) ms/),
  }
  if (!Number.isFinite(result.tps) || !Number.isFinite(result.processed)) throw new BenchError(`cannot read pgbench's report:\n${stdout.slice(-1500)}`)
  if (result.failed > 0 || /aborted|ERROR/.test(stderr)) throw new BenchError(`pgbench had failures (${result.failed} failed transactions):\n${stderr.slice(-1500)}`)
  if (Number.isNaN(result.failed)) result.failed = 0
  return result
}

/**
 * The server CPU (user + system, ms) one `pgbench -S` statement costs, read from the backend's
 * /proc/<pid>/stat around `n` statements of one session on random accounts. Unlike tps it hardly
 * moves when other processes compete for the cores (the machine is often shared): it counts the
 * work a statement makes the server do — parsing, view expansion, planning — not the time it
 * waited. `simple`: each statement as text (the simple query protocol, as `pgbench -S`);
 * `prepared`: one named statement executed with a parameter (as `-M prepared`). Null when the
 * server is not on this machine.
 */
export async function serverCpuPerSelect(url: string, options: {n: number; accounts: number; protocol: 'simple' | 'prepared'}): Promise<number | null> {
  const aid = () => 1 + Math.floor(Math.random() * options.accounts)
  // Warm the session's caches (catalog, plan) first, as pgbench's own clients are warm.
  return serverCpuPerCall(url, {n: options.n, warmUp: 200}, (c) => select(c, options.protocol, aid()))
}

/**
 * The server CPU (user + system, ms) one call of `work` costs, read from the backend's
 * /proc/<pid>/stat (utime + stime) around `n` calls in one session, after `warmUp` untimed ones.
 * Null when the server is not on this machine (its backend's /proc entry cannot be read).
 */
export async function serverCpuPerCall(url: string, options: {n: number; warmUp?: number}, work: (c: pg.Client) => Promise<unknown>): Promise<number | null> {
  const host = new URL(url).hostname
  if (!['127.0.0.1', 'localhost', '::1', ''].includes(host)) return null
  return withClient(url, async (c) => {
    const pid = (await c.query<{pid: number}>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid
    const ticks = (): number | null => {
      try {
        const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ')
        return Number(fields[11]) + Number(fields[12])
      } catch {
        return null
      }
    }
    if (ticks() === null) return null
    for (let i = 0; i < (options.warmUp ?? 0); i++) await work(c)
    const before = ticks()!
    for (let i = 0; i < options.n; i++) await work(c)
    const after = ticks()!
    const hz = Number(commandOutput('getconf', ['CLK_TCK'])?.trim() || 100)
    return ((after - before) * 1000) / hz / options.n
  })
}

function select(c: pg.Client, protocol: 'simple' | 'prepared', aid: number): Promise<unknown> {
  return protocol === 'simple'
    ? c.query(`SELECT abalance FROM pgbench_accounts WHERE aid = ${aid};`)
    : c.query({name: 'pgbench_select', text: 'SELECT abalance FROM pgbench_accounts WHERE aid = $1', values: [aid]})
}
