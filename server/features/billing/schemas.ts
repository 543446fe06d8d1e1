import { Type, type Static } from '@sinclair/typebox';
import { MEMBERSHIP_STATUSES } from '../../db/database.js';

export const MembershipListQuery = Type.Object(
  {
    statut: Type.Optional(Type.Union([Type.Literal(''), ...MEMBERSHIP_STATUSES.map((s) => Type.Literal(s))])),
    tranche: Type.Optional(Type.String({ maxLength: 40, pattern: '^[a-z0-9_-]*$' })),
    annee: Type.Optional(Type.Union([Type.Literal(''), Type.String({ pattern: '^(19|20)[0-9]{2}$' })])),
  },
  { additionalProperties: false },
);
export type MembershipListQuery = Static<typeof MembershipListQuery>;

export const ManualPaymentBody = Type.Object(
  {
    _csrf: Type.String(),
    method: Type.Union([Type.Literal('bank_transfer'), Type.Literal('administrative_mandate')]),
    reference: Type.String({ minLength: 1, maxLength: 200 }),
    paid_on: Type.String({ format: 'date' }),
    amount: Type.String({ pattern: '^[0-9]{1,7}([.,][0-9]{1,2})?$' }),
  },
  { additionalProperties: false },
);

export const TierOverrideBody = Type.Object(
  {
    _csrf: Type.String(),
    company_id: Type.String({ format: 'uuid' }),
    tier: Type.String({ maxLength: 40 }),
    reason: Type.String({ minLength: 3, maxLength: 500 }),
  },
  { additionalProperties: false },
);

export const CsrfOnly = Type.Object({ _csrf: Type.String() }, { additionalProperties: false });

/** '1 200,50' style input → cents. */
export function parseEuros(value: string): number {
  const [units, decimals = ''] = value.replace(',', '.').split('.');
  return Number(units) * 100 + Number(decimals.padEnd(2, '0'));
}
