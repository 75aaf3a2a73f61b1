-- Undo: the read models of availability

DROP MATERIALIZED VIEW IF EXISTS "availability"."rm_catalog_products";
