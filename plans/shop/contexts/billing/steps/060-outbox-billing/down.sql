-- Undo: the outbox of context billing

-- Every lock up front, in one order (by original table name, as in the other direction). The
-- first waits up to the step's lock_timeout; each further one at most 200ms, so a table
-- already locked is never held longer than that while another is awaited. On a busy database an
-- application transaction is over within that (NOWAIT, tried before, almost never found every
-- table free at once). A lock not granted rolls the step back (55P03) and the executor retries.
LOCK TABLE ONLY "billing"."billing_accounts" IN ACCESS EXCLUSIVE MODE;
SELECT set_config('carve.step_lock_timeout', current_setting('lock_timeout'), true), set_config('lock_timeout', '200ms', true);
LOCK TABLE ONLY "billing"."credit_notes" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "billing"."invoice_lines" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "billing"."invoices" IN ACCESS EXCLUSIVE MODE;
SELECT set_config('lock_timeout', current_setting('carve.step_lock_timeout'), true);
DO $carve$
BEGIN
  IF to_regclass('"billing"."billing_accounts"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "billing"."billing_accounts";
  END IF;
  IF to_regclass('"billing"."invoices"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "billing"."invoices";
  END IF;
  IF to_regclass('"billing"."invoice_lines"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "billing"."invoice_lines";
  END IF;
  IF to_regclass('"billing"."credit_notes"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "billing"."credit_notes";
  END IF;
END
$carve$;
DO $carve$
BEGIN
  -- DROP TRIGGER leaves relhastriggers true until a VACUUM; when no trigger is left at all, say so
  -- now (a superuser's catalog update; otherwise the next VACUUM does it).
  IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
    UPDATE pg_catalog.pg_class c SET relhastriggers = false
     WHERE c.oid IN (SELECT to_regclass(r.name) FROM unnest(ARRAY['"billing"."billing_accounts"', '"billing"."invoices"', '"billing"."invoice_lines"', '"billing"."credit_notes"']::text[]) AS r(name)
                     UNION SELECT t.relid FROM unnest(ARRAY['"billing"."billing_accounts"', '"billing"."invoices"', '"billing"."invoice_lines"', '"billing"."credit_notes"']::text[]) AS r(name), pg_partition_tree(to_regclass(r.name)) t)
       AND c.relhastriggers AND NOT EXISTS (SELECT 1 FROM pg_trigger g WHERE g.tgrelid = c.oid);
  END IF;
END
$carve$;
DROP FUNCTION IF EXISTS "billing"."carve_outbox_emit"();
DO $carve$
BEGIN
  IF to_regclass('"billing"."outbox"') IS NOT NULL
     AND obj_description(to_regclass('"billing"."outbox"'), 'pg_class') LIKE 'carve:outbox %' THEN
    REVOKE ALL ON "billing"."outbox" FROM "carve_billing_service";
    DROP TABLE "billing"."outbox";
  END IF;
END
$carve$;
