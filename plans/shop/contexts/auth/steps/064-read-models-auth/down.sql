-- Undo: the read models of auth

DROP MATERIALIZED VIEW IF EXISTS "auth"."rm_ums_users";
DROP MATERIALIZED VIEW IF EXISTS "auth"."rm_ums_org_memberships";
