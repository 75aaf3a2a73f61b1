/**
 * Before a run: what the physical split needs of the server. Every split kind needs a PostgreSQL
 * server (a second database, replication or change capture); split-prepare, which creates the
 * target, the slot and the capture, also needs the privileges and settings its mode relies on —
 * later steps reuse them (and split-copy carries a spec of another shape).
 */
import type {Blocker} from '../../execute/server-facts.js'
import type {Preflight} from '../kind.js'
import {splitSpecSchema} from './spec.js'

export const splitServerPreflight: Preflight = (step, _manifest, facts): Blocker[] => {
  if (!facts.physicalSplit) {
    return [{step: step.id, need: `the physical split needs PostgreSQL; ${facts.label} is ${facts.flavor}`, fix: 'split MySQL/MariaDB with the server\'s own replication; plan without --split'}]
  }
  if (facts.embedded || !facts.canOpenOtherDatabases) {
    return [{step: step.id, need: `the physical split needs a PostgreSQL server (a second database, replication); ${facts.label} is an embedded ${facts.flavor} database`, fix: 'run the split against a PostgreSQL server (--db postgres://…)'}]
  }
  return []
}

export const splitPreparePreflight: Preflight = (step, manifest, facts): Blocker[] => {
  const out = splitServerPreflight(step, manifest, facts)
  if (out.length) return out
  const parsed = splitSpecSchema.safeParse(step.spec ?? {})
  if (!parsed.success) {
    out.push({step: step.id, need: 'its split spec in plan.yml is invalid', fix: 'regenerate the plan with carve plan --split'})
    return out
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
  return out
}
