-- Undo: the outbox of context reference-data

-- Every lock up front, in one order (by original table name, as in the other direction). The
-- first waits up to the step's lock_timeout; each further one at most 200ms, so a table
-- already locked is never held longer than that while another is awaited. On a busy database an
-- application transaction is over within that (NOWAIT, tried before, almost never found every
-- table free at once). A lock not granted rolls the step back (55P03) and the executor retries.
LOCK TABLE ONLY "reference_data"."countries" IN ACCESS EXCLUSIVE MODE;
SELECT set_config('carve.step_lock_timeout', current_setting('lock_timeout'), true), set_config('lock_timeout', '200ms', true);
LOCK TABLE ONLY "reference_data"."currencies" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "reference_data"."exchange_rates" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "reference_data"."locales" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "reference_data"."status_codes" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "reference_data"."time_zones" IN ACCESS EXCLUSIVE MODE;
SELECT set_config('lock_timeout', current_setting('carve.step_lock_timeout'), true);
DO $carve$
BEGIN
  IF to_regclass('"reference_data"."countries"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "reference_data"."countries";
  END IF;
  IF to_regclass('"reference_data"."currencies"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "reference_data"."currencies";
  END IF;
  IF to_regclass('"reference_data"."exchange_rates"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "reference_data"."exchange_rates";
  END IF;
  IF to_regclass('"reference_data"."status_codes"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "reference_data"."status_codes";
  END IF;
  IF to_regclass('"reference_data"."time_zones"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "reference_data"."time_zones";
  END IF;
  IF to_regclass('"reference_data"."locales"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "reference_data"."locales";
  END IF;
END
$carve$;
DO $carve$
BEGIN
  -- DROP TRIGGER leaves relhastriggers true until a VACUUM; when no trigger is left at all, say so
  -- now (a superuser's catalog update; otherwise the next VACUUM does it).
  IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
    UPDATE pg_catalog.pg_class c SET relhastriggers = false
     WHERE c.oid IN (SELECT to_regclass(r.name) FROM unnest(ARRAY['"reference_data"."countries"', '"reference_data"."currencies"', '"reference_data"."exchange_rates"', '"reference_data"."status_codes"', '"reference_data"."time_zones"', '"reference_data"."locales"']::text[]) AS r(name)
                     UNION SELECT t.relid FROM unnest(ARRAY['"reference_data"."countries"', '"reference_data"."currencies"', '"reference_data"."exchange_rates"', '"reference_data"."status_codes"', '"reference_data"."time_zones"', '"reference_data"."locales"']::text[]) AS r(name), pg_partition_tree(to_regclass(r.name)) t)
       AND c.relhastriggers AND NOT EXISTS (SELECT 1 FROM pg_trigger g WHERE g.tgrelid = c.oid);
  END IF;
END
$carve$;
DROP FUNCTION IF EXISTS "reference_data"."carve_outbox_emit"();
DO $carve$
BEGIN
  IF to_regclass('"reference_data"."outbox"') IS NOT NULL
     AND obj_description(to_regclass('"reference_data"."outbox"'), 'pg_class') LIKE 'carve:outbox %' THEN
    REVOKE ALL ON "reference_data"."outbox" FROM "carve_reference_data";
    DROP TABLE "reference_data"."outbox";
  END IF;
END
$carve$;
