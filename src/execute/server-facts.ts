/**
 * What preflight knows of the server before a run (execute/preflight.ts reads it), and what a
 * step kind's preflight rule answers (src/steps/<kind>/preflight.ts): a leaf, so the kinds'
 * rules and the executor share the types without importing each other.
 */
import type {ServerPrivileges} from '../db/dialect/types.js'
import type {Flavor} from '../introspect/model.js'

/** The privileges and replication settings (ServerPrivileges) are read by the dialect; false/null where it reads none. */
export interface ServerFacts extends ServerPrivileges {
  engine: 'postgres' | 'mysql'
  flavor: Flavor
  /** What the engine can do, from its dialect (db/dialect/). */
  physicalSplit: boolean
  embedded: boolean
  /** Role privileges were read (the fields below mean something). */
  readsPrivileges: boolean
  serverMajor: number
  label: string
  /** Whether the executor can open a second database on the same server (a split's target). */
  canOpenOtherDatabases: boolean
}

/** One unmet requirement: the step it stops, what is missing, and how to fix it. */
export interface Blocker {
  step: string
  need: string
  fix: string
}
