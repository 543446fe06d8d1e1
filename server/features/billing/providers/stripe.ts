import Stripe from 'stripe';
import type { BillingConfig } from '../../../config.js';
import type { BillingProvider, CheckoutInput, WebhookEvent } from './port.js';

type StripeBilling = Extract<BillingConfig, { provider: 'stripe' }>;

/** The events the webhook acts on (register these on each endpoint; the catch-up job lists them). */
export const HANDLED_EVENTS = [
  'checkout.session.completed',
  'invoice.paid',
  'invoice.payment_failed',
  'customer.subscription.created',
  'customer.subscription.updated',
  'customer.subscription.deleted',
] as const;

/** Signature tolerance (SECURITY.md §24): older signed payloads are refused (replay). */
export const WEBHOOK_TOLERANCE_S = 300;

/** One SDK client per config; STRIPE_API_BASE points it elsewhere (tests' recording server, stripe-mock). */
export function stripeClient(config: StripeBilling): Stripe {
  return new Stripe(config.secretKey, {
    maxNetworkRetries: 2,
    timeout: 10_000,
    telemetry: false,
    ...(config.api ? { host: config.api.host, port: config.api.port, protocol: config.api.protocol } : {}),
  });
}

/**
 * Stripe adapter. Membership = a yearly subscription (Checkout in `subscription` mode): Stripe renews
 * it and sends invoice.paid every year, card or SEPA Direct Debit, and the customer portal manages it.
 * The price is the one stripe-sync created (lookup key `<tenant>:<tier>:<amount>`), or inline
 * price_data with the same yearly amount when the sync has not run.
 */
export function createStripeProvider(config: StripeBilling, client: Stripe = stripeClient(config)): BillingProvider {
  return {
    kind: 'stripe',
    async checkout(input: CheckoutInput) {
      const prices = await client.prices.list({ lookup_keys: [input.priceLookupKey], active: true, limit: 1 });
      const price = prices.data[0];
      const metadata = { tenant_id: input.tenantId, company_id: input.companyId, tier_code: input.tierCode };
      const lineItem: Stripe.Checkout.SessionCreateParams.LineItem = price
        ? { price: price.id, quantity: 1 }
        : {
            quantity: 1,
            price_data: {
              currency: input.currency.toLowerCase(),
              unit_amount: input.amountCents,
              recurring: { interval: 'year' },
              product_data: { name: `Adhésion ${input.tierLabel}`, metadata: { tenant_id: input.tenantId, tier_code: input.tierCode } },
            },
          };
      const session = await client.checkout.sessions.create(
        {
          mode: 'subscription',
          line_items: [lineItem],
          client_reference_id: input.companyId,
          metadata,
          subscription_data: { metadata },
          ...(input.customerId ? { customer: input.customerId } : { customer_email: input.customerEmail }),
          success_url: input.successUrl,
          cancel_url: input.cancelUrl,
          locale: 'fr',
        },
        // One session per company and minute at most, even if the button is pressed twice.
        { idempotencyKey: `checkout:${input.tenantId}:${input.companyId}:${Math.floor(Date.now() / 60_000)}` },
      );
      if (!session.url) throw new Error('Stripe Checkout sans URL');
      return { url: session.url, sessionId: session.id };
    },
    async portal(customerId: string, returnUrl: string) {
      const session = await client.billingPortal.sessions.create({ customer: customerId, return_url: returnUrl });
      return { url: session.url };
    },
    async *recentEvents(sinceUnix: number) {
      const events: WebhookEvent[] = [];
      // Stripe lists newest first; apply oldest first (the state rules hold either way, this is only tidier).
      for await (const event of client.events.list({ created: { gte: sinceUnix }, types: [...HANDLED_EVENTS], limit: 100 })) {
        events.push(event as unknown as WebhookEvent);
      }
      yield* events.reverse();
    },
    verifyWebhook(rawBody: Buffer, signature: string | undefined): WebhookEvent {
      if (!signature) throw new Error('Stripe-Signature manquant');
      return client.webhooks.constructEvent(rawBody, signature, config.webhookSecret, WEBHOOK_TOLERANCE_S) as unknown as WebhookEvent;
    },
  };
}
