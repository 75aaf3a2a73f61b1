-- Undo: move the tables of context legacy back and drop the compatibility views

-- Every lock up front, in one order (by original table name, as in the other direction). The
-- first waits up to the step's lock_timeout; each further one at most 200ms, so a table
-- already locked is never held longer than that while another is awaited. On a busy database an
-- application transaction is over within that (NOWAIT, tried before, almost never found every
-- table free at once). A lock not granted rolls the step back (55P03) and the executor retries.
LOCK TABLE ONLY "public"."legacy_user_prefs" IN ACCESS EXCLUSIVE MODE;
SELECT set_config('carve.step_lock_timeout', current_setting('lock_timeout'), true), set_config('lock_timeout', '200ms', true);
LOCK TABLE ONLY "legacy"."legacy_user_prefs" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "public"."old_payment_log" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "legacy"."old_payment_log" IN ACCESS EXCLUSIVE MODE;
SELECT set_config('lock_timeout', current_setting('carve.step_lock_timeout'), true);
DO $carve$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."legacy_user_prefs"') AND relkind = 'v')
     AND obj_description(to_regclass('"public"."legacy_user_prefs"'), 'pg_class') LIKE 'carve:compatibility-view%' THEN
    DROP VIEW "public"."legacy_user_prefs";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."old_payment_log"') AND relkind = 'v')
     AND obj_description(to_regclass('"public"."old_payment_log"'), 'pg_class') LIKE 'carve:compatibility-view%' THEN
    DROP VIEW "public"."old_payment_log";
  END IF;
  IF to_regclass('"public"."old_payment_log"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"legacy"."old_payment_log"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "legacy"."old_payment_log" SET SCHEMA "public";
  END IF;
  IF to_regclass('"public"."legacy_user_prefs"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"legacy"."legacy_user_prefs"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "legacy"."legacy_user_prefs" SET SCHEMA "public";
  END IF;
END
$carve$;
DO $carve$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'legacy')
     AND NOT EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'legacy')
     AND NOT EXISTS (SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'legacy') THEN
    DROP SCHEMA "legacy";
  ELSIF EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'legacy') THEN
    RAISE NOTICE 'carve: schema % kept: it still holds objects', 'legacy';
  END IF;
END
$carve$;
