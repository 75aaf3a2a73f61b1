-- Step: events of context rbac from the WAL (publication carve_events_rbac, no trigger)

-- A plain CREATE: a publication of that name not made by this plan fails the step instead of being adopted.
CREATE PUBLICATION "carve_events_rbac" FOR TABLE "rbac"."roles", "rbac"."permissions", "rbac"."role_permissions", "rbac"."user_role_assignments", "rbac"."access_policies";
COMMENT ON PUBLICATION "carve_events_rbac" IS 'carve:events {}';
