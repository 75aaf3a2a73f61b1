-- Undo: move the tables of context billing back and drop the compatibility views

-- Every lock up front, in one order (by original table name, as in the other direction). The
-- first waits up to the step's lock_timeout; each further one at most 200ms, so a table
-- already locked is never held longer than that while another is awaited. On a busy database an
-- application transaction is over within that (NOWAIT, tried before, almost never found every
-- table free at once). A lock not granted rolls the step back (55P03) and the executor retries.
LOCK TABLE ONLY "public"."billing_accounts" IN ACCESS EXCLUSIVE MODE;
SELECT set_config('carve.step_lock_timeout', current_setting('lock_timeout'), true), set_config('lock_timeout', '200ms', true);
LOCK TABLE ONLY "billing"."billing_accounts" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "public"."credit_notes" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "billing"."credit_notes" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "public"."invoice_lines" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "billing"."invoice_lines" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "public"."invoices" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "billing"."invoices" IN ACCESS EXCLUSIVE MODE;
SELECT set_config('lock_timeout', current_setting('carve.step_lock_timeout'), true);
DO $carve$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."billing_accounts"') AND relkind = 'v')
     AND obj_description(to_regclass('"public"."billing_accounts"'), 'pg_class') LIKE 'carve:compatibility-view%' THEN
    DROP VIEW "public"."billing_accounts";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."invoices"') AND relkind = 'v')
     AND obj_description(to_regclass('"public"."invoices"'), 'pg_class') LIKE 'carve:compatibility-view%' THEN
    DROP VIEW "public"."invoices";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."invoice_lines"') AND relkind = 'v')
     AND obj_description(to_regclass('"public"."invoice_lines"'), 'pg_class') LIKE 'carve:compatibility-view%' THEN
    DROP VIEW "public"."invoice_lines";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."credit_notes"') AND relkind = 'v')
     AND obj_description(to_regclass('"public"."credit_notes"'), 'pg_class') LIKE 'carve:compatibility-view%' THEN
    DROP VIEW "public"."credit_notes";
  END IF;
  IF to_regclass('"public"."credit_notes"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"billing"."credit_notes"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "billing"."credit_notes" SET SCHEMA "public";
  END IF;
  IF to_regclass('"public"."invoice_lines"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"billing"."invoice_lines"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "billing"."invoice_lines" SET SCHEMA "public";
  END IF;
  IF to_regclass('"public"."invoices"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"billing"."invoices"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "billing"."invoices" SET SCHEMA "public";
  END IF;
  IF to_regclass('"public"."billing_accounts"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"billing"."billing_accounts"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "billing"."billing_accounts" SET SCHEMA "public";
  END IF;
END
$carve$;
DO $carve$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'billing')
     AND NOT EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'billing')
     AND NOT EXISTS (SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'billing') THEN
    DROP SCHEMA "billing";
  ELSIF EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'billing') THEN
    RAISE NOTICE 'carve: schema % kept: it still holds objects', 'billing';
  END IF;
END
$carve$;
