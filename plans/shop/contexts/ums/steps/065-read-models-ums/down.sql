-- Undo: the read models of ums

DROP MATERIALIZED VIEW IF EXISTS "ums"."rm_reference_data_time_zones";
DROP MATERIALIZED VIEW IF EXISTS "ums"."rm_reference_data_locales";
