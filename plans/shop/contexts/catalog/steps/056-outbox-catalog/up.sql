-- Step: events of context catalog from the WAL (publication carve_events_catalog, no trigger)

-- A plain CREATE: a publication of that name not made by this plan fails the step instead of being adopted.
CREATE PUBLICATION "carve_events_catalog" FOR TABLE "catalog"."categories", "catalog"."products", "catalog"."product_descriptions", "catalog"."product_tags", "catalog"."bundles", "catalog"."bundle_items";
COMMENT ON PUBLICATION "carve_events_catalog" IS 'carve:events {}';
