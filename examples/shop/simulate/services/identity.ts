/**
 * Identity services: auth, ums, rbac and audit.
 *
 * Legacy habits simulated here:
 *   - UMS inserts user_credentials and login_identities rows itself on signup (habit 1)
 *   - RBAC's HR sync rewrites user_profiles.job_title (habit 2)
 *   - Auth reads users.status and org_memberships on every login, sets users.email_verified,
 *     and writes failed logins to auth_events directly
 */
import type {Ctx} from '../context.js'
import type {Id} from '../db.js'
import {slice, type AttributeRow, type RefreshRow, type SessionRow, type UserRow} from '../pools.js'
import {FIRST_NAMES, GEO, LAST_NAMES, PERMISSION_CHECK, ip, v, writeAudit, type WorkerSpec} from './common.js'

const USER_AGENTS = ['Mozilla/5.0 (Windows NT 10.0; Win64; x64)', 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4)', 'HarborPine/5.14 (iOS 18.1)', 'HarborPine/5.14 (Android 15)']

// ---------------------------------------------------------------------------------------------
// auth-service
// ---------------------------------------------------------------------------------------------

interface AuthState {
  loginUsers: UserRow[]
  myUsers: UserRow[]
  myTokens: RefreshRow[]
  mySessions: SessionRow[]
  ownSessions: string[]
}

const authState = new WeakMap<Ctx, AuthState>()

function auth(ctx: Ctx): AuthState {
  let s = authState.get(ctx)
  if (!s) {
    const credit = new Set(ctx.pools.creditUsers)
    const loginUsers = ctx.pools.customers.filter((u) => credit.has(u.id))
    s = {
      loginUsers,
      myUsers: slice(loginUsers, (u) => u.id, ctx.worker, 3),
      myTokens: slice(ctx.pools.refreshTokens, (t) => t.id, ctx.worker, 3),
      mySessions: ctx.pools.sessions.filter((_x, i) => i % 3 === ctx.worker),
      ownSessions: [],
    }
    authState.set(ctx, s)
  }
  return s
}

