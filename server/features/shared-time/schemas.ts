import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { NEED_SEASONS, NEED_STATUSES, PROPOSAL_STATUSES } from '../../db/database.js';
import { ErrorResponse } from '../accounts/schemas.js';

// One schema, three uses: validation of the API's bodies, their types, the OpenAPI document. Values
// stay strings here (times, dates, codes): the service checks them, with the same French messages as
// the page form.

const literals = <T extends string>(values: readonly T[], description?: string) => Type.Unsafe<T>({ type: 'string', enum: [...values], ...(description ? { description } : {}) });
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const IdParams = Type.Object({ id: Type.String({ maxLength: 64, description: 'Identifiant (UUID)' }) });

const Slot = Type.Object(
  {
    day: Type.String({ maxLength: 3, description: 'mon, tue, wed, thu, fri, sat ou sun' }),
    start: Type.String({ maxLength: 5, description: 'HH:MM' }),
    end: Type.String({ maxLength: 5, description: 'HH:MM (24:00 pour minuit), après le début' }),
    site: Type.Optional(Type.Integer({ minimum: 0, maximum: 9, description: 'Indice du lieu dans `sites` (0 par défaut)' })),
  },
  { additionalProperties: false },
);

const needFields = {
  title: Type.String({ maxLength: 200, description: 'Intitulé du besoin (3 à 120 caractères)' }),
  rome_code: Type.String({ maxLength: 10, description: 'Code ROME du métier, ex. H2102' }),
  sites: Type.Array(
    Type.Object({ commune_insee: Type.String({ maxLength: 10, description: 'Code INSEE de la commune' }), label: Type.Optional(Nullable(Type.String({ maxLength: 200 }))) }, { additionalProperties: false }),
    { maxItems: 10, description: '1 à 3 lieux de travail' },
  ),
  periods: Type.Array(
    Type.Object(
      {
        from: Type.String({ maxLength: 10, description: 'MM-JJ, début de la période (chaque année)' }),
        to: Type.String({ maxLength: 10, description: 'MM-JJ, fin incluse ; avant le début : la période passe le nouvel an (12-15 → 04-15)' }),
        slots: Type.Array(Slot, { maxItems: 50 }),
      },
      { additionalProperties: false },
    ),
    { maxItems: 10, description: '1 à 4 périodes sans chevauchement, chacune avec ses créneaux hebdomadaires' },
  ),
  licences: Type.Array(Type.String({ maxLength: 40 }), { maxItems: 30, description: 'Permis et qualifications exigés (codes de la liste, ex. permis-b, caces-r489-3, de-infirmier)' }),
  start_date: Type.String({ maxLength: 10, description: 'AAAA-MM-JJ' }),
  min_commitment_months: Type.Number({ description: 'Engagement minimum de l’entreprise, en mois (1–120)' }),
  hourly_wage: Type.Number({ description: 'Salaire horaire brut de référence dans l’entreprise (égalité de rémunération, art. L1253-9)' }),
  short_contracts_replaced: Type.Optional(Type.Number({ description: 'Contrats courts remplacés l’an dernier' })),
  notes: Type.Optional(Nullable(Type.String({ maxLength: 5000 }))),
};

export const NeedCreateBody = Type.Object(
  { company_id: Type.Optional(Type.String({ maxLength: 64, description: 'Obligatoire pour le personnel du groupement ou un membre de plusieurs entreprises' })), ...needFields },
  { additionalProperties: false },
);
export type NeedCreateBody = Static<typeof NeedCreateBody>;

export const NeedPatchBody = Type.Partial(Type.Object(needFields, { additionalProperties: false }), { additionalProperties: false, minProperties: 1 });
export type NeedPatchBody = Static<typeof NeedPatchBody>;

export const NeedListQuery = Type.Object(
  {
    status: Type.Optional(literals(NEED_STATUSES)),
    rome: Type.Optional(Type.String({ pattern: '^[A-Na-n]([0-9]{2}([0-9]{2})?)?$', description: 'Code ROME (H2102), domaine (H21) ou grand domaine (H)' })),
    season: Type.Optional(literals(NEED_SEASONS)),
    near: Type.Optional(Type.String({ pattern: '^[0-9][0-9ABab][0-9]{3}$', description: 'Code INSEE de la commune centre' })),
    radius_km: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 30 })),
    company_id: Type.Optional(Type.String({ format: 'uuid' })),
  },
  { additionalProperties: false },
);
export type NeedListQuery = Static<typeof NeedListQuery>;

