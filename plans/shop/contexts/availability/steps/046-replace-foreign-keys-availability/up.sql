-- Step: drop the foreign keys from context availability into other contexts
-- reconcile.sql finds orphans; cleanup.sql applies ON DELETE actions for loose foreign keys

-- Every lock up front, in one order (by original table name, as in the other direction). The
-- first waits up to the step's lock_timeout; each further one at most 200ms, so a table
-- already locked is never held longer than that while another is awaited. On a busy database an
-- application transaction is over within that (NOWAIT, tried before, almost never found every
-- table free at once). A lock not granted rolls the step back (55P03) and the executor retries.
LOCK TABLE ONLY "reference_data"."countries" IN ACCESS EXCLUSIVE MODE;
SELECT set_config('carve.step_lock_timeout', current_setting('lock_timeout'), true), set_config('lock_timeout', '200ms', true);
LOCK TABLE ONLY "orders"."orders" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "catalog"."products" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "availability"."service_capacity" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "availability"."slot_reservations" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "availability"."stock_locations" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "availability"."time_slots" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "reference_data"."time_zones" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "ums"."users" IN ACCESS EXCLUSIVE MODE;
SELECT set_config('lock_timeout', current_setting('carve.step_lock_timeout'), true);
CREATE TABLE IF NOT EXISTS "availability"."carve_loose_fk_queue" (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  constraint_name text NOT NULL,
  parent_key jsonb NOT NULL,
  queued_at timestamptz NOT NULL DEFAULT now()
);
-- SECURITY DEFINER: the referenced table's owner deletes rows, and its role has no grant on this queue.
CREATE OR REPLACE FUNCTION "availability"."carve_loose_fk_enqueue"() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $body$
DECLARE
  key jsonb := '{}'::jsonb;
  i int;
BEGIN
  FOR i IN 1 .. TG_NARGS - 1 LOOP
    key := key || jsonb_build_object(TG_ARGV[i], to_jsonb(OLD) -> TG_ARGV[i]);
  END LOOP;
  INSERT INTO "availability"."carve_loose_fk_queue" (constraint_name, parent_key) VALUES (TG_ARGV[0], key);
  RETURN NULL;
END
$body$;
DROP TRIGGER IF EXISTS "carve_loose_fk_0cc39c6218" ON "catalog"."products";
CREATE TRIGGER "carve_loose_fk_0cc39c6218" AFTER DELETE ON "catalog"."products"
  FOR EACH ROW EXECUTE FUNCTION "availability"."carve_loose_fk_enqueue"('service_capacity_product_id_fkey', 'id');
DROP TRIGGER IF EXISTS "carve_loose_fk_d24196f1da" ON "orders"."orders";
CREATE TRIGGER "carve_loose_fk_d24196f1da" AFTER DELETE ON "orders"."orders"
  FOR EACH ROW EXECUTE FUNCTION "availability"."carve_loose_fk_enqueue"('fk_slot_reservations_order', 'id');
DROP TRIGGER IF EXISTS "carve_loose_fk_92f9369908" ON "ums"."users";
CREATE TRIGGER "carve_loose_fk_92f9369908" AFTER DELETE ON "ums"."users"
  FOR EACH ROW EXECUTE FUNCTION "availability"."carve_loose_fk_enqueue"('slot_reservations_user_id_fkey', 'id');
DROP TRIGGER IF EXISTS "carve_loose_fk_0abd802903" ON "catalog"."products";
CREATE TRIGGER "carve_loose_fk_0abd802903" AFTER DELETE ON "catalog"."products"
  FOR EACH ROW EXECUTE FUNCTION "availability"."carve_loose_fk_enqueue"('time_slots_product_id_fkey', 'id');
DO $carve$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"availability"."service_capacity"'::regclass AND conname = 'service_capacity_product_id_fkey') THEN
    ALTER TABLE "availability"."service_capacity" DROP CONSTRAINT "service_capacity_product_id_fkey";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"availability"."slot_reservations"'::regclass AND conname = 'fk_slot_reservations_order') THEN
    ALTER TABLE "availability"."slot_reservations" DROP CONSTRAINT "fk_slot_reservations_order";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"availability"."slot_reservations"'::regclass AND conname = 'slot_reservations_user_id_fkey') THEN
    ALTER TABLE "availability"."slot_reservations" DROP CONSTRAINT "slot_reservations_user_id_fkey";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"availability"."stock_locations"'::regclass AND conname = 'stock_locations_country_code_fkey') THEN
    ALTER TABLE "availability"."stock_locations" DROP CONSTRAINT "stock_locations_country_code_fkey";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"availability"."stock_locations"'::regclass AND conname = 'stock_locations_time_zone_fkey') THEN
    ALTER TABLE "availability"."stock_locations" DROP CONSTRAINT "stock_locations_time_zone_fkey";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"availability"."time_slots"'::regclass AND conname = 'time_slots_product_id_fkey') THEN
    ALTER TABLE "availability"."time_slots" DROP CONSTRAINT "time_slots_product_id_fkey";
  END IF;
END
$carve$;
