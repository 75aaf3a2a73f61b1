/**
 * `--compat search-path` (PostgreSQL only): besides the compatibility views, the database's
 * search_path puts the context's schema right before the schema its tables came from, so a new
 * session resolves the old unqualified names to the tables themselves. A view costs a rewrite and
 * an extra relation and permission check on every statement that the simple query protocol plans
 * afresh (app-pgbench `-S`); a name found through the search_path costs nothing per statement.
 *
 * Correctness rules, all checked by the generated SQL against the live catalog when it runs:
 * - The setting is the database's (`ALTER DATABASE … SET search_path`): roles with their own
 *   setting for it (role-level or role-in-database) keep it untouched and keep using the views;
 *   sessions opened before the step keep their path and the views too; pg_dump pins its own path.
 * - The schema goes immediately before the tables' old schema, so every name found earlier in
 *   the path (`"$user"`, schemas in front) resolves exactly as before.
 * - No name may change what it resolves to: every relation, type and function in the context's
 *   schema that also exists in a later schema of the path must be a moved table whose name
 *   there is its own compatibility view. Otherwise (and when `"$user"` — a different schema per
 *   login — comes after the insertion point) the path is left alone: the views keep serving, a
 *   notice says why, and the step's other effects are unchanged.
 * - Direct access must not allow more than the view did: a view is checked against the view's
 *   ACL (which the move copies from the table) and then runs with its owner's rights, so column
 *   privileges and row-level security on the table behave differently when the table is named
 *   directly. A context with either keeps the views only. Roles without USAGE on the schema skip
 *   it in the path and keep reaching the views — never an error where the view worked.
 * - Rollback restores the exact previous database setting (including "none"), saved in the meta
 *   schema: set, then stored with `SET … FROM CURRENT` so the saved text is never spliced into SQL.
 */
import type {ContextSpec, PlanInput} from '../../plan/context.js'
import {doBlock, literal, qualified} from '../../plan/quote.js'
import {dropMetaIfEmpty, ensureMetaSchema} from '../common.js'

export const SEARCH_PATH_TABLE = 'search_paths'

export type CompatMode = 'views' | 'search-path'

/** The one schema the context's tables come from, or null when they come from several (views only then). */
export function sourceSchema(ctx: ContextSpec, movedFrom: readonly string[]): string | null {
  const schemas = [...new Set(movedFrom)]
  return schemas.length === 1 && schemas[0] !== ctx.schema ? schemas[0]! : null
}

/** PL/pgSQL declarations and statements shared by up.sql and verify.sql: the database's setting and the path new sessions get. */
function readSetting(): string {
  return `  SELECT substr(c, length('search_path=') + 1) INTO db_setting
    FROM pg_db_role_setting s, unnest(s.setconfig) c
    WHERE s.setdatabase = (SELECT oid FROM pg_database WHERE datname = current_database()) AND s.setrole = 0 AND c LIKE 'search_path=%';`
}

/** The path's elements as written (quotes kept) and as schema names (quotes removed, unquoted names folded). */
function splitPath(source: string, into: string): string {
  return `  SELECT array_agg(m[1] ORDER BY n), array_agg(CASE WHEN m[1] LIKE '"%' THEN replace(substr(m[1], 2, length(m[1]) - 2), '""', '"') ELSE lower(m[1]) END ORDER BY n)
    INTO ${into}_raw, ${into}_names
    FROM regexp_matches(${source}, '\\s*("(?:[^"]|"")*"|[^,\\s][^,]*?)\\s*(?:,|$)', 'g') WITH ORDINALITY AS x(m, n);`
}

/**
 * A fragment that sets `clash` to why the schema must not be put in the path (NULL when it may),
 * given `later` (the schema names after the insertion point, in order) and `user_later`.
 */
