-- Undo: re-add the foreign keys of context billing (NOT VALID, then validated)
-- fails if orphans appeared meanwhile: run reconcile.sql, fix them, then roll back again

-- Every lock up front, in one order (by original table name, as in the other direction). The
-- first waits up to the step's lock_timeout; each further one at most 200ms, so a table
-- already locked is never held longer than that while another is awaited. On a busy database an
-- application transaction is over within that (NOWAIT, tried before, almost never found every
-- table free at once). A lock not granted rolls the step back (55P03) and the executor retries.
LOCK TABLE ONLY "billing"."billing_accounts" IN SHARE ROW EXCLUSIVE MODE;
SELECT set_config('carve.step_lock_timeout', current_setting('lock_timeout'), true), set_config('lock_timeout', '200ms', true);
LOCK TABLE ONLY "reference_data"."countries" IN SHARE ROW EXCLUSIVE MODE;
LOCK TABLE ONLY "billing"."credit_notes" IN SHARE ROW EXCLUSIVE MODE;
LOCK TABLE ONLY "reference_data"."currencies" IN SHARE ROW EXCLUSIVE MODE;
LOCK TABLE ONLY "billing"."invoice_lines" IN SHARE ROW EXCLUSIVE MODE;
LOCK TABLE ONLY "billing"."invoices" IN SHARE ROW EXCLUSIVE MODE;
LOCK TABLE ONLY "orders"."order_lines" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "orders"."orders" IN SHARE ROW EXCLUSIVE MODE;
LOCK TABLE ONLY "ums"."organizations" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "ums"."users" IN ACCESS EXCLUSIVE MODE;
SELECT set_config('lock_timeout', current_setting('carve.step_lock_timeout'), true);
DROP TRIGGER IF EXISTS "carve_loose_fk_ff456ea008" ON "ums"."organizations";
DROP TRIGGER IF EXISTS "carve_loose_fk_6352f530db" ON "orders"."order_lines";
DROP TRIGGER IF EXISTS "carve_loose_fk_95fb1142ac" ON "ums"."users";
DROP FUNCTION IF EXISTS "billing"."carve_loose_fk_enqueue"();
DROP TABLE IF EXISTS "billing"."carve_loose_fk_queue";
DO $carve$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"billing"."billing_accounts"'::regclass AND conname = 'billing_accounts_country_code_fkey') THEN
    ALTER TABLE "billing"."billing_accounts" ADD CONSTRAINT "billing_accounts_country_code_fkey" FOREIGN KEY ("country_code") REFERENCES "reference_data"."countries" ("code") ON UPDATE NO ACTION ON DELETE NO ACTION NOT VALID;
    ALTER TABLE "billing"."billing_accounts" VALIDATE CONSTRAINT "billing_accounts_country_code_fkey";
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"billing"."billing_accounts"'::regclass AND conname = 'billing_accounts_tenant_id_fkey') THEN
    ALTER TABLE "billing"."billing_accounts" ADD CONSTRAINT "billing_accounts_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "ums"."organizations" ("id") ON UPDATE NO ACTION ON DELETE CASCADE NOT VALID;
    ALTER TABLE "billing"."billing_accounts" VALIDATE CONSTRAINT "billing_accounts_tenant_id_fkey";
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"billing"."credit_notes"'::regclass AND conname = 'credit_notes_tenant_id_fkey') THEN
    ALTER TABLE "billing"."credit_notes" ADD CONSTRAINT "credit_notes_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "ums"."organizations" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION NOT VALID;
    ALTER TABLE "billing"."credit_notes" VALIDATE CONSTRAINT "credit_notes_tenant_id_fkey";
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"billing"."invoice_lines"'::regclass AND conname = 'invoice_lines_order_line_id_fkey') THEN
    ALTER TABLE "billing"."invoice_lines" ADD CONSTRAINT "invoice_lines_order_line_id_fkey" FOREIGN KEY ("order_line_id") REFERENCES "orders"."order_lines" ("id") ON UPDATE NO ACTION ON DELETE SET NULL NOT VALID;
    ALTER TABLE "billing"."invoice_lines" VALIDATE CONSTRAINT "invoice_lines_order_line_id_fkey";
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"billing"."invoices"'::regclass AND conname = 'invoices_bill_to_user_id_fkey') THEN
    ALTER TABLE "billing"."invoices" ADD CONSTRAINT "invoices_bill_to_user_id_fkey" FOREIGN KEY ("bill_to_user_id") REFERENCES "ums"."users" ("id") ON UPDATE NO ACTION ON DELETE SET NULL NOT VALID;
    ALTER TABLE "billing"."invoices" VALIDATE CONSTRAINT "invoices_bill_to_user_id_fkey";
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"billing"."invoices"'::regclass AND conname = 'invoices_currency_code_fkey') THEN
    ALTER TABLE "billing"."invoices" ADD CONSTRAINT "invoices_currency_code_fkey" FOREIGN KEY ("currency_code") REFERENCES "reference_data"."currencies" ("code") ON UPDATE NO ACTION ON DELETE NO ACTION NOT VALID;
    ALTER TABLE "billing"."invoices" VALIDATE CONSTRAINT "invoices_currency_code_fkey";
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"billing"."invoices"'::regclass AND conname = 'invoices_order_id_fkey') THEN
    ALTER TABLE "billing"."invoices" ADD CONSTRAINT "invoices_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "orders"."orders" ("id") ON UPDATE NO ACTION ON DELETE RESTRICT NOT VALID;
    ALTER TABLE "billing"."invoices" VALIDATE CONSTRAINT "invoices_order_id_fkey";
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"billing"."invoices"'::regclass AND conname = 'invoices_tenant_id_fkey') THEN
    ALTER TABLE "billing"."invoices" ADD CONSTRAINT "invoices_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "ums"."organizations" ("id") ON UPDATE NO ACTION ON DELETE RESTRICT NOT VALID;
    ALTER TABLE "billing"."invoices" VALIDATE CONSTRAINT "invoices_tenant_id_fkey";
  END IF;
END
$carve$;
