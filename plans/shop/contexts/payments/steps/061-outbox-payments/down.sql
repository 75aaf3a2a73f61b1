-- Undo: the outbox of context payments

-- Every lock up front, in one order (by original table name, as in the other direction). The
-- first waits up to the step's lock_timeout; each further one at most 200ms, so a table
-- already locked is never held longer than that while another is awaited. On a busy database an
-- application transaction is over within that (NOWAIT, tried before, almost never found every
-- table free at once). A lock not granted rolls the step back (55P03) and the executor retries.
LOCK TABLE ONLY "payments"."gateway_transactions" IN ACCESS EXCLUSIVE MODE;
SELECT set_config('carve.step_lock_timeout', current_setting('lock_timeout'), true), set_config('lock_timeout', '200ms', true);
LOCK TABLE ONLY "payments"."payment_attempts" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "payments"."payment_methods" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "payments"."payments" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "payments"."refunds" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "payments"."webhook_events" IN ACCESS EXCLUSIVE MODE;
SELECT set_config('lock_timeout', current_setting('carve.step_lock_timeout'), true);
DO $carve$
BEGIN
  IF to_regclass('"payments"."payment_methods"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "payments"."payment_methods";
  END IF;
  IF to_regclass('"payments"."payments"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "payments"."payments";
  END IF;
  IF to_regclass('"payments"."payment_attempts"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "payments"."payment_attempts";
  END IF;
  IF to_regclass('"payments"."gateway_transactions"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "payments"."gateway_transactions";
  END IF;
  IF to_regclass('"payments"."webhook_events"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "payments"."webhook_events";
  END IF;
  IF to_regclass('"payments"."refunds"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "payments"."refunds";
  END IF;
END
$carve$;
DO $carve$
BEGIN
  -- DROP TRIGGER leaves relhastriggers true until a VACUUM; when no trigger is left at all, say so
  -- now (a superuser's catalog update; otherwise the next VACUUM does it).
  IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
    UPDATE pg_catalog.pg_class c SET relhastriggers = false
     WHERE c.oid IN (SELECT to_regclass(r.name) FROM unnest(ARRAY['"payments"."payment_methods"', '"payments"."payments"', '"payments"."payment_attempts"', '"payments"."gateway_transactions"', '"payments"."webhook_events"', '"payments"."refunds"']::text[]) AS r(name)
                     UNION SELECT t.relid FROM unnest(ARRAY['"payments"."payment_methods"', '"payments"."payments"', '"payments"."payment_attempts"', '"payments"."gateway_transactions"', '"payments"."webhook_events"', '"payments"."refunds"']::text[]) AS r(name), pg_partition_tree(to_regclass(r.name)) t)
       AND c.relhastriggers AND NOT EXISTS (SELECT 1 FROM pg_trigger g WHERE g.tgrelid = c.oid);
  END IF;
END
$carve$;
DROP FUNCTION IF EXISTS "payments"."carve_outbox_emit"();
DO $carve$
BEGIN
  IF to_regclass('"payments"."outbox"') IS NOT NULL
     AND obj_description(to_regclass('"payments"."outbox"'), 'pg_class') LIKE 'carve:outbox %' THEN
    REVOKE ALL ON "payments"."outbox" FROM "carve_payments_service";
    DROP TABLE "payments"."outbox";
  END IF;
END
$carve$;
