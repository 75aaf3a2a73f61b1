-- Undo: re-add the foreign keys of context availability (NOT VALID, then validated)
-- fails if orphans appeared meanwhile: run reconcile.sql, fix them, then roll back again

-- Every lock up front, in one order (by original table name, as in the other direction). The
-- first waits up to the step's lock_timeout; each further one at most 200ms, so a table
-- already locked is never held longer than that while another is awaited. On a busy database an
-- application transaction is over within that (NOWAIT, tried before, almost never found every
-- table free at once). A lock not granted rolls the step back (55P03) and the executor retries.
LOCK TABLE ONLY "reference_data"."countries" IN SHARE ROW EXCLUSIVE MODE;
SELECT set_config('carve.step_lock_timeout', current_setting('lock_timeout'), true), set_config('lock_timeout', '200ms', true);
LOCK TABLE ONLY "orders"."orders" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "catalog"."products" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "availability"."service_capacity" IN SHARE ROW EXCLUSIVE MODE;
LOCK TABLE ONLY "availability"."slot_reservations" IN SHARE ROW EXCLUSIVE MODE;
LOCK TABLE ONLY "availability"."stock_locations" IN SHARE ROW EXCLUSIVE MODE;
LOCK TABLE ONLY "availability"."time_slots" IN SHARE ROW EXCLUSIVE MODE;
LOCK TABLE ONLY "reference_data"."time_zones" IN SHARE ROW EXCLUSIVE MODE;
LOCK TABLE ONLY "ums"."users" IN ACCESS EXCLUSIVE MODE;
SELECT set_config('lock_timeout', current_setting('carve.step_lock_timeout'), true);
DROP TRIGGER IF EXISTS "carve_loose_fk_0cc39c6218" ON "catalog"."products";
DROP TRIGGER IF EXISTS "carve_loose_fk_d24196f1da" ON "orders"."orders";
DROP TRIGGER IF EXISTS "carve_loose_fk_92f9369908" ON "ums"."users";
DROP TRIGGER IF EXISTS "carve_loose_fk_0abd802903" ON "catalog"."products";
DROP FUNCTION IF EXISTS "availability"."carve_loose_fk_enqueue"();
DROP TABLE IF EXISTS "availability"."carve_loose_fk_queue";
DO $carve$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"availability"."service_capacity"'::regclass AND conname = 'service_capacity_product_id_fkey') THEN
    ALTER TABLE "availability"."service_capacity" ADD CONSTRAINT "service_capacity_product_id_fkey" FOREIGN KEY ("product_id") REFERENCES "catalog"."products" ("id") ON UPDATE NO ACTION ON DELETE CASCADE NOT VALID;
    ALTER TABLE "availability"."service_capacity" VALIDATE CONSTRAINT "service_capacity_product_id_fkey";
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"availability"."slot_reservations"'::regclass AND conname = 'fk_slot_reservations_order') THEN
    ALTER TABLE "availability"."slot_reservations" ADD CONSTRAINT "fk_slot_reservations_order" FOREIGN KEY ("order_id") REFERENCES "orders"."orders" ("id") ON UPDATE NO ACTION ON DELETE SET NULL NOT VALID;
    ALTER TABLE "availability"."slot_reservations" VALIDATE CONSTRAINT "fk_slot_reservations_order";
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"availability"."slot_reservations"'::regclass AND conname = 'slot_reservations_user_id_fkey') THEN
    ALTER TABLE "availability"."slot_reservations" ADD CONSTRAINT "slot_reservations_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "ums"."users" ("id") ON UPDATE NO ACTION ON DELETE SET NULL NOT VALID;
    ALTER TABLE "availability"."slot_reservations" VALIDATE CONSTRAINT "slot_reservations_user_id_fkey";
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"availability"."stock_locations"'::regclass AND conname = 'stock_locations_country_code_fkey') THEN
    ALTER TABLE "availability"."stock_locations" ADD CONSTRAINT "stock_locations_country_code_fkey" FOREIGN KEY ("country_code") REFERENCES "reference_data"."countries" ("code") ON UPDATE NO ACTION ON DELETE NO ACTION NOT VALID;
    ALTER TABLE "availability"."stock_locations" VALIDATE CONSTRAINT "stock_locations_country_code_fkey";
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"availability"."stock_locations"'::regclass AND conname = 'stock_locations_time_zone_fkey') THEN
    ALTER TABLE "availability"."stock_locations" ADD CONSTRAINT "stock_locations_time_zone_fkey" FOREIGN KEY ("time_zone") REFERENCES "reference_data"."time_zones" ("name") ON UPDATE NO ACTION ON DELETE NO ACTION NOT VALID;
    ALTER TABLE "availability"."stock_locations" VALIDATE CONSTRAINT "stock_locations_time_zone_fkey";
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"availability"."time_slots"'::regclass AND conname = 'time_slots_product_id_fkey') THEN
    ALTER TABLE "availability"."time_slots" ADD CONSTRAINT "time_slots_product_id_fkey" FOREIGN KEY ("product_id") REFERENCES "catalog"."products" ("id") ON UPDATE NO ACTION ON DELETE CASCADE NOT VALID;
    ALTER TABLE "availability"."time_slots" VALIDATE CONSTRAINT "time_slots_product_id_fkey";
  END IF;
END
$carve$;
