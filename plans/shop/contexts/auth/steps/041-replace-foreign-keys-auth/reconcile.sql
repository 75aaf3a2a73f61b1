-- Reconciliation for the former foreign keys of context auth
-- read-only; each query lists up to 100 orphaned references

-- auth.auth_sessions → ums.users (was auth_sessions_user_id_fkey): rows whose reference has no target
SELECT c."user_id", count(*) AS rows
FROM "auth"."auth_sessions" c
WHERE c."user_id" IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM "ums"."users" p WHERE p."id" = c."user_id")
GROUP BY c."user_id"
ORDER BY rows DESC
LIMIT 100;

-- auth.auth_tokens → ums.organizations (was auth_tokens_tenant_id_fkey): rows whose reference has no target
SELECT c."tenant_id", count(*) AS rows
FROM "auth"."auth_tokens" c
WHERE c."tenant_id" IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM "ums"."organizations" p WHERE p."id" = c."tenant_id")
GROUP BY c."tenant_id"
ORDER BY rows DESC
LIMIT 100;

-- auth.auth_tokens → ums.users (was auth_tokens_user_id_fkey): rows whose reference has no target
SELECT c."user_id", count(*) AS rows
FROM "auth"."auth_tokens" c
WHERE c."user_id" IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM "ums"."users" p WHERE p."id" = c."user_id")
GROUP BY c."user_id"
ORDER BY rows DESC
LIMIT 100;

-- auth.login_identities → ums.users (was login_identities_user_id_fkey): rows whose reference has no target
SELECT c."user_id", count(*) AS rows
FROM "auth"."login_identities" c
WHERE c."user_id" IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM "ums"."users" p WHERE p."id" = c."user_id")
GROUP BY c."user_id"
ORDER BY rows DESC
LIMIT 100;

-- auth.mfa_factors → ums.users (was mfa_factors_user_id_fkey): rows whose reference has no target
SELECT c."user_id", count(*) AS rows
FROM "auth"."mfa_factors" c
WHERE c."user_id" IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM "ums"."users" p WHERE p."id" = c."user_id")
GROUP BY c."user_id"
ORDER BY rows DESC
LIMIT 100;

-- auth.password_resets → ums.users (was password_resets_user_id_fkey): rows whose reference has no target
SELECT c."user_id", count(*) AS rows
FROM "auth"."password_resets" c
WHERE c."user_id" IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM "ums"."users" p WHERE p."id" = c."user_id")
GROUP BY c."user_id"
ORDER BY rows DESC
LIMIT 100;

-- auth.refresh_tokens → ums.users (was refresh_tokens_user_id_fkey): rows whose reference has no target
SELECT c."user_id", count(*) AS rows
FROM "auth"."refresh_tokens" c
WHERE c."user_id" IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM "ums"."users" p WHERE p."id" = c."user_id")
GROUP BY c."user_id"
ORDER BY rows DESC
LIMIT 100;

-- auth.user_credentials → ums.users (was user_credentials_user_id_fkey): rows whose reference has no target
SELECT c."user_id", count(*) AS rows
FROM "auth"."user_credentials" c
WHERE c."user_id" IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM "ums"."users" p WHERE p."id" = c."user_id")
GROUP BY c."user_id"
ORDER BY rows DESC
LIMIT 100;
