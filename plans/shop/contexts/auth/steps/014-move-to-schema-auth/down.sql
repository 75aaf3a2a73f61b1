-- Undo: move the tables of context auth back and drop the compatibility views

-- Every lock up front, in one order (by original table name, as in the other direction). The
-- first waits up to the step's lock_timeout; each further one at most 200ms, so a table
-- already locked is never held longer than that while another is awaited. On a busy database an
-- application transaction is over within that (NOWAIT, tried before, almost never found every
-- table free at once). A lock not granted rolls the step back (55P03) and the executor retries.
LOCK TABLE ONLY "public"."auth_sessions" IN ACCESS EXCLUSIVE MODE;
SELECT set_config('carve.step_lock_timeout', current_setting('lock_timeout'), true), set_config('lock_timeout', '200ms', true);
LOCK TABLE ONLY "auth"."auth_sessions" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "public"."auth_tokens" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "auth"."auth_tokens" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "public"."login_identities" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "auth"."login_identities" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "public"."mfa_factors" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "auth"."mfa_factors" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "public"."password_resets" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "auth"."password_resets" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "public"."refresh_tokens" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "auth"."refresh_tokens" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "public"."user_credentials" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "auth"."user_credentials" IN ACCESS EXCLUSIVE MODE;
SELECT set_config('lock_timeout', current_setting('carve.step_lock_timeout'), true);
DO $carve$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."user_credentials"') AND relkind = 'v')
     AND obj_description(to_regclass('"public"."user_credentials"'), 'pg_class') LIKE 'carve:compatibility-view%' THEN
    DROP VIEW "public"."user_credentials";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."login_identities"') AND relkind = 'v')
     AND obj_description(to_regclass('"public"."login_identities"'), 'pg_class') LIKE 'carve:compatibility-view%' THEN
    DROP VIEW "public"."login_identities";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."auth_sessions"') AND relkind = 'v')
     AND obj_description(to_regclass('"public"."auth_sessions"'), 'pg_class') LIKE 'carve:compatibility-view%' THEN
    DROP VIEW "public"."auth_sessions";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."refresh_tokens"') AND relkind = 'v')
     AND obj_description(to_regclass('"public"."refresh_tokens"'), 'pg_class') LIKE 'carve:compatibility-view%' THEN
    DROP VIEW "public"."refresh_tokens";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."auth_tokens"') AND relkind = 'v')
     AND obj_description(to_regclass('"public"."auth_tokens"'), 'pg_class') LIKE 'carve:compatibility-view%' THEN
    DROP VIEW "public"."auth_tokens";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."password_resets"') AND relkind = 'v')
     AND obj_description(to_regclass('"public"."password_resets"'), 'pg_class') LIKE 'carve:compatibility-view%' THEN
    DROP VIEW "public"."password_resets";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."mfa_factors"') AND relkind = 'v')
     AND obj_description(to_regclass('"public"."mfa_factors"'), 'pg_class') LIKE 'carve:compatibility-view%' THEN
    DROP VIEW "public"."mfa_factors";
  END IF;
  IF to_regclass('"public"."mfa_factors"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"auth"."mfa_factors"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "auth"."mfa_factors" SET SCHEMA "public";
  END IF;
  IF to_regclass('"public"."password_resets"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"auth"."password_resets"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "auth"."password_resets" SET SCHEMA "public";
  END IF;
  IF to_regclass('"public"."auth_tokens"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"auth"."auth_tokens"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "auth"."auth_tokens" SET SCHEMA "public";
  END IF;
  IF to_regclass('"public"."refresh_tokens"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"auth"."refresh_tokens"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "auth"."refresh_tokens" SET SCHEMA "public";
  END IF;
  IF to_regclass('"public"."auth_sessions"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"auth"."auth_sessions"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "auth"."auth_sessions" SET SCHEMA "public";
  END IF;
  IF to_regclass('"public"."login_identities"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"auth"."login_identities"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "auth"."login_identities" SET SCHEMA "public";
  END IF;
  IF to_regclass('"public"."user_credentials"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"auth"."user_credentials"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "auth"."user_credentials" SET SCHEMA "public";
  END IF;
END
$carve$;
DO $carve$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'auth')
     AND NOT EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'auth')
     AND NOT EXISTS (SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'auth') THEN
    DROP SCHEMA "auth";
  ELSIF EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'auth') THEN
    RAISE NOTICE 'carve: schema % kept: it still holds objects', 'auth';
  END IF;
END
$carve$;