async function authStep(ctx: Ctx, iteration: number): Promise<void> {
  const {db, rng, d} = ctx
  const s = auth(ctx)
  if (iteration === ctx.at(0.25) && ctx.worker === 0) {
    await db.lit(`DELETE FROM password_resets\n WHERE used_at IS NULL AND expires_at < now() - ${d.iv(365, 'day')}`)
    return
  }
  const op = rng.weighted({login: 30, session: 30, refresh: 12, logout: 5, apiToken: 8, mfa: 4, reset: 3, verify: 2, link: 1.5, rehash: 1.5})
  switch (op) {
    case 'login': {
      const u = rng.pick(s.loginUsers)
      await db.q(
        `SELECT c.id, c.password_hash, c.hash_algo, c.failed_attempts, c.locked_until,
       u.id AS user_id, u.status, u.email_verified
  FROM users u
  JOIN user_credentials c ON c.user_id = u.id AND c.is_current
 WHERE lower(u.email) = lower(?)`,
        [u.email],
      )
      await db.q('SELECT tenant_id, member_type FROM org_memberships WHERE user_id = ? AND left_at IS NULL', [u.id])
      if (rng.chance(0.85)) {
        await db.q('UPDATE user_credentials SET last_login_at = now(), failed_attempts = 0 WHERE user_id = ? AND is_current', [u.id])
        await db.q("UPDATE login_identities SET last_used_at = now() WHERE user_id = ? AND provider = 'password'", [u.id])
        const session = rng.uuid()
        await db.q(
          `INSERT INTO auth_sessions (id, user_id, ip_address, user_agent, expires_at)\nVALUES (?, ?, ?, ?, now() + ${d.iv(30, 'day')})`,
          [session, u.id, ip(ctx), rng.pick(USER_AGENTS)],
        )
        await db.q(`INSERT INTO refresh_tokens (session_id, user_id, token_hash, expires_at)\nVALUES (?, ?, ?, now() + ${d.iv(30, 'day')})`, [session, u.id, rng.hex(64)])
        s.ownSessions.push(session)
        if (s.ownSessions.length > 50) s.ownSessions.shift()
      } else {
        await db.q('UPDATE user_credentials SET failed_attempts = failed_attempts + 1 WHERE user_id = ? AND is_current', [u.id])
        // Legacy: failed logins go straight into the audit context's table.
        await db.q(
          `INSERT INTO auth_events (user_id, tenant_id, event_type, provider, ip_address, success, failure_reason)\nVALUES (?, ?, 'login_failed', 'password', ?, false, 'bad_password')`,
          [u.id, u.tenant, ip(ctx, '172.16')],
        )
        if (rng.chance(0.2)) await db.q(`UPDATE user_credentials SET locked_until = now() + ${d.iv(15, 'minute')} WHERE user_id = ? AND is_current`, [u.id])
      }
      return
    }
    case 'session': {
      const id = s.ownSessions.length && rng.chance(0.4) ? rng.pick(s.ownSessions) : rng.pick(ctx.pools.sessions).id
      await db.q('SELECT id, user_id, expires_at, revoked_at FROM auth_sessions WHERE id = ? AND revoked_at IS NULL AND expires_at > now()', [id])
      if (rng.chance(0.3)) await db.q('SELECT status, email_verified FROM users WHERE id = ?', [rng.pick(s.loginUsers).id])
      return
    }
    case 'refresh': {
      const t = ctx.cursor('refresh', s.myTokens).next()
      await db.q('SELECT id, session_id, user_id, revoked, expires_at FROM refresh_tokens WHERE token_hash = ?', [t.hash])
      await db.begin()
      await db.q('UPDATE refresh_tokens SET revoked = true WHERE id = ?', [t.id])
      const next = await db.insertId(`INSERT INTO refresh_tokens (session_id, user_id, token_hash, expires_at)\nVALUES (?, ?, ?, now() + ${d.iv(30, 'day')})`, [t.session, t.user, rng.hex(64)])
      await db.q('UPDATE refresh_tokens SET replaced_by = ? WHERE id = ?', [next, t.id])
      await db.commit()
      return
    }
    case 'logout': {
      const session = ctx.cursor('logout', s.mySessions).next()
      await db.q('UPDATE auth_sessions SET revoked_at = now() WHERE id = ? AND revoked_at IS NULL', [session.id])
      await db.q('UPDATE refresh_tokens SET revoked = true WHERE session_id = ? AND NOT revoked', [session.id])
      return
    }
    case 'apiToken': {
      const t = rng.pick(ctx.pools.apiTokens)
      await db.q('SELECT id, user_id, tenant_id, scopes, expires_at FROM auth_tokens WHERE token_hash = ?', [t.hash])
      await db.q('UPDATE auth_tokens SET last_used_at = now() WHERE id = ?', [t.id])
      return
    }
    case 'mfa': {
      const u = rng.pick(s.loginUsers)
      await db.q('SELECT id, factor_type, secret_ref, label FROM mfa_factors WHERE user_id = ? AND disabled_at IS NULL ORDER BY id', [u.id])
      if (rng.chance(0.15)) {
        await db.q("INSERT INTO mfa_factors (user_id, factor_type, secret_ref, label)\nVALUES (?, 'totp', ?, 'Authenticator')", [u.id, `vault:mfa/${rng.hex(32)}`])
      }
      return
    }
    case 'reset': {
      const u = ctx.cursor('reset', s.myUsers).next()
      const token = rng.hex(64)
      await db.q(`INSERT INTO password_resets (user_id, token_hash, requested_ip, expires_at)\nVALUES (?, ?, ?, now() + ${d.iv(1, 'hour')})`, [u.id, token, ip(ctx, '192.168')])
      if (rng.chance(0.7)) {
        await db.q('SELECT id, user_id, expires_at, used_at FROM password_resets WHERE token_hash = ?', [token])
        await db.begin()
        await db.q('UPDATE password_resets SET used_at = now() WHERE token_hash = ?', [token])
        await db.q('UPDATE user_credentials SET is_current = false, rotated_at = now() WHERE user_id = ? AND is_current', [u.id])
        await db.q("INSERT INTO user_credentials (user_id, password_hash, hash_algo, is_current)\nVALUES (?, ?, 'argon2id', true)", [
          u.id,
          `$argon2id$v=19$m=65536,t=3,p=4$${rng.hex(22)}$${rng.hex(43)}`,
        ])
        await db.commit()
      }
      return
    }
    case 'verify': {
      // Auth sets the UMS flag itself once the link in the e-mail is followed.
      const u = rng.pick(ctx.pools.users)
      await db.q('UPDATE users SET email_verified = true WHERE id = ? AND NOT email_verified', [u.id])
      return
    }
    case 'link': {
      const u = rng.pick(s.loginUsers)
      await db.q("INSERT INTO login_identities (user_id, provider, subject, email_at_link)\nVALUES (?, 'google', ?, ?)", [u.id, `1099${ctx.uniq()}${rng.int(100000, 999999)}`, u.email])
      return
    }
    case 'rehash': {
      const u = rng.pick(s.loginUsers)
      await db.lit(
        `UPDATE user_credentials SET password_hash = ${v(`$argon2id$v=19$m=65536,t=3,p=4$${rng.hex(22)}$${rng.hex(43)}`)}, hash_algo = 'argon2id', rotated_at = now()\n WHERE user_id = ${u.id} AND is_current AND hash_algo = 'md5'`,
      )
      return
    }
  }
}

