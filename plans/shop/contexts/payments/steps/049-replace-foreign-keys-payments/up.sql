-- Step: drop the foreign keys from context payments into other contexts
-- reconcile.sql finds orphans; cleanup.sql applies ON DELETE actions for loose foreign keys

-- Every lock up front, in one order (by original table name, as in the other direction). The
-- first waits up to the step's lock_timeout; each further one at most 200ms, so a table
-- already locked is never held longer than that while another is awaited. On a busy database an
-- application transaction is over within that (NOWAIT, tried before, almost never found every
-- table free at once). A lock not granted rolls the step back (55P03) and the executor retries.
LOCK TABLE ONLY "billing"."credit_notes" IN ACCESS EXCLUSIVE MODE;
SELECT set_config('carve.step_lock_timeout', current_setting('lock_timeout'), true), set_config('lock_timeout', '200ms', true);
LOCK TABLE ONLY "reference_data"."currencies" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "billing"."invoices" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "orders"."orders" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "payments"."payment_methods" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "payments"."payments" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "payments"."refunds" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "ums"."users" IN ACCESS EXCLUSIVE MODE;
SELECT set_config('lock_timeout', current_setting('carve.step_lock_timeout'), true);
CREATE TABLE IF NOT EXISTS "payments"."carve_loose_fk_queue" (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  constraint_name text NOT NULL,
  parent_key jsonb NOT NULL,
  queued_at timestamptz NOT NULL DEFAULT now()
);
-- SECURITY DEFINER: the referenced table's owner deletes rows, and its role has no grant on this queue.
CREATE OR REPLACE FUNCTION "payments"."carve_loose_fk_enqueue"() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $body$
DECLARE
  key jsonb := '{}'::jsonb;
  i int;
BEGIN
  FOR i IN 1 .. TG_NARGS - 1 LOOP
    key := key || jsonb_build_object(TG_ARGV[i], to_jsonb(OLD) -> TG_ARGV[i]);
  END LOOP;
  INSERT INTO "payments"."carve_loose_fk_queue" (constraint_name, parent_key) VALUES (TG_ARGV[0], key);
  RETURN NULL;
END
$body$;
DROP TRIGGER IF EXISTS "carve_loose_fk_d59acd9a96" ON "ums"."users";
CREATE TRIGGER "carve_loose_fk_d59acd9a96" AFTER DELETE ON "ums"."users"
  FOR EACH ROW EXECUTE FUNCTION "payments"."carve_loose_fk_enqueue"('payment_methods_user_id_fkey', 'id');
DROP TRIGGER IF EXISTS "carve_loose_fk_c184dd21a5" ON "billing"."invoices";
CREATE TRIGGER "carve_loose_fk_c184dd21a5" AFTER DELETE ON "billing"."invoices"
  FOR EACH ROW EXECUTE FUNCTION "payments"."carve_loose_fk_enqueue"('payments_invoice_id_fkey', 'id');
DROP TRIGGER IF EXISTS "carve_loose_fk_b5ad2a390e" ON "orders"."orders";
CREATE TRIGGER "carve_loose_fk_b5ad2a390e" AFTER DELETE ON "orders"."orders"
  FOR EACH ROW EXECUTE FUNCTION "payments"."carve_loose_fk_enqueue"('payments_order_id_fkey', 'id');
DROP TRIGGER IF EXISTS "carve_loose_fk_19879ed0c6" ON "billing"."credit_notes";
CREATE TRIGGER "carve_loose_fk_19879ed0c6" AFTER DELETE ON "billing"."credit_notes"
  FOR EACH ROW EXECUTE FUNCTION "payments"."carve_loose_fk_enqueue"('refunds_credit_note_id_fkey', 'id');
DO $carve$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"payments"."payment_methods"'::regclass AND conname = 'payment_methods_user_id_fkey') THEN
    ALTER TABLE "payments"."payment_methods" DROP CONSTRAINT "payment_methods_user_id_fkey";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"payments"."payments"'::regclass AND conname = 'payments_currency_code_fkey') THEN
    ALTER TABLE "payments"."payments" DROP CONSTRAINT "payments_currency_code_fkey";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"payments"."payments"'::regclass AND conname = 'payments_invoice_id_fkey') THEN
    ALTER TABLE "payments"."payments" DROP CONSTRAINT "payments_invoice_id_fkey";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"payments"."payments"'::regclass AND conname = 'payments_order_id_fkey') THEN
    ALTER TABLE "payments"."payments" DROP CONSTRAINT "payments_order_id_fkey";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"payments"."refunds"'::regclass AND conname = 'refunds_credit_note_id_fkey') THEN
    ALTER TABLE "payments"."refunds" DROP CONSTRAINT "refunds_credit_note_id_fkey";
  END IF;
END
$carve$;
