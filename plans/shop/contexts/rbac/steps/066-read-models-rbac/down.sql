-- Undo: the read models of rbac

DROP MATERIALIZED VIEW IF EXISTS "rbac"."rm_ums_org_memberships";
