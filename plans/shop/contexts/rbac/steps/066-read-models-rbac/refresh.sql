-- Refresh the read models of rbac
-- run on a schedule until outbox events feed them

REFRESH MATERIALIZED VIEW CONCURRENTLY "rbac"."rm_ums_org_memberships";
