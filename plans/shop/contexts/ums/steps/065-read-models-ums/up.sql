-- Step: read models owned by ums-service for what it reads from other contexts

CREATE SCHEMA IF NOT EXISTS "ums";
CREATE MATERIALIZED VIEW IF NOT EXISTS "ums"."rm_reference_data_locales" AS
  SELECT "code", "language", "country_code", "is_default"
  FROM "reference_data"."locales";
COMMENT ON MATERIALIZED VIEW "ums"."rm_reference_data_locales" IS 'carve:read-model of reference-data.locales, owned by ums-service';
CREATE UNIQUE INDEX IF NOT EXISTS "rm_reference_data_locales_key" ON "ums"."rm_reference_data_locales" ("code");
GRANT SELECT ON "ums"."rm_reference_data_locales" TO "carve_ums_service";

CREATE MATERIALIZED VIEW IF NOT EXISTS "ums"."rm_reference_data_time_zones" AS
  SELECT "name", "utc_offset_min", "observes_dst"
  FROM "reference_data"."time_zones";
COMMENT ON MATERIALIZED VIEW "ums"."rm_reference_data_time_zones" IS 'carve:read-model of reference-data.time_zones, owned by ums-service';
CREATE UNIQUE INDEX IF NOT EXISTS "rm_reference_data_time_zones_key" ON "ums"."rm_reference_data_time_zones" ("name");
GRANT SELECT ON "ums"."rm_reference_data_time_zones" TO "carve_ums_service";
