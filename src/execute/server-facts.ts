/**
 * What preflight knows of the server before a run (execute/preflight.ts reads it), and what a
 * step kind's preflight rule answers (src/steps/<kind>/preflight.ts): a leaf, so the kinds'
 * rules and the executor share the types without importing each other.
 */
import type {Flavor} from '../introspect/model.js'

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
