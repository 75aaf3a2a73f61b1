-- Step: events of context ums from the WAL (publication carve_events_ums, no trigger)

-- A plain CREATE: a publication of that name not made by this plan fails the step instead of being adopted.
CREATE PUBLICATION "carve_events_ums" FOR TABLE "ums"."users", "ums"."user_profiles", "ums"."organizations", "ums"."org_memberships", "ums"."modules", "ums"."module_access", "ums"."user_attributes";
COMMENT ON PUBLICATION "carve_events_ums" IS 'carve:events {}';
