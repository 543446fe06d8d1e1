import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { ATTRIBUTIONS, END_REASONS, HIRE_CONTRACTS, JOB_NATURES } from '../../db/database.js';
import { ErrorResponse } from '../accounts/schemas.js';
import { DECLARED_ATTRIBUTIONS } from './rules.js';
import type { HireRow } from './repository.js';

// One schema, three uses: validation of the API's bodies, their TypeScript types, the OpenAPI document.

const literals = <T extends string>(values: readonly T[], description?: string) =>
  Type.Unsafe<T>({ type: 'string', enum: [...values], ...(description ? { description } : {}) });
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const Day = Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$', description: 'AAAA-MM-JJ' });
const Uuid = Type.String({ format: 'uuid' });

export const HireId = Type.Object({ id: Type.String({ maxLength: 64, description: 'Identifiant (UUID) de l’embauche' }) });

/** The facts of a hire, every one optional: only what is sent changes. */
const facts = {
  title: Type.String({ minLength: 2, maxLength: 200, description: 'Intitulé du poste (par défaut celui de l’offre)' }),
  contract: Nullable(literals(HIRE_CONTRACTS, 'Contrat signé ; null : non précisé')),
  weekly_hours: Nullable(Type.Number({ exclusiveMinimum: 0, maximum: 48, description: 'Heures par semaine' })),
  hired_on: { ...Day, description: 'Date de la décision d’embauche (par défaut : aujourd’hui)' },
  planned_start: Nullable({ ...Day, description: 'Début prévu' }),
  planned_end: Nullable({ ...Day, description: 'Fin prévue (pas pour un CDI)' }),
  actual_start: Nullable({ ...Day, description: 'Début effectif' }),
  actual_end: Nullable({ ...Day, description: 'Fin effective' }),
  end_reason: Nullable(literals(END_REASONS, 'Motif de fin (avec actual_end)')),
  job_nature: Nullable(
    literals(JOB_NATURES, 'Déclaration de l’employeur : « creation » (hausse d’effectif ou nouvelle fonction) ou « replacement » ; datée et signée par l’appelant. null : inchangée.'),
  ),
};

export const HireFactsBody = Type.Partial(Type.Object(facts), { additionalProperties: false });
export type HireFactsBody = Static<typeof HireFactsBody>;

export const HireDeclareBody = Type.Object(
  {
    ...Type.Partial(Type.Object(facts)).properties,
    company_id: Type.Optional(Uuid),
    offer_id: Type.Optional(Nullable(Uuid)),
    attribution: literals(DECLARED_ATTRIBUTIONS, '« platform_contact » : rencontré(e) sur le site, embauché(e) sans candidature ; « declared_only » : simple déclaration.'),
    person_label: Type.Optional(Nullable(Type.String({ maxLength: 120, description: 'Nom de la personne, vu par l’entreprise et l’équipe du site' }))),
    person_email: Type.Optional(Nullable(Type.String({ maxLength: 254, description: 'Son adresse : reconnaît une personne réembauchée (seule son empreinte est gardée, sauf si le site lui pose la question de suivi)' }))),
  },
  { additionalProperties: false },
);
export type HireDeclareBody = Static<typeof HireDeclareBody>;

export const HireListQuery = Type.Object(
  {
    company_id: Type.Optional(Uuid),
    from: Type.Optional(Day),
    to: Type.Optional(Day),
    page: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, default: 1 })),
  },
  { additionalProperties: false },
);

const FollowUp = Type.Object({
  milestone: Type.Integer({ description: '6 ou 12 (mois après le début)' }),
  respondent: literals(['employer', 'person'] as const),
  status: literals(['pending', 'sent'] as const),
  answer: Nullable(literals(['yes', 'no'] as const, 'null : pas de réponse (« inconnu »)')),
});

export const HireResource = Type.Object({
  id: Type.String(),
  company_id: Type.String(),
  offer_id: Nullable(Type.String()),
  application_id: Nullable(Type.String()),
  title: Type.String(),
  contract: Nullable(Type.String()),
  weekly_hours: Nullable(Type.Number()),
  hired_on: Type.String(),
  planned_start: Nullable(Type.String()),
  planned_end: Nullable(Type.String()),
  actual_start: Nullable(Type.String()),
  actual_end: Nullable(Type.String()),
  end_reason: Nullable(Type.String()),
  start_on: Type.String({ description: 'Début effectif, sinon prévu, sinon date d’embauche : ce que les périodes des rapports retiennent' }),
  job_nature: Nullable(Type.String()),
  nature_declared_at: Nullable(Type.String()),
  attribution: literals(ATTRIBUTIONS),
  follow_ups: Type.Array(FollowUp),
});

export const HireList = Type.Object({ page: Type.Integer(), more: Type.Boolean(), hires: Type.Array(HireResource) });

type FollowUpLike = { milestone: number; respondent: string; status: string; answer: string | null };

export function hireResource(hire: Omit<HireRow, 'created_at'> & { created_at?: Date }, followUps: FollowUpLike[]) {
  return {
    id: hire.id,
    company_id: hire.company_id,
    offer_id: hire.offer_id,
    application_id: hire.application_id,
    title: hire.title,
    contract: hire.contract,
    weekly_hours: hire.weekly_hours,
    hired_on: hire.hired_on,
    planned_start: hire.planned_start,
    planned_end: hire.planned_end,
    actual_start: hire.actual_start,
    actual_end: hire.actual_end,
    end_reason: hire.end_reason,
    start_on: hire.start_on,
    job_nature: hire.job_nature,
    nature_declared_at: hire.nature_declared_at ? hire.nature_declared_at.toISOString() : null,
    attribution: hire.attribution,
    follow_ups: followUps.map((f) => ({ milestone: f.milestone, respondent: f.respondent as 'employer' | 'person', status: f.status as 'pending' | 'sent', answer: f.answer as 'yes' | 'no' | null })),
  };
}

export { ErrorResponse };
