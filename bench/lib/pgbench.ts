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
 * The server CPU (user + system, ms) one `pgbench -S` statement costs the server itself: `n`
 * statements on random accounts run inside DO blocks of one session, read from the backend's
 * /proc/<pid>/stat. `simple`: each statement an EXECUTE of its text (parsed, analyzed, rewritten —
 * a view expanded — and planned afresh, as the simple query protocol does); `prepared`: a static
 * statement of PL/pgSQL (prepared once, its plan cached, as `-M prepared`). Unlike tps it hardly
 * moves when other processes compete for the cores. Why inside the server rather than one
 * statement per round trip: a round trip adds the protocol's socket work (about twice the
 * statement's own CPU on this machine) which is the same in every state and swings with the
 * machine's load (single samples of one state 40–89 µs apart; the statement alone 18–24 µs).
 * Null when the server is not on this machine.
 */
export async function serverCpuPerSelect(url: string, options: {n: number; accounts: number; protocol: 'simple' | 'prepared'}): Promise<number | null> {
  const aid = `(1 + floor(random() * ${options.accounts}))::int`
  const body = options.protocol === 'simple'
    ? `EXECUTE 'SELECT abalance FROM pgbench_accounts WHERE aid = ' || ${aid} INTO x;`
    : `a := ${aid}; SELECT abalance INTO x FROM pgbench_accounts WHERE aid = a;`
  const block = (count: number) => `DO $$DECLARE x int; a int; BEGIN FOR i IN 1..${count} LOOP ${body} END LOOP; END$$`
  const batches = Math.max(1, Math.round(options.n / BATCH))
  // One block untimed first: the session's caches (catalog, plan) warm, as pgbench's clients are.
  const perBatch = await serverCpuPerCall(url, {n: batches, warmUp: 1}, (c) => c.query(block(BATCH)))
  return perBatch === null ? null : perBatch / BATCH
}

/** Statements (or transactions) per DO block: a block is one round trip, its protocol cost shared out. */
const BATCH = 500

/**
 * The server CPU (user + system, ms) one call of `work` costs, read from the backend's
 * /proc/<pid>/stat (utime + stime) around `n` calls in one session, after `warmUp` untimed ones.
 * Null when the server is not on this machine (its backend's /proc entry cannot be read).
 */
export async function serverCpuPerCall(url: string, options: {n: number; warmUp?: number}, work: (c: pg.Client) => Promise<unknown>): Promise<number | null> {
  const cpu = await serverCpuSplit(url, options, work)
  return cpu === null ? null : cpu.user + cpu.system
}

/** serverCpuPerCall's figure as user and system time apart (ms per call). */
export async function serverCpuSplit(url: string, options: {n: number; warmUp?: number; setup?: string}, work: (c: pg.Client) => Promise<unknown>): Promise<{user: number; system: number} | null> {
  const host = new URL(url).hostname
  if (!['127.0.0.1', 'localhost', '::1', ''].includes(host)) return null
  return withClient(url, async (c) => {
    const pid = (await c.query<{pid: number}>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid
    const ticks = (): [number, number] | null => {
      try {
        const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ')
        return [Number(fields[11]), Number(fields[12])]
      } catch {
        return null
      }
    }
    if (ticks() === null) return null
    if (options.setup) await c.query(options.setup)
    for (let i = 0; i < (options.warmUp ?? 0); i++) await work(c)
    const before = ticks()!
    for (let i = 0; i < options.n; i++) await work(c)
    const after = ticks()!
    const ms = 1000 / Number(commandOutput('getconf', ['CLK_TCK'])?.trim() || 100) / options.n
    return {user: (after[0] - before[0]) * ms, system: (after[1] - before[1]) * ms}
  })
}

/**
 * The server CPU (user + system, ms) one TPC-B transaction costs the server, in one session:
 * pgbench's default script (three UPDATEs, a SELECT, an INSERT into the history, each statement
 * an EXECUTE of its text, so parsed, rewritten and planned afresh as pgbench's simple protocol
 * has them) then COMMIT, `n` transactions inside DO blocks, read as serverCpuPerSelect reads it.
 * Beside tps, which moves with whoever else has the cores, this shows whether the plan makes each
 * transaction cost the server more (an UPDATE through a view is rewritten first). Null when the
 * server is not on this machine. User and system time apart: the plan's work (rewriting through a
 * view, planning) is user time; reading pages the shared buffers (shared with every other database
 * of the server) no longer hold is system time, and swings with what else the server does.
 */
export async function serverCpuPerTpcb(url: string, options: {n: number; scale: number}): Promise<{user: number; system: number} | null> {
  const block = (count: number) => `DO $$DECLARE aid int; bid int; tid int; delta int; BEGIN
    FOR i IN 1..${count} LOOP
      aid := 1 + floor(random() * ${options.scale * 100_000}); bid := 1 + floor(random() * ${options.scale});
      tid := 1 + floor(random() * ${options.scale * 10}); delta := floor(random() * 10001) - 5000;
      EXECUTE format('UPDATE pgbench_accounts SET abalance = abalance + %s WHERE aid = %s', delta, aid);
      EXECUTE format('SELECT abalance FROM pgbench_accounts WHERE aid = %s', aid);
      EXECUTE format('UPDATE pgbench_tellers SET tbalance = tbalance + %s WHERE tid = %s', delta, tid);
      EXECUTE format('UPDATE pgbench_branches SET bbalance = bbalance + %s WHERE bid = %s', delta, bid);
      EXECUTE format('INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (%s, %s, %s, %s, CURRENT_TIMESTAMP)', tid, bid, aid, delta);
      COMMIT;
    END LOOP; END$$`
  const size = Math.min(BATCH, options.n)
  // synchronous_commit off: the wait for each commit's WAL flush is no CPU, only wall time here.
  const perBatch = await serverCpuSplit(url, {n: Math.max(1, Math.round(options.n / size)), warmUp: 1, setup: 'SET synchronous_commit = off'}, (c) => c.query(block(size)))
  return perBatch === null ? null : {user: perBatch.user / size, system: perBatch.system / size}
}
