/**
 * 1→2: a role per service, then per context: the owner writes, approved exceptions and reporting
 * read, every other write is revoked. Roles are NOLOGIN group roles: operations grant them to the
 * services' login users (`GRANT carve_orders_service TO orders_app`) — the README says how.
 *
 * PostgreSQL roles are cluster-wide, so Carve records the roles it created (and the PUBLIC
 * privileges it revoked) in its meta schema: down.sql removes exactly what up.sql added.
 *
 * A role can serve plans on several databases of one server (every plan has a reporting role).
 * Roles keep their plain names — operations grant them to login users, and a name per database
 * would multiply those grants — and are reference-counted instead: a role Carve created carries
 * a comment listing the plans using it (`carve:role {"users": ["<database>/<plan>", …]}`,
 * cluster-wide like the role). up.sql adds this plan, down.sql removes it and drops the role only
 * when no plan on any database uses it any more. A role Carve did not create is never counted,
 * changed or dropped.
 */
import type {ContextSpec, PlanInput} from '../../plan/context.js'
import {linkFromStep} from '../../plan/plan-paths.js'
import {doBlock, ident, literal, qualified} from '../../plan/quote.js'
import {code, dropMetaIfEmpty, ensureMetaSchema, header, Locator, stepReadme} from '../common.js'
import {movedTables} from '../move-to-schema/postgres.js'
import type {StepDraft} from '../draft.js'

export const REVOKED_TABLE = 'revoked_grants'
const WRITE_PRIVILEGES = ['INSERT', 'UPDATE', 'DELETE', 'TRUNCATE'] as const
/**
 * A row of the revoked-grants table saying "this relation's ACL was NULL (the default) before
 * the grants": GRANT then REVOKE leaves an explicit ACL equal to the default, and no GRANT or
 * REVOKE can make it NULL again, so down.sql resets it (D11: rollback restores ACLs exactly).
 */
export const NULL_ACL_MARK = '(acl was null)'

interface Grantee {
  role: string
  service: string
  privileges: string[]
  why: string
}

export function granteesOf(ctx: ContextSpec, input: PlanInput): Map<string, Grantee[]> {
  const roleOf = new Map(input.services.map((s) => [s.name, s.role]))
  const byTable = new Map<string, Grantee[]>()
  for (const t of ctx.tables) {
    const list: Grantee[] = [{role: ctx.role, service: ctx.owner, privileges: ['SELECT', 'INSERT', 'UPDATE', 'DELETE'], why: 'owner'}]
    const seen = new Set([ctx.owner])
    const consumers = ctx.consumers.filter((c) => c.table === t.key)
    for (const c of consumers) {
      if (seen.has(c.consumer)) continue
      seen.add(c.consumer)
      const role = roleOf.get(c.consumer)
      if (!role) continue
      if (c.exception?.access === 'write') list.push({role, service: c.consumer, privileges: ['SELECT', 'INSERT', 'UPDATE', 'DELETE'], why: `approved write exception (expires ${c.exception.expires})`})
      else if (c.exception) list.push({role, service: c.consumer, privileges: ['SELECT'], why: `approved read exception (expires ${c.exception.expires})`})
      else if (c.reads > 0) list.push({role, service: c.consumer, privileges: ['SELECT'], why: c.writes > 0 ? 'reads today; its writes are refused from now on' : 'reads today (record an exception or move it to the API)'})
    }
    if (!seen.has(input.conventions.reportingService)) {
      list.push({role: roleOf.get(input.conventions.reportingService)!, service: input.conventions.reportingService, privileges: ['SELECT'], why: 'reporting'})
    }
    byTable.set(t.key, list)
  }
  return byTable
}