// ---------------------------------------------------------------------------------------------
// ums-service
// ---------------------------------------------------------------------------------------------

const ATTRIBUTE_VALUES: Record<string, [type: string, values: string[]]> = {
  marketing_opt_in: ['boolean', ['true', 'false']],
  loyalty_tier: ['string', ['bronze', 'silver', 'gold', 'platinum']],
  credit_limit: ['decimal', ['500.00', '1000.00', '1500.00', '2500.00']],
  preferred_language: ['string', ['en', 'de', 'fr', 'nl']],
}

async function umsStep(ctx: Ctx): Promise<void> {
  const {db, rng, d, pools} = ctx
  const op = rng.weighted({profile: 30, profileUpdate: 12, modules: 14, live: 10, members: 6, signup: 5, scd2: 6, status: 3, search: 3, locales: 3, orgUpdate: 2})
  switch (op) {
    case 'profile': {
      await db.q(
        `SELECT u.id, u.email, u.status, p.first_name, p.last_name, p.display_name, p.locale, p.time_zone, p.job_title
  FROM users u
  LEFT JOIN user_profiles p ON p.user_id = u.id
 WHERE u.id = ?`,
        [rng.pick(pools.users).id],
      )
      return
    }
    case 'profileUpdate': {
      const u = rng.pick(pools.customers)
      await db.q("UPDATE user_profiles SET phone = ?, display_name = ?, updated_at = now(), updated_by = 'ums' WHERE user_id = ?", [
        `+49${rng.int(1500000000, 1799999999)}`,
        `${rng.pick(FIRST_NAMES)} ${rng.pick(LAST_NAMES).slice(0, 1)}.`,
        u.id,
      ])
      if (rng.chance(0.3)) await db.q('UPDATE users SET updated_at = now() WHERE id = ?', [u.id])
      return
    }
    case 'modules': {
      const u = rng.pick(pools.customers)
      await db.q(
        `SELECT ma.module_code, m.name, m.is_billable, ma.granted_at
  FROM module_access ma
  JOIN modules m ON m.code = ma.module_code
 WHERE ma.tenant_id = ? AND ma.user_id = ? AND ma.revoked_at IS NULL`,
        [u.tenant, u.id],
      )
      if (rng.chance(0.1)) {
        const id = ctx.cursor('revoke', slice(pools.moduleAccess, (x) => x, ctx.worker, 2)).next()
        await db.q('UPDATE module_access SET revoked_at = now() WHERE id = ? AND revoked_at IS NULL', [id])
      }
      return
    }
    case 'live': {
      const a = rng.pick(pools.attributes)
      await db.q(
        `SELECT attr_value, data_type
  FROM user_attributes
 WHERE user_id = ? AND attr_key = ?
   AND st_dt <= current_date AND (e_dt IS NULL OR e_dt >= current_date)
 ORDER BY st_dt DESC, id DESC
 LIMIT 1`,
        [a.user, a.key],
      )
      return
    }
    case 'members': {
      await db.q(
        `SELECT m.user_id, m.member_type, u.email, p.display_name
  FROM org_memberships m
  JOIN users u ON u.id = m.user_id
  LEFT JOIN user_profiles p ON p.user_id = u.id
 WHERE m.tenant_id = ? AND m.left_at IS NULL
 ORDER BY p.display_name
 LIMIT 50`,
        [rng.int(1, 20)],
      )
      return
    }
    case 'signup': {
      const first = rng.pick(FIRST_NAMES)
      const last = rng.pick(LAST_NAMES)
      const email = `${first}.${last}.${ctx.uniq()}@signup.example.com`.toLowerCase()
      const tenant = rng.int(1, 20)
      const [country, locale, zone] = rng.pick(GEO)
      await db.begin()
      if (ctx.pg) await db.q("SELECT set_config('app.correlation_id', ?, true)", [rng.uuid()])
      const id: Id = await db.insertId(`INSERT INTO users (email, primary_org_id, status, email_verified)\nVALUES (?, ?, 'active', false)`, [email, tenant])
      await db.q(
        `INSERT INTO user_profiles (user_id, first_name, last_name, display_name, country_code, locale, time_zone, updated_by)\nVALUES (?, ?, ?, ?, ?, ?, ?, 'ums')`,
        [id, first, last, `${first} ${last.slice(0, 1)}.`, country, locale, zone],
      )
      if (rng.chance(0.05)) {
        // The captcha check failed after the first rows were written.
        await db.rollback()
        return
      }
      await db.q("INSERT INTO org_memberships (tenant_id, user_id, member_type) VALUES (?, ?, 'member')", [tenant, id])
      // Legacy habit 1: the signup flow writes Auth's tables directly.
      await db.q("INSERT INTO user_credentials (user_id, password_hash, hash_algo)\nVALUES (?, ?, 'argon2id')", [id, `$argon2id$v=19$m=65536,t=3,p=4$${rng.hex(22)}$${rng.hex(43)}`])
      await db.q("INSERT INTO login_identities (user_id, provider, subject, email_at_link)\nVALUES (?, 'password', ?, ?)", [id, `local:${email}`, email])
      // … and grants the default role in RBAC's table.
      await db.q('INSERT INTO user_role_assignments (tenant_id, user_id, role_id) VALUES (?, ?, 6)', [tenant, id])
      await db.q("INSERT INTO module_access (tenant_id, user_id, module_code) VALUES (?, ?, 'orders')", [tenant, id])
      await db.q(
        `INSERT INTO user_attributes (user_id, tenant_id, attr_key, attr_value, data_type, st_dt, e_dt, changed_by)\nVALUES (?, ?, 'marketing_opt_in', 'false', 'boolean', current_date, '9999-12-31', 'ums')`,
        [id, tenant],
      )
      await writeAudit(ctx, {tenant, user: null, action: 'user.create', resourceType: 'users', resourceId: id, source: 'ums'})
      await db.commit()
      return
    }
    case 'scd2': {
      const mine = slice(pools.attributes, (a: AttributeRow) => a.user, ctx.worker, 2)
      const a = ctx.cursor('scd2', mine).next()
      const [type, values] = ATTRIBUTE_VALUES[a.key] ?? ['string', ['x']]
      await db.begin()
      await db.q(
        `SELECT id, attr_value, st_dt
  FROM user_attributes
 WHERE user_id = ? AND attr_key = ? AND (e_dt IS NULL OR e_dt = '9999-12-31')
   FOR UPDATE`,
        [a.user, a.key],
      )
      await db.q(
        `UPDATE user_attributes
   SET e_dt = greatest(st_dt, ${d.days('current_date', -1)}), changed_by = 'ums'
 WHERE user_id = ? AND attr_key = ? AND (e_dt IS NULL OR e_dt = '9999-12-31')`,
        [a.user, a.key],
      )
      await db.q(
        `INSERT INTO user_attributes (user_id, tenant_id, attr_key, attr_value, data_type, st_dt, e_dt, changed_by)\nVALUES (?, ?, ?, ?, ?, current_date, '9999-12-31', 'ums')`,
        [a.user, a.tenant, a.key, rng.pick(values), type],
      )
      await db.commit()
      return
    }
    case 'status': {
      const u = rng.pick(pools.users)
      await db.q("UPDATE users SET status = 'active', updated_at = now() WHERE id = ? AND status IN ('invited', 'suspended')", [u.id])
      return
    }
    case 'search': {
      const prefix = `${rng.pick(FIRST_NAMES).toLowerCase()}.${rng.pick(LAST_NAMES).toLowerCase().slice(0, 2)}`
      await db.lit(`SELECT id, email, status FROM users WHERE lower(email) LIKE ${v(`${prefix}%`)} ORDER BY id LIMIT 20`)
      return
    }
    case 'locales': {
      await db.q('SELECT code, language, country_code FROM locales ORDER BY code')
      await db.q('SELECT name, utc_offset_min FROM time_zones ORDER BY name')
      return
    }
    case 'orgUpdate': {
      await db.q('UPDATE organizations SET plan_tier = ? WHERE id = ?', [rng.pick(['standard', 'business']), rng.int(11, 20)])
      return
    }
  }
}

