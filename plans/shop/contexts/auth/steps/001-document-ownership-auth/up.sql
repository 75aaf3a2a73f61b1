-- Step: document the ownership of context auth
-- owner: auth-service

CREATE SCHEMA IF NOT EXISTS "carve";
CREATE TABLE IF NOT EXISTS "carve"."ownership" (
  relation regclass PRIMARY KEY,
  context text NOT NULL,
  owner text NOT NULL,
  classification text NOT NULL,
  table_key text NOT NULL
);
INSERT INTO "carve"."ownership" (relation, context, owner, classification, table_key) VALUES
  ('"public"."user_credentials"'::regclass, 'auth', 'auth-service', 'owned', 'user_credentials'),
  ('"public"."login_identities"'::regclass, 'auth', 'auth-service', 'owned', 'login_identities'),
  ('"public"."auth_sessions"'::regclass, 'auth', 'auth-service', 'owned', 'auth_sessions'),
  ('"public"."refresh_tokens"'::regclass, 'auth', 'auth-service', 'owned', 'refresh_tokens'),
  ('"public"."auth_tokens"'::regclass, 'auth', 'auth-service', 'owned', 'auth_tokens'),
  ('"public"."password_resets"'::regclass, 'auth', 'auth-service', 'owned', 'password_resets'),
  ('"public"."mfa_factors"'::regclass, 'auth', 'auth-service', 'owned', 'mfa_factors')
ON CONFLICT (relation) DO UPDATE SET context = EXCLUDED.context, owner = EXCLUDED.owner, classification = EXCLUDED.classification, table_key = EXCLUDED.table_key;
