-- Step: events of context availability from the WAL (publication carve_events_availability, no trigger)

-- A plain CREATE: a publication of that name not made by this plan fails the step instead of being adopted.
CREATE PUBLICATION "carve_events_availability" FOR TABLE "availability"."stock_locations", "availability"."stock_levels", "availability"."service_capacity", "availability"."time_slots", "availability"."slot_reservations";
COMMENT ON PUBLICATION "carve_events_availability" IS 'carve:events {}';
