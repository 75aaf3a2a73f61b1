-- Step: events of context reference-data from the WAL (publication carve_events_reference_data, no trigger)

-- A plain CREATE: a publication of that name not made by this plan fails the step instead of being adopted.
CREATE PUBLICATION "carve_events_reference_data" FOR TABLE "reference_data"."countries", "reference_data"."currencies", "reference_data"."exchange_rates", "reference_data"."status_codes", "reference_data"."time_zones", "reference_data"."locales";
COMMENT ON PUBLICATION "carve_events_reference_data" IS 'carve:events {}';