const NeedResource = Type.Object({
  id: Type.String({ format: 'uuid' }),
  company: Type.Object({ id: Type.String({ format: 'uuid' }), name: Type.String() }),
  status: literals(NEED_STATUSES),
  title: Type.String(),
  rome: Type.Object({ code: Type.String(), label: Type.String() }),
  sites: Type.Array(Type.Object({ commune_insee: Type.String(), name: Type.String(), postal_code: Nullable(Type.String()), lat: Type.Number(), lon: Type.Number(), label: Nullable(Type.String()) })),
  periods: Type.Array(Type.Object({ from: Type.String(), to: Type.String(), slots: Type.Array(Type.Object({ day: Type.String(), start: Type.String(), end: Type.String(), site: Type.Integer() })) })),
  licences: Type.Array(Type.String()),
  start_date: Type.String(),
  min_commitment_months: Type.Integer(),
  hourly_wage: Type.Number(),
  short_contracts_replaced: Type.Integer(),
  notes: Nullable(Type.String()),
  source: Type.String(),
  season: literals(NEED_SEASONS),
  weekly_hours: Type.Number({ description: 'Heures de la semaine la plus chargée' }),
  annual_hours: Type.Number(),
  month_hours: Type.Array(Type.Number(), { description: 'Heures déclarées par mois, de janvier à décembre' }),
  validated_at: Nullable(Type.String({ format: 'date-time' })),
  created_at: Type.String({ format: 'date-time' }),
  updated_at: Type.String({ format: 'date-time' }),
  url: Type.String({ description: 'Page du besoin' }),
});
export { NeedResource };
export type NeedResource = Static<typeof NeedResource>;

export const NeedListResponse = Type.Object({ total: Type.Integer(), needs: Type.Array(NeedResource) });

export const ProposalResource = Type.Object({
  id: Type.String({ format: 'uuid' }),
  status: literals(PROPOSAL_STATUSES),
  need_ids: Type.Array(Type.String({ format: 'uuid' })),
  regime: Nullable(Type.String({ description: 'weekly (chaque semaine dans les bornes) ou annualised (heures annualisées)' })),
  annual_hours: Type.Number(),
  weekly_hours: Type.Array(Type.Number(), { description: '52 semaines de l’année modèle (travail + trajets entre sites)' }),
  fill: Type.Number({ description: 'Part de la cible atteinte (1 = 35 h chaque semaine ou 1 607 h)' }),
  score: Type.Number(),
  terms: Type.Array(Type.Object({ name: Type.String(), value: Type.Number(), weight: Type.Number() })),
  employers: Type.Array(Type.Object({ company_id: Type.String(), name: Type.String(), public_body: Type.Boolean(), hours: Type.Number(), share: Type.Number(), hourly_wage: Type.Number() })),
  licences: Type.Array(Type.String()),
  checks: Type.Array(Type.String(), { description: 'Contraintes vérifiées, avec les chiffres de la combinaison' }),
  gap: Nullable(Type.Object({ summary: Type.String(), missing_hours: Type.Number(), per: Type.String(), free_days: Type.Array(Type.Integer()), free_months: Type.Array(Type.Integer()) })),
  broken: Nullable(Type.String({ description: 'Combinaison épinglée qui ne passe plus : pourquoi' })),
  offer_id: Nullable(Type.String({ format: 'uuid' })),
  url: Type.String(),
});
export type ProposalResource = Static<typeof ProposalResource>;

export const ProposalListResponse = Type.Object({
  computing: Type.Boolean({ description: 'Un recalcul est en attente : les propositions vont changer' }),
  proposals: Type.Array(ProposalResource),
});

export const DraftOfferApiBody = Type.Object({ company_id: Type.String({ maxLength: 64, description: 'Entreprise porteuse du groupement (employeur juridique)' }) }, { additionalProperties: false });

export { ErrorResponse };
