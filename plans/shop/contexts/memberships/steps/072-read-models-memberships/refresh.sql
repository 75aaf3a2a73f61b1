-- Refresh the read models of memberships
-- run on a schedule until outbox events feed them

REFRESH MATERIALIZED VIEW CONCURRENTLY "memberships"."rm_catalog_products";
REFRESH MATERIALIZED VIEW CONCURRENTLY "memberships"."rm_rbac_permissions";
REFRESH MATERIALIZED VIEW CONCURRENTLY "memberships"."rm_rbac_role_permissions";
REFRESH MATERIALIZED VIEW CONCURRENTLY "memberships"."rm_rbac_user_role_assignments";
