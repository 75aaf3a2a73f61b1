-- Refresh the read models of pricing
-- run on a schedule until outbox events feed them

REFRESH MATERIALIZED VIEW CONCURRENTLY "pricing"."rm_catalog_products";
REFRESH MATERIALIZED VIEW CONCURRENTLY "pricing"."rm_orders_orders";
REFRESH MATERIALIZED VIEW CONCURRENTLY "pricing"."rm_reference_data_exchange_rates";
