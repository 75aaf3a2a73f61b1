-- Step: document the ownership of context orders
-- owner: orders-service

CREATE SCHEMA IF NOT EXISTS "carve";
CREATE TABLE IF NOT EXISTS "carve"."ownership" (
  relation regclass PRIMARY KEY,
  context text NOT NULL,
  owner text NOT NULL,
  classification text NOT NULL,
  table_key text NOT NULL
);
INSERT INTO "carve"."ownership" (relation, context, owner, classification, table_key) VALUES
  ('"public"."carts"'::regclass, 'orders', 'orders-service', 'owned', 'carts'),
  ('"public"."cart_items"'::regclass, 'orders', 'orders-service', 'owned', 'cart_items'),
  ('"public"."orders"'::regclass, 'orders', 'orders-service', 'owned', 'orders'),
  ('"public"."order_lines"'::regclass, 'orders', 'orders-service', 'owned', 'order_lines'),
  ('"public"."order_status_history"'::regclass, 'orders', 'orders-service', 'owned', 'order_status_history'),
  ('"public"."order_snapshots"'::regclass, 'orders', 'orders-service', 'owned', 'order_snapshots')
ON CONFLICT (relation) DO UPDATE SET context = EXCLUDED.context, owner = EXCLUDED.owner, classification = EXCLUDED.classification, table_key = EXCLUDED.table_key;
