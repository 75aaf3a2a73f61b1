/**
 * Money services: billing, payments and memberships (wallet).
 *
 * Legacy habits simulated here:
 *   - Billing builds invoices by reading orders and order_lines directly, and checks permissions
 *     by joining RBAC's tables (habit 3)
 *   - Payments flips invoices.status to paid, writes orders.status and order_status_history,
 *     and credits refunds to wallet_transactions
 *   - Memberships reads role_permissions directly (habit 3) and keeps its own copy of plan prices
 */
import type {Ctx} from '../context.js'
import type {Id} from '../db.js'
import {cents} from '../rng.js'
import {ORDER_SLICES, slice, type InvoiceRow, type OrderRow, type PaymentRow} from '../pools.js'
import {checkPermission, v, writeAudit, type WorkerSpec} from './common.js'

function ordersOf(ctx: Ctx, key: keyof typeof ORDER_SLICES): OrderRow[] {
  return ctx.memo(`orders:${key}`, () => slice(ctx.pools.orders, (o) => o.id, ORDER_SLICES[key], 10))
}

function paymentsOf(ctx: Ctx, key: keyof typeof ORDER_SLICES): PaymentRow[] {
  return ctx.memo(`payments:${key}`, () => ctx.pools.payments.filter((p) => p.order % 10 === ORDER_SLICES[key]))
}

function invoicesOf(ctx: Ctx, key: keyof typeof ORDER_SLICES): InvoiceRow[] {
  return ctx.memo(`invoices:${key}`, () => ctx.pools.invoices.filter((i) => i.order % 10 === ORDER_SLICES[key]))
}

const toCents = (amount: string): number => Math.round(Number(amount) * 100)

// ---------------------------------------------------------------------------------------------
// billing-service
// ---------------------------------------------------------------------------------------------

