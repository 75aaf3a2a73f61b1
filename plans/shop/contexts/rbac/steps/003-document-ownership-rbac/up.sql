-- Step: document the ownership of context rbac
-- owner: rbac-service

CREATE SCHEMA IF NOT EXISTS "carve";
CREATE TABLE IF NOT EXISTS "carve"."ownership" (
  relation regclass PRIMARY KEY,
  context text NOT NULL,
  owner text NOT NULL,
  classification text NOT NULL,
  table_key text NOT NULL
);
INSERT INTO "carve"."ownership" (relation, context, owner, classification, table_key) VALUES
  ('"public"."roles"'::regclass, 'rbac', 'rbac-service', 'owned', 'roles'),
  ('"public"."permissions"'::regclass, 'rbac', 'rbac-service', 'owned', 'permissions'),
  ('"public"."role_permissions"'::regclass, 'rbac', 'rbac-service', 'owned', 'role_permissions'),
  ('"public"."user_role_assignments"'::regclass, 'rbac', 'rbac-service', 'owned', 'user_role_assignments'),
  ('"public"."access_policies"'::regclass, 'rbac', 'rbac-service', 'owned', 'access_policies')
ON CONFLICT (relation) DO UPDATE SET context = EXCLUDED.context, owner = EXCLUDED.owner, classification = EXCLUDED.classification, table_key = EXCLUDED.table_key;
