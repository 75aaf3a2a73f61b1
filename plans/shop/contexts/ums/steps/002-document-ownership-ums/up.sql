-- Step: document the ownership of context ums
-- owner: ums-service

CREATE SCHEMA IF NOT EXISTS "carve";
CREATE TABLE IF NOT EXISTS "carve"."ownership" (
  relation regclass PRIMARY KEY,
  context text NOT NULL,
  owner text NOT NULL,
  classification text NOT NULL,
  table_key text NOT NULL
);
INSERT INTO "carve"."ownership" (relation, context, owner, classification, table_key) VALUES
  ('"public"."users"'::regclass, 'ums', 'ums-service', 'owned', 'users'),
  ('"public"."user_profiles"'::regclass, 'ums', 'ums-service', 'owned', 'user_profiles'),
  ('"public"."organizations"'::regclass, 'ums', 'ums-service', 'owned', 'organizations'),
  ('"public"."org_memberships"'::regclass, 'ums', 'ums-service', 'owned', 'org_memberships'),
  ('"public"."modules"'::regclass, 'ums', 'ums-service', 'owned', 'modules'),
  ('"public"."module_access"'::regclass, 'ums', 'ums-service', 'owned', 'module_access'),
  ('"public"."user_attributes"'::regclass, 'ums', 'ums-service', 'owned', 'user_attributes')
ON CONFLICT (relation) DO UPDATE SET context = EXCLUDED.context, owner = EXCLUDED.owner, classification = EXCLUDED.classification, table_key = EXCLUDED.table_key;
