-- Undo: re-add the foreign keys of context pricing (NOT VALID, then validated)
-- fails if orphans appeared meanwhile: run reconcile.sql, fix them, then roll back again

-- Every lock up front, in one order (by original table name, as in the other direction). The
-- first waits up to the step's lock_timeout; each further one at most 200ms, so a table
-- already locked is never held longer than that while another is awaited. On a busy database an
-- application transaction is over within that (NOWAIT, tried before, almost never found every
-- table free at once). A lock not granted rolls the step back (55P03) and the executor retries.
LOCK TABLE ONLY "catalog"."categories" IN ACCESS EXCLUSIVE MODE;
SELECT set_config('carve.step_lock_timeout', current_setting('lock_timeout'), true), set_config('lock_timeout', '200ms', true);
LOCK TABLE ONLY "reference_data"."countries" IN SHARE ROW EXCLUSIVE MODE;
LOCK TABLE ONLY "reference_data"."currencies" IN SHARE ROW EXCLUSIVE MODE;
LOCK TABLE ONLY "pricing"."discounts" IN SHARE ROW EXCLUSIVE MODE;
LOCK TABLE ONLY "orders"."orders" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "ums"."organizations" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "pricing"."price_lists" IN SHARE ROW EXCLUSIVE MODE;
LOCK TABLE ONLY "pricing"."price_rules" IN SHARE ROW EXCLUSIVE MODE;
LOCK TABLE ONLY "catalog"."products" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "pricing"."promotion_redemptions" IN SHARE ROW EXCLUSIVE MODE;
LOCK TABLE ONLY "pricing"."tax_rates" IN SHARE ROW EXCLUSIVE MODE;
LOCK TABLE ONLY "ums"."users" IN ACCESS EXCLUSIVE MODE;
SELECT set_config('lock_timeout', current_setting('carve.step_lock_timeout'), true);
DROP TRIGGER IF EXISTS "carve_loose_fk_f023b8b983" ON "catalog"."categories";
DROP TRIGGER IF EXISTS "carve_loose_fk_a0ca5a8f9e" ON "catalog"."products";
DROP TRIGGER IF EXISTS "carve_loose_fk_422110970e" ON "ums"."organizations";
DROP TRIGGER IF EXISTS "carve_loose_fk_45522a37e1" ON "orders"."orders";
DROP TRIGGER IF EXISTS "carve_loose_fk_d350a6146a" ON "ums"."users";
DROP FUNCTION IF EXISTS "pricing"."carve_loose_fk_enqueue"();
DROP TABLE IF EXISTS "pricing"."carve_loose_fk_queue";
DO $carve$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"pricing"."discounts"'::regclass AND conname = 'discounts_category_id_fkey') THEN
    ALTER TABLE "pricing"."discounts" ADD CONSTRAINT "discounts_category_id_fkey" FOREIGN KEY ("category_id") REFERENCES "catalog"."categories" ("id") ON UPDATE NO ACTION ON DELETE CASCADE NOT VALID;
    ALTER TABLE "pricing"."discounts" VALIDATE CONSTRAINT "discounts_category_id_fkey";
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"pricing"."discounts"'::regclass AND conname = 'discounts_product_id_fkey') THEN
    ALTER TABLE "pricing"."discounts" ADD CONSTRAINT "discounts_product_id_fkey" FOREIGN KEY ("product_id") REFERENCES "catalog"."products" ("id") ON UPDATE NO ACTION ON DELETE CASCADE NOT VALID;
    ALTER TABLE "pricing"."discounts" VALIDATE CONSTRAINT "discounts_product_id_fkey";
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"pricing"."price_lists"'::regclass AND conname = 'price_lists_currency_code_fkey') THEN
    ALTER TABLE "pricing"."price_lists" ADD CONSTRAINT "price_lists_currency_code_fkey" FOREIGN KEY ("currency_code") REFERENCES "reference_data"."currencies" ("code") ON UPDATE NO ACTION ON DELETE NO ACTION NOT VALID;
    ALTER TABLE "pricing"."price_lists" VALIDATE CONSTRAINT "price_lists_currency_code_fkey";
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"pricing"."price_lists"'::regclass AND conname = 'price_lists_tenant_id_fkey') THEN
    ALTER TABLE "pricing"."price_lists" ADD CONSTRAINT "price_lists_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "ums"."organizations" ("id") ON UPDATE NO ACTION ON DELETE CASCADE NOT VALID;
    ALTER TABLE "pricing"."price_lists" VALIDATE CONSTRAINT "price_lists_tenant_id_fkey";
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"pricing"."price_rules"'::regclass AND conname = 'price_rules_product_id_fkey') THEN
    ALTER TABLE "pricing"."price_rules" ADD CONSTRAINT "price_rules_product_id_fkey" FOREIGN KEY ("product_id") REFERENCES "catalog"."products" ("id") ON UPDATE NO ACTION ON DELETE RESTRICT NOT VALID;
    ALTER TABLE "pricing"."price_rules" VALIDATE CONSTRAINT "price_rules_product_id_fkey";
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"pricing"."promotion_redemptions"'::regclass AND conname = 'fk_promotion_redemptions_order') THEN
    ALTER TABLE "pricing"."promotion_redemptions" ADD CONSTRAINT "fk_promotion_redemptions_order" FOREIGN KEY ("order_id") REFERENCES "orders"."orders" ("id") ON UPDATE NO ACTION ON DELETE CASCADE NOT VALID;
    ALTER TABLE "pricing"."promotion_redemptions" VALIDATE CONSTRAINT "fk_promotion_redemptions_order";
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"pricing"."promotion_redemptions"'::regclass AND conname = 'promotion_redemptions_user_id_fkey') THEN
    ALTER TABLE "pricing"."promotion_redemptions" ADD CONSTRAINT "promotion_redemptions_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "ums"."users" ("id") ON UPDATE NO ACTION ON DELETE SET NULL NOT VALID;
    ALTER TABLE "pricing"."promotion_redemptions" VALIDATE CONSTRAINT "promotion_redemptions_user_id_fkey";
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"pricing"."tax_rates"'::regclass AND conname = 'tax_rates_country_code_fkey') THEN
    ALTER TABLE "pricing"."tax_rates" ADD CONSTRAINT "tax_rates_country_code_fkey" FOREIGN KEY ("country_code") REFERENCES "reference_data"."countries" ("code") ON UPDATE NO ACTION ON DELETE NO ACTION NOT VALID;
    ALTER TABLE "pricing"."tax_rates" VALIDATE CONSTRAINT "tax_rates_country_code_fkey";
  END IF;
END
$carve$;