function clashCheck(ctx: ContextSpec, from: string, tables: readonly string[], viewMark: string): string {
  const schema = literal(ctx.schema)
  const names = `ARRAY[${tables.map(literal).join(', ') || "''"}]::text[]`
  return `  SELECT string_agg(DISTINCT format('%s %s', kind, name), ', ') INTO clash FROM (
    SELECT 'relation' AS kind, c.relname::text AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = ${schema} AND c.relkind NOT IN ('t')
        AND EXISTS (SELECT 1 FROM pg_class o JOIN pg_namespace p ON p.oid = o.relnamespace WHERE p.nspname = ANY (later) AND o.relname = c.relname
                      AND NOT (c.relname = ANY (${names}) AND o.relkind = 'v' AND p.nspname = ${literal(from)}
                               AND starts_with(obj_description(o.oid, 'pg_class'), ${literal(`${viewMark} ${ctx.schema}.`)} || c.relname || ' ')))
    UNION ALL
    SELECT 'type', t.typname::text FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
      WHERE n.nspname = ${schema} AND t.typrelid = 0 AND NOT (t.typcategory = 'A' AND EXISTS (SELECT 1 FROM pg_type e WHERE e.oid = t.typelem AND e.typrelid <> 0))
        AND EXISTS (SELECT 1 FROM pg_type o JOIN pg_namespace p ON p.oid = o.typnamespace WHERE p.nspname = ANY (later) AND o.typname = t.typname)
    UNION ALL
    SELECT 'function', f.proname::text FROM pg_proc f JOIN pg_namespace n ON n.oid = f.pronamespace
      WHERE n.nspname = ${schema}
        AND EXISTS (SELECT 1 FROM pg_proc o JOIN pg_namespace p ON p.oid = o.pronamespace WHERE p.nspname = ANY (later) AND o.proname = f.proname)
  ) x;
  IF clash IS NOT NULL THEN
    clash := 'names that already resolve elsewhere: ' || clash;
  ELSIF user_later THEN
    clash := '"$user" comes after the insertion point: which schema it names depends on the login';
  ELSIF EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ${schema} AND c.relname = ANY (${names})
                AND (c.relrowsecurity OR EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND a.attacl IS NOT NULL))) THEN
    clash := 'a table has row-level security or column privileges, which a view applies differently';
  END IF;`
}

