import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { APPLY_METHODS, CONTRACTS, EXPERIENCE_LEVELS, HOUSING, JOB_NATURES, OFFER_STATUSES, SALARY_UNITS, SEASONS, WORKING_TIMES } from '../../db/database.js';
import { ErrorResponse } from '../accounts/schemas.js';
import type { OfferInput } from './manage-service.js';

// One schema, three uses: validation of the API's bodies, their TypeScript types, the OpenAPI document.

/** A string enum, typed as its union (TypeBox unions of mapped literals lose their members' types). */
const literals = <T extends string>(values: readonly T[], description?: string) =>
  Type.Unsafe<T>({ type: 'string', enum: [...values], ...(description ? { description } : {}) });
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const DateOnly = Type.String({ format: 'date', description: 'AAAA-MM-JJ' });

export const OfferId = Type.Object({ id: Type.String({ maxLength: 64, description: 'Identifiant (UUID) de l’offre' }) });

/** The writable fields of an offer; POST requires the first five. */
const fields = {
  title: Type.String({ minLength: 3, maxLength: 160 }),
  description_html: Type.String({
    minLength: 1,
    maxLength: 50_000,
    description: 'HTML simple (paragraphes, listes, gras, liens http/https/mailto) ; tout le reste est retiré à l’enregistrement.',
  }),
  contract: literals(CONTRACTS),
  working_time: literals(WORKING_TIMES),
  commune_insee: Type.String({ pattern: '^[0-9][0-9ABab][0-9]{3}$', description: 'Code INSEE de la commune (le code postal, le nom et les coordonnées en sont déduits)' }),
  rome_code: Nullable(Type.String({ pattern: '^[A-Na-n][0-9]{4}$', description: 'Code ROME du métier, ex. G1204' })),
  sector: Nullable(Type.String({ pattern: '^[a-z0-9-]{1,60}$', description: 'Code d’un secteur du site (tenant.json)' })),
  hours_per_week: Nullable(Type.Number({ exclusiveMinimum: 0, maximum: 48 })),
  start_date: Nullable(DateOnly),
  end_date: Nullable(DateOnly),
  season: Nullable(literals(SEASONS)),
  salary_min: Nullable(Type.Number({ minimum: 0, maximum: 10_000_000 })),
  salary_max: Nullable(Type.Number({ minimum: 0, maximum: 10_000_000 })),
  salary_unit: Nullable(literals(SALARY_UNITS)),
  housing: literals(HOUSING),
  experience: Nullable(literals(EXPERIENCE_LEVELS)),
  driving_licence: Type.Boolean(),
  without_diploma: Type.Boolean({ description: 'Accessible sans diplôme (filtre des sites jeunes)' }),
  open_to_minors: Type.Boolean({ description: 'Accessible aux mineurs (filtre des sites jeunes)' }),
  apply_method: literals(APPLY_METHODS),
  apply_url: Nullable(Type.String({ maxLength: 500 })),
  apply_email: Nullable(Type.String({ maxLength: 254 })),
  job_nature: Nullable(literals(JOB_NATURES, 'Création de poste ou remplacement (rapports aux financeurs)')),
  export_consent: Type.Boolean({ description: 'L’employeur accepte la diffusion de l’offre à France Travail, aux agrégateurs et aux sites partenaires (oui par défaut)' }),
};

const { title, description_html, contract, working_time, commune_insee, ...optional } = fields;

export const OfferCreateBody = Type.Object(
  {
    company_id: Type.Optional(Type.String({ format: 'uuid', description: 'Obligatoire pour l’administrateur du site, ou pour un membre de plusieurs entreprises' })),
    title,
    description_html,
    contract,
    working_time,
    commune_insee,
    ...Type.Partial(Type.Object(optional)).properties,
  },
  { additionalProperties: false },
);
export type OfferCreateBody = Static<typeof OfferCreateBody>;

export const OfferPatchBody = Type.Partial(Type.Object(fields, { additionalProperties: false }), { additionalProperties: false, minProperties: 1 });

