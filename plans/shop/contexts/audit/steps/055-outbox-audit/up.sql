-- Step: events of context audit from the WAL (publication carve_events_audit, no trigger)

-- A plain CREATE: a publication of that name not made by this plan fails the step instead of being adopted.
CREATE PUBLICATION "carve_events_audit" FOR TABLE "audit"."audit_events", "audit"."auth_events", "audit"."rbac_decisions", "audit"."action_traces", "audit"."error_logs" WITH (publish_via_partition_root = true);
COMMENT ON PUBLICATION "carve_events_audit" IS 'carve:events {}';