async function billingStep(ctx: Ctx, iteration: number): Promise<void> {
  const {db, rng, d} = ctx
  const key = ctx.worker === 0 ? 'billing-service#0' : 'billing-service#1'
  if (iteration === ctx.at(0.4)) {
    await db.lit(`UPDATE invoices SET status = 'overdue'\n WHERE status = 'issued' AND due_date < ${d.days('current_date', -30)} AND tenant_id = ${ctx.worker === 0 ? 7 : 13}`)
    return
  }
  const op = rng.weighted({invoice: 12, list: 20, detail: 8, creditNote: 3, accounts: 5, revenue: 1.5})
  switch (op) {
    case 'invoice': {
      const o = ctx.cursor('invoice', ctx.memo('billable', () => ordersOf(ctx, key).filter((x) => ['confirmed', 'paid', 'shipped', 'delivered'].includes(x.status)))).next()
      // Billing reads Orders' tables to build the invoice.
      await db.q('SELECT id, tenant_id, cust_id, currency_code, subtotal, discount_total, tax_total, grand_total FROM orders WHERE id = ?', [o.id])
      await db.q('SELECT id, line_no, sku, description, quantity, unit_price FROM order_lines WHERE order_id = ? ORDER BY line_no', [o.id])
      if (rng.chance(0.4)) await checkPermission(ctx, rng.int(2, 40), 1, 'invoices.issue')
      const gross = Math.max(1, toCents(o.grandTotal))
      const net = Math.round(gross / 1.19)
      await db.begin()
      const invoice = await db.insertId(
        ctx.pg
          ? `INSERT INTO invoices (tenant_id, billing_account_id, order_id, bill_to_user_id, status, currency_code,
                      net_amount, tax_amount, gross_amount, issued_at, due_date)
VALUES (?, ?, ?, ?, 'issued', ?, ?, ?, ?, now(), current_date + 14)`
          : `INSERT INTO invoices (invoice_no, tenant_id, billing_account_id, order_id, bill_to_user_id, status, currency_code,
                      net_amount, tax_amount, gross_amount, issued_at, due_date)
VALUES (concat('INV-', nextval(invoice_number_seq)), ?, ?, ?, ?, 'issued', ?, ?, ?, ?, now(), current_date + INTERVAL 14 DAY)`,
        [o.tenant, o.tenant, o.id, o.cust, o.currency, cents(net), cents(gross - net), cents(gross)],
      )
      await db.q(
        'INSERT INTO invoice_lines (invoice_id, line_no, description, quantity, unit_amount, tax_rate_pct)\nVALUES (?, ?, ?, ?, ?, ?)',
        [invoice, 1, `Goods and services as per order ${o.orderNo}`, 1, cents(net), '19.00'],
      )
      if (rng.chance(0.3)) {
        await db.q('INSERT INTO invoice_lines (invoice_id, line_no, description, quantity, unit_amount, tax_rate_pct)\nVALUES (?, ?, ?, ?, ?, ?)', [invoice, 2, 'Shipping', 1, '0.00', '19.00'])
      }
      await db.commit()
      if (rng.chance(0.2)) await writeAudit(ctx, {tenant: o.tenant, user: null, action: 'invoice.issue', resourceType: 'invoices', resourceId: invoice, source: 'billing'})
      return
    }
    case 'list': {
      await db.q(
        `SELECT id, invoice_no, status, gross_amount, due_date
  FROM invoices
 WHERE tenant_id = ? AND status IN ('issued', 'overdue')
 ORDER BY due_date
 LIMIT 50`,
        [rng.int(1, 20)],
      )
      return
    }
    case 'detail': {
      const i = rng.pick(ctx.pools.invoices)
      await db.q(
        `SELECT i.invoice_no, i.status, il.line_no, il.description, il.amount
  FROM invoices i
  JOIN invoice_lines il ON il.invoice_id = i.id
 WHERE i.id = ?
 ORDER BY il.line_no`,
        [i.id],
      )
      if (rng.chance(0.3)) {
        await db.q(
          `SELECT ba.billing_email, ba.vat_number, c.name AS country
  FROM billing_accounts ba
  JOIN countries c ON c.code = ba.country_code
 WHERE ba.tenant_id = ?`,
          [i.tenant],
        )
      }
      return
    }
    case 'creditNote': {
      const i = ctx.cursor('credit', ctx.memo('creditable', () => invoicesOf(ctx, key).filter((x) => x.status === 'paid'))).next()
      await db.begin()
      await db.insertId(
        ctx.pg
          ? "INSERT INTO credit_notes (invoice_id, tenant_id, amount, reason, issued_by)\nVALUES (?, ?, ?, ?, 'billing')"
          : "INSERT INTO credit_notes (credit_note_no, invoice_id, tenant_id, amount, reason, issued_by)\nVALUES (concat('CN-', nextval(credit_note_number_seq)), ?, ?, ?, ?, 'billing')",
        [i.id, i.tenant, cents(Math.max(1, Math.round(toCents(i.gross) * 0.15))), 'Goodwill: late delivery'],
      )
      await db.q("UPDATE invoices SET status = 'credited' WHERE id = ?", [i.id])
      await db.commit()
      return
    }
    case 'accounts': {
      const tenant = 1 + 2 * rng.int(0, 9) + ctx.worker
      await db.q('SELECT id, billing_email, vat_number, country_code, payment_terms_days FROM billing_accounts WHERE tenant_id = ?', [tenant])
      if (rng.chance(0.08)) await db.q('UPDATE billing_accounts SET payment_terms_days = ? WHERE tenant_id = ?', [rng.pick([14, 30, 45]), tenant])
      return
    }
    case 'revenue': {
      await db.lit(`SELECT status, count(*) AS invoices, sum(gross_amount) AS gross
  FROM invoices
 WHERE issued_at >= '${rng.pick(['2025-01-01', '2025-04-01', '2025-06-01'])}'
 GROUP BY status
 ORDER BY status`)
      return
    }
  }
}

// ---------------------------------------------------------------------------------------------
// payments-service
// ---------------------------------------------------------------------------------------------

const attempts = new WeakMap<Ctx, Map<number, number>>()
function nextAttempt(ctx: Ctx, payment: number): number {
  let m = attempts.get(ctx)
  if (!m) attempts.set(ctx, (m = new Map()))
  const n = (m.get(payment) ?? 2) + 1
  m.set(payment, n)
  return n
}

