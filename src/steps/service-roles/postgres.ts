/**
 * Level 1→2, PostgreSQL: one NOLOGIN role per service (plan-wide), recorded in the meta schema with
 * the plans using it, so rollback drops only the roles this plan created and nobody else uses.
 */
import type {PlanInput} from '../../plan/context.js'
import {doBlock, ident, literal, qualified} from '../../plan/quote.js'
import {code, dropMetaIfEmpty, ensureMetaSchema, header, stepReadme} from '../common.js'
import type {StepDraft} from '../draft.js'

export const ROLES_TABLE = 'created_roles'
/** The start of the comment of a role Carve created; the JSON after it lists the plans using it. */
export const ROLE_MARK = 'carve:role '

export function rolesStep(input: PlanInput): StepDraft {
  const meta = qualified(input.conventions.metaSchema, ROLES_TABLE)
  const user = `current_database() || '/' || ${literal(input.name)}`
  const creates = input.services.map(
    (s) => `  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = ${literal(s.role)}) THEN
    CREATE ROLE ${ident(s.role)} NOLOGIN;
    users := '[]';
  ELSE
    SELECT substr(d.description, ${ROLE_MARK.length + 1})::jsonb -> 'users' INTO users FROM pg_roles r
      JOIN pg_shdescription d ON d.objoid = r.oid AND d.classoid = 'pg_authid'::regclass
     WHERE r.rolname = ${literal(s.role)} AND starts_with(d.description, ${literal(ROLE_MARK)});
  END IF;
  -- users IS NULL: the role existed and Carve did not create it; it is used, never counted or dropped.
  IF users IS NOT NULL THEN
    IF NOT users ? (${user}) THEN
      users := users || to_jsonb(${user});
    END IF;
    EXECUTE format('COMMENT ON ROLE %I IS %L', ${literal(s.role)}, ${literal(ROLE_MARK)} || jsonb_build_object('users', users)::text);
    INSERT INTO ${meta} (role_name, service) VALUES (${literal(s.role)}, ${literal(s.name)}) ON CONFLICT DO NOTHING;
  END IF;`,
  )
  const up = `${header('Step: one role per service')}
${ensureMetaSchema(input)}
CREATE TABLE IF NOT EXISTS ${meta} (role_name text PRIMARY KEY, service text NOT NULL);
${doBlock(`DECLARE\n  users jsonb;\nBEGIN\n${creates.join('\n')}\nEND`)}
`
  const down = `${header('Undo: this plan stops using its roles; a role Carve created is dropped when no plan on any database uses it (roles that existed before are kept)')}
${doBlock(`
DECLARE
  r record;
  users jsonb;
BEGIN
  IF to_regclass(${literal(meta)}) IS NULL THEN
    RETURN;
  END IF;
  FOR r IN SELECT role_name FROM ${meta} WHERE role_name IN (${input.services.map((s) => literal(s.role)).join(', ')}) ORDER BY role_name LOOP
    SELECT substr(d.description, ${ROLE_MARK.length + 1})::jsonb -> 'users' INTO users FROM pg_roles x
      JOIN pg_shdescription d ON d.objoid = x.oid AND d.classoid = 'pg_authid'::regclass
     WHERE x.rolname = r.role_name AND starts_with(d.description, ${literal(ROLE_MARK)});
    users := coalesce(users, '[]') - (${user});
    IF jsonb_array_length(users) > 0 THEN
      EXECUTE format('COMMENT ON ROLE %I IS %L', r.role_name, ${literal(ROLE_MARK)} || jsonb_build_object('users', users)::text);
      RAISE NOTICE 'carve: role % kept: plans still use it (%)', r.role_name, users;
    ELSE
      BEGIN
        EXECUTE format('DROP ROLE IF EXISTS %I', r.role_name);
      EXCEPTION WHEN dependent_objects_still_exist THEN
        EXECUTE format('COMMENT ON ROLE %I IS NULL', r.role_name);
        RAISE NOTICE 'carve: role % kept: it holds privileges that no Carve plan granted', r.role_name;
      END;
    END IF;
    DELETE FROM ${meta} WHERE role_name = r.role_name;
  END LOOP;
END`)}
${dropMetaIfEmpty(input, ROLES_TABLE)}
`
  const verify = `${header('Verify: every service role exists')}
${doBlock(`
DECLARE
  missing text;
BEGIN
  SELECT string_agg(r, ', ' ORDER BY r) INTO missing
  FROM unnest(ARRAY[${input.services.map((s) => literal(s.role)).join(', ')}]::text[]) AS r
  WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r);
  IF missing IS NOT NULL THEN
    RAISE EXCEPTION 'carve verify: missing roles: %', missing;
  END IF;
END`)}
`
  const rows = input.services.map((s) => `| ${code(s.name)} | ${code(s.role)} |`).join('\n')
  const readme = stepReadme('service-roles', {
    title: 'Create one role per service (level 1 → 2)',
    what: `Creates a \`NOLOGIN\` group role for each service that owns a context or reads or writes one today (from the workload), and one for reporting:\n\n| service | role |\n|---|---|\n${rows}`,
    why: 'Grants can only say "only the owner writes" when each service has an identity in the database. Group roles keep credentials out of the plan: operations grant each role to the service\'s login user.',
    risk: 'None by itself. Roles are cluster-wide: the names carry the plan\'s role prefix so they do not collide with existing roles.',
    lock: 'none on application tables',
    duration: 'under a second',
    rollback: '`down.sql` takes this plan off each role\'s list of users (the role\'s comment, cluster-wide) and drops a role Carve created once no plan on any database of the server uses it; roles that existed before are never dropped.',
    extra: `## After applying
Give each service's login user its role, and take away direct grants, e.g.:

\`\`\`sql
GRANT ${ident(input.services[0]?.role ?? 'carve_service')} TO ${ident('the_services_login_user')};
\`\`\`
Until a service logs in through its role, the revocations of the next steps cannot refuse its writes (table owners and superusers bypass grants).`,
  })
  return {
    key: 'service-roles',
    title: 'Create one role per service',
    context: null,
    kind: 'service-roles',
    level: {from: 1, to: 2},
    dependsOn: [],
    transactional: true,
    locks: [],
    up,
    down,
    verify,
    readme,
  }
}


/** Who gets what on one context's tables: the owner writes; exceptions, readers and reporting read. */
