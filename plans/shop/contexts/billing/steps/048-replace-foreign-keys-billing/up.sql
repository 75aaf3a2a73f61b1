-- Step: drop the foreign keys from context billing into other contexts
-- reconcile.sql finds orphans; cleanup.sql applies ON DELETE actions for loose foreign keys

-- Every lock up front, in one order (by original table name, as in the other direction). The
-- first waits up to the step's lock_timeout; each further one at most 200ms, so a table
-- already locked is never held longer than that while another is awaited. On a busy database an
-- application transaction is over within that (NOWAIT, tried before, almost never found every
-- table free at once). A lock not granted rolls the step back (55P03) and the executor retries.
LOCK TABLE ONLY "billing"."billing_accounts" IN ACCESS EXCLUSIVE MODE;
SELECT set_config('carve.step_lock_timeout', current_setting('lock_timeout'), true), set_config('lock_timeout', '200ms', true);
LOCK TABLE ONLY "reference_data"."countries" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "billing"."credit_notes" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "reference_data"."currencies" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "billing"."invoice_lines" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "billing"."invoices" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "orders"."order_lines" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "orders"."orders" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "ums"."organizations" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "ums"."users" IN ACCESS EXCLUSIVE MODE;
SELECT set_config('lock_timeout', current_setting('carve.step_lock_timeout'), true);
CREATE TABLE IF NOT EXISTS "billing"."carve_loose_fk_queue" (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  constraint_name text NOT NULL,
  parent_key jsonb NOT NULL,
  queued_at timestamptz NOT NULL DEFAULT now()
);
-- SECURITY DEFINER: the referenced table's owner deletes rows, and its role has no grant on this queue.
CREATE OR REPLACE FUNCTION "billing"."carve_loose_fk_enqueue"() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $body$
DECLARE
  key jsonb := '{}'::jsonb;
  i int;
BEGIN
  FOR i IN 1 .. TG_NARGS - 1 LOOP
    key := key || jsonb_build_object(TG_ARGV[i], to_jsonb(OLD) -> TG_ARGV[i]);
  END LOOP;
  INSERT INTO "billing"."carve_loose_fk_queue" (constraint_name, parent_key) VALUES (TG_ARGV[0], key);
  RETURN NULL;
END
$body$;
DROP TRIGGER IF EXISTS "carve_loose_fk_ff456ea008" ON "ums"."organizations";
CREATE TRIGGER "carve_loose_fk_ff456ea008" AFTER DELETE ON "ums"."organizations"
  FOR EACH ROW EXECUTE FUNCTION "billing"."carve_loose_fk_enqueue"('billing_accounts_tenant_id_fkey', 'id');
DROP TRIGGER IF EXISTS "carve_loose_fk_6352f530db" ON "orders"."order_lines";
CREATE TRIGGER "carve_loose_fk_6352f530db" AFTER DELETE ON "orders"."order_lines"
  FOR EACH ROW EXECUTE FUNCTION "billing"."carve_loose_fk_enqueue"('invoice_lines_order_line_id_fkey', 'id');
DROP TRIGGER IF EXISTS "carve_loose_fk_95fb1142ac" ON "ums"."users";
CREATE TRIGGER "carve_loose_fk_95fb1142ac" AFTER DELETE ON "ums"."users"
  FOR EACH ROW EXECUTE FUNCTION "billing"."carve_loose_fk_enqueue"('invoices_bill_to_user_id_fkey', 'id');
DO $carve$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"billing"."billing_accounts"'::regclass AND conname = 'billing_accounts_country_code_fkey') THEN
    ALTER TABLE "billing"."billing_accounts" DROP CONSTRAINT "billing_accounts_country_code_fkey";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"billing"."billing_accounts"'::regclass AND conname = 'billing_accounts_tenant_id_fkey') THEN
    ALTER TABLE "billing"."billing_accounts" DROP CONSTRAINT "billing_accounts_tenant_id_fkey";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"billing"."credit_notes"'::regclass AND conname = 'credit_notes_tenant_id_fkey') THEN
    ALTER TABLE "billing"."credit_notes" DROP CONSTRAINT "credit_notes_tenant_id_fkey";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"billing"."invoice_lines"'::regclass AND conname = 'invoice_lines_order_line_id_fkey') THEN
    ALTER TABLE "billing"."invoice_lines" DROP CONSTRAINT "invoice_lines_order_line_id_fkey";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"billing"."invoices"'::regclass AND conname = 'invoices_bill_to_user_id_fkey') THEN
    ALTER TABLE "billing"."invoices" DROP CONSTRAINT "invoices_bill_to_user_id_fkey";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"billing"."invoices"'::regclass AND conname = 'invoices_currency_code_fkey') THEN
    ALTER TABLE "billing"."invoices" DROP CONSTRAINT "invoices_currency_code_fkey";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"billing"."invoices"'::regclass AND conname = 'invoices_order_id_fkey') THEN
    ALTER TABLE "billing"."invoices" DROP CONSTRAINT "invoices_order_id_fkey";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"billing"."invoices"'::regclass AND conname = 'invoices_tenant_id_fkey') THEN
    ALTER TABLE "billing"."invoices" DROP CONSTRAINT "invoices_tenant_id_fkey";
  END IF;
END
$carve$;