async function paymentsStep(ctx: Ctx, iteration: number): Promise<void> {
  const {db, rng, d, pools} = ctx
  const key = ctx.worker === 0 ? 'payments-service#0' : 'payments-service#1'
  if (iteration === ctx.at(0.4) && ctx.worker === 0) {
    await db.lit(`DELETE FROM webhook_events\n WHERE received_at < now() - ${d.iv(90, 'day')} AND processed_at IS NOT NULL`)
    return
  }
  const op = rng.weighted({capture: 10, initiate: 6, refund: 3, methods: 10, status: 14, webhook: 8, addMethod: 1})
  switch (op) {
    case 'capture': {
      const p = ctx.cursor('capture', ctx.memo('capturable', () => paymentsOf(ctx, key).filter((x) => x.status === 'authorized' || x.status === 'initiated'))).next()
      await db.begin()
      await db.q('SELECT id, status, amount, currency_code FROM payments WHERE id = ? FOR UPDATE', [p.id])
      if (rng.chance(0.04)) {
        await db.q('INSERT INTO payment_attempts (payment_id, attempt_no, status, error_code)\nVALUES (?, ?, ?, ?)', [p.id, nextAttempt(ctx, p.id), 'declined', 'card_declined'])
        // The gateway declined: the capture is abandoned as a whole.
        await db.rollback()
        return
      }
      await db.q('INSERT INTO payment_attempts (payment_id, attempt_no, status, error_code)\nVALUES (?, ?, ?, ?)', [p.id, nextAttempt(ctx, p.id), 'succeeded', null])
      await db.q(
        "INSERT INTO gateway_transactions (payment_id, gateway, gateway_ref, txn_type, status, amount, currency_code, last_writer)\nVALUES (?, ?, ?, 'capture', 'succeeded', ?, ?, 'payments')",
        [p.id, 'stripe', `ch_${rng.hex(16)}${ctx.uniq()}`, p.amount, p.currency],
      )
      await db.q("UPDATE payments SET status = 'captured', captured_at = now(), updated_at = now() WHERE id = ?", [p.id])
      // Payments flips Billing's invoice and Orders' status itself.
      if (p.invoice !== null) await db.q("UPDATE invoices SET status = 'paid', paid_at = now() WHERE id = ?", [p.invoice])
      await db.q("UPDATE orders SET status = 'paid', paid_at = now() WHERE id = ? AND status IN ('pending', 'confirmed')", [p.order])
      await db.q("INSERT INTO order_status_history (order_id, from_status, to_status, changed_by)\nVALUES (?, 'confirmed', 'paid', 'payments')", [p.order])
      await db.commit()
      if (rng.chance(0.2)) await writeAudit(ctx, {tenant: null, user: null, action: 'payment.capture', resourceType: 'payments', resourceId: p.id, source: 'payments'})
      return
    }
    case 'initiate': {
      const o = ctx.cursor('initiate', ctx.memo('pending', () => ordersOf(ctx, key).filter((x) => x.status === 'pending'))).next()
      const user = pools.users[o.cust - 1]
      const amount = cents(Math.max(100, toCents(o.grandTotal)))
      await db.begin()
      const payment = await db.insertId(
        `INSERT INTO payments (order_id, payment_method_id, purpose, status, amount, currency_code, idempotency_key)\nVALUES (?, ?, 'order', 'initiated', ?, ?, ?)`,
        [o.id, user?.card ?? null, amount, o.currency, `ord-${o.id}-${ctx.uniq()}`],
      )
      await db.q("INSERT INTO payment_attempts (payment_id, attempt_no, status) VALUES (?, 1, 'pending')", [payment])
      await db.q(
        "INSERT INTO gateway_transactions (payment_id, gateway, gateway_ref, txn_type, status, amount, currency_code)\nVALUES (?, 'stripe', ?, 'authorize', 'pending', ?, ?)",
        [payment, `pi_${rng.hex(16)}${ctx.uniq()}`, amount, o.currency],
      )
      await db.q("UPDATE payments SET status = 'authorized', updated_at = now() WHERE id = ?", [payment])
      await db.commit()
      return
    }
    case 'refund': {
      const p = ctx.cursor('refund', ctx.memo('refundable', () => paymentsOf(ctx, key).filter((x) => x.status === 'captured'))).next()
      await db.begin()
      await db.q('SELECT id, status, amount FROM payments WHERE id = ? FOR UPDATE', [p.id])
      const refund: Id = await db.insertId("INSERT INTO refunds (payment_id, amount, status, reason)\nVALUES (?, ?, 'processing', ?)", [p.id, p.amount, rng.pick(['Customer return', 'Damaged in transit', 'Duplicate order'])])
      await db.q(
        "INSERT INTO gateway_transactions (payment_id, gateway, gateway_ref, txn_type, status, amount, currency_code)\nVALUES (?, 'stripe', ?, 'refund', 'pending', ?, ?)",
        [p.id, `re_${rng.hex(16)}${ctx.uniq()}`, p.amount, p.currency],
      )
      await db.q("UPDATE payments SET status = 'refunded', updated_at = now() WHERE id = ?", [p.id])
      await db.q("UPDATE orders SET status = 'refunded', updated_at = now() WHERE id = ?", [p.order])
      await db.q(
        "INSERT INTO order_status_history (order_id, from_status, to_status, changed_by, reason)\nVALUES (?, 'delivered', 'refunded', 'payments', 'refund requested')",
        [p.order],
      )
      if (rng.chance(0.4)) {
        // Refunds to store credit go straight into the wallet ledger.
        const wallet = rng.pick(ctx.memo('refundWallets', () => slice(pools.wallets, (w) => w.id, 3, 4)))
        await db.q("INSERT INTO wallet_transactions (wallet_id, kind, amount, order_id, note, created_by)\nVALUES (?, 'refund', ?, ?, ?, 'payments')", [
          wallet.id,
          cents(Math.max(1, Math.round(toCents(p.amount) / 2))),
          p.order,
          `Refund to wallet, order ${p.order}`,
        ])
      }
      await db.commit()
      await db.q("UPDATE refunds SET status = 'succeeded', completed_at = now() WHERE id = ?", [refund])
      return
    }
    case 'methods': {
      await db.q('SELECT id, method_type, brand, last4, is_default FROM payment_methods WHERE user_id = ? ORDER BY is_default DESC, id', [rng.pick(pools.customers).id])
      return
    }
    case 'status': {
      await db.q(
        `SELECT p.id, p.status, p.amount, g.gateway_ref, g.status AS gateway_status, a.attempt_no, a.error_code
  FROM payments p
  LEFT JOIN gateway_transactions g ON g.payment_id = p.id
  LEFT JOIN payment_attempts a ON a.payment_id = p.id
 WHERE p.order_id = ?
 ORDER BY p.id, a.attempt_no`,
        [rng.pick(pools.orders).id],
      )
      return
    }
    case 'webhook': {
      await webhook(ctx, key)
      return
    }
    case 'addMethod': {
      const u = rng.pick(pools.customers)
      await db.q(
        `INSERT INTO payment_methods (user_id, method_type, brand, last4, exp_month, exp_year, gateway, gateway_token, is_default)\nVALUES (?, 'card', ?, ?, ?, ?, 'stripe', ?, false)`,
        [u.id, rng.pick(['visa', 'mastercard', 'amex']), String(rng.int(0, 9999)).padStart(4, '0'), rng.int(1, 12), rng.int(2027, 2031), `pm_${rng.hex(24)}${ctx.uniq()}`],
      )
      return
    }
  }
}