export function grantsStep(ctx: ContextSpec, input: PlanInput, locator: Locator, moved: boolean): StepDraft {
  const revoked = qualified(input.conventions.metaSchema, REVOKED_TABLE)
  const grantees = granteesOf(ctx, input)
  const others = input.services.filter((s) => s.name !== ctx.owner)
  const ups: string[] = []
  const downs: string[] = []
  const publicRevokes: string[] = []
  const checks: string[] = []
  const schemaRoles = new Set<string>()
  const relations: string[] = []
  for (const m of movedTables(ctx, input)) {
    const key = ctx.tables.find((t) => t.table === m.table || t.table === m.parent)!.key
    const list = grantees.get(key) ?? []
    const table = locator.at(m.table)
    const targets = [table]
    if (moved && locator.moves(m.table)) targets.push(qualified(m.table.schema, m.table.name))
    relations.push(...targets)
    for (const rel of targets) {
      for (const g of list) {
        schemaRoles.add(g.role)
        ups.push(`GRANT ${g.privileges.join(', ')} ON ${rel} TO ${ident(g.role)};`)
        downs.push(`REVOKE ${g.privileges.join(', ')} ON ${rel} FROM ${ident(g.role)};`)
      }
      const writers = new Set(list.filter((g) => g.privileges.includes('INSERT')).map((g) => g.role))
      const refused = others.filter((s) => !writers.has(s.role)).map((s) => ident(s.role))
      if (refused.length) ups.push(`REVOKE ${WRITE_PRIVILEGES.join(', ')} ON ${rel} FROM ${refused.join(', ')};`)
      publicRevokes.push(rel)
    }
    if (!m.parent) {
      const forbidden = others.find((s) => !list.some((g) => g.role === s.role && g.privileges.includes('DELETE')))
      checks.push(canWrite(ctx.role, table, true))
      if (forbidden) checks.push(canWrite(forbidden.role, table, false))
      // Every other role, from the privilege catalog (the attempt above proves one for real).
      const refused = others.filter((o) => !list.some((g) => g.role === o.role && g.privileges.includes('DELETE'))).map((o) => literal(o.role))
      if (refused.length) {
        checks.push(`  SELECT string_agg(r, ', ' ORDER BY r) INTO writers FROM unnest(ARRAY[${refused.join(', ')}]::text[]) r
    WHERE EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) AND has_table_privilege(r, ${literal(table)}, 'INSERT, UPDATE, DELETE, TRUNCATE');
  IF writers IS NOT NULL THEN
    RAISE EXCEPTION 'carve verify: role % can still write %', writers, ${literal(table)};
  END IF;`)
      }
    }
  }
  const publicBlock = doBlock(`
DECLARE
  p text;
BEGIN
${[...new Set(publicRevokes)]
  .map(
    (rel) => `  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = ${literal(rel)}::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, ${literal(rel)});
    INSERT INTO ${revoked} (context, relation, privilege) VALUES (${literal(ctx.name)}, ${literal(rel)}, p) ON CONFLICT DO NOTHING;
  END LOOP;`,
  )
  .join('\n')}
END`)
  const restoreBlock = doBlock(`
DECLARE
  r record;
BEGIN
  IF to_regclass(${literal(revoked)}) IS NULL THEN
    RETURN;
  END IF;
  FOR r IN SELECT relation, privilege FROM ${revoked} WHERE context = ${literal(ctx.name)} AND relation <> '' AND privilege <> ${literal(NULL_ACL_MARK)} ORDER BY relation, privilege LOOP
    IF to_regclass(r.relation) IS NOT NULL THEN
      EXECUTE format('GRANT %s ON %s TO PUBLIC', r.privilege, r.relation);
    END IF;
  END LOOP;
  DELETE FROM ${revoked} WHERE context = ${literal(ctx.name)};
END`)
  const schemaGrant = moved && schemaRoles.size ? `GRANT USAGE ON SCHEMA ${ident(ctx.schema)} TO ${[...schemaRoles].sort().map(ident).join(', ')};` : ''
  const schemaRevoke = moved && schemaRoles.size ? `${doBlock(`BEGIN
  IF EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = ${literal(ctx.schema)}) THEN
    REVOKE USAGE ON SCHEMA ${ident(ctx.schema)} FROM ${[...schemaRoles].sort().map(ident).join(', ')};
  END IF;
