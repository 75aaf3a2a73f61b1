/**
 * The rest of the traffic: the reporting/BI tool, the 2018 admin monolith, the reference-data
 * loader (which connects without an application_name) and the migration tool.
 *
 * Legacy habits simulated here:
 *   - Reports join every operational table, across all contexts (habit 6)
 *   - The admin monolith writes everywhere: users, profiles, orders, invoices, credit notes,
 *     wallets, prices, stock, products, roles, payments, subscriptions (habit 7), with fewer
 *     executions than each table's owner
 */
import type {Ctx} from '../context.js'
import {cents} from '../rng.js'
import {ORDER_SLICES, slice} from '../pools.js'
import {CURRENCIES, v, type WorkerSpec} from './common.js'

const MONTHS = ['2024-10', '2024-11', '2024-12', '2025-01', '2025-02', '2025-03', '2025-04', '2025-05', '2025-06']

function monthWindow(ctx: Ctx): [string, string] {
  const i = ctx.rng.int(0, MONTHS.length - 1)
  const from = `${MONTHS[i]}-01`
  const [y, m] = MONTHS[i]!.split('-').map(Number) as [number, number]
  const to = m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`
  return [from, to]
}

// ---------------------------------------------------------------------------------------------
// reporting (the BI tool)
// ---------------------------------------------------------------------------------------------

async function reportingStep(ctx: Ctx): Promise<void> {
  const {db, rng} = ctx
  const [from, to] = monthWindow(ctx)
  const report = rng.weighted({
    dailyRevenueView: ctx.pg ? 3 : 0,
    dailyRevenue: 3,
    lifetimeValue: ctx.pg ? 2 : 0,
    orgRevenue: 3,
    products: 2,
    segments: 2,
    refunds: 1.5,
    workshops: 1.5,
    promotions: 1,
    wallet: 1.5,
    security: 1,
    audit: 1,
    tax: 1,
    activeUsers: 1.5,
    paymentFunnel: 1.5,
    quotes: 1,
    carts: 1,
    roles: 1,
    entitlements: 1,
  })
  switch (report) {
    case 'dailyRevenueView':
      await db.q(
        `SELECT revenue_date, country_code, category, order_count, customer_count, gross_amount, paid_amount
  FROM report_daily_revenue
 WHERE revenue_date >= ? AND revenue_date < ?
 ORDER BY revenue_date, country_code, category`,
        [from, to],
      )
      return
    case 'dailyRevenue':
      await db.lit(`SELECT CAST(o.placed_at AS date) AS revenue_date,
       co.code AS country_code,
       o.currency_code,
       coalesce(cat.name, '(uncategorized)') AS category,
       count(DISTINCT o.id) AS order_count,
       sum(ol.quantity) AS units,
       sum(ol.line_total) AS gross_amount
  FROM orders o
  JOIN order_lines ol ON ol.order_id = o.id
  JOIN products p ON p.id = ol.product_id
  LEFT JOIN categories cat ON cat.id = p.category_id
  JOIN users u ON u.id = o.cust_id
  LEFT JOIN user_profiles up ON up.user_id = u.id
  LEFT JOIN countries co ON co.code = coalesce(o.ship_country, up.country_code)
 WHERE o.status <> 'cancelled'
   AND o.placed_at >= '${from}' AND o.placed_at < '${to}'
 GROUP BY CAST(o.placed_at AS date), co.code, o.currency_code, coalesce(cat.name, '(uncategorized)')
 ORDER BY revenue_date, country_code`)
      return
    case 'lifetimeValue':
      await db.lit(`SELECT user_id, tenant_id, orders, gross_spend, refunded, wallet_balance
  FROM mv_customer_lifetime_value
 ORDER BY gross_spend DESC
 LIMIT 100`)
      return
    case 'orgRevenue':
      await db.q(
        `SELECT org.display_name, o.currency_code,
       count(DISTINCT o.id) AS orders,
       sum(o.grand_total) AS gross,
       sum(i.gross_amount) AS invoiced,
       sum(pm.amount) AS collected
  FROM orders o
  JOIN organizations org ON org.id = o.tenant_id
  LEFT JOIN invoices i ON i.order_id = o.id
  LEFT JOIN payments pm ON pm.order_id = o.id AND pm.status = 'captured'
 WHERE o.placed_at >= ? AND o.placed_at < ?
 GROUP BY org.display_name, o.currency_code
 ORDER BY gross DESC`,
        [from, to],
      )
      return
    case 'products':
      await db.lit(`SELECT p.sku, p.name, cat.name AS category,
       sum(ol.quantity) AS units,
       sum(ol.line_total) AS revenue,
       (SELECT sum(s.on_hand) FROM stock_levels s WHERE s.product_id = p.id) AS on_hand,
       (SELECT max(pr.amount) FROM price_rules pr
         WHERE pr.product_id = p.id AND pr.price_list_id = 1 AND pr.valid_to IS NULL) AS list_price_eur,
       (SELECT count(*) FROM discounts dc WHERE dc.product_id = p.id) AS discounts
  FROM order_lines ol
  JOIN orders o ON o.id = ol.order_id
  JOIN products p ON p.id = ol.product_id
  LEFT JOIN categories cat ON cat.id = p.category_id
 WHERE o.placed_at >= '${from}'
 GROUP BY p.id, p.sku, p.name, cat.name
 ORDER BY revenue DESC
 LIMIT 50`)
      return
    case 'segments':
      await db.lit(`SELECT co.region, org.plan_tier, mp.code AS plan,
       count(DISTINCT u.id) AS customers,
       sum(w.balance) AS wallet_balance
  FROM users u
  JOIN user_profiles up ON up.user_id = u.id
  JOIN countries co ON co.code = up.country_code
  LEFT JOIN organizations org ON org.id = u.primary_org_id
  LEFT JOIN plan_subscriptions ps ON ps.user_id = u.id AND ps.status = 'active'
  LEFT JOIN membership_plans mp ON mp.id = ps.plan_id
  LEFT JOIN wallets w ON w.user_id = u.id
 WHERE u.status = 'active'
 GROUP BY co.region, org.plan_tier, mp.code
 ORDER BY customers DESC`)
      return
    case 'refunds':
      await db.lit(`SELECT EXTRACT(YEAR FROM rf.requested_at) AS y, EXTRACT(MONTH FROM rf.requested_at) AS m, rf.status,
       count(*) AS refunds,
       sum(rf.amount) AS refunded,
       sum(cn.amount) AS credited,
       count(DISTINCT gt.id) AS gateway_refs
  FROM refunds rf
  JOIN payments pm ON pm.id = rf.payment_id
  JOIN orders o ON o.id = pm.order_id
  LEFT JOIN credit_notes cn ON cn.id = rf.credit_note_id
  LEFT JOIN invoices i ON i.id = cn.invoice_id
  LEFT JOIN gateway_transactions gt ON gt.payment_id = pm.id AND gt.txn_type = 'refund'
 GROUP BY EXTRACT(YEAR FROM rf.requested_at), EXTRACT(MONTH FROM rf.requested_at), rf.status
 ORDER BY 1, 2, 3`)
      return
    case 'workshops':
      await db.lit(`SELECT p.name, l.code AS location,
       count(DISTINCT ts.id) AS slots,
       count(sr.id) AS reservations,
       count(DISTINCT sr.order_id) AS orders,
       sum(CASE WHEN sr.status = 'no_show' THEN 1 ELSE 0 END) AS no_shows,
       sum(o.grand_total) AS order_value
  FROM time_slots ts
  JOIN products p ON p.id = ts.product_id
  LEFT JOIN stock_locations l ON l.id = ts.location_id
  LEFT JOIN slot_reservations sr ON sr.slot_id = ts.id
  LEFT JOIN orders o ON o.id = sr.order_id
 WHERE ts.starts_at >= '${from}'
 GROUP BY p.name, l.code
 ORDER BY reservations DESC`)
      return
    case 'promotions':
      await db.lit(`SELECT pm.code, pm.name,
       count(r.id) AS redemptions,
       sum(r.discount_amount) AS discount_given,
       sum(o.grand_total) AS order_value,
       count(DISTINCT u.id) AS customers
  FROM promotions pm
  LEFT JOIN promotion_redemptions r ON r.promotion_id = pm.id
  LEFT JOIN orders o ON o.id = r.order_id
  LEFT JOIN users u ON u.id = r.user_id
 GROUP BY pm.code, pm.name
 ORDER BY discount_given DESC`)
      return
    case 'wallet':
      await db.q(
        `SELECT w.currency_code, t.kind, t.created_by,
       count(*) AS entries,
       sum(t.amount) AS amount,
       sum(t.amount / coalesce(fx.rate, 1)) AS amount_eur,
       count(f.id) AS fundings
  FROM wallet_transactions t
  JOIN wallets w ON w.id = t.wallet_id
  JOIN users u ON u.id = w.user_id
  JOIN currencies c ON c.code = w.currency_code
  LEFT JOIN exchange_rates fx ON fx.base_currency = 'EUR' AND fx.quote_currency = w.currency_code AND fx.rate_date = ?
  LEFT JOIN wallet_fundings f ON f.wallet_transaction_id = t.id
 WHERE t.created_at >= ?
 GROUP BY w.currency_code, t.kind, t.created_by
 ORDER BY 1, 2, 3`,
        ['2025-06-30', from],
      )
      return
    case 'security':
      await db.lit(`SELECT org.display_name, ae.event_type,
       count(*) AS events,
       count(DISTINCT u.id) AS users
  FROM auth_events ae
  LEFT JOIN users u ON u.id = ae.user_id
  LEFT JOIN organizations org ON org.id = ae.tenant_id
 WHERE ae.success = false
 GROUP BY org.display_name, ae.event_type
 ORDER BY events DESC`)
      return
    case 'audit':
      await db.lit(`SELECT source_service, action, count(*) AS events
  FROM audit_events
 WHERE occurred_at >= '${from}'
 GROUP BY source_service, action
 ORDER BY events DESC`)
      return
    case 'tax':
      await db.lit(`SELECT ba.country_code, il.tax_rate_pct, tr.rate_pct AS current_rate,
       count(DISTINCT i.id) AS invoices,
       sum(il.amount) AS net,
       sum(i.tax_amount) AS tax
  FROM invoices i
  JOIN invoice_lines il ON il.invoice_id = i.id
  JOIN billing_accounts ba ON ba.id = i.billing_account_id
  JOIN countries c ON c.code = ba.country_code
  LEFT JOIN tax_rates tr ON tr.country_code = ba.country_code AND tr.tax_class = 'standard' AND tr.valid_to IS NULL
 WHERE i.issued_at >= '${from}' AND i.issued_at < '${to}'
 GROUP BY ba.country_code, il.tax_rate_pct, tr.rate_pct
 ORDER BY 1, 2`)
      return
    case 'activeUsers':
      if (ctx.pg) {
        await db.lit(`SELECT org_name, count(*) AS users, sum(active_roles) AS roles, max(last_login_at) AS last_login
  FROM v_active_users
 GROUP BY org_name
 ORDER BY users DESC`)
      } else {
        await db.lit(`SELECT o.display_name AS org_name, count(*) AS users, max(c.last_login_at) AS last_login
  FROM users u
  LEFT JOIN user_profiles p ON p.user_id = u.id
  LEFT JOIN organizations o ON o.id = u.primary_org_id
  LEFT JOIN user_credentials c ON c.user_id = u.id AND c.is_current
 WHERE u.status = 'active' AND u.deleted_at IS NULL
 GROUP BY o.display_name
 ORDER BY users DESC`)
      }
      return
    case 'paymentFunnel':
      await db.lit(`SELECT pmt.method_type, p.status,
       count(DISTINCT p.id) AS payments,
       count(a.id) AS attempts,
       sum(CASE WHEN a.status = 'declined' THEN 1 ELSE 0 END) AS declines,
       count(DISTINCT w.id) AS webhooks
  FROM payments p
  LEFT JOIN payment_methods pmt ON pmt.id = p.payment_method_id
  LEFT JOIN payment_attempts a ON a.payment_id = p.id
  LEFT JOIN gateway_transactions g ON g.payment_id = p.id
  LEFT JOIN webhook_events w ON w.gateway = g.gateway AND w.gateway_ref = g.gateway_ref
 WHERE p.created_at >= '${from}' AND p.created_at < '${to}'
 GROUP BY pmt.method_type, p.status
 ORDER BY 1, 2`)
      return
    case 'quotes':
      await db.lit(`SELECT ps.currency_code,
       count(*) AS quotes,
       count(o.id) AS converted,
       sum(ps.net_total) AS quoted,
       sum(o.subtotal - o.discount_total) AS ordered
  FROM pricing_snapshots ps
  LEFT JOIN orders o ON o.id = ps.order_id
 WHERE ps.computed_at >= '${from}'
 GROUP BY ps.currency_code`)
      return
    case 'carts':
      await db.lit(`SELECT c.status, count(DISTINCT c.id) AS carts, sum(ci.quantity) AS items, count(DISTINCT o.id) AS orders
  FROM carts c
  LEFT JOIN cart_items ci ON ci.cart_id = c.id
  LEFT JOIN orders o ON o.cart_id = c.id
 GROUP BY c.status`)
      return
    case 'roles':
      await db.lit(`SELECT r.code, m.member_type, count(*) AS assignments
  FROM user_role_assignments ura
  JOIN roles r ON r.id = ura.role_id
  JOIN org_memberships m ON m.tenant_id = ura.tenant_id AND m.user_id = ura.user_id
  JOIN users u ON u.id = ura.user_id
 GROUP BY r.code, m.member_type
 ORDER BY assignments DESC`)
      return
    case 'entitlements':
      await db.lit(`SELECT mp.code, e.feature_code, count(DISTINCT e.id) AS entitlements, sum(ur.quantity) AS used
  FROM entitlements e
  JOIN plan_subscriptions s ON s.id = e.subscription_id
  JOIN membership_plans mp ON mp.id = s.plan_id
  LEFT JOIN usage_records ur ON ur.entitlement_id = e.id
 GROUP BY mp.code, e.feature_code
 ORDER BY 1, 2`)
      return
  }
}

// ---------------------------------------------------------------------------------------------
// admin (the 2018 monolith): literal SQL built by string concatenation
// ---------------------------------------------------------------------------------------------

async function adminStep(ctx: Ctx, iteration: number): Promise<void> {
  const {db, rng, pools, d} = ctx
  const orders = ctx.memo('orders', () => slice(pools.orders, (o) => o.id, ORDER_SLICES['admin#0'], 10))
  const invoices = ctx.memo('invoices', () => pools.invoices.filter((i) => i.order % 10 === ORDER_SLICES['admin#0']))
  const payments = ctx.memo('payments', () => pools.payments.filter((p) => p.order % 10 === ORDER_SLICES['admin#0'] && p.status === 'initiated'))
  const wallets = ctx.memo('wallets', () => slice(pools.wallets, (w) => w.id, 2, 4))
  const rules = ctx.memo('rules', () => pools.openPriceRules.filter((r) => r.product % 6 === 5))
  if (ctx.pg && (iteration === ctx.at(0.12) || iteration === ctx.at(0.8))) {
    // The nightly CRM export refresh.
    await db.lit('REFRESH MATERIALIZED VIEW mv_customer_lifetime_value')
    return
  }
  if (iteration === ctx.at(0.4) || iteration === ctx.at(0.9)) {
    // The old exchange-rate cron job, still enabled: corrects a day of rates.
    for (const q of ['GBP', 'USD']) {
      await db.lit(d.upsert('exchange_rates', 'base_currency, quote_currency, rate_date, rate, source', `('EUR', ${v(q)}, '2025-06-30', ${q === 'GBP' ? '0.8561' : '1.0862'}, 'admin')`, 'base_currency, quote_currency, rate_date', ['rate', 'source']))
    }
    return
  }
  const op = rng.weighted({
    userList: 10, orderLookup: 12, userSearch: 6, invoiceList: 5,
    suspendUser: 2.5, editProfile: 2, cancelOrder: 3, creditNote: 2, adjustWallet: 2.5, editPrice: 2.5, editStock: 2.5,
    editProduct: 2.5, roles: 1, grantSupport: 0.7, extendDue: 1.5, voidPayment: 1, subscription: 1, org: 0.3,
  })
  switch (op) {
    case 'userList':
      if (ctx.pg) {
        await db.lit(`SELECT user_id, email, display_name, org_name, last_login_at, active_roles\n  FROM v_active_users\n WHERE org_id = ${rng.int(1, 20)}\n ORDER BY email\n LIMIT 50`)
      } else {
        await db.lit(`SELECT u.id, u.email, p.display_name, o.display_name AS org_name, c.last_login_at
  FROM users u
  LEFT JOIN user_profiles p ON p.user_id = u.id
  LEFT JOIN organizations o ON o.id = u.primary_org_id
  LEFT JOIN user_credentials c ON c.user_id = u.id AND c.is_current
 WHERE u.status = 'active' AND u.primary_org_id = ${rng.int(1, 20)}
 ORDER BY u.email
 LIMIT 50`)
      }
      return
    case 'orderLookup': {
      const o = rng.pick(pools.orders)
      await db.lit(`SELECT * FROM orders WHERE id = ${o.id}`)
      await db.lit(`SELECT * FROM order_lines WHERE order_id = ${o.id} ORDER BY line_no`)
      if (rng.chance(0.5)) await db.lit(`SELECT * FROM payments WHERE order_id = ${o.id}`)
      return
    }
    case 'userSearch':
      await db.lit(`SELECT id, email, status, legacy_login FROM users WHERE email LIKE ${v(`%${rng.pick(['berg', 'carter', 'rossi', 'walsh', 'novak'])}%`)} ORDER BY id LIMIT 100`)
      return
    case 'invoiceList':
      await db.lit(`SELECT id, invoice_no, status, gross_amount, due_date FROM invoices WHERE tenant_id = ${rng.int(1, 20)} ORDER BY id DESC LIMIT 100`)
      return
    case 'suspendUser': {
      const u = rng.pick(pools.customers)
      await db.lit(`UPDATE users SET status = 'suspended', updated_at = now() WHERE id = ${u.id}`)
      return
    }
    case 'editProfile': {
      const u = rng.pick(pools.customers)
      await db.lit(`UPDATE user_profiles SET job_title = ${v(rng.pick(['Store manager', 'Owner', 'Buyer']))}, updated_by = 'admin:ops', updated_at = now() WHERE user_id = ${u.id}`)
      return
    }
    case 'cancelOrder': {
      const o = ctx.cursor('cancel', orders).next()
      await db.lit('BEGIN')
      await db.lit(`UPDATE orders SET status = 'cancelled', cancelled_at = now(), notes = 'Cancelled by support' WHERE id = ${o.id}`)
      await db.lit(`INSERT INTO order_status_history (order_id, from_status, to_status, changed_by, reason) VALUES (${o.id}, ${v(o.status)}, 'cancelled', 'admin', 'support ticket')`)
      await db.lit('COMMIT')
      return
    }
    case 'creditNote': {
      const i = ctx.cursor('credit', invoices).next()
      const amount = cents(Math.max(1, Math.round(Number(i.gross) * 10)))
      await db.lit(
        ctx.pg
          ? `INSERT INTO credit_notes (invoice_id, tenant_id, amount, reason, issued_by) VALUES (${i.id}, ${i.tenant}, ${amount}, 'Goodwill (support)', 'admin')`
          : `INSERT INTO credit_notes (credit_note_no, invoice_id, tenant_id, amount, reason, issued_by) VALUES (concat('CN-', nextval(credit_note_number_seq)), ${i.id}, ${i.tenant}, ${amount}, 'Goodwill (support)', 'admin')`,
      )
      await db.lit(`UPDATE invoices SET status = 'credited' WHERE id = ${i.id}`)
      return
    }
    case 'adjustWallet': {
      const w = rng.pick(wallets)
      const amount = cents(rng.chance(0.5) ? rng.int(100, 2000) : -rng.int(100, 500))
      await db.lit('BEGIN')
      await db.lit(`SELECT balance FROM wallets WHERE id = ${w.id} FOR UPDATE`)
      await db.lit(`INSERT INTO wallet_transactions (wallet_id, kind, amount, note, created_by) VALUES (${w.id}, 'adjust', ${amount}, 'Manual correction', 'admin')`)
      await db.lit(`UPDATE wallets SET balance = balance + ${amount} WHERE id = ${w.id}`)
      await db.lit('COMMIT')
      return
    }
    case 'editPrice': {
      const r = rng.pick(rules)
      await db.lit(`UPDATE price_rules SET amount = ${rng.money(499, 39999)} WHERE id = ${r.id}`)
      return
    }
    case 'editStock': {
      const s = rng.pick(pools.stock)
      await db.lit(`UPDATE stock_levels SET on_hand = ${rng.int(0, 250)}, updated_at = now() WHERE id = ${s.id}`)
      return
    }
    case 'editProduct': {
      const p = rng.pick(pools.products)
      if (rng.chance(0.5)) await db.lit(`UPDATE products SET list_price = ${cents(Math.round(p.listCents * 1.1))}, updated_at = now() WHERE id = ${p.id}`)
      else await db.lit(`UPDATE products SET status = 'retired', updated_at = now() WHERE id = ${p.id}`)
      return
    }
    case 'roles':
      await db.lit(`UPDATE roles SET name = ${v(`Store manager (${rng.pick(['legacy', 'EU', 'HQ'])})`)} WHERE id = ${11 + 2 * rng.int(0, 19)}`)
      return
    case 'grantSupport': {
      const u = rng.int(2, 40)
      await db.lit(d.insertIgnore('user_role_assignments', 'tenant_id, user_id, role_id', `(1, ${u}, 2)`, 'tenant_id, user_id, role_id'))
      return
    }
    case 'extendDue': {
      const i = rng.pick(invoices)
      await db.lit(`UPDATE invoices SET due_date = ${d.days('due_date', 14)} WHERE id = ${i.id}`)
      return
    }
    case 'voidPayment': {
      const p = ctx.cursor('void', payments).next()
      await db.lit(`UPDATE payments SET status = 'voided', updated_at = now() WHERE id = ${p.id} AND status = 'initiated'`)
      return
    }
    case 'subscription': {
      const s = rng.pick(pools.subscriptions)
      await db.lit(`UPDATE plan_subscriptions SET auto_renew = false WHERE id = ${s.id}`)
      return
    }
    case 'org':
      await db.lit(`UPDATE organizations SET is_active = true WHERE id = 18`)
      return
  }
}

// ---------------------------------------------------------------------------------------------
// reference-data (connects without an application_name; only its login tells who it is)
// ---------------------------------------------------------------------------------------------

async function referenceStep(ctx: Ctx, iteration: number): Promise<void> {
  const {db, rng, d} = ctx
  if (iteration % 3 === 0) {
    // The daily ECB load, one quote currency per statement, for the days after the seed's last one.
    const load = iteration / 3
    const day = `2025-07-${String(1 + Math.floor(load / CURRENCIES.length)).padStart(2, '0')}`
    await db.q(d.upsert('exchange_rates', 'base_currency, quote_currency, rate_date, rate, source', "('EUR', ?, ?, ?, 'ecb')", 'base_currency, quote_currency, rate_date', ['rate']), [
      CURRENCIES[load % CURRENCIES.length]!,
      day,
      (1 + rng.int(0, 2000) / 1000).toFixed(6),
    ])
    return
  }
  // Rare maintenance, each once, on iterations that are not load days.
  const once = (fraction: number) => iteration === 3 * Math.floor(ctx.at(fraction) / 3) + 1
  if (once(0.2)) {
    await db.q(d.insertIgnore('status_codes', 'domain, code, label, is_terminal, sort_order', '(?, ?, ?, ?, ?)', 'domain, code'), ['order', 'on_hold', 'On hold', false, 25])
    return
  }
  if (once(0.45)) {
    await db.q(d.insertIgnore('locales', 'code, language, country_code, is_default', '(?, ?, ?, ?)', 'code'), ['de-AT', 'German (Austria)', 'AT', false])
    return
  }
  if (once(0.65)) {
    await db.q('UPDATE currencies SET symbol = ? WHERE code = ?', ['Fr.', 'CHF'])
    return
  }
  if (once(0.8)) {
    await db.q('UPDATE countries SET phone_prefix = ? WHERE code = ?', ['+44', 'GB'])
    return
  }
  if (once(0.9)) {
    await db.q('UPDATE time_zones SET utc_offset_min = ? WHERE name = ?', [60, 'Europe/Oslo'])
    return
  }
  const what = rng.weighted({currencies: 3, countries: 3, locales: 1, zones: 1, statuses: 1, rates: 2})
  switch (what) {
    case 'currencies':
      await db.q('SELECT code, name, symbol, minor_units FROM currencies WHERE is_active ORDER BY code')
      return
    case 'countries':
      await db.q('SELECT code, iso3, name, currency_code, region, eu_member FROM countries ORDER BY name')
      return
    case 'locales':
      await db.q('SELECT code, language, country_code, is_default FROM locales ORDER BY code')
      return
    case 'zones':
      await db.q('SELECT name, utc_offset_min, observes_dst FROM time_zones ORDER BY name')
      return
    case 'statuses':
      await db.q('SELECT domain, code, label, is_terminal FROM status_codes WHERE domain = ? ORDER BY sort_order', [rng.pick(['order', 'payment', 'invoice', 'refund'])])
      return
    case 'rates':
      await db.q('SELECT quote_currency, rate FROM exchange_rates WHERE base_currency = ? AND rate_date = ? ORDER BY quote_currency', ['EUR', '2025-06-30'])
      return
  }
}

// ---------------------------------------------------------------------------------------------
// migrations (the deploy pipeline, before the services start)
// ---------------------------------------------------------------------------------------------

export function migrations(pg: boolean): string[] {
  return [
    'ALTER TABLE orders ADD COLUMN IF NOT EXISTS external_ref varchar(40)',
    // The MySQL-flavoured migration files say CREATE INDEX without IF NOT EXISTS.
    pg ? 'CREATE INDEX IF NOT EXISTS ix_payments_captured_at ON payments (captured_at)' : 'CREATE INDEX ix_payments_captured_at ON payments (captured_at)',
    'ALTER TABLE user_profiles ADD COLUMN IF NOT EXISTS pronouns varchar(20)',
  ]
}

export function otherWorkers(): WorkerSpec[] {
  return [
    {service: 'reporting', worker: 0, code: 're', user: 'reporting_svc', application: 'reporting', mysqlParams: 'interpolated', iterations: 120, step: (c) => reportingStep(c)},
    {service: 'admin', worker: 0, code: 'ad', user: 'admin_svc', application: 'admin', mysqlParams: 'interpolated', iterations: 240, step: adminStep},
    {service: 'reference-data', worker: 0, code: 'rd', user: 'refdata_svc', iterations: 90, step: referenceStep},
  ]
}
