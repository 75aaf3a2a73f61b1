-- Loose foreign keys of context rbac: apply queued ON DELETE actions
-- run repeatedly (e.g. every minute) until it affects no rows

-- access_policies_tenant_id_fkey: ON DELETE CASCADE on access_policies, applied after the fact
WITH q AS (
  DELETE FROM "rbac"."carve_loose_fk_queue" WHERE id IN (SELECT id FROM "rbac"."carve_loose_fk_queue" WHERE constraint_name = 'access_policies_tenant_id_fkey' ORDER BY id LIMIT 1000)
  RETURNING parent_key
)
DELETE FROM "rbac"."access_policies" c USING q WHERE c."tenant_id"::text = q.parent_key ->> 'id';

-- roles_tenant_id_fkey: ON DELETE CASCADE on roles, applied after the fact
WITH q AS (
  DELETE FROM "rbac"."carve_loose_fk_queue" WHERE id IN (SELECT id FROM "rbac"."carve_loose_fk_queue" WHERE constraint_name = 'roles_tenant_id_fkey' ORDER BY id LIMIT 1000)
  RETURNING parent_key
)
DELETE FROM "rbac"."roles" c USING q WHERE c."tenant_id"::text = q.parent_key ->> 'id';

-- user_role_assignments_granted_by_fkey: ON DELETE SET NULL on user_role_assignments, applied after the fact
WITH q AS (
  DELETE FROM "rbac"."carve_loose_fk_queue" WHERE id IN (SELECT id FROM "rbac"."carve_loose_fk_queue" WHERE constraint_name = 'user_role_assignments_granted_by_fkey' ORDER BY id LIMIT 1000)
  RETURNING parent_key
)
UPDATE "rbac"."user_role_assignments" c SET "granted_by" = NULL FROM q WHERE c."granted_by"::text = q.parent_key ->> 'id';

-- user_role_assignments_tenant_id_fkey: ON DELETE CASCADE on user_role_assignments, applied after the fact
WITH q AS (
  DELETE FROM "rbac"."carve_loose_fk_queue" WHERE id IN (SELECT id FROM "rbac"."carve_loose_fk_queue" WHERE constraint_name = 'user_role_assignments_tenant_id_fkey' ORDER BY id LIMIT 1000)
  RETURNING parent_key
)
DELETE FROM "rbac"."user_role_assignments" c USING q WHERE c."tenant_id"::text = q.parent_key ->> 'id';

-- user_role_assignments_user_id_fkey: ON DELETE CASCADE on user_role_assignments, applied after the fact
WITH q AS (
  DELETE FROM "rbac"."carve_loose_fk_queue" WHERE id IN (SELECT id FROM "rbac"."carve_loose_fk_queue" WHERE constraint_name = 'user_role_assignments_user_id_fkey' ORDER BY id LIMIT 1000)
  RETURNING parent_key
)
DELETE FROM "rbac"."user_role_assignments" c USING q WHERE c."user_id"::text = q.parent_key ->> 'id';