END`)}` : ''
  const sequences = input.catalog.sequences.filter((s) => s.ownedBy && ctx.tables.some((t) => t.table.schema === s.ownedBy!.schema && t.table.name === s.ownedBy!.table))
  const seqGrants = sequences.map((s) => {
    const at = qualified(locator.schemaOf({schema: s.ownedBy!.schema, name: s.ownedBy!.table}), s.name)
    return {up: `GRANT USAGE, SELECT ON SEQUENCE ${at} TO ${ident(ctx.role)};`, down: `REVOKE USAGE, SELECT ON SEQUENCE ${at} FROM ${ident(ctx.role)};`}
  })
  const aclRelations = [...new Set([...relations, ...sequences.map((s) => qualified(locator.schemaOf({schema: s.ownedBy!.schema, name: s.ownedBy!.table}), s.name))])]
  const recordNullAcls = aclRelations.length
    ? `-- Relations whose ACL is NULL (the default) now: rollback gives them a NULL ACL back.
INSERT INTO ${revoked} (context, relation, privilege)
  SELECT ${literal(ctx.name)}, m.rel, ${literal(NULL_ACL_MARK)} FROM (VALUES ${aclRelations.map((r) => `(${literal(r)})`).join(', ')}) AS m(rel)
  JOIN pg_class c ON c.oid = to_regclass(m.rel) WHERE c.relacl IS NULL
  ON CONFLICT DO NOTHING;`
    : ''
  const resetNullAcls = doBlock(`
DECLARE
  r record;
BEGIN
  IF to_regclass(${literal(revoked)}) IS NULL THEN
    RETURN;
  END IF;
  FOR r IN SELECT c.oid, x.relation,
                  (SELECT array_agg(a::text ORDER BY a::text) FROM unnest(c.relacl) a) AS acl,
                  (SELECT array_agg(a::text ORDER BY a::text) FROM unnest(acldefault((CASE WHEN c.relkind = 'S' THEN 's' ELSE 'r' END)::"char", c.relowner)) a) AS default_acl
           FROM ${revoked} x JOIN pg_class c ON c.oid = to_regclass(x.relation)
           WHERE x.context = ${literal(ctx.name)} AND x.privilege = ${literal(NULL_ACL_MARK)} AND c.relacl IS NOT NULL LOOP
    IF r.acl IS DISTINCT FROM r.default_acl THEN
      RAISE NOTICE 'carve: % keeps its explicit ACL: someone changed its grants since the plan ran', r.relation;
    ELSIF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
      -- Equal to the default, so nothing changes for anyone: only the catalog returns to NULL.
      UPDATE pg_catalog.pg_class SET relacl = NULL WHERE oid = r.oid;
    ELSE
      RAISE NOTICE 'carve: % keeps an explicit ACL equal to the default (only a superuser can reset it to NULL)', r.relation;
    END IF;
  END LOOP;
END`)
  const up = `${header(`Step: only ${ctx.owner} writes the tables of context ${ctx.name}`)}
${ensureMetaSchema(input)}
CREATE TABLE IF NOT EXISTS ${revoked} (context text NOT NULL, relation text NOT NULL, privilege text NOT NULL, PRIMARY KEY (context, relation, privilege));
-- A marker row: this context's grants step is applied (the table is shared; the last one out drops it).
INSERT INTO ${revoked} (context, relation, privilege) VALUES (${literal(ctx.name)}, '', '') ON CONFLICT DO NOTHING;
${recordNullAcls}
${schemaGrant}
${ups.join('\n')}
${seqGrants.map((s) => s.up).join('\n')}
-- Writes granted to PUBLIC are revoked too (and recorded, so down.sql can give them back).
${publicBlock}
`
  const down = `${header(`Undo: the grants on the tables of context ${ctx.name}`)}
${[...downs].reverse().join('\n')}
${seqGrants.map((s) => s.down).join('\n')}
${resetNullAcls}
${restoreBlock}
${schemaRevoke}
${dropMetaIfEmpty(input, REVOKED_TABLE)}
`
  const verify = `${header(`Verify: ${ctx.owner} can write the tables of context ${ctx.name}, and another service cannot`, ['each write is attempted as that role (DELETE … WHERE false: no row is touched) in a block that is rolled back'])}
${checks.length ? doBlock(`DECLARE\n  writers text;\nBEGIN\n${roleChecks(ctx, input)}\n${checks.join('\n')}\nEND`) : 'SELECT 1;'}
`
  const table = [...grantees.entries()]
    .map(([key, list]) => list.map((g) => `| ${code(key)} | ${code(g.service)} | ${g.privileges.join(', ')} | ${g.why} |`).join('\n'))
    .join('\n')
  const refusedWriters = ctx.consumers.filter((c) => c.writes > 0 && c.exception?.access !== 'write')
  const readme = stepReadme('grants', {
    title: `Only ${code(ctx.owner)} writes ${code(ctx.name)} (level 1 → 2)`,
    what: `Grants ${code(ctx.role)} read and write on the context's tables${moved ? ' (and on their compatibility views)' : ''}, read-only access to approved exceptions, current readers and reporting, and revokes INSERT, UPDATE, DELETE and TRUNCATE from every other service role and from PUBLIC.\n\n| table | service | privileges | why |\n|---|---|---|---|\n${table}`,
    why: 'Shared write ownership is the danger (the concepts of the plan): once only the owner can write, its invariants are its own.',
    risk: refusedWriters.length
      ? `These services write the context's tables today without an approved exception; once they log in through their roles, those writes are **refused** — move them to the owner's API (see [contexts/${ctx.name}/api](${linkFromStep(ctx.name, `contexts/${ctx.name}/api`)})) or record an exception in the boundaries file first:\n\n${[...new Map(refusedWriters.map((c) => [`${c.consumer}|${c.table}`, c])).values()].map((c) => `- ${code(c.consumer)} writes ${code(c.table)} (${c.writes} statements in the workload)`).join('\n')}`
      : 'Low: no service other than the owner writes these tables in the workload.',
    lock: 'a brief lock on each table for the catalog update (grants do not rewrite data)',
    duration: 'under a second',
    rollback: '`down.sql` revokes what this step granted, gives PUBLIC back the privileges it had, and gives relations whose ACL was NULL (the default) a NULL ACL again (a catalog update, done only as a superuser and only when the ACL equals the default; otherwise a notice).',
  })
  return {
    key: `grants-${ctx.name}`,
    title: `Only ${ctx.owner} writes ${ctx.name}`,
    context: ctx.name,
    kind: 'grants',
    level: {from: 1, to: 2},
    dependsOn: ['service-roles', ...(moved ? [`move-to-schema-${ctx.name}`] : [`document-ownership-${ctx.name}`])],
    transactional: true,
    locks: [],
    up,
    down,
    verify,
    readme,
  }
}

