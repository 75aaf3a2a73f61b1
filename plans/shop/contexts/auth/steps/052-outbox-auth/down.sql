-- Undo: the outbox of context auth

-- Every lock up front, in one order (by original table name, as in the other direction). The
-- first waits up to the step's lock_timeout; each further one at most 200ms, so a table
-- already locked is never held longer than that while another is awaited. On a busy database an
-- application transaction is over within that (NOWAIT, tried before, almost never found every
-- table free at once). A lock not granted rolls the step back (55P03) and the executor retries.
LOCK TABLE ONLY "auth"."auth_sessions" IN ACCESS EXCLUSIVE MODE;
SELECT set_config('carve.step_lock_timeout', current_setting('lock_timeout'), true), set_config('lock_timeout', '200ms', true);
LOCK TABLE ONLY "auth"."auth_tokens" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "auth"."login_identities" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "auth"."mfa_factors" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "auth"."password_resets" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "auth"."refresh_tokens" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "auth"."user_credentials" IN ACCESS EXCLUSIVE MODE;
SELECT set_config('lock_timeout', current_setting('carve.step_lock_timeout'), true);
DO $carve$
BEGIN
  IF to_regclass('"auth"."user_credentials"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "auth"."user_credentials";
  END IF;
  IF to_regclass('"auth"."login_identities"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "auth"."login_identities";
  END IF;
  IF to_regclass('"auth"."auth_sessions"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "auth"."auth_sessions";
  END IF;
  IF to_regclass('"auth"."refresh_tokens"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "auth"."refresh_tokens";
  END IF;
  IF to_regclass('"auth"."auth_tokens"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "auth"."auth_tokens";
  END IF;
  IF to_regclass('"auth"."password_resets"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "auth"."password_resets";
  END IF;
  IF to_regclass('"auth"."mfa_factors"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "auth"."mfa_factors";
  END IF;
END
$carve$;
DO $carve$
BEGIN
  -- DROP TRIGGER leaves relhastriggers true until a VACUUM; when no trigger is left at all, say so
  -- now (a superuser's catalog update; otherwise the next VACUUM does it).
  IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
    UPDATE pg_catalog.pg_class c SET relhastriggers = false
     WHERE c.oid IN (SELECT to_regclass(r.name) FROM unnest(ARRAY['"auth"."user_credentials"', '"auth"."login_identities"', '"auth"."auth_sessions"', '"auth"."refresh_tokens"', '"auth"."auth_tokens"', '"auth"."password_resets"', '"auth"."mfa_factors"']::text[]) AS r(name)
                     UNION SELECT t.relid FROM unnest(ARRAY['"auth"."user_credentials"', '"auth"."login_identities"', '"auth"."auth_sessions"', '"auth"."refresh_tokens"', '"auth"."auth_tokens"', '"auth"."password_resets"', '"auth"."mfa_factors"']::text[]) AS r(name), pg_partition_tree(to_regclass(r.name)) t)
       AND c.relhastriggers AND NOT EXISTS (SELECT 1 FROM pg_trigger g WHERE g.tgrelid = c.oid);
  END IF;
END
$carve$;
DROP FUNCTION IF EXISTS "auth"."carve_outbox_emit"();
DO $carve$
BEGIN
  IF to_regclass('"auth"."outbox"') IS NOT NULL
     AND obj_description(to_regclass('"auth"."outbox"'), 'pg_class') LIKE 'carve:outbox %' THEN
    REVOKE ALL ON "auth"."outbox" FROM "carve_auth_service";
    DROP TABLE "auth"."outbox";
  END IF;
END
$carve$;