/** up/down/verify fragments for the move step of `ctx`, whose `tables` came from schema `from`; `viewMark` starts the compatibility views' comments. */
export function searchPathSql(ctx: ContextSpec, input: PlanInput, from: string, tables: readonly string[], viewMark: string): {up: string; down: string; verify: string} {
  const meta = qualified(input.conventions.metaSchema, SEARCH_PATH_TABLE)
  const context = literal(ctx.name)
  const schema = literal(ctx.schema)
  const declarations = `DECLARE
  db_setting text;
  base text;
  base_raw text[];
  base_names text[];
  pos int;
  later text[];
  user_later boolean;
  clash text;
  new_path text;
  current_path text := current_setting('search_path');`
  const up = `-- New sessions resolve the old names to the tables themselves: the schema goes into the database's
-- search_path right before ${from.replace(/[\r\n]+/g, ' ')} (the views stay, for \`${from.replace(/[\r\n]+/g, ' ')}.<table>\` and for sessions already open).
${ensureMetaSchema(input)}
CREATE TABLE IF NOT EXISTS ${meta} (context text PRIMARY KEY, had_setting boolean NOT NULL, previous text, applied text NOT NULL);
${doBlock(`
${declarations}
BEGIN
${readSetting()}
  -- Without a database setting, new sessions get the server's (unless their role has its own).
  base := COALESCE(db_setting, (SELECT CASE WHEN source IN ('default', 'configuration file', 'command line', 'environment variable') THEN reset_val ELSE boot_val END FROM pg_settings WHERE name = 'search_path'));
${splitPath('base', 'base')}
  IF ${schema} = ANY (base_names) THEN
    RAISE NOTICE 'carve: schema % is in the search_path already: it is left as it is', ${schema};
    RETURN;
  END IF;
  pos := array_position(base_names, ${literal(from)});
  IF pos IS NULL THEN
    RAISE NOTICE 'carve: the search_path (%) does not name schema %: unqualified names never reached these tables, the path is left as it is', base, ${literal(from)};
    RETURN;
  END IF;
  later := base_names[pos:];
  user_later := '$user' = ANY (later);
${clashCheck(ctx, from, tables, viewMark)}
  IF clash IS NOT NULL THEN
    RAISE NOTICE 'carve: schema % stays out of the search_path (% ), the compatibility views serve the old names', ${schema}, clash;
    RETURN;
  END IF;
  new_path := array_to_string(base_raw[:pos - 1] || quote_ident(${schema}) || base_raw[pos:], ', ');
  -- Stored with FROM CURRENT: the value is set as text, never spliced into a statement.
  PERFORM set_config('search_path', new_path, true);
  EXECUTE format('ALTER DATABASE %I SET search_path FROM CURRENT', current_database());
  PERFORM set_config('search_path', current_path, true);
  INSERT INTO ${meta} (context, had_setting, previous, applied)
    SELECT ${context}, db_setting IS NOT NULL, db_setting, substr(c, length('search_path=') + 1)
    FROM pg_db_role_setting s, unnest(s.setconfig) c
    WHERE s.setdatabase = (SELECT oid FROM pg_database WHERE datname = current_database()) AND s.setrole = 0 AND c LIKE 'search_path=%'
  ON CONFLICT (context) DO UPDATE SET had_setting = excluded.had_setting, previous = excluded.previous, applied = excluded.applied;
END`)}
`
  const down = `-- The database's search_path goes back to exactly what it was before this step (or to none).
${doBlock(`
DECLARE
  saved record;
  db_setting text;
  base_raw text[];
  base_names text[];
  current_path text := current_setting('search_path');
BEGIN
  IF to_regclass(${literal(meta)}) IS NULL THEN
    RETURN;
  END IF;
  SELECT * INTO saved FROM ${meta} WHERE context = ${context};
  IF NOT FOUND THEN
    RETURN;
  END IF;
${readSetting()}
  IF db_setting IS NOT DISTINCT FROM saved.applied THEN
    IF saved.had_setting THEN
      PERFORM set_config('search_path', saved.previous, true);
      EXECUTE format('ALTER DATABASE %I SET search_path FROM CURRENT', current_database());
      PERFORM set_config('search_path', current_path, true);
    ELSE
      EXECUTE format('ALTER DATABASE %I RESET search_path', current_database());
    END IF;
  ELSIF db_setting IS NOT NULL THEN
    -- Changed since (by hand, or a later step still applied): only this schema is taken out.
${splitPath('db_setting', 'base')}
    IF ${schema} = ANY (base_names) THEN
      PERFORM set_config('search_path', array_to_string((SELECT array_agg(r ORDER BY i) FROM unnest(base_raw, base_names) WITH ORDINALITY AS u(r, nm, i) WHERE nm <> ${schema}), ', '), true);
      EXECUTE format('ALTER DATABASE %I SET search_path FROM CURRENT', current_database());
      PERFORM set_config('search_path', current_path, true);
    END IF;
    RAISE NOTICE 'carve: the database search_path changed since the move of %; schema % was taken out of it, the rest kept', ${context}, ${schema};
  END IF;
  DELETE FROM ${meta} WHERE context = ${context};
END`)}
${dropMetaIfEmpty(input, SEARCH_PATH_TABLE)}
`
  const verify = doBlock(`
${declarations}
BEGIN
  IF to_regclass(${literal(meta)}) IS NULL OR NOT EXISTS (SELECT 1 FROM ${meta} WHERE context = ${context}) THEN
    RETURN; -- the step left the path alone (see its notice): the views serve
  END IF;
${readSetting()}
  IF db_setting IS NULL THEN
    RAISE EXCEPTION 'carve verify: the database has no search_path setting any more; schema % was put into it', ${schema};
  END IF;
${splitPath('db_setting', 'base')}
  pos := array_position(base_names, ${schema});
  IF pos IS NULL THEN
    RAISE EXCEPTION 'carve verify: schema % is no longer in the database search_path (%)', ${schema}, db_setting;
  END IF;
  later := base_names[pos + 1:];
  user_later := '$user' = ANY (later);
${clashCheck(ctx, from, tables, viewMark)}
  IF clash IS NOT NULL THEN
    RAISE EXCEPTION 'carve verify: schema % is in the search_path but %', ${schema}, clash;
  END IF;
END`)
  return {up, down, verify}
}
