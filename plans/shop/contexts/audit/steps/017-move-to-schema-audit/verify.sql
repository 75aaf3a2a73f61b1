-- Verify: the tables of context audit live in schema audit, reachable under their old names

DO $carve$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"audit"."audit_events"') AND relkind IN ('r', 'p')) THEN
    RAISE EXCEPTION 'carve verify: % is not a table in schema %', '"audit"."audit_events"', 'audit';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."audit_events"') AND relkind = 'v') THEN
    RAISE EXCEPTION 'carve verify: the compatibility view % is missing', '"public"."audit_events"';
  END IF;
  PERFORM 1 FROM "public"."audit_events" LIMIT 1;
  IF NOT EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"audit"."auth_events"') AND relkind IN ('r', 'p')) THEN
    RAISE EXCEPTION 'carve verify: % is not a table in schema %', '"audit"."auth_events"', 'audit';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."auth_events"') AND relkind = 'v') THEN
    RAISE EXCEPTION 'carve verify: the compatibility view % is missing', '"public"."auth_events"';
  END IF;
  PERFORM 1 FROM "public"."auth_events" LIMIT 1;
  IF NOT EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"audit"."rbac_decisions"') AND relkind IN ('r', 'p')) THEN
    RAISE EXCEPTION 'carve verify: % is not a table in schema %', '"audit"."rbac_decisions"', 'audit';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."rbac_decisions"') AND relkind = 'v') THEN
    RAISE EXCEPTION 'carve verify: the compatibility view % is missing', '"public"."rbac_decisions"';
  END IF;
  PERFORM 1 FROM "public"."rbac_decisions" LIMIT 1;
  IF NOT EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"audit"."action_traces"') AND relkind IN ('r', 'p')) THEN
    RAISE EXCEPTION 'carve verify: % is not a table in schema %', '"audit"."action_traces"', 'audit';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."action_traces"') AND relkind = 'v') THEN
    RAISE EXCEPTION 'carve verify: the compatibility view % is missing', '"public"."action_traces"';
  END IF;
  PERFORM 1 FROM "public"."action_traces" LIMIT 1;
  IF NOT EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"audit"."action_traces_2024"') AND relkind IN ('r', 'p')) THEN
    RAISE EXCEPTION 'carve verify: % is not a table in schema %', '"audit"."action_traces_2024"', 'audit';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."action_traces_2024"') AND relkind = 'v') THEN
    RAISE EXCEPTION 'carve verify: the compatibility view % is missing', '"public"."action_traces_2024"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"audit"."action_traces_2025"') AND relkind IN ('r', 'p')) THEN
    RAISE EXCEPTION 'carve verify: % is not a table in schema %', '"audit"."action_traces_2025"', 'audit';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."action_traces_2025"') AND relkind = 'v') THEN
    RAISE EXCEPTION 'carve verify: the compatibility view % is missing', '"public"."action_traces_2025"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"audit"."action_traces_default"') AND relkind IN ('r', 'p')) THEN
    RAISE EXCEPTION 'carve verify: % is not a table in schema %', '"audit"."action_traces_default"', 'audit';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."action_traces_default"') AND relkind = 'v') THEN
    RAISE EXCEPTION 'carve verify: the compatibility view % is missing', '"public"."action_traces_default"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"audit"."error_logs"') AND relkind IN ('r', 'p')) THEN
    RAISE EXCEPTION 'carve verify: % is not a table in schema %', '"audit"."error_logs"', 'audit';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."error_logs"') AND relkind = 'v') THEN
    RAISE EXCEPTION 'carve verify: the compatibility view % is missing', '"public"."error_logs"';
  END IF;
  PERFORM 1 FROM "public"."error_logs" LIMIT 1;
END
$carve$;
