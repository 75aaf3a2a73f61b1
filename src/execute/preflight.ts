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
import type {Flavor} from '../introspect/model.js'
import type {PlanManifest} from '../plan/model.js'
import {splitSpecSchema} from '../steps/split/generate.js'
import type {LoadedStep} from './plan-files.js'

export interface ServerFacts {
  engine: 'postgres' | 'mysql'
  flavor: Flavor
  /** What the engine can do, from its dialect (db/dialect/). */
  physicalSplit: boolean
  embedded: boolean
  /** Role privileges were read (the fields below mean something). */
  readsPrivileges: boolean
  serverMajor: number
  label: string
  /** PostgreSQL only (null elsewhere or when unreadable). */
  walLevel: string | null
  maxReplicationSlots: number | null
  maxWalSenders: number | null
  superuser: boolean
  replication: boolean
  createDb: boolean
  createRole: boolean
  /** Roles that exist, among those the plan's contexts name. */
  existingRoles: string[]
  /** Whether the executor can open a second database on the same server (a split's target). */
  canOpenOtherDatabases: boolean
}

/** One unmet requirement: the step it stops, what is missing, and how to fix it. */
export interface Blocker {
  step: string
  need: string
  fix: string
}

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

const SPLIT_KINDS = new Set(['split-prepare', 'split-copy', 'split-sync', 'split-cutover', 'split-decommission'])

/** What stops each of `steps` on a server with `facts`. Pure. */
export function findBlockers(steps: LoadedStep[], manifest: Pick<PlanManifest, 'contexts'>, facts: ServerFacts): Blocker[] {
  const out: Blocker[] = []
  for (const {step} of steps) {
    if (step.kind === 'service-roles' && facts.readsPrivileges && !facts.superuser && !facts.createRole) {
      const missing = manifest.contexts.map((c) => c.role).filter((r) => !facts.existingRoles.includes(r))
      if (missing.length) {
        out.push({
          step: step.id,
          need: `creating roles (${missing.slice(0, 4).join(', ')}${missing.length > 4 ? ', …' : ''}) needs CREATEROLE, which the user on ${facts.label} lacks`,
          fix: 'run apply as a role with CREATEROLE (or a superuser), or have an administrator create those roles first',
        })
      }
    }
    if (!SPLIT_KINDS.has(step.kind)) continue
    if (!facts.physicalSplit) {
      out.push({step: step.id, need: `the physical split needs PostgreSQL; ${facts.label} is ${facts.flavor}`, fix: 'split MySQL/MariaDB with the server\'s own replication; plan without --split'})
      continue
    }
    if (facts.embedded || !facts.canOpenOtherDatabases) {
      out.push({step: step.id, need: `the physical split needs a PostgreSQL server (a second database, replication); ${facts.label} is an embedded ${facts.flavor} database`, fix: 'run the split against a PostgreSQL server (--db postgres://…)'})
      continue
    }
    // Only the step that creates the target, the slot and the capture needs these; later steps
    // reuse them (and split-copy carries a spec of another shape).
    if (step.kind !== 'split-prepare') continue
    const parsed = splitSpecSchema.safeParse(step.spec ?? {})
    if (!parsed.success) {
      out.push({step: step.id, need: 'its split spec in plan.yml is invalid', fix: 'regenerate the plan with carve plan --split'})
      continue
    }
    const spec = parsed.data
    if (!facts.superuser && !facts.createDb) {
      out.push({step: step.id, need: `creating database ${spec.target_database} needs CREATEDB, which the user on ${facts.label} lacks`, fix: 'run the split as a role with CREATEDB (or a superuser)'})
    }
    if (spec.mode === 'logical-replication') {
      if (facts.walLevel !== 'logical') {
        out.push({
          step: step.id,
          need: `logical replication needs wal_level=logical; ${facts.label} has wal_level=${facts.walLevel ?? 'unknown'}`,
          fix: 'ALTER SYSTEM SET wal_level = logical and restart the server, or re-plan with carve plan --split --split-mode change-capture',
        })
      }
      if ((facts.maxReplicationSlots ?? 0) < 2 || (facts.maxWalSenders ?? 0) < 2) {
        out.push({
          step: step.id,
          need: `logical replication needs two replication slots and two WAL senders (forward and reverse); ${facts.label} allows ${facts.maxReplicationSlots ?? '?'} and ${facts.maxWalSenders ?? '?'}`,
          fix: 'raise max_replication_slots and max_wal_senders (restart needed), or re-plan with --split-mode change-capture',
        })
      }
      if (!facts.superuser && facts.serverMajor < 16) {
        out.push({step: step.id, need: `creating subscriptions on PostgreSQL ${facts.serverMajor} needs a superuser`, fix: 'run the split steps as a superuser, or re-plan with --split-mode change-capture'})
      } else if (!facts.superuser && !facts.replication) {
        out.push({step: step.id, need: 'creating replication slots needs the REPLICATION attribute, which the user lacks', fix: 'ALTER ROLE … REPLICATION (and grant pg_create_subscription), or re-plan with --split-mode change-capture'})
      }
      if (facts.serverMajor < 13 && spec.tables.some((t) => t.partitions.length > 0)) {
        out.push({step: step.id, need: `publishing partitioned tables through their root needs PostgreSQL 13+; ${facts.label} runs ${facts.serverMajor}`, fix: 're-plan with --split-mode change-capture'})
      }
    } else {
      const keyless = spec.tables.filter((t) => t.key.length === 0)
      if (keyless.length) {
        out.push({
          step: step.id,
          need: `change capture needs a primary key; ${keyless.map((t) => `${t.source.schema}.${t.source.name}`).join(', ')} ${keyless.length === 1 ? 'has' : 'have'} none`,
          fix: 'add a primary key first, or split with logical replication (wal_level=logical)',
        })
      }
    }
  }
  return out
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