/** A provider callback: store it (deduplicated), find the reference, settle it, mark it processed. */
async function webhook(ctx: Ctx, key: keyof typeof ORDER_SLICES): Promise<void> {
  const {db, rng, pools, d} = ctx
  const mine = ctx.memo('gateway', () => {
    const orders = new Set(paymentsOf(ctx, key).map((p) => p.id))
    return pools.gateway.filter((g) => orders.has(g.payment))
  })
  const g = ctx.cursor('webhook', mine).next()
  const event = `evt_${rng.hex(20)}${ctx.uniq()}`
  const insert = d.insertIgnore('webhook_events', 'gateway, event_id, event_type, gateway_ref, payload', '(?, ?, ?, ?, ?)', 'gateway, event_id')
  const params = [g.gateway, event, `${g.gateway}.charge.succeeded`, g.ref, JSON.stringify({ref: g.ref, type: 'capture', status: 'succeeded'})]
  await db.q(insert, params)
  if (rng.chance(0.1)) await db.q(insert, params) // the provider delivered it twice
  await db.q('SELECT id, payment_id, status, settled_at FROM gateway_transactions WHERE gateway = ? AND gateway_ref = ?', [g.gateway, g.ref])
  await db.q('UPDATE gateway_transactions SET settled_at = now() WHERE id = ? AND settled_at IS NULL', [g.id])
  await db.q('UPDATE webhook_events SET processed_at = now() WHERE gateway = ? AND event_id = ?', [g.gateway, event])
}

