-- Undo: the outbox of context availability

-- Every lock up front, in one order (by original table name, as in the other direction). The
-- first waits up to the step's lock_timeout; each further one at most 200ms, so a table
-- already locked is never held longer than that while another is awaited. On a busy database an
-- application transaction is over within that (NOWAIT, tried before, almost never found every
-- table free at once). A lock not granted rolls the step back (55P03) and the executor retries.
LOCK TABLE ONLY "availability"."service_capacity" IN ACCESS EXCLUSIVE MODE;
SELECT set_config('carve.step_lock_timeout', current_setting('lock_timeout'), true), set_config('lock_timeout', '200ms', true);
LOCK TABLE ONLY "availability"."slot_reservations" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "availability"."stock_levels" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "availability"."stock_locations" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "availability"."time_slots" IN ACCESS EXCLUSIVE MODE;
SELECT set_config('lock_timeout', current_setting('carve.step_lock_timeout'), true);
DO $carve$
BEGIN
  IF to_regclass('"availability"."stock_locations"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "availability"."stock_locations";
  END IF;
  IF to_regclass('"availability"."stock_levels"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "availability"."stock_levels";
  END IF;
  IF to_regclass('"availability"."service_capacity"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "availability"."service_capacity";
  END IF;
  IF to_regclass('"availability"."time_slots"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "availability"."time_slots";
  END IF;
  IF to_regclass('"availability"."slot_reservations"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "availability"."slot_reservations";
  END IF;
END
$carve$;
DO $carve$
BEGIN
  -- DROP TRIGGER leaves relhastriggers true until a VACUUM; when no trigger is left at all, say so
  -- now (a superuser's catalog update; otherwise the next VACUUM does it).
  IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
    UPDATE pg_catalog.pg_class c SET relhastriggers = false
     WHERE c.oid IN (SELECT to_regclass(r.name) FROM unnest(ARRAY['"availability"."stock_locations"', '"availability"."stock_levels"', '"availability"."service_capacity"', '"availability"."time_slots"', '"availability"."slot_reservations"']::text[]) AS r(name)
                     UNION SELECT t.relid FROM unnest(ARRAY['"availability"."stock_locations"', '"availability"."stock_levels"', '"availability"."service_capacity"', '"availability"."time_slots"', '"availability"."slot_reservations"']::text[]) AS r(name), pg_partition_tree(to_regclass(r.name)) t)
       AND c.relhastriggers AND NOT EXISTS (SELECT 1 FROM pg_trigger g WHERE g.tgrelid = c.oid);
  END IF;
END
$carve$;
DROP FUNCTION IF EXISTS "availability"."carve_outbox_emit"();
DO $carve$
BEGIN
  IF to_regclass('"availability"."outbox"') IS NOT NULL
     AND obj_description(to_regclass('"availability"."outbox"'), 'pg_class') LIKE 'carve:outbox %' THEN
    REVOKE ALL ON "availability"."outbox" FROM "carve_availability_service";
    DROP TABLE "availability"."outbox";
  END IF;
END
$carve$;
