import { Type, type Static } from '@sinclair/typebox';
import { CONTRACTS } from '../../db/database.js';

/** Query of the public offer list page. Unknown parameters (utm_…) are ignored, not refused. */
export const OfferListQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 200 })),
  secteur: Type.Optional(Type.String({ pattern: '^[a-z0-9-]{1,60}$' })),
  contrat: Type.Optional(Type.Union(CONTRACTS.map((c) => Type.Literal(c)))),
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
});
export type OfferListQuery = Static<typeof OfferListQuery>;
