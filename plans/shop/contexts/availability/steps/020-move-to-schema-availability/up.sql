-- Step: move the tables of context availability into schema availability
-- and leave a compatibility view under each old name

-- Every lock up front, in one order (by original table name, as in the other direction). The
-- first waits up to the step's lock_timeout; each further one at most 200ms, so a table
-- already locked is never held longer than that while another is awaited. On a busy database an
-- application transaction is over within that (NOWAIT, tried before, almost never found every
-- table free at once). A lock not granted rolls the step back (55P03) and the executor retries.
LOCK TABLE ONLY "public"."service_capacity" IN ACCESS EXCLUSIVE MODE;
SELECT set_config('carve.step_lock_timeout', current_setting('lock_timeout'), true), set_config('lock_timeout', '200ms', true);
LOCK TABLE ONLY "public"."slot_reservations" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "public"."stock_levels" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "public"."stock_locations" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "public"."time_slots" IN ACCESS EXCLUSIVE MODE;
SELECT set_config('lock_timeout', current_setting('carve.step_lock_timeout'), true);
-- A plain CREATE SCHEMA: if the schema appeared since the plan was made, this fails instead of adopting it.
CREATE SCHEMA "availability";
DO $carve$
BEGIN
  IF to_regclass('"availability"."stock_locations"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."stock_locations"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "public"."stock_locations" SET SCHEMA "availability";
  END IF;
  IF to_regclass('"availability"."stock_levels"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."stock_levels"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "public"."stock_levels" SET SCHEMA "availability";
  END IF;
  IF to_regclass('"availability"."service_capacity"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."service_capacity"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "public"."service_capacity" SET SCHEMA "availability";
  END IF;
  IF to_regclass('"availability"."time_slots"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."time_slots"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "public"."time_slots" SET SCHEMA "availability";
  END IF;
  IF to_regclass('"availability"."slot_reservations"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."slot_reservations"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "public"."slot_reservations" SET SCHEMA "availability";
  END IF;
END
$carve$;

CREATE OR REPLACE VIEW "public"."stock_locations" AS
  SELECT "id", "code", "name", "country_code", "time_zone", "is_active"
  FROM "availability"."stock_locations";
COMMENT ON VIEW "public"."stock_locations" IS 'carve:compatibility-view availability.stock_locations (owner: availability-service). Legacy access path; move readers to the owner''s API or a read model.';

CREATE OR REPLACE VIEW "public"."stock_levels" AS
  SELECT "id", "product_id", "location_id", "on_hand", "reserved", "reorder_point", "updated_at"
  FROM "availability"."stock_levels";
COMMENT ON VIEW "public"."stock_levels" IS 'carve:compatibility-view availability.stock_levels (owner: availability-service). Legacy access path; move readers to the owner''s API or a read model.';

CREATE OR REPLACE VIEW "public"."service_capacity" AS
  SELECT "id", "product_id", "location_id", "capacity_date", "capacity", "booked"
  FROM "availability"."service_capacity";
COMMENT ON VIEW "public"."service_capacity" IS 'carve:compatibility-view availability.service_capacity (owner: availability-service). Legacy access path; move readers to the owner''s API or a read model.';

CREATE OR REPLACE VIEW "public"."time_slots" AS
  SELECT "id", "product_id", "location_id", "starts_at", "ends_at", "seats", "seats_taken"
  FROM "availability"."time_slots";
COMMENT ON VIEW "public"."time_slots" IS 'carve:compatibility-view availability.time_slots (owner: availability-service). Legacy access path; move readers to the owner''s API or a read model.';

CREATE OR REPLACE VIEW "public"."slot_reservations" AS
  SELECT "id", "slot_id", "user_id", "order_id", "status", "held_until", "created_at"
  FROM "availability"."slot_reservations";
COMMENT ON VIEW "public"."slot_reservations" IS 'carve:compatibility-view availability.slot_reservations (owner: availability-service). Legacy access path; move readers to the owner''s API or a read model.';

-- Each view gets its table's owner and grants; the owners get USAGE on the schema.
DO $carve$
DECLARE
  p record;
  a record;
  owner_name text;
BEGIN
  FOR p IN SELECT to_regclass(t) AS tbl, to_regclass(v) AS view FROM (VALUES
    ('"availability"."stock_locations"', '"public"."stock_locations"'),
    ('"availability"."stock_levels"', '"public"."stock_levels"'),
    ('"availability"."service_capacity"', '"public"."service_capacity"'),
    ('"availability"."time_slots"', '"public"."time_slots"'),
    ('"availability"."slot_reservations"', '"public"."slot_reservations"')
  ) AS m(t, v) LOOP
    CONTINUE WHEN p.tbl IS NULL OR p.view IS NULL;
    SELECT pg_get_userbyid(relowner) INTO owner_name FROM pg_class WHERE oid = p.tbl;
    EXECUTE format('ALTER VIEW %s OWNER TO %I', p.view, owner_name);
    IF owner_name <> (SELECT pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = 'availability')
       AND NOT has_schema_privilege(owner_name, 'availability', 'USAGE') THEN
      EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I', 'availability', owner_name);
    END IF;
    FOR a IN SELECT e.grantee, e.privilege_type, e.is_grantable FROM pg_class c, aclexplode(c.relacl) e
             WHERE c.oid = p.tbl AND e.grantee <> c.relowner LOOP
      EXECUTE format('GRANT %s ON %s TO %s%s', a.privilege_type, p.view,
                     CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(a.grantee)) END,
                     CASE WHEN a.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END);
    END LOOP;
  END LOOP;
END
$carve$;
