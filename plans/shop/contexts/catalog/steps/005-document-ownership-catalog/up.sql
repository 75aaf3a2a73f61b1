-- Step: document the ownership of context catalog
-- owner: catalog-service

CREATE SCHEMA IF NOT EXISTS "carve";
CREATE TABLE IF NOT EXISTS "carve"."ownership" (
  relation regclass PRIMARY KEY,
  context text NOT NULL,
  owner text NOT NULL,
  classification text NOT NULL,
  table_key text NOT NULL
);
INSERT INTO "carve"."ownership" (relation, context, owner, classification, table_key) VALUES
  ('"public"."categories"'::regclass, 'catalog', 'catalog-service', 'owned', 'categories'),
  ('"public"."products"'::regclass, 'catalog', 'catalog-service', 'owned', 'products'),
  ('"public"."product_descriptions"'::regclass, 'catalog', 'catalog-service', 'owned', 'product_descriptions'),
  ('"public"."product_tags"'::regclass, 'catalog', 'catalog-service', 'owned', 'product_tags'),
  ('"public"."bundles"'::regclass, 'catalog', 'catalog-service', 'owned', 'bundles'),
  ('"public"."bundle_items"'::regclass, 'catalog', 'catalog-service', 'owned', 'bundle_items')
ON CONFLICT (relation) DO UPDATE SET context = EXCLUDED.context, owner = EXCLUDED.owner, classification = EXCLUDED.classification, table_key = EXCLUDED.table_key;
