-- Undo: the read models of memberships

DROP MATERIALIZED VIEW IF EXISTS "memberships"."rm_rbac_user_role_assignments";
DROP MATERIALIZED VIEW IF EXISTS "memberships"."rm_rbac_role_permissions";
DROP MATERIALIZED VIEW IF EXISTS "memberships"."rm_rbac_permissions";
DROP MATERIALIZED VIEW IF EXISTS "memberships"."rm_catalog_products";
