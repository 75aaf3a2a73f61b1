-- Step: drop the foreign keys from context orders into other contexts
-- reconcile.sql finds orphans; cleanup.sql applies ON DELETE actions for loose foreign keys

-- Every lock up front, in one order (by original table name, as in the other direction). The
-- first waits up to the step's lock_timeout; each further one at most 200ms, so a table
-- already locked is never held longer than that while another is awaited. On a busy database an
-- application transaction is over within that (NOWAIT, tried before, almost never found every
-- table free at once). A lock not granted rolls the step back (55P03) and the executor retries.
LOCK TABLE ONLY "orders"."cart_items" IN ACCESS EXCLUSIVE MODE;
SELECT set_config('carve.step_lock_timeout', current_setting('lock_timeout'), true), set_config('lock_timeout', '200ms', true);
LOCK TABLE ONLY "orders"."carts" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "reference_data"."countries" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "reference_data"."currencies" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "orders"."order_lines" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "orders"."orders" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "ums"."organizations" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "catalog"."products" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "ums"."users" IN ACCESS EXCLUSIVE MODE;
SELECT set_config('lock_timeout', current_setting('carve.step_lock_timeout'), true);
CREATE TABLE IF NOT EXISTS "orders"."carve_loose_fk_queue" (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  constraint_name text NOT NULL,
  parent_key jsonb NOT NULL,
  queued_at timestamptz NOT NULL DEFAULT now()
);
-- SECURITY DEFINER: the referenced table's owner deletes rows, and its role has no grant on this queue.
CREATE OR REPLACE FUNCTION "orders"."carve_loose_fk_enqueue"() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $body$
DECLARE
  key jsonb := '{}'::jsonb;
  i int;
BEGIN
  FOR i IN 1 .. TG_NARGS - 1 LOOP
    key := key || jsonb_build_object(TG_ARGV[i], to_jsonb(OLD) -> TG_ARGV[i]);
  END LOOP;
  INSERT INTO "orders"."carve_loose_fk_queue" (constraint_name, parent_key) VALUES (TG_ARGV[0], key);
  RETURN NULL;
END
$body$;
DROP TRIGGER IF EXISTS "carve_loose_fk_0f393a8871" ON "catalog"."products";
CREATE TRIGGER "carve_loose_fk_0f393a8871" AFTER DELETE ON "catalog"."products"
  FOR EACH ROW EXECUTE FUNCTION "orders"."carve_loose_fk_enqueue"('cart_items_product_id_fkey', 'id');
DROP TRIGGER IF EXISTS "carve_loose_fk_abca1ee1e4" ON "ums"."organizations";
CREATE TRIGGER "carve_loose_fk_abca1ee1e4" AFTER DELETE ON "ums"."organizations"
  FOR EACH ROW EXECUTE FUNCTION "orders"."carve_loose_fk_enqueue"('carts_tenant_id_fkey', 'id');
DROP TRIGGER IF EXISTS "carve_loose_fk_28e8f534e0" ON "ums"."users";
CREATE TRIGGER "carve_loose_fk_28e8f534e0" AFTER DELETE ON "ums"."users"
  FOR EACH ROW EXECUTE FUNCTION "orders"."carve_loose_fk_enqueue"('carts_user_id_fkey', 'id');
DO $carve$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"orders"."cart_items"'::regclass AND conname = 'cart_items_product_id_fkey') THEN
    ALTER TABLE "orders"."cart_items" DROP CONSTRAINT "cart_items_product_id_fkey";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"orders"."carts"'::regclass AND conname = 'carts_currency_code_fkey') THEN
    ALTER TABLE "orders"."carts" DROP CONSTRAINT "carts_currency_code_fkey";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"orders"."carts"'::regclass AND conname = 'carts_tenant_id_fkey') THEN
    ALTER TABLE "orders"."carts" DROP CONSTRAINT "carts_tenant_id_fkey";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"orders"."carts"'::regclass AND conname = 'carts_user_id_fkey') THEN
    ALTER TABLE "orders"."carts" DROP CONSTRAINT "carts_user_id_fkey";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"orders"."order_lines"'::regclass AND conname = 'order_lines_product_id_fkey') THEN
    ALTER TABLE "orders"."order_lines" DROP CONSTRAINT "order_lines_product_id_fkey";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"orders"."orders"'::regclass AND conname = 'orders_currency_code_fkey') THEN
    ALTER TABLE "orders"."orders" DROP CONSTRAINT "orders_currency_code_fkey";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"orders"."orders"'::regclass AND conname = 'orders_cust_id_fkey') THEN
    ALTER TABLE "orders"."orders" DROP CONSTRAINT "orders_cust_id_fkey";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"orders"."orders"'::regclass AND conname = 'orders_ship_country_fkey') THEN
    ALTER TABLE "orders"."orders" DROP CONSTRAINT "orders_ship_country_fkey";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"orders"."orders"'::regclass AND conname = 'orders_tenant_id_fkey') THEN
    ALTER TABLE "orders"."orders" DROP CONSTRAINT "orders_tenant_id_fkey";
  END IF;
END
$carve$;
