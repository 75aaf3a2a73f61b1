/** sysbench oltp_read_write against MySQL/MariaDB as the application under test. */
import {spawn} from 'node:child_process'

import {trackChild} from './cleanup.js'
import {BenchError} from './registry.js'

export interface SysbenchResult {
  tps: number
  qps: number
  transactions: number
  errors: number
  /** 95th percentile latency in ms. */
  p95Ms: number
}

function connectionArgs(url: string): string[] {
  const u = new URL(url)
  const db = decodeURIComponent(u.pathname.replace(/^\//, ''))
  return [
    `--mysql-host=${u.hostname}`,
    `--mysql-port=${u.port || '3306'}`,
    `--mysql-user=${decodeURIComponent(u.username || 'root')}`,
    ...(u.password ? [`--mysql-password=${decodeURIComponent(u.password)}`] : []),
    ...(db ? [`--mysql-db=${db}`] : []),
  ]
}

function sysbench(args: readonly string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('sysbench', args, {stdio: ['ignore', 'pipe', 'pipe']})
    trackChild(child)
    let out = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    child.stderr.on('data', (d: Buffer) => (out += d.toString()))
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.on('error', (e) => reject(new BenchError(`sysbench cannot run: ${e.message} (Debian: apt-get install sysbench)`)))
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      if (code === 0) return resolve(out)
      reject(new BenchError(`sysbench ${args.at(-1)} failed (${signal ?? `exit code ${code}`}):\n${out.trim().split('\n').slice(-10).join('\n')}`))
    })
  })
}

export async function sysbenchPrepare(url: string, tables: number, tableSize: number): Promise<void> {
  await sysbench(['oltp_read_write', ...connectionArgs(url), `--tables=${tables}`, `--table-size=${tableSize}`, 'prepare'], 20 * 60_000)
}

/** One timed run; no error is ignored (an application that fails has no throughput). */
export async function sysbenchRun(url: string, options: {tables: number; tableSize: number; seconds: number; threads?: number}): Promise<SysbenchResult> {
  const out = await sysbench(
    ['oltp_read_write', ...connectionArgs(url), `--tables=${options.tables}`, `--table-size=${options.tableSize}`, `--threads=${options.threads ?? 4}`, `--time=${options.seconds}`, '--events=0', '--mysql-ignore-errors=none', 'run'],
    (options.seconds + 120) * 1000,
  )
  const num = (re: RegExp) => {
    const m = re.exec(out)
    return m ? Number(m[1]) : NaN
  }
  const result = {
    transactions: num(/transactions:\s+(\d+)/),
    tps: num(/transactions:\s+\d+\s+\(([\d.]+) per sec/),
    qps: num(/queries:\s+\d+\s+\(([\d.]+) per sec/),
    errors: num(/ignored errors:\s+(\d+)/),
    p95Ms: num(/95th percentile:\s+([\d.]+)/),
  }
  if (!Number.isFinite(result.tps)) throw new BenchError(`cannot read sysbench's report:\n${out.slice(-1500)}`)
  if (/FATAL/.test(out)) throw new BenchError(`sysbench reported a fatal error:\n${out.slice(-1500)}`)
  return result
}
