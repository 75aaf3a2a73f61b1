-- Step: drop the foreign keys from context pricing into other contexts
-- reconcile.sql finds orphans; cleanup.sql applies ON DELETE actions for loose foreign keys

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
