-- Undo: move the tables of context payments back and drop the compatibility views

-- Every lock up front, in one order (by original table name, as in the other direction). The
-- first waits up to the step's lock_timeout; each further one at most 200ms, so a table
-- already locked is never held longer than that while another is awaited. On a busy database an
-- application transaction is over within that (NOWAIT, tried before, almost never found every
-- table free at once). A lock not granted rolls the step back (55P03) and the executor retries.
LOCK TABLE ONLY "public"."gateway_transactions" IN ACCESS EXCLUSIVE MODE;
SELECT set_config('carve.step_lock_timeout', current_setting('lock_timeout'), true), set_config('lock_timeout', '200ms', true);
LOCK TABLE ONLY "payments"."gateway_transactions" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "public"."payment_attempts" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "payments"."payment_attempts" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "public"."payment_methods" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "payments"."payment_methods" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "public"."payments" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "payments"."payments" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "public"."refunds" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "payments"."refunds" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "public"."webhook_events" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "payments"."webhook_events" IN ACCESS EXCLUSIVE MODE;
SELECT set_config('lock_timeout', current_setting('carve.step_lock_timeout'), true);
DO $carve$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."payment_methods"') AND relkind = 'v')
     AND obj_description(to_regclass('"public"."payment_methods"'), 'pg_class') LIKE 'carve:compatibility-view%' THEN
    DROP VIEW "public"."payment_methods";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."payments"') AND relkind = 'v')
     AND obj_description(to_regclass('"public"."payments"'), 'pg_class') LIKE 'carve:compatibility-view%' THEN
    DROP VIEW "public"."payments";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."payment_attempts"') AND relkind = 'v')
     AND obj_description(to_regclass('"public"."payment_attempts"'), 'pg_class') LIKE 'carve:compatibility-view%' THEN
    DROP VIEW "public"."payment_attempts";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."gateway_transactions"') AND relkind = 'v')
     AND obj_description(to_regclass('"public"."gateway_transactions"'), 'pg_class') LIKE 'carve:compatibility-view%' THEN
    DROP VIEW "public"."gateway_transactions";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."webhook_events"') AND relkind = 'v')
     AND obj_description(to_regclass('"public"."webhook_events"'), 'pg_class') LIKE 'carve:compatibility-view%' THEN
    DROP VIEW "public"."webhook_events";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."refunds"') AND relkind = 'v')
     AND obj_description(to_regclass('"public"."refunds"'), 'pg_class') LIKE 'carve:compatibility-view%' THEN
    DROP VIEW "public"."refunds";
  END IF;
  IF to_regclass('"public"."refunds"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"payments"."refunds"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "payments"."refunds" SET SCHEMA "public";
  END IF;
  IF to_regclass('"public"."webhook_events"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"payments"."webhook_events"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "payments"."webhook_events" SET SCHEMA "public";
  END IF;
  IF to_regclass('"public"."gateway_transactions"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"payments"."gateway_transactions"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "payments"."gateway_transactions" SET SCHEMA "public";
  END IF;
  IF to_regclass('"public"."payment_attempts"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"payments"."payment_attempts"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "payments"."payment_attempts" SET SCHEMA "public";
  END IF;
  IF to_regclass('"public"."payments"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"payments"."payments"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "payments"."payments" SET SCHEMA "public";
  END IF;
  IF to_regclass('"public"."payment_methods"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"payments"."payment_methods"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "payments"."payment_methods" SET SCHEMA "public";
  END IF;
END
$carve$;
DO $carve$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'payments')
     AND NOT EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'payments')
     AND NOT EXISTS (SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'payments') THEN
    DROP SCHEMA "payments";
  ELSIF EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'payments') THEN
    RAISE NOTICE 'carve: schema % kept: it still holds objects', 'payments';
  END IF;
END
$carve$;
