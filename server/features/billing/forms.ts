import type { FormPage } from '../../plugins/forms.js';

/** The tenant admin records a bank transfer or an administrative mandate for one company. */
export const recordPaymentForm: FormPage = {
  id: 'billingPayment',
  template: 'pages/billing/payment',
  title: 'billing.admin.recordPayment',
  fields: [
    {
      name: 'method',
      type: 'radio',
      label: 'billing.admin.method',
      required: true,
      options: [
        { value: 'bank_transfer', label: 'billing.method.bank_transfer' },
        { value: 'administrative_mandate', label: 'billing.method.administrative_mandate' },
      ],
    },
    { name: 'reference', type: 'text', label: 'billing.admin.reference', hint: 'billing.admin.referenceHint', required: true, maxlength: 200 },
    { name: 'paid_on', type: 'date', label: 'billing.admin.paidOn', required: true },
    { name: 'amount', type: 'text', label: 'billing.admin.amount', hint: 'billing.admin.amountHint', required: true, inputmode: 'decimal', maxlength: 12 },
  ],
};
