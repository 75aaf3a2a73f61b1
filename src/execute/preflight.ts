/**
 * Preflight for `carve apply`: every pending step's requirements on the server — engine, server
 * vs embedded database, wal_level, replication slots and privileges, role creation — are
 * checked before step 1 runs. A precondition that can be read from the catalog must never be
 * discovered half way through a plan (issue 12 point 8: a split stranded at split-prepare after
 * seven applied steps because the server had wal_level=replica).
 *
 * Split in two: `readServerFacts` (one catalog query, the side effect) and `findBlockers` (pure:
 * steps + facts → what stops them), so the rules are testable without a server in any state.
 */
import type {Connection} from '../db/connection.js'
import {dialectOf} from '../db/dialect/index.js'
import {CarveError} from '../errors.js'
import type {PlanManifest} from '../plan/model.js'
import {definitionOf} from '../steps/registry.js'
import type {LoadedStep} from './plan-files.js'
import type {Blocker, ServerFacts} from './server-facts.js'

export type {Blocker, ServerFacts} from './server-facts.js'

export async function readServerFacts(conn: Connection, roles: string[], canOpenOtherDatabases: boolean): Promise<ServerFacts> {
  const dialect = dialectOf(conn)
  const base: ServerFacts = {
    engine: conn.engine, flavor: conn.flavor, serverMajor: conn.serverMajor, label: conn.label,
    physicalSplit: dialect.physicalSplit, embedded: dialect.embedded, readsPrivileges: dialect.readsPrivileges,
    walLevel: null, maxReplicationSlots: null, maxWalSenders: null,
    superuser: false, replication: false, createDb: false, createRole: false, existingRoles: [],
    canOpenOtherDatabases,
  }
  const privileges = await dialect.privileges(conn, roles)
  return privileges ? {...base, ...privileges} : base
}

/** What stops each of `steps` on a server with `facts`: each kind's own rules (src/steps/<kind>/). Pure. */
export function findBlockers(steps: LoadedStep[], manifest: Pick<PlanManifest, 'contexts'>, facts: ServerFacts): Blocker[] {
  return steps.flatMap(({step}) => definitionOf(step.kind).preflight?.(step, manifest, facts) ?? [])
}

/** Refuse the run before its first step when any pending step cannot run here. */
export async function preflightApply(conn: Connection, manifest: Pick<PlanManifest, 'contexts'>, pending: LoadedStep[], canOpenOtherDatabases: boolean): Promise<void> {
  if (pending.length === 0) return
  const facts = await readServerFacts(conn, manifest.contexts.map((c) => c.role), canOpenOtherDatabases)
  const blockers = findBlockers(pending, manifest, facts)
  if (blockers.length === 0) return
  const [first] = blockers
  const more = blockers.length > 1 ? ` (and ${blockers.length - 1} more: ${[...new Set(blockers.slice(1).map((b) => b.step))].join(', ')})` : ''
  throw new CarveError('apply.preflight', `nothing applied: step ${first!.step} cannot run on ${conn.label}: ${first!.need}${more}`, {hint: first!.fix})
}
