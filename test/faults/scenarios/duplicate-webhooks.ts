import http from 'node:http';
import Stripe from 'stripe';
import { MONTAGNE_HOST, STRIPE_WEBHOOK_SECRET } from '../app-process.js';
import { send } from '../http-load.js';
import type { ScenarioResult, Suite } from '../suite.js';

const COPIES = 50;
const DAY = 86_400;

/**
 * 5. One correctly signed `invoice.paid` delivered 50 times in parallel over HTTP (Stripe retries, a
 * proxy replays): exactly one effect in the database (one payment, one processed event).
 */
export async function duplicateWebhooks(suite: Suite): Promise<ScenarioResult> {
  // A montagne company with no payment yet, its membership removed, so the event's one effect is plain to count.
  const [company] = await suite.query<{ id: string }>(
    `select c.id from companies c where c.tenant_id = 'montagne'
       and not exists (select 1 from membership_payments p where p.company_id = c.id)
     order by c.name limit 1`,
  );
  await suite.query('delete from memberships where company_id = $1', [company.id]);
  const now = Math.floor(Date.now() / 1000);
  const metadata = { tenant_id: 'montagne', company_id: company.id, tier_code: 'pe' };
  const event = {
    id: `evt_faults_${now}`,
    object: 'event',
    type: 'invoice.paid',
    created: now,
    data: {
      object: {
        id: `in_faults_${now}`,
        object: 'invoice',
        customer: 'cus_faults',
        amount_paid: 120000,
        parent: { type: 'subscription_details', subscription_details: { subscription: 'sub_faults', metadata } },
        lines: { data: [{ period: { start: now, end: now + 365 * DAY } }] },
      },
    },
  };
  const payload = JSON.stringify(event);
  const signature = new Stripe('sk_test_faultsuite').webhooks.generateTestHeaderString({ payload, secret: STRIPE_WEBHOOK_SECRET });
  const agent = new http.Agent({ keepAlive: true, maxSockets: COPIES });
  const outcomes = await Promise.all(
    Array.from({ length: COPIES }, () =>
      send(new URL(suite.app.origin), MONTAGNE_HOST, agent, {
        method: 'POST',
        path: '/webhooks/stripe',
        headers: { 'content-type': 'application/json', 'stripe-signature': signature },
        body: payload,
      }, 30_000),
    ),
  );
  agent.destroy();
  const outcomesOf = (kind: string) => outcomes.filter((o) => o.status === 200 && JSON.parse(o.body).outcome === kind).length;
  const [{ n: payments }] = await suite.query<{ n: number }>('select count(*)::int as n from membership_payments where company_id = $1', [company.id]);
  const [{ n: events }] = await suite.query<{ n: number }>('select count(*)::int as n from billing_events where event_id = $1', [event.id]);
  const [membership] = await suite.query<{ status: string }>('select status from memberships where company_id = $1', [company.id]);
  return {
    name: '5 webhooks Stripe en double',
    figures: {
      envois: COPIES,
      'réponses 200': outcomes.filter((o) => o.status === 200).length,
      traités: outcomesOf('processed'),
      'doublons reconnus': outcomesOf('duplicate'),
      'paiements enregistrés': payments,
      'événements enregistrés': events,
      adhésion: membership?.status ?? 'aucune',
    },
    checks: [
      { target: 'exactement un effet (un paiement, un événement, adhésion active)', ok: payments === 1 && events === 1 && membership?.status === 'active' },
      { target: 'chaque envoi acquitté 200, un seul traité', ok: outcomes.every((o) => o.status === 200) && outcomesOf('processed') === 1 },
    ],
    examples: outcomes.filter((o) => o.status !== 200).slice(0, 3).map((o) => `${o.status || o.error} ${o.body.slice(0, 160)}`),
  };
}
