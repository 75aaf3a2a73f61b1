-- Step: drop the foreign keys from context payments into other contexts
-- reconcile.sql finds orphans; cleanup.sql applies ON DELETE actions for loose foreign keys

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
