/**
 * What the maturity assessment does differently per engine: how its facts are read (catalog,
 * ownership registry, write grants, the ledger) and what evidence of an outbox or a read model
 * looks like there. One object per engine (postgres.ts, mysql.ts), picked by `assessDialect`.
 */
import type {Connection} from '../../db/connection.js'
import type {Catalog, RelationRef, Trigger} from '../../introspect/model.js'
import type {PlanConventions} from '../../plan/context.js'
import type {DatabaseFacts} from '../assess-model.js'

/** An owner role whose write ability on one of its context's tables is probed. */
export interface Probe extends RelationRef {
  role: string
}

export interface FactsRequest {
  conventions: PlanConventions
  /** Where tables may be besides the connection's own schemas: every context's schema and the retired copies'. */
  namespaces: string[]
  /** The probes for a catalog once it is read (they depend on where the tables are now). */
  probes(catalog: Catalog): Probe[]
}

export interface AssessDialect {
  readFacts(conn: Connection, request: FactsRequest): Promise<DatabaseFacts>
  /** Said after "no role other than <owner> holds write privileges": who else was checked. */
  writeGrantsAlso: string
  /** A trigger the plan's outbox step creates (names and levels differ per engine). */
  isOutboxTrigger(trigger: Trigger): boolean
  /** Events can be read from the WAL through a publication (no outbox table needed). */
  walEvents: boolean
  /** Read models can be seen in the catalog (materialized views). */
  readModelsVisible: boolean
}
