/**
 * How a membership is paid (STYLE.md §5): the features depend on this port only; the adapter is chosen
 * once from config (providers/index.ts). Manual: no online payment, the tenant admin records transfers.
 */
export interface CheckoutInput {
  tenantId: string;
  companyId: string;
  companyName: string;
  tierCode: string;
  tierLabel: string;
  amountCents: number;
  currency: string;
  /** Stripe Price looked up by this key when stripe-sync created it; inline price_data otherwise. */
  priceLookupKey: string;
  customerEmail: string;
  /** Existing Stripe customer of the company (renewal): reused instead of a new one. */
  customerId: string | null;
  successUrl: string;
  cancelUrl: string;
}

export interface WebhookEvent {
  id: string;
  type: string;
  /** Unix seconds, as Stripe stamps the event. */
  created: number;
  data: { object: Record<string, unknown> };
}

export interface BillingProvider {
  readonly kind: 'manual' | 'stripe';
  /** Online payment page (Stripe Checkout); the manual provider has none. */
  checkout?(input: CheckoutInput): Promise<{ url: string; sessionId: string }>;
  /** Stripe's customer portal (card, invoices, cancellation). */
  portal?(customerId: string, returnUrl: string): Promise<{ url: string }>;
  /** Events created since `sinceUnix` (catch-up of undelivered webhooks), oldest first. */
  recentEvents?(sinceUnix: number): AsyncIterable<WebhookEvent>;
  /** Verifies a webhook's signature over the raw body; throws on a bad or stale signature. */
  verifyWebhook?(rawBody: Buffer, signature: string | undefined): WebhookEvent;
}
