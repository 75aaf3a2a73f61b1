/**
 * A private PostgreSQL cluster: initdb into a temporary folder, start it on a free port on
 * 127.0.0.1 with the settings a test needs (statement logging to stderr/csvlog/jsonlog,
 * pg_stat_statements, wal_level=logical …), stop and delete it afterwards.
 *
 * The machine's shared server cannot be restarted with such settings; a private one can, and it
 * is still real PostgreSQL. Needs the server binaries (Debian: /usr/lib/postgresql/N/bin) and,
 * when running as root, the `postgres` system user (initdb refuses to run as root).
 */
import {execFileSync, spawn} from 'node:child_process'
import {chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync} from 'node:fs'
import {createServer} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

export interface PgCluster {
  url: (database?: string) => string
  port: number
  dataDir: string
  logDir: string
  stop: () => Promise<void>
}

export function findPgBin(): string | null {
  const fromEnv = process.env.CARVE_PG_BIN
  if (fromEnv && existsSync(join(fromEnv, 'initdb'))) return fromEnv
  const base = '/usr/lib/postgresql'
  if (!existsSync(base)) return null
  const versions = readdirSync(base).filter((v) => existsSync(join(base, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a))
  return versions.length ? join(base, versions[0]!, 'bin') : null
}

function postgresUser(): {uid: number; gid: number} | undefined {
  if (process.getuid?.() !== 0) return undefined
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim())
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim())
  return {uid, gid}
}

/** Why a private cluster cannot start here, or null when it can. */
export function clusterUnavailableReason(): string | null {
  if (!findPgBin()) return 'no PostgreSQL server binaries (initdb) found; set CARVE_PG_BIN'
  if (process.getuid?.() === 0) {
    try {
      postgresUser()
    } catch {
      return 'running as root without a postgres system user'
    }
  }
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

export async function startPgCluster(settings: Record<string, string | number> = {}): Promise<PgCluster> {
  const bin = findPgBin()
  if (!bin) throw new Error('no PostgreSQL server binaries found')
  const owner = postgresUser()
  const root = mkdtempSync(join(tmpdir(), 'carve-pg-'))
  const dataDir = join(root, 'data')
  if (owner) chownSync(root, owner.uid, owner.gid)
  const asOwner = owner ? {uid: owner.uid, gid: owner.gid} : {}
  execFileSync(join(bin, 'initdb'), ['-D', dataDir, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8', '--locale=C'], {...asOwner, stdio: 'pipe'})
  const port = await freePort()
  const conf: Record<string, string | number> = {
    listen_addresses: "'127.0.0.1'",
    port,
    unix_socket_directories: `'${root}'`,
    fsync: 'off',
    synchronous_commit: 'off',
    full_page_writes: 'off',
    max_connections: 50,
    ...settings,
  }
  writeFileSync(join(dataDir, 'postgresql.auto.conf'), Object.entries(conf).map(([k, v]) => `${k} = ${v}`).join('\n') + '\n')
  if (owner) chownSync(join(dataDir, 'postgresql.auto.conf'), owner.uid, owner.gid)
  execFileSync(join(bin, 'pg_ctl'), ['-D', dataDir, '-l', join(root, 'server.log'), '-w', '-t', '60', 'start'], {...asOwner, stdio: 'pipe'})
  let stopped = false
  return {
    port,
    dataDir,
    logDir: join(dataDir, 'log'),
    url: (database = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${database}`,
    async stop() {
      if (stopped) return
      stopped = true
      await new Promise<void>((resolve) => {
        const child = spawn(join(bin, 'pg_ctl'), ['-D', dataDir, '-m', 'fast', '-w', 'stop'], {...asOwner, stdio: 'ignore'})
        child.on('close', () => resolve())
        child.on('error', () => resolve())
      })
      rmSync(root, {recursive: true, force: true})
    },
  }
}
