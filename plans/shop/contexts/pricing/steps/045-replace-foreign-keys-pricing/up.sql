-- Step: drop the foreign keys from context pricing into other contexts
-- reconcile.sql finds orphans; cleanup.sql applies ON DELETE actions for loose foreign keys

-- Every lock up front, in one order (by original table name, as in the other direction). The
-- first waits up to the step's lock_timeout; each further one at most 200ms, so a table
-- already locked is never held longer than that while another is awaited. On a busy database an
-- application transaction is over within that (NOWAIT, tried before, almost never found every
-- table free at once). A lock not granted rolls the step back (55P03) and the executor retries.
LOCK TABLE ONLY "catalog"."categories" IN ACCESS EXCLUSIVE MODE;
SELECT set_config('carve.step_lock_timeout', current_setting('lock_timeout'), true), set_config('lock_timeout', '200ms', true);
LOCK TABLE ONLY "reference_data"."countries" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "reference_data"."currencies" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "pricing"."discounts" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "orders"."orders" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "ums"."organizations" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "pricing"."price_lists" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "pricing"."price_rules" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "catalog"."products" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "pricing"."promotion_redemptions" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "pricing"."tax_rates" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "ums"."users" IN ACCESS EXCLUSIVE MODE;
SELECT set_config('lock_timeout', current_setting('carve.step_lock_timeout'), true);
CREATE TABLE IF NOT EXISTS "pricing"."carve_loose_fk_queue" (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  constraint_name text NOT NULL,
  parent_key jsonb NOT NULL,
  queued_at timestamptz NOT NULL DEFAULT now()
);
-- SECURITY DEFINER: the referenced table's owner deletes rows, and its role has no grant on this queue.
CREATE OR REPLACE FUNCTION "pricing"."carve_loose_fk_enqueue"() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $body$
DECLARE
  key jsonb := '{}'::jsonb;
  i int;
BEGIN
  FOR i IN 1 .. TG_NARGS - 1 LOOP
    key := key || jsonb_build_object(TG_ARGV[i], to_jsonb(OLD) -> TG_ARGV[i]);
  END LOOP;
  INSERT INTO "pricing"."carve_loose_fk_queue" (constraint_name, parent_key) VALUES (TG_ARGV[0], key);
  RETURN NULL;
END
$body$;
DROP TRIGGER IF EXISTS "carve_loose_fk_f023b8b983" ON "catalog"."categories";
CREATE TRIGGER "carve_loose_fk_f023b8b983" AFTER DELETE ON "catalog"."categories"
  FOR EACH ROW EXECUTE FUNCTION "pricing"."carve_loose_fk_enqueue"('discounts_category_id_fkey', 'id');
DROP TRIGGER IF EXISTS "carve_loose_fk_a0ca5a8f9e" ON "catalog"."products";
CREATE TRIGGER "carve_loose_fk_a0ca5a8f9e" AFTER DELETE ON "catalog"."products"
  FOR EACH ROW EXECUTE FUNCTION "pricing"."carve_loose_fk_enqueue"('discounts_product_id_fkey', 'id');
DROP TRIGGER IF EXISTS "carve_loose_fk_422110970e" ON "ums"."organizations";
CREATE TRIGGER "carve_loose_fk_422110970e" AFTER DELETE ON "ums"."organizations"
  FOR EACH ROW EXECUTE FUNCTION "pricing"."carve_loose_fk_enqueue"('price_lists_tenant_id_fkey', 'id');
DROP TRIGGER IF EXISTS "carve_loose_fk_45522a37e1" ON "orders"."orders";
CREATE TRIGGER "carve_loose_fk_45522a37e1" AFTER DELETE ON "orders"."orders"
  FOR EACH ROW EXECUTE FUNCTION "pricing"."carve_loose_fk_enqueue"('fk_promotion_redemptions_order', 'id');
DROP TRIGGER IF EXISTS "carve_loose_fk_d350a6146a" ON "ums"."users";
CREATE TRIGGER "carve_loose_fk_d350a6146a" AFTER DELETE ON "ums"."users"
  FOR EACH ROW EXECUTE FUNCTION "pricing"."carve_loose_fk_enqueue"('promotion_redemptions_user_id_fkey', 'id');
DO $carve$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"pricing"."discounts"'::regclass AND conname = 'discounts_category_id_fkey') THEN
    ALTER TABLE "pricing"."discounts" DROP CONSTRAINT "discounts_category_id_fkey";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"pricing"."discounts"'::regclass AND conname = 'discounts_product_id_fkey') THEN
    ALTER TABLE "pricing"."discounts" DROP CONSTRAINT "discounts_product_id_fkey";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"pricing"."price_lists"'::regclass AND conname = 'price_lists_currency_code_fkey') THEN
    ALTER TABLE "pricing"."price_lists" DROP CONSTRAINT "price_lists_currency_code_fkey";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"pricing"."price_lists"'::regclass AND conname = 'price_lists_tenant_id_fkey') THEN
    ALTER TABLE "pricing"."price_lists" DROP CONSTRAINT "price_lists_tenant_id_fkey";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"pricing"."price_rules"'::regclass AND conname = 'price_rules_product_id_fkey') THEN
    ALTER TABLE "pricing"."price_rules" DROP CONSTRAINT "price_rules_product_id_fkey";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"pricing"."promotion_redemptions"'::regclass AND conname = 'fk_promotion_redemptions_order') THEN
    ALTER TABLE "pricing"."promotion_redemptions" DROP CONSTRAINT "fk_promotion_redemptions_order";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"pricing"."promotion_redemptions"'::regclass AND conname = 'promotion_redemptions_user_id_fkey') THEN
    ALTER TABLE "pricing"."promotion_redemptions" DROP CONSTRAINT "promotion_redemptions_user_id_fkey";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"pricing"."tax_rates"'::regclass AND conname = 'tax_rates_country_code_fkey') THEN
    ALTER TABLE "pricing"."tax_rates" DROP CONSTRAINT "tax_rates_country_code_fkey";
  END IF;
END
$carve$;
