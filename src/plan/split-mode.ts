/**
 * Which sync mode a physical split uses, decided when the plan is written — not discovered by
 * `carve apply` seven steps in (issue 12 point 8). Logical replication needs wal_level=logical,
 * which a default server (and many managed services) does not have and which takes a restart to
 * turn on; change capture (triggers queue changed keys) works on any PostgreSQL server.
 */
import type {SplitMode} from '../steps/split/generate.js'

/** What `carve plan` knows about the server: wal_level when it is a server it can ask. */
export interface SplitServer {
  flavor: string
  /** current_setting('wal_level'), or null when not asked (embedded PGlite, MySQL). */
  walLevel: string | null
}

export interface SplitModeChoice {
  mode: SplitMode
  /** One sentence: why this mode, for the plan's output and README. */
  reason: string
}

/** `--split-mode` values as the user types them. */
export const SPLIT_MODE_FLAGS = ['logical', 'change-capture'] as const
export type SplitModeFlag = (typeof SPLIT_MODE_FLAGS)[number]

export function chooseSplitMode(requested: SplitModeFlag | undefined, server: SplitServer): SplitModeChoice {
  const wal = server.walLevel
  if (requested === 'logical') {
    return {
      mode: 'logical-replication',
      reason: wal === null || wal === 'logical'
        ? 'logical replication, as asked with --split-mode logical'
        : `logical replication, as asked with --split-mode logical, although this server has wal_level=${wal}: set wal_level=logical (restart) before carve apply, which refuses until then`,
    }
  }
  if (requested === 'change-capture') return {mode: 'change-capture', reason: 'change capture (triggers queue changed keys), as asked with --split-mode change-capture'}
  if (wal === 'logical') return {mode: 'logical-replication', reason: 'logical replication: the server has wal_level=logical'}
  if (wal !== null) {
    return {
      mode: 'change-capture',
      reason: `change capture (triggers queue changed keys): the server has wal_level=${wal}, and logical replication needs wal_level=logical (a restart); pass --split-mode logical once it has`,
    }
  }
  return {
    mode: 'logical-replication',
    reason: `logical replication by default: ${server.flavor === 'pglite' ? 'an embedded database' : 'this database'} has no server wal_level to check; pass --split-mode change-capture for a server with wal_level=replica`,
  }
}
