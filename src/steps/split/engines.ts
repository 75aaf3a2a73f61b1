/**
 * Why the split's five kinds exist on PostgreSQL only — said in the registry and, word for word,
 * in their README templates (templates/steps/split-*.md; test/steps-registry.test.ts checks it).
 */
import type {StepKindDefinition} from '../kind.js'

export const SPLIT_ON_MYSQL =
  'The physical split is not generated for MySQL/MariaDB: its steps follow writes with PostgreSQL logical replication (slots, publications, subscriptions) or with change capture written in PL/pgSQL, and neither exists there; a binlog-based follower and cut-over are planned. Until then, split a MySQL/MariaDB database with the server\'s own replication.'

/** How the four kinds after split-prepare come to exist: drafted by its planner, one group per context. */
export const SPLIT_GROUP: StepKindDefinition['generate'] = {postgres: {groupedWith: 'split-prepare'}, mysql: {unsupported: SPLIT_ON_MYSQL}}
