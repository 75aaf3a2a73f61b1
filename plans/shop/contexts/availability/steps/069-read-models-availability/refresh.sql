-- Refresh the read models of availability
-- run on a schedule until outbox events feed them

REFRESH MATERIALIZED VIEW CONCURRENTLY "availability"."rm_catalog_products";
