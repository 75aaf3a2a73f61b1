-- Refresh the read models of auth
-- run on a schedule until outbox events feed them

REFRESH MATERIALIZED VIEW CONCURRENTLY "auth"."rm_ums_org_memberships";
REFRESH MATERIALIZED VIEW CONCURRENTLY "auth"."rm_ums_users";
