-- Undo: the read models of pricing

DROP MATERIALIZED VIEW IF EXISTS "pricing"."rm_reference_data_exchange_rates";
DROP MATERIALIZED VIEW IF EXISTS "pricing"."rm_orders_orders";
DROP MATERIALIZED VIEW IF EXISTS "pricing"."rm_catalog_products";