// ---------------------------------------------------------------------------------------------
// rbac-service
// ---------------------------------------------------------------------------------------------

const PERMISSION_CODES = ['orders.read', 'orders.create', 'orders.cancel', 'orders.refund', 'invoices.read', 'invoices.issue', 'payments.read', 'wallet.read', 'wallet.adjust', 'catalog.edit', 'pricing.edit', 'stock.adjust', 'users.invite', 'roles.assign', 'reports.export']
const RESOURCES = ['orders.refund', 'reports.export', 'wallet.adjust', 'admin.impersonate', 'orders.create', 'pricing.edit']
const JOB_TITLES = ['Buyer', 'Store manager', 'Accountant', 'Owner', 'Workshop lead', 'Purchasing', 'Warehouse lead']

async function rbacStep(ctx: Ctx): Promise<void> {
  const {db, rng, pools, d} = ctx
  const op = rng.weighted({check: 40, policies: 12, listing: 6, grant: 6, revoke: 3, hrSync: 5, roles: 2, policyUpdate: 1.5, permissions: 2})
  switch (op) {
    case 'check': {
      const u = rng.pick(pools.customers)
      await db.q(PERMISSION_CHECK, [u.id, u.tenant, rng.pick(PERMISSION_CODES)])
      if (rng.chance(0.2)) await db.q('SELECT member_type FROM org_memberships WHERE tenant_id = ? AND user_id = ? AND left_at IS NULL', [u.tenant, u.id])
      return
    }
    case 'policies': {
      await db.q(
        `SELECT id, name, effect, ${d.ident('condition')}, priority
  FROM access_policies
 WHERE (tenant_id IS NULL OR tenant_id = ?) AND resource = ? AND is_enabled
 ORDER BY priority`,
        [rng.int(1, 20), rng.pick(RESOURCES)],
      )
      return
    }
    case 'listing': {
      await db.q(
        `SELECT r.id, r.code, r.name, p.code AS permission
  FROM roles r
  JOIN role_permissions rp ON rp.role_id = r.id
  JOIN permissions p ON p.id = rp.permission_id
 WHERE r.tenant_id IS NULL OR r.tenant_id = ?
 ORDER BY r.code, p.code`,
        [rng.int(1, 20)],
      )
      return
    }
    case 'grant': {
      const u = rng.pick(slice(pools.customers, (x) => x.id, ctx.worker, 2))
      await db.q('SELECT member_type FROM org_memberships WHERE tenant_id = ? AND user_id = ? AND left_at IS NULL', [u.tenant, u.id])
      const role = rng.chance(0.5) ? rng.pick([6, 7]) : 10 + (u.tenant - 1) * 2 + rng.int(1, 2)
      await db.q(d.insertIgnore('user_role_assignments', 'tenant_id, user_id, role_id, granted_by', '(?, ?, ?, ?)', 'tenant_id, user_id, role_id'), [u.tenant, u.id, role, rng.int(2, 40)])
      return
    }
    case 'revoke': {
      const a = ctx.cursor('revoke', slice(pools.assignments, (x) => x.id, ctx.worker, 2)).next()
      await db.q('UPDATE user_role_assignments SET expires_at = now() WHERE id = ? AND expires_at IS NULL', [a.id])
      return
    }
    case 'hrSync': {
      // Legacy habit 2: the HR feed sync rewrites UMS profiles in the same transaction as the grant.
      const u = ctx.cursor('hr', slice(pools.customers, (x) => x.id, ctx.worker, 2)).next()
      await db.begin()
      await db.q("UPDATE user_profiles SET job_title = ?, updated_at = now(), updated_by = 'rbac-sync' WHERE user_id = ?", [rng.pick(JOB_TITLES), u.id])
      await db.q(d.insertIgnore('user_role_assignments', 'tenant_id, user_id, role_id, granted_by', '(?, ?, ?, NULL)', 'tenant_id, user_id, role_id'), [u.tenant, u.id, rng.pick([6, 7])])
      await db.commit()
      return
    }
    case 'roles': {
      const tenant = rng.int(1, 20)
      await db.begin()
      const role = await db.insertId(`INSERT INTO roles (tenant_id, code, name, description, is_system)\nVALUES (?, ?, ?, ?, false)`, [
        tenant,
        `custom_${ctx.uniq()}`,
        `Custom role ${ctx.worker}`,
        'Created from the role editor',
      ])
      const [p1, p2] = rng.sample([1, 2, 5, 8, 11, 14, 17, 19, 21, 24, 26, 29], 2)
      await db.q('INSERT INTO role_permissions (role_id, permission_id) VALUES (?, ?)', [role, p1!])
      await db.q('INSERT INTO role_permissions (role_id, permission_id) VALUES (?, ?)', [role, p2!])
      await db.commit()
      if (rng.chance(0.3)) await db.q('UPDATE roles SET description = ? WHERE id = ?', ['Edited in the role editor', role])
      return
    }
    case 'policyUpdate': {
      await db.q('UPDATE access_policies SET priority = ? WHERE id = ?', [rng.int(10, 99), 1 + 2 * rng.int(0, 14) + ctx.worker])
      return
    }
    case 'permissions': {
      await db.lit('SELECT id, code, resource, action FROM permissions ORDER BY code')
      return
    }
  }
}

