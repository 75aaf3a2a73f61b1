-- Undo: re-add the foreign keys of context orders (NOT VALID, then validated)
-- fails if orphans appeared meanwhile: run reconcile.sql, fix them, then roll back again

-- Every lock up front, in one order (by original table name, as in the other direction). The
-- first waits up to the step's lock_timeout; each further one at most 200ms, so a table
-- already locked is never held longer than that while another is awaited. On a busy database an
-- application transaction is over within that (NOWAIT, tried before, almost never found every
-- table free at once). A lock not granted rolls the step back (55P03) and the executor retries.
LOCK TABLE ONLY "orders"."cart_items" IN SHARE ROW EXCLUSIVE MODE;
SELECT set_config('carve.step_lock_timeout', current_setting('lock_timeout'), true), set_config('lock_timeout', '200ms', true);
LOCK TABLE ONLY "orders"."carts" IN SHARE ROW EXCLUSIVE MODE;
LOCK TABLE ONLY "reference_data"."countries" IN SHARE ROW EXCLUSIVE MODE;
LOCK TABLE ONLY "reference_data"."currencies" IN SHARE ROW EXCLUSIVE MODE;
LOCK TABLE ONLY "orders"."order_lines" IN SHARE ROW EXCLUSIVE MODE;
LOCK TABLE ONLY "orders"."orders" IN SHARE ROW EXCLUSIVE MODE;
LOCK TABLE ONLY "ums"."organizations" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "catalog"."products" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "ums"."users" IN ACCESS EXCLUSIVE MODE;
SELECT set_config('lock_timeout', current_setting('carve.step_lock_timeout'), true);
DROP TRIGGER IF EXISTS "carve_loose_fk_0f393a8871" ON "catalog"."products";
DROP TRIGGER IF EXISTS "carve_loose_fk_abca1ee1e4" ON "ums"."organizations";
DROP TRIGGER IF EXISTS "carve_loose_fk_28e8f534e0" ON "ums"."users";
DROP FUNCTION IF EXISTS "orders"."carve_loose_fk_enqueue"();
DROP TABLE IF EXISTS "orders"."carve_loose_fk_queue";
DO $carve$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"orders"."cart_items"'::regclass AND conname = 'cart_items_product_id_fkey') THEN
    ALTER TABLE "orders"."cart_items" ADD CONSTRAINT "cart_items_product_id_fkey" FOREIGN KEY ("product_id") REFERENCES "catalog"."products" ("id") ON UPDATE NO ACTION ON DELETE CASCADE NOT VALID;
    ALTER TABLE "orders"."cart_items" VALIDATE CONSTRAINT "cart_items_product_id_fkey";
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"orders"."carts"'::regclass AND conname = 'carts_currency_code_fkey') THEN
    ALTER TABLE "orders"."carts" ADD CONSTRAINT "carts_currency_code_fkey" FOREIGN KEY ("currency_code") REFERENCES "reference_data"."currencies" ("code") ON UPDATE NO ACTION ON DELETE NO ACTION NOT VALID;
    ALTER TABLE "orders"."carts" VALIDATE CONSTRAINT "carts_currency_code_fkey";
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"orders"."carts"'::regclass AND conname = 'carts_tenant_id_fkey') THEN
    ALTER TABLE "orders"."carts" ADD CONSTRAINT "carts_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "ums"."organizations" ("id") ON UPDATE NO ACTION ON DELETE CASCADE NOT VALID;
    ALTER TABLE "orders"."carts" VALIDATE CONSTRAINT "carts_tenant_id_fkey";
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"orders"."carts"'::regclass AND conname = 'carts_user_id_fkey') THEN
    ALTER TABLE "orders"."carts" ADD CONSTRAINT "carts_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "ums"."users" ("id") ON UPDATE NO ACTION ON DELETE SET NULL NOT VALID;
    ALTER TABLE "orders"."carts" VALIDATE CONSTRAINT "carts_user_id_fkey";
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"orders"."order_lines"'::regclass AND conname = 'order_lines_product_id_fkey') THEN
    ALTER TABLE "orders"."order_lines" ADD CONSTRAINT "order_lines_product_id_fkey" FOREIGN KEY ("product_id") REFERENCES "catalog"."products" ("id") ON UPDATE NO ACTION ON DELETE RESTRICT NOT VALID;
    ALTER TABLE "orders"."order_lines" VALIDATE CONSTRAINT "order_lines_product_id_fkey";
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"orders"."orders"'::regclass AND conname = 'orders_currency_code_fkey') THEN
    ALTER TABLE "orders"."orders" ADD CONSTRAINT "orders_currency_code_fkey" FOREIGN KEY ("currency_code") REFERENCES "reference_data"."currencies" ("code") ON UPDATE NO ACTION ON DELETE NO ACTION NOT VALID;
    ALTER TABLE "orders"."orders" VALIDATE CONSTRAINT "orders_currency_code_fkey";
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"orders"."orders"'::regclass AND conname = 'orders_cust_id_fkey') THEN
    ALTER TABLE "orders"."orders" ADD CONSTRAINT "orders_cust_id_fkey" FOREIGN KEY ("cust_id") REFERENCES "ums"."users" ("id") ON UPDATE NO ACTION ON DELETE RESTRICT NOT VALID;
    ALTER TABLE "orders"."orders" VALIDATE CONSTRAINT "orders_cust_id_fkey";
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"orders"."orders"'::regclass AND conname = 'orders_ship_country_fkey') THEN
    ALTER TABLE "orders"."orders" ADD CONSTRAINT "orders_ship_country_fkey" FOREIGN KEY ("ship_country") REFERENCES "reference_data"."countries" ("code") ON UPDATE NO ACTION ON DELETE NO ACTION NOT VALID;
    ALTER TABLE "orders"."orders" VALIDATE CONSTRAINT "orders_ship_country_fkey";
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"orders"."orders"'::regclass AND conname = 'orders_tenant_id_fkey') THEN
    ALTER TABLE "orders"."orders" ADD CONSTRAINT "orders_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "ums"."organizations" ("id") ON UPDATE NO ACTION ON DELETE RESTRICT NOT VALID;
    ALTER TABLE "orders"."orders" VALIDATE CONSTRAINT "orders_tenant_id_fkey";
  END IF;
END
$carve$;
