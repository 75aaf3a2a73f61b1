-- Step: events of context orders from the WAL (publication carve_events_orders, no trigger)

-- A plain CREATE: a publication of that name not made by this plan fails the step instead of being adopted.
CREATE PUBLICATION "carve_events_orders" FOR TABLE "orders"."carts", "orders"."cart_items", "orders"."orders", "orders"."order_lines", "orders"."order_status_history", "orders"."order_snapshots";
COMMENT ON PUBLICATION "carve_events_orders" IS 'carve:events {}';
