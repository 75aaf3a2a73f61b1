/** Where the figures came from: the line printed under the table and stored in results.json. */
import {readFileSync} from 'node:fs'
import {cpus, totalmem} from 'node:os'

import {commandOutput} from './process.js'

export interface Machine {
  cpus: number
  memory: string
  cpuModel: string
  postgres: string | null
  pgDump: string | null
  node: string
  platform: string
}

export function describeMachine(postgresVersion: string | null): Machine {
  const nproc = Number(commandOutput('nproc', []) ?? cpus().length)
  // `free -h` total, as people read it; os.totalmem() when free is missing.
  const free = commandOutput('free', ['-h'])?.split('\n').find((l) => l.startsWith('Mem:'))?.split(/\s+/)[1]
  const memory = free ?? `${(totalmem() / 2 ** 30).toFixed(1)}Gi`
  let cpuModel = cpus()[0]?.model ?? 'unknown'
  try {
    cpuModel = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? cpuModel
  } catch {
    // not Linux: os.cpus() it is
  }
  return {
    cpus: nproc,
    memory,
    cpuModel,
    postgres: postgresVersion,
    pgDump: commandOutput('pg_dump', ['--version']),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  }
}

/** Which Carve was measured: the commit, and whether the working tree had uncommitted changes. */
export interface Revision {
  commit: string | null
  /** Files changed or untracked relative to the commit (0 = a clean checkout). */
  changedFiles: number | null
}

/** Read-only git queries; null when this is not a git checkout. */
export function describeRevision(root: string): Revision {
  const commit = commandOutput('git', ['-C', root, 'rev-parse', '--short', 'HEAD'])
  const status = commit === null ? null : commandOutput('git', ['-C', root, 'status', '--porcelain'])
  return {commit, changedFiles: status === null ? null : status.split('\n').filter(Boolean).length}
}

export function revisionLine(r: Revision): string {
  if (r.commit === null) return 'not a git checkout'
  return r.changedFiles ? `${r.commit} + ${r.changedFiles} uncommitted file${r.changedFiles === 1 ? '' : 's'}` : `${r.commit} (clean)`
}

export function machineLine(m: Machine): string {
  return [
    `${m.cpus} CPU${m.cpus === 1 ? '' : 's'} (${m.cpuModel})`,
    `${m.memory} RAM`,
    m.postgres ? `PostgreSQL ${m.postgres}` : 'no PostgreSQL',
    m.pgDump ?? 'no pg_dump',
    `Node ${m.node}`,
    m.platform,
  ].join(', ')
}
