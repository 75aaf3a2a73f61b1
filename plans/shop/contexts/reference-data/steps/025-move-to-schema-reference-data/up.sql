-- Step: move the tables of context reference-data into schema reference_data
-- and leave a compatibility view under each old name

-- Every lock up front, in one order (by original table name, as in the other direction). The
-- first waits up to the step's lock_timeout; each further one at most 200ms, so a table
-- already locked is never held longer than that while another is awaited. On a busy database an
-- application transaction is over within that (NOWAIT, tried before, almost never found every
-- table free at once). A lock not granted rolls the step back (55P03) and the executor retries.
LOCK TABLE ONLY "public"."countries" IN ACCESS EXCLUSIVE MODE;
SELECT set_config('carve.step_lock_timeout', current_setting('lock_timeout'), true), set_config('lock_timeout', '200ms', true);
LOCK TABLE ONLY "public"."currencies" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "public"."exchange_rates" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "public"."locales" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "public"."status_codes" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "public"."time_zones" IN ACCESS EXCLUSIVE MODE;
SELECT set_config('lock_timeout', current_setting('carve.step_lock_timeout'), true);
-- A plain CREATE SCHEMA: if the schema appeared since the plan was made, this fails instead of adopting it.
CREATE SCHEMA "reference_data";
DO $carve$
BEGIN
  IF to_regclass('"reference_data"."countries"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."countries"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "public"."countries" SET SCHEMA "reference_data";
  END IF;
  IF to_regclass('"reference_data"."currencies"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."currencies"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "public"."currencies" SET SCHEMA "reference_data";
  END IF;
  IF to_regclass('"reference_data"."exchange_rates"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."exchange_rates"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "public"."exchange_rates" SET SCHEMA "reference_data";
  END IF;
  IF to_regclass('"reference_data"."status_codes"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."status_codes"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "public"."status_codes" SET SCHEMA "reference_data";
  END IF;
  IF to_regclass('"reference_data"."time_zones"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."time_zones"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "public"."time_zones" SET SCHEMA "reference_data";
  END IF;
  IF to_regclass('"reference_data"."locales"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."locales"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "public"."locales" SET SCHEMA "reference_data";
  END IF;
END
$carve$;

CREATE OR REPLACE VIEW "public"."countries" AS
  SELECT "code", "iso3", "name", "currency_code", "region", "phone_prefix", "eu_member"
  FROM "reference_data"."countries";
COMMENT ON VIEW "public"."countries" IS 'carve:compatibility-view reference_data.countries (owner: reference-data). Legacy access path; move readers to the owner''s API or a read model.';

CREATE OR REPLACE VIEW "public"."currencies" AS
  SELECT "code", "name", "symbol", "minor_units", "is_active"
  FROM "reference_data"."currencies";
COMMENT ON VIEW "public"."currencies" IS 'carve:compatibility-view reference_data.currencies (owner: reference-data). Legacy access path; move readers to the owner''s API or a read model.';

CREATE OR REPLACE VIEW "public"."exchange_rates" AS
  SELECT "id", "base_currency", "quote_currency", "rate_date", "rate", "source"
  FROM "reference_data"."exchange_rates";
COMMENT ON VIEW "public"."exchange_rates" IS 'carve:compatibility-view reference_data.exchange_rates (owner: reference-data). Legacy access path; move readers to the owner''s API or a read model.';

CREATE OR REPLACE VIEW "public"."status_codes" AS
  SELECT "domain", "code", "label", "is_terminal", "sort_order"
  FROM "reference_data"."status_codes";
COMMENT ON VIEW "public"."status_codes" IS 'carve:compatibility-view reference_data.status_codes (owner: reference-data). Legacy access path; move readers to the owner''s API or a read model.';

CREATE OR REPLACE VIEW "public"."time_zones" AS
  SELECT "name", "utc_offset_min", "observes_dst"
  FROM "reference_data"."time_zones";
COMMENT ON VIEW "public"."time_zones" IS 'carve:compatibility-view reference_data.time_zones (owner: reference-data). Legacy access path; move readers to the owner''s API or a read model.';

CREATE OR REPLACE VIEW "public"."locales" AS
  SELECT "code", "language", "country_code", "is_default"
  FROM "reference_data"."locales";
COMMENT ON VIEW "public"."locales" IS 'carve:compatibility-view reference_data.locales (owner: reference-data). Legacy access path; move readers to the owner''s API or a read model.';

-- Each view gets its table's owner and grants; the owners get USAGE on the schema.
DO $carve$
DECLARE
  p record;
  a record;
  owner_name text;
BEGIN
  FOR p IN SELECT to_regclass(t) AS tbl, to_regclass(v) AS view FROM (VALUES
    ('"reference_data"."countries"', '"public"."countries"'),
    ('"reference_data"."currencies"', '"public"."currencies"'),
    ('"reference_data"."exchange_rates"', '"public"."exchange_rates"'),
    ('"reference_data"."status_codes"', '"public"."status_codes"'),
    ('"reference_data"."time_zones"', '"public"."time_zones"'),
    ('"reference_data"."locales"', '"public"."locales"')
  ) AS m(t, v) LOOP
    CONTINUE WHEN p.tbl IS NULL OR p.view IS NULL;
    SELECT pg_get_userbyid(relowner) INTO owner_name FROM pg_class WHERE oid = p.tbl;
    EXECUTE format('ALTER VIEW %s OWNER TO %I', p.view, owner_name);
    IF owner_name <> (SELECT pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = 'reference_data')
       AND NOT has_schema_privilege(owner_name, 'reference_data', 'USAGE') THEN
      EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I', 'reference_data', owner_name);
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
