/**
 * The assessment's data: the facts gathered from a database (assess-facts.ts), where each table
 * of the boundaries file is now, and the result (assess.ts evaluates, render/assessment.ts and
 * the report print it). Types and constants only: a leaf every stage of the assessment imports.
 */
import type {Engine, Flavor} from '../db/engine.js'
import type {Catalog, RelationRef, Table} from '../introspect/model.js'
import type {PlanConventions, PlanInput} from '../plan/context.js'

// ---------------------------------------------------------------------------------------------
// Facts (gathered by assess-facts.ts)

/** A row of the ownership registry (`carve.ownership`), with the relation it points at. */
export interface RegistryRow {
  /** The relation as stored (a dropped table's regclass prints as its old oid). */
  relation: string
  /** Where the relation is now; null when it no longer exists. */
  schema: string | null
  name: string | null
  context: string
  owner: string
  classification: string | null
}

export interface RoleInfo {
  name: string
  /** PostgreSQL superuser; MySQL: a global (all-database) write privilege. */
  superuser: boolean
}

/** Write privileges one grantee holds on one relation (PUBLIC is the grantee `PUBLIC`). */
export interface RelationGrant extends RelationRef {
  /** The relation's owner (PostgreSQL); null where relations have no owner (MySQL). */
  owner: string | null
  grantee: string
  /** INSERT, UPDATE, DELETE, TRUNCATE (MySQL: DROP, which allows TRUNCATE). */
  privileges: string[]
  /** How the grant applies: on the table itself, or on its whole schema/database (MySQL). */
  via: 'table' | 'schema'
}

/** Whether a role can write a table: its own grants, inherited ones, ownership. */
export interface RoleAbility extends RelationRef {
  role: string
  insert: boolean
  update: boolean
  delete: boolean
  schemaUsage: boolean
}

/** A split-cutover step in the executor's ledger. */
export interface LedgerCutover {
  plan: string
  step: string
  state: string
  appliedAt: string | null
  /** From the step's checkpoint, when the runner recorded it. */
  targetDatabase: string | null
  /** From the checkpoint, else from the step id (`NNN-split-cutover-<context>`). */
  context: string | null
}

type Readable<T> = {state: 'absent'} | {state: 'error'; error: string} | ({state: 'present'} & T)

export interface DatabaseFacts {
  engine: Engine
  flavor: Flavor
  database: string
  catalog: Catalog
  registry: Readable<{rows: RegistryRow[]}>
  /** Roles (PostgreSQL) or accounts/roles (MySQL); not measurable when the user cannot read them. */
  roles: {measurable: true; list: RoleInfo[]} | {measurable: false; note: string}
  grants: {measurable: true; list: RelationGrant[]} | {measurable: false; note: string}
  abilities: RoleAbility[]
  ledger: Readable<{cutovers: LedgerCutover[]}>
  /** Every table of every publication: PostgreSQL's WAL outbox, MySQL's binlog outbox (its meta table). */
  publications?: {name: string; schema: string; table: string}[]
  /** Why the server's log cannot feed the publications' reader (MySQL: binlog settings); absent when it can. */
  publicationProblem?: string
}

/** The database assessed, and the databases contexts were split into (by context name). */
export interface AssessmentFacts {
  here: DatabaseFacts
  targets: Record<string, {database: string; facts: DatabaseFacts | null; error: string | null}>
}

// ---------------------------------------------------------------------------------------------
// Where each table of the boundaries file is now

export type TablePlace = 'original' | 'schema' | 'retired' | 'absent'

export interface LocatedTable {
  /** The key in the boundaries file (`orders`, `billing.invoices`). */
  key: string
  /** The table name without its schema. */
  name: string
  /** Still where the file names it; in the context's schema; a retired copy; nowhere here. */
  place: TablePlace
  table: Table | null
  /** Its key in this catalog (for original/schema). */
  actualKey: string | null
  /** A view at the table's old place (the compatibility view a move leaves behind). */
  compatView: RelationRef | null
}

export interface Located {
  input: PlanInput
  /** Context name → where each of its tables is. */
  tables: Map<string, LocatedTable[]>
}

// ---------------------------------------------------------------------------------------------
// Evaluation

export interface Check {
  level: number
  id: string
  ok: boolean
  message: string
  facts: Record<string, unknown>
  /** What to do when the check fails, phrased as a step (the report's "next step"). */
  action?: string
}

export interface ContextAssessment {
  name: string
  owner: string
  schema: string
  role: string
  level: number
  /** What reaching level + 1 takes; null at level 5. */
  next: string | null
  checks: Check[]
}

export interface Assessment {
  database: string
  engine: Engine
  flavor: Flavor
  today: string
  workload: boolean
  contexts: ContextAssessment[]
}

export interface AssessOptions {
  /** YYYY-MM-DD; exceptions expiring before it are expired. Injectable so tests do not age. */
  today: string
  only?: string[]
  conventions?: Partial<PlanConventions>
}

export const LEVEL_NAMES = ['shared database, shared tables', 'ownership documented', 'service-owned schema', 'service-owned database', 'projections and outbox', 'independent lifecycle'] as const
export const LEVEL_SHORT = ['shared', 'documented', 'own schema', 'own database', 'projections', 'independent'] as const
