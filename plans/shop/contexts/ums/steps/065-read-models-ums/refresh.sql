-- Refresh the read models of ums
-- run on a schedule until outbox events feed them

REFRESH MATERIALIZED VIEW CONCURRENTLY "ums"."rm_reference_data_locales";
REFRESH MATERIALIZED VIEW CONCURRENTLY "ums"."rm_reference_data_time_zones";
