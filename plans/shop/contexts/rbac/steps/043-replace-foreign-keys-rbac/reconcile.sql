-- Reconciliation for the former foreign keys of context rbac
-- read-only; each query lists up to 100 orphaned references

-- rbac.access_policies → ums.organizations (was access_policies_tenant_id_fkey): rows whose reference has no target
SELECT c."tenant_id", count(*) AS rows
FROM "rbac"."access_policies" c
WHERE c."tenant_id" IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM "ums"."organizations" p WHERE p."id" = c."tenant_id")
GROUP BY c."tenant_id"
ORDER BY rows DESC
LIMIT 100;

-- rbac.roles → ums.organizations (was roles_tenant_id_fkey): rows whose reference has no target
SELECT c."tenant_id", count(*) AS rows
FROM "rbac"."roles" c
WHERE c."tenant_id" IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM "ums"."organizations" p WHERE p."id" = c."tenant_id")
GROUP BY c."tenant_id"
ORDER BY rows DESC
LIMIT 100;

-- rbac.user_role_assignments → ums.users (was user_role_assignments_granted_by_fkey): rows whose reference has no target
SELECT c."granted_by", count(*) AS rows
FROM "rbac"."user_role_assignments" c
WHERE c."granted_by" IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM "ums"."users" p WHERE p."id" = c."granted_by")
GROUP BY c."granted_by"
ORDER BY rows DESC
LIMIT 100;

-- rbac.user_role_assignments → ums.organizations (was user_role_assignments_tenant_id_fkey): rows whose reference has no target
SELECT c."tenant_id", count(*) AS rows
FROM "rbac"."user_role_assignments" c
WHERE c."tenant_id" IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM "ums"."organizations" p WHERE p."id" = c."tenant_id")
GROUP BY c."tenant_id"
ORDER BY rows DESC
LIMIT 100;

-- rbac.user_role_assignments → ums.users (was user_role_assignments_user_id_fkey): rows whose reference has no target
SELECT c."user_id", count(*) AS rows
FROM "rbac"."user_role_assignments" c
WHERE c."user_id" IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM "ums"."users" p WHERE p."id" = c."user_id")
GROUP BY c."user_id"
ORDER BY rows DESC
LIMIT 100;