/** payments-service's webhook endpoint, from a framework that tags every query, under a generic login. */
async function paymentsTaggedStep(ctx: Ctx): Promise<void> {
  const {db, rng, pools} = ctx
  const op = rng.weighted({webhook: 50, status: 30, methods: 20})
  if (op === 'webhook') {
    db.route = '/webhooks/stripe'
    await webhook(ctx, 'payments-service#2')
  } else if (op === 'status') {
    db.route = '/payments/:id'
    await db.q('SELECT id, status, amount, currency_code, captured_at FROM payments WHERE id = ?', [rng.pick(pools.payments).id])
  } else {
    db.route = '/payment-methods'
    await db.q('SELECT id, method_type, brand, last4, is_default FROM payment_methods WHERE user_id = ? ORDER BY is_default DESC, id', [rng.pick(pools.customers).id])
  }
}

// ---------------------------------------------------------------------------------------------
// memberships-service
// ---------------------------------------------------------------------------------------------

async function membershipsStep(ctx: Ctx, iteration: number): Promise<void> {
  const {db, rng, pools, d} = ctx
  if (iteration === ctx.at(0.6) && ctx.worker === 0) {
    // The plan price copy, kept in sync by hand.
    await db.lit(`UPDATE membership_plans SET monthly_fee = ${v('5.49')} WHERE code = 'CLUB'`)
    return
  }
  const op = rng.weighted({balance: 18, wallet: 12, entitlement: 16, usage: 12, renew: 3, cancel: 1, subscribe: 2, plans: 5, permission: 3})
  const wallets = ctx.memo('wallets', () => slice(pools.wallets, (w) => w.id, ctx.worker, 4))
  const subscriptions = ctx.memo('subscriptions', () => slice(pools.subscriptions, (s) => s.id, ctx.worker, 2))
  switch (op) {
    case 'balance': {
      const w = rng.pick(pools.wallets)
      await db.q('SELECT id, balance, currency_code, status FROM wallets WHERE user_id = ? AND tenant_id = ?', [w.user, w.tenant])
      return
    }
    case 'wallet': {
      const w = rng.pick(wallets)
      const kind = rng.weighted({fund: 4, spend: 5, expire: 1})
      const amount = rng.int(500, 5000) * (kind === 'fund' ? 1 : -1)
      await db.begin()
      await db.q('SELECT id, balance, status FROM wallets WHERE id = ? FOR UPDATE', [w.id])
      const tx = await db.insertId("INSERT INTO wallet_transactions (wallet_id, kind, amount, note, created_by)\nVALUES (?, ?, ?, ?, 'wallet')", [
        w.id,
        kind,
        cents(amount),
        kind === 'fund' ? 'Top-up (voucher)' : kind === 'spend' ? 'Member shop purchase' : 'Credit expired',
      ])
      await db.q('UPDATE wallets SET balance = balance + ? WHERE id = ?', [cents(amount), w.id])
      if (kind === 'fund') {
        await db.q("INSERT INTO wallet_fundings (wallet_id, payment_id, amount, method, wallet_transaction_id)\nVALUES (?, NULL, ?, 'voucher', ?)", [w.id, cents(amount), tx])
      }
      await db.commit()
      return
    }
    case 'entitlement': {
      await db.q(
        `SELECT e.id, e.feature_code, e.quota,
       (SELECT coalesce(sum(u.quantity), 0)
          FROM usage_records u
         WHERE u.entitlement_id = e.id AND u.recorded_at >= ${d.monthStart}) AS used
  FROM entitlements e
  JOIN plan_subscriptions s ON s.id = e.subscription_id
 WHERE s.user_id = ? AND s.status IN ('active', 'trial')
   AND (e.valid_to IS NULL OR e.valid_to > now())`,
        [rng.pick(pools.subscriptions).user],
      )
      return
    }
    case 'usage': {
      const e = rng.pick(pools.entitlements)
      await db.q('INSERT INTO usage_records (entitlement_id, user_id, quantity, source_ref) VALUES (?, ?, ?, ?)', [
        e.id,
        e.user,
        rng.chance(0.03) ? -1 : 1,
        `${e.feature === 'workshop_seat' ? 'slot' : 'order'}:${rng.int(1, 20000)}`,
      ])
      return
    }
    case 'renew': {
      const s = ctx.cursor('renew', subscriptions).next()
      await db.begin()
      await db.q(`UPDATE plan_subscriptions SET current_period_end = current_period_end + ${d.iv(30, 'day')}, status = 'active' WHERE id = ?`, [s.id])
      await db.q("INSERT INTO entitlements (subscription_id, feature_code, quota, period, valid_from)\nVALUES (?, 'free_delivery', 2, 'month', now())", [s.id])
      await db.commit()
      return
    }
    case 'cancel': {
      const s = ctx.cursor('cancel', subscriptions).next()
      await db.q("UPDATE plan_subscriptions SET status = 'cancelled', cancelled_at = now(), auto_renew = false WHERE id = ?", [s.id])
      return
    }
    case 'subscribe': {
      const u = rng.pick(pools.customers)
      await db.begin()
      const sub = await db.insertId(
        `INSERT INTO plan_subscriptions (tenant_id, user_id, plan_id, status, started_at, current_period_end)\nVALUES (?, ?, ?, 'trial', now(), now() + ${d.iv(14, 'day')})`,
        [u.tenant, u.id, rng.int(1, 7)],
      )
      await db.q("INSERT INTO entitlements (subscription_id, feature_code, quota, period, valid_from)\nVALUES (?, 'member_discount', 10, 'month', now())", [sub])
      await db.commit()
      return
    }
    case 'plans': {
      await db.q('SELECT id, code, name, billing_period, monthly_fee FROM membership_plans WHERE is_public ORDER BY id')
      if (rng.chance(0.3)) {
        await db.q('SELECT p.id, p.list_price FROM products p JOIN membership_plans mp ON mp.product_id = p.id WHERE mp.id = ?', [rng.int(1, 8)])
      }
      return
    }
    case 'permission': {
      const u = rng.pick(pools.customers)
      await checkPermission(ctx, u.id, u.tenant, rng.pick(['wallet.adjust', 'memberships.manage']))
      return
    }
  }
}

export function moneyWorkers(): WorkerSpec[] {
  const out: WorkerSpec[] = []
  for (let w = 0; w < 2; w++) out.push({service: 'billing-service', worker: w, code: 'bi', user: 'billing_svc', application: 'billing-service', mysqlParams: w === 1 ? 'interpolated' : 'prepared', iterations: 150, step: billingStep})
  for (let w = 0; w < 2; w++) out.push({service: 'payments-service', worker: w, code: 'pa', user: 'payments_svc', application: 'payments-service', iterations: 125, step: paymentsStep})
  out.push({service: 'payments-service', worker: 2, code: 'pt', user: 'hp_app', application: 'node-postgres', tagApplication: 'payments-service', iterations: 80, step: (c) => paymentsTaggedStep(c)})
  for (let w = 0; w < 2; w++) out.push({service: 'memberships-service', worker: w, code: 'me', user: 'memberships_svc', application: 'memberships-service', iterations: 195, step: membershipsStep})
  return out
}
