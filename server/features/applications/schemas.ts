import { Type, type Static } from '@sinclair/typebox';
import { APPLICATION_STATUSES, REFUSAL_REASONS } from '../../db/database.js';

export const OfferIdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
export const ApplicationIdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

/** The apply form (multipart): text fields validated here, the file (`cv`) checked by the service. */
export const ApplyBody = Type.Object({
  _csrf: Type.Optional(Type.String()),
  full_name: Type.String({ minLength: 1, maxLength: 120 }),
  email: Type.String({ format: 'email', maxLength: 254 }),
  phone: Type.Optional(Type.String({ maxLength: 30, pattern: '^[0-9+ ().-]*$' })),
  message: Type.Optional(Type.String({ maxLength: 5000 })),
  consent: Type.Optional(Type.String({ maxLength: 10 })),
  cv: Type.Optional(Type.Unsafe<unknown>({})),
});
export type ApplyBody = Static<typeof ApplyBody>;

export const StatusBody = Type.Object({
  _csrf: Type.Optional(Type.String()),
  status: Type.Union(APPLICATION_STATUSES.map((s) => Type.Literal(s))),
  /** With `rejected`: a reason of the fixed list (empty = none), and `oui` to share it with the candidate. */
  refusal_reason: Type.Optional(Type.Union([Type.Literal(''), ...REFUSAL_REASONS.map((r) => Type.Literal(r))])),
  refusal_shared: Type.Optional(Type.Literal('oui')),
});

export const NoteBody = Type.Object({
  _csrf: Type.Optional(Type.String()),
  body: Type.String({ minLength: 1, maxLength: 2000 }),
});
