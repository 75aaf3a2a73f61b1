/**
 * A private MariaDB server: mariadb-install-db into a temporary folder, mariadbd on a free port
 * on 127.0.0.1 with the settings a test needs (performance_schema, the general query log …),
 * stopped and deleted afterwards.
 *
 * The machine's shared server runs with performance_schema OFF (its default) and cannot be
 * restarted by a test; a private one can, and it is still real MariaDB. Needs the server
 * binaries (Debian: mariadb-server; set CARVE_MARIADB_BIN to their folder elsewhere).
 */
import {type ChildProcess, execFile, spawn} from 'node:child_process'
import {existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {createServer} from 'node:net'
import {tmpdir, userInfo} from 'node:os'
import {join} from 'node:path'
import {promisify} from 'node:util'

import mysql from 'mysql2/promise'

export interface PrivateMariadb {
  /** mysql:// URL as root (no password) on 127.0.0.1, for a database or none. */
  url: (database?: string, user?: string) => string
  port: number
  /** The general query log, when the server was started with `generalLog`. */
  generalLog: string
  stop: () => Promise<void>
}

const SEARCH = ['/usr/sbin', '/usr/bin', '/usr/local/sbin', '/usr/local/bin', '/usr/local/mysql/bin']

function findBinary(names: string[]): string | null {
  const dirs = [process.env.CARVE_MARIADB_BIN, ...(process.env.PATH ?? '').split(':'), ...SEARCH].filter((d): d is string => !!d)
  for (const dir of dirs) for (const name of names) if (existsSync(join(dir, name))) return join(dir, name)
  return null
}

const binaries = () => ({server: findBinary(['mariadbd']), install: findBinary(['mariadb-install-db'])})

/** Why a private MariaDB cannot start here, or null when it can. */
export function mariadbUnavailableReason(): string | null {
  const {server, install} = binaries()
  if (!server) return 'no mariadbd binary found (install mariadb-server, or set CARVE_MARIADB_BIN)'
  if (!install) return 'no mariadb-install-db binary found (install mariadb-server, or set CARVE_MARIADB_BIN)'
  return null
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

export interface MariadbOptions {
  performanceSchema?: boolean
  generalLog?: boolean
  /** The binary log on, in the form a change reader needs (ROW, full images, a server id). */
  binlog?: boolean
}

export async function startMariadb(options: MariadbOptions = {}): Promise<PrivateMariadb> {
  const {server, install} = binaries()
  if (!server || !install) throw new Error(mariadbUnavailableReason()!)
  const root = mkdtempSync(join(tmpdir(), 'carve-mariadb-'))
  const dataDir = join(root, 'data')
  const errorLog = join(root, 'error.log')
  const generalLog = join(root, 'general.log')
  // mariadbd refuses to run as root unless told to; anyone else runs it as themselves.
  const user = `--user=${userInfo().username}`
  await promisify(execFile)(install, ['--no-defaults', `--datadir=${dataDir}`, user, '--auth-root-authentication-method=normal', '--skip-test-db'], {timeout: 120_000})
  const port = await freePort()
  const args = [
    '--no-defaults', `--datadir=${dataDir}`, user, `--socket=${join(root, 'mysqld.sock')}`, `--pid-file=${join(root, 'mysqld.pid')}`,
    `--port=${port}`, '--bind-address=127.0.0.1', '--skip-name-resolve', `--log-error=${errorLog}`,
    ...(options.binlog ? [`--log-bin=${join(root, 'binlog')}`, '--binlog-format=ROW', '--binlog-row-image=FULL', '--server-id=1'] : ['--skip-log-bin']),
    // A test server: small, and no durability to pay for.
    '--innodb-buffer-pool-size=16M', '--innodb-flush-log-at-trx-commit=0', '--max-connections=30',
    `--performance-schema=${options.performanceSchema ? 'ON' : 'OFF'}`,
    ...(options.generalLog ? ['--general-log=ON', `--general-log-file=${generalLog}`] : []),
  ]
  const child: ChildProcess = spawn(server, args, {stdio: 'ignore'})
  let exited = false
  const exit = new Promise<void>((resolve) => child.once('exit', () => {
    exited = true
    resolve()
  }))
  const url = (database = '', as = 'root') => `mysql://${as}@127.0.0.1:${port}/${database}`
  const deadline = Date.now() + 60_000
  for (;;) {
    try {
      const c = await mysql.createConnection({host: '127.0.0.1', port, user: 'root'})
      await c.end()
      break
    } catch (error) {
      if (exited || Date.now() > deadline) {
        const log = existsSync(errorLog) ? readFileSync(errorLog, 'utf8').trim().split('\n').slice(-5).join('\n') : ''
        child.kill('SIGKILL')
        rmSync(root, {recursive: true, force: true})
        throw new Error(`private mariadbd did not start: ${(error as Error).message}\n${log}`)
      }
      await new Promise((r) => setTimeout(r, 200))
    }
  }
  let stopped = false
  return {
    port,
    url,
    generalLog,
    async stop() {
      if (stopped) return
      stopped = true
      if (!exited) {
        child.kill('SIGTERM')
        const killer = setTimeout(() => child.kill('SIGKILL'), 30_000)
        await exit
        clearTimeout(killer)
      }
      rmSync(root, {recursive: true, force: true})
    },
  }
}