// ---------------------------------------------------------------------------------------------
// audit-service
// ---------------------------------------------------------------------------------------------

const AUDIT_ACTIONS: [action: string, resource: string, source: string, maxId: number][] = [
  ['order.create', 'orders', 'orders', 20000],
  ['order.update', 'orders', 'orders', 20000],
  ['invoice.issue', 'invoices', 'billing', 16000],
  ['payment.capture', 'payments', 'payments', 24000],
  ['user.update', 'users', 'ums', 2000],
  ['role.assign', 'user_role_assignments', 'rbac', 2500],
  ['wallet.adjust', 'wallets', 'wallet', 1200],
  ['product.update', 'products', 'catalog', 500],
]
const SERVICES = ['orders', 'payments', 'billing', 'catalog', 'pricing', 'auth', 'ums', 'rbac', 'wallet', 'availability', 'admin']

async function auditStep(ctx: Ctx, iteration: number): Promise<void> {
  const {db, rng, d} = ctx
  if (iteration === ctx.at(0.15)) {
    await db.lit(`DELETE FROM error_logs WHERE logged_at < now() - ${d.iv(18, 'month')}`)
    return
  }
  const op = rng.weighted({audit: 30, auth: 16, decisions: 10, traces: 14, errors: 5, queryAudit: 10, queryAuth: 6})
  const user = () => rng.int(1, 2000)
  switch (op) {
    case 'audit': {
      const rows: (string | number | null)[] = []
      for (let i = 0; i < 3; i++) {
        const [action, resource, source, max] = rng.pick(AUDIT_ACTIONS)
        rows.push(rng.int(1, 20), user(), action, resource, String(rng.int(1, max)), JSON.stringify({rev: rng.int(1, 9)}), source, rng.uuid())
      }
      await db.q(
        `INSERT INTO audit_events (occurred_at, tenant_id, user_id, action, resource_type, resource_id, new_values, source_service, correlation_id)
VALUES (now(), ?, ?, ?, ?, ?, ?, ?, ?),
       (now(), ?, ?, ?, ?, ?, ?, ?, ?),
       (now(), ?, ?, ?, ?, ?, ?, ?, ?)`,
        rows,
      )
      return
    }
    case 'auth': {
      const rows: (string | number | boolean | null)[] = []
      for (let i = 0; i < 2; i++) {
        const type = rng.pick(['login_success', 'login_success', 'token_refresh', 'logout', 'mfa_challenge'])
        rows.push(user(), rng.int(1, 20), type, rng.pick(['password', 'google', 'microsoft', 'saml']), ip(ctx, '172.16'), true)
      }
      await db.q(
        `INSERT INTO auth_events (occurred_at, user_id, tenant_id, event_type, provider, ip_address, success)
VALUES (now(), ?, ?, ?, ?, ?, ?), (now(), ?, ?, ?, ?, ?, ?)`,
        rows,
      )
      return
    }
    case 'decisions': {
      const deny = rng.chance(0.2)
      await db.q(
        `INSERT INTO rbac_decisions (tenant_id, user_id, permission_code, resource_ref, decision, policy_id, latency_us)\nVALUES (?, ?, ?, ?, ?, ?, ?)`,
        [rng.int(1, 20), user(), rng.pick(PERMISSION_CODES), `orders:${rng.int(1, 20000)}`, deny ? 'deny' : 'allow', deny ? rng.int(1, 30) : null, rng.int(150, 4000)],
      )
      return
    }
    case 'traces': {
      const correlation = rng.uuid()
      const rows: (string | number)[] = []
      for (let i = 0; i < 2; i++) rows.push(rng.pick(SERVICES), rng.pick(['POST /orders', 'POST /payments/{id}/capture', 'GET /products/{id}', 'POST /quotes', 'POST /token']), rng.int(1, 20), user(), correlation, rng.int(3, 1500), rng.pick([200, 200, 200, 201, 409, 500]))
      await db.q(
        `INSERT INTO action_traces (occurred_at, service, operation, tenant_id, user_id, correlation_id, duration_ms, status_code)
VALUES (now(), ?, ?, ?, ?, ?, ?, ?), (now(), ?, ?, ?, ?, ?, ?, ?)`,
        rows,
      )
      return
    }
    case 'errors': {
      const [code, message] = rng.pick([
        ['GATEWAY_TIMEOUT', 'gateway did not answer within 30s'],
        ['DEADLOCK', 'deadlock detected while updating orders and stock_levels'],
        ['PRICE_NOT_FOUND', 'no price rule matched; fell back to products.list_price'],
      ])
      await db.q(
        `INSERT INTO error_logs (service, severity, error_code, message, user_id, tenant_id, correlation_id, context)\nVALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        [rng.pick(SERVICES), rng.pick(['warn', 'error']), code!, message!, user(), rng.int(1, 20), rng.uuid(), JSON.stringify({host: `app-${rng.int(1, 6)}`})],
      )
      return
    }
    case 'queryAudit': {
      const [, resource, , max] = rng.pick(AUDIT_ACTIONS)
      await db.q(
        `SELECT id, occurred_at, action, user_id, source_service
  FROM audit_events
 WHERE resource_type = ? AND resource_id = ?
 ORDER BY occurred_at DESC
 LIMIT 50`,
        [resource, String(rng.int(1, max))],
      )
      return
    }
    case 'queryAuth': {
      await db.q(
        `SELECT event_type, success, count(*) AS n
  FROM auth_events
 WHERE user_id = ? AND occurred_at > now() - ${d.iv(1000, 'day')}
 GROUP BY event_type, success`,
        [user()],
      )
      return
    }
  }
}

export function identityWorkers(): WorkerSpec[] {
  const out: WorkerSpec[] = []
  for (let w = 0; w < 3; w++) out.push({service: 'auth-service', worker: w, code: 'au', user: 'auth_svc', application: 'auth-service', iterations: 170, step: authStep})
  for (let w = 0; w < 2; w++) out.push({service: 'ums-service', worker: w, code: 'um', user: 'ums_svc', application: 'ums-service', mysqlParams: w === 1 ? 'interpolated' : 'prepared', iterations: 240, step: (c) => umsStep(c)})
  for (let w = 0; w < 2; w++) out.push({service: 'rbac-service', worker: w, code: 'rb', user: 'rbac_svc', application: 'rbac-service', iterations: 260, step: (c) => rbacStep(c)})
  for (let w = 0; w < 2; w++) out.push({service: 'audit-service', worker: w, code: 'ad', user: 'audit_svc', application: 'audit-service', iterations: 345, step: auditStep})
  return out
}