export const RejectBody = Type.Object({ reason: Type.String({ minLength: 5, maxLength: 2000, description: 'Motif envoyé par e-mail aux membres de l’entreprise' }) }, { additionalProperties: false });

/** An API body (create or patch) → the service's OfferInput; absent fields stay absent (PATCH). */
export function apiInput(body: Record<string, unknown>): Partial<OfferInput> {
  const input: Record<string, unknown> = {};
  for (const key of Object.keys(fields)) if (body[key] !== undefined) input[key] = body[key];
  return input as Partial<OfferInput>;
}

export const OfferResource = Type.Object({
  id: Type.String({ format: 'uuid' }),
  company: Type.Object({ id: Type.String({ format: 'uuid' }), name: Type.String(), slug: Type.String() }),
  status: literals(OFFER_STATUSES),
  title: Type.String(),
  description_html: Type.String({ description: 'Déjà assaini' }),
  contract: Type.String(),
  working_time: Type.String(),
  hours_per_week: Nullable(Type.Number()),
  start_date: Nullable(Type.String()),
  end_date: Nullable(Type.String()),
  season: Nullable(Type.String()),
  rome_code: Nullable(Type.String()),
  rome_label: Nullable(Type.String()),
  sector: Nullable(Type.String()),
  place: Type.Object({
    insee: Nullable(Type.String()),
    postal_code: Nullable(Type.String()),
    name: Nullable(Type.String()),
    lat: Nullable(Type.Number()),
    lon: Nullable(Type.Number()),
  }),
  salary: Type.Object({ min: Nullable(Type.Number()), max: Nullable(Type.Number()), unit: Nullable(Type.String()), currency: Type.String() }),
  housing: Type.String(),
  experience: Nullable(Type.String()),
  driving_licence: Type.Boolean(),
  without_diploma: Type.Boolean(),
  open_to_minors: Type.Boolean(),
  apply: Type.Object({ method: Type.String(), url: Nullable(Type.String()), email: Nullable(Type.String()) }),
  job_nature: Nullable(Type.String()),
  export_consent: Type.Boolean({ description: 'Diffusion consentie (France Travail, agrégateurs, partenaires)' }),
  published_at: Nullable(Type.String({ format: 'date-time' })),
  expires_at: Nullable(Type.String({ format: 'date-time' })),
  created_at: Type.String({ format: 'date-time' }),
  updated_at: Type.String({ format: 'date-time' }),
  url: Nullable(Type.String({ description: 'Page publique, tant que l’offre est en ligne' })),
});
export type OfferResource = Static<typeof OfferResource>;

export const CompanyId = Type.Object({ id: Type.String({ maxLength: 64, description: 'Identifiant (UUID) de l’entreprise' }) });

export const CompanyResource = Type.Object({
  id: Type.String({ format: 'uuid' }),
  name: Type.String(),
  slug: Type.String(),
  siret: Nullable(Type.String()),
  naf_code: Nullable(Type.String()),
  naf_label: Nullable(Type.String()),
  headcount: Nullable(Type.Integer()),
  commune: Type.Object({ insee: Nullable(Type.String()), name: Nullable(Type.String()) }),
  website: Nullable(Type.String()),
  description_html: Nullable(Type.String()),
  url: Type.String(),
});

export const CompanyOffersResponse = Type.Object({
  company: Type.Object({ id: Type.String({ format: 'uuid' }), name: Type.String() }),
  offers: Type.Array(
    Type.Object({
      id: Type.String({ format: 'uuid' }),
      title: Type.String(),
      status: literals(OFFER_STATUSES),
      contract: Type.String(),
      place_name: Nullable(Type.String()),
      published_at: Nullable(Type.String({ format: 'date-time' })),
      expires_at: Nullable(Type.String({ format: 'date-time' })),
      updated_at: Type.String({ format: 'date-time' }),
    }),
  ),
});

export { ErrorResponse };