/** A DO-block fragment: `role` can (or cannot) delete from `table`; no row is touched. */
function canWrite(role: string, table: string, expected: boolean): string {
  const attempt = `EXECUTE ${literal(`SET LOCAL ROLE ${ident(role)}`)};
    EXECUTE ${literal(`DELETE FROM ${table} WHERE false`)};
    EXECUTE 'RESET ROLE';`
  if (expected) {
    return `  BEGIN
    ${attempt}
  EXCEPTION WHEN insufficient_privilege THEN
    RAISE EXCEPTION 'carve verify: the owner role % cannot write %', ${literal(role)}, ${literal(table)};
  END;`
  }
  return `  BEGIN
    ${attempt}
    RAISE EXCEPTION 'carve verify: role % can still write %', ${literal(role)}, ${literal(table)} USING ERRCODE = 'P0001';
  EXCEPTION WHEN insufficient_privilege THEN
    NULL; -- refused, as it should be
  END;`
}

/** Fail with a clear message when a role the checks switch to is missing (roles step not applied). */
function roleChecks(ctx: ContextSpec, input: PlanInput): string {
  const roles = [ctx.role, ...input.services.filter((s) => s.name !== ctx.owner).map((s) => s.role)]
  return `  IF EXISTS (SELECT 1 FROM unnest(ARRAY[${roles.map(literal).join(', ')}]::text[]) r WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r)) THEN
    RAISE EXCEPTION 'carve verify: the service roles do not exist (apply the service-roles step first)';
  END IF;`
}
