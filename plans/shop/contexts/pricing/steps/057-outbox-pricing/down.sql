-- Undo: the outbox of context pricing

-- Every lock up front, in one order (by original table name, as in the other direction). The
-- first waits up to the step's lock_timeout; each further one at most 200ms, so a table
-- already locked is never held longer than that while another is awaited. On a busy database an
-- application transaction is over within that (NOWAIT, tried before, almost never found every
-- table free at once). A lock not granted rolls the step back (55P03) and the executor retries.
LOCK TABLE ONLY "pricing"."discounts" IN ACCESS EXCLUSIVE MODE;
SELECT set_config('carve.step_lock_timeout', current_setting('lock_timeout'), true), set_config('lock_timeout', '200ms', true);
LOCK TABLE ONLY "pricing"."price_lists" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "pricing"."price_rules" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "pricing"."pricing_snapshots" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "pricing"."promotion_redemptions" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "pricing"."promotions" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "pricing"."tax_rates" IN ACCESS EXCLUSIVE MODE;
SELECT set_config('lock_timeout', current_setting('carve.step_lock_timeout'), true);
DO $carve$
BEGIN
  IF to_regclass('"pricing"."price_lists"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "pricing"."price_lists";
  END IF;
  IF to_regclass('"pricing"."price_rules"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "pricing"."price_rules";
  END IF;
  IF to_regclass('"pricing"."discounts"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "pricing"."discounts";
  END IF;
  IF to_regclass('"pricing"."promotions"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "pricing"."promotions";
  END IF;
  IF to_regclass('"pricing"."promotion_redemptions"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "pricing"."promotion_redemptions";
  END IF;
  IF to_regclass('"pricing"."pricing_snapshots"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "pricing"."pricing_snapshots";
  END IF;
  IF to_regclass('"pricing"."tax_rates"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "pricing"."tax_rates";
  END IF;
END
$carve$;
DO $carve$
BEGIN
  -- DROP TRIGGER leaves relhastriggers true until a VACUUM; when no trigger is left at all, say so
  -- now (a superuser's catalog update; otherwise the next VACUUM does it).
  IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
    UPDATE pg_catalog.pg_class c SET relhastriggers = false
     WHERE c.oid IN (SELECT to_regclass(r.name) FROM unnest(ARRAY['"pricing"."price_lists"', '"pricing"."price_rules"', '"pricing"."discounts"', '"pricing"."promotions"', '"pricing"."promotion_redemptions"', '"pricing"."pricing_snapshots"', '"pricing"."tax_rates"']::text[]) AS r(name)
                     UNION SELECT t.relid FROM unnest(ARRAY['"pricing"."price_lists"', '"pricing"."price_rules"', '"pricing"."discounts"', '"pricing"."promotions"', '"pricing"."promotion_redemptions"', '"pricing"."pricing_snapshots"', '"pricing"."tax_rates"']::text[]) AS r(name), pg_partition_tree(to_regclass(r.name)) t)
       AND c.relhastriggers AND NOT EXISTS (SELECT 1 FROM pg_trigger g WHERE g.tgrelid = c.oid);
  END IF;
END
$carve$;
DROP FUNCTION IF EXISTS "pricing"."carve_outbox_emit"();
DO $carve$
BEGIN
  IF to_regclass('"pricing"."outbox"') IS NOT NULL
     AND obj_description(to_regclass('"pricing"."outbox"'), 'pg_class') LIKE 'carve:outbox %' THEN
    REVOKE ALL ON "pricing"."outbox" FROM "carve_pricing_service";
    DROP TABLE "pricing"."outbox";
  END IF;
END
$carve$;
