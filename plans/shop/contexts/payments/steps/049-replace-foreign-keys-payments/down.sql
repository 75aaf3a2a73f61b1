-- Undo: re-add the foreign keys of context payments (NOT VALID, then validated)
-- fails if orphans appeared meanwhile: run reconcile.sql, fix them, then roll back again

-- Every lock up front, in one order (by original table name, as in the other direction). The
-- first waits up to the step's lock_timeout; each further one at most 200ms, so a table
-- already locked is never held longer than that while another is awaited. On a busy database an
-- application transaction is over within that (NOWAIT, tried before, almost never found every
-- table free at once). A lock not granted rolls the step back (55P03) and the executor retries.
LOCK TABLE ONLY "billing"."credit_notes" IN ACCESS EXCLUSIVE MODE;
SELECT set_config('carve.step_lock_timeout', current_setting('lock_timeout'), true), set_config('lock_timeout', '200ms', true);
LOCK TABLE ONLY "reference_data"."currencies" IN SHARE ROW EXCLUSIVE MODE;
LOCK TABLE ONLY "billing"."invoices" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "orders"."orders" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "payments"."payment_methods" IN SHARE ROW EXCLUSIVE MODE;
LOCK TABLE ONLY "payments"."payments" IN SHARE ROW EXCLUSIVE MODE;
LOCK TABLE ONLY "payments"."refunds" IN SHARE ROW EXCLUSIVE MODE;
LOCK TABLE ONLY "ums"."users" IN ACCESS EXCLUSIVE MODE;
SELECT set_config('lock_timeout', current_setting('carve.step_lock_timeout'), true);
DROP TRIGGER IF EXISTS "carve_loose_fk_d59acd9a96" ON "ums"."users";
DROP TRIGGER IF EXISTS "carve_loose_fk_c184dd21a5" ON "billing"."invoices";
DROP TRIGGER IF EXISTS "carve_loose_fk_b5ad2a390e" ON "orders"."orders";
DROP TRIGGER IF EXISTS "carve_loose_fk_19879ed0c6" ON "billing"."credit_notes";
DROP FUNCTION IF EXISTS "payments"."carve_loose_fk_enqueue"();
DROP TABLE IF EXISTS "payments"."carve_loose_fk_queue";
DO $carve$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"payments"."payment_methods"'::regclass AND conname = 'payment_methods_user_id_fkey') THEN
    ALTER TABLE "payments"."payment_methods" ADD CONSTRAINT "payment_methods_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "ums"."users" ("id") ON UPDATE NO ACTION ON DELETE CASCADE NOT VALID;
    ALTER TABLE "payments"."payment_methods" VALIDATE CONSTRAINT "payment_methods_user_id_fkey";
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"payments"."payments"'::regclass AND conname = 'payments_currency_code_fkey') THEN
    ALTER TABLE "payments"."payments" ADD CONSTRAINT "payments_currency_code_fkey" FOREIGN KEY ("currency_code") REFERENCES "reference_data"."currencies" ("code") ON UPDATE NO ACTION ON DELETE NO ACTION NOT VALID;
    ALTER TABLE "payments"."payments" VALIDATE CONSTRAINT "payments_currency_code_fkey";
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"payments"."payments"'::regclass AND conname = 'payments_invoice_id_fkey') THEN
    ALTER TABLE "payments"."payments" ADD CONSTRAINT "payments_invoice_id_fkey" FOREIGN KEY ("invoice_id") REFERENCES "billing"."invoices" ("id") ON UPDATE NO ACTION ON DELETE SET NULL NOT VALID;
    ALTER TABLE "payments"."payments" VALIDATE CONSTRAINT "payments_invoice_id_fkey";
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"payments"."payments"'::regclass AND conname = 'payments_order_id_fkey') THEN
    ALTER TABLE "payments"."payments" ADD CONSTRAINT "payments_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "orders"."orders" ("id") ON UPDATE NO ACTION ON DELETE SET NULL NOT VALID;
    ALTER TABLE "payments"."payments" VALIDATE CONSTRAINT "payments_order_id_fkey";
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"payments"."refunds"'::regclass AND conname = 'refunds_credit_note_id_fkey') THEN
    ALTER TABLE "payments"."refunds" ADD CONSTRAINT "refunds_credit_note_id_fkey" FOREIGN KEY ("credit_note_id") REFERENCES "billing"."credit_notes" ("id") ON UPDATE NO ACTION ON DELETE SET NULL NOT VALID;
    ALTER TABLE "payments"."refunds" VALIDATE CONSTRAINT "refunds_credit_note_id_fkey";
  END IF;
END
$carve$;
