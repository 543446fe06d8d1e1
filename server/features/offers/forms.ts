import { Type, type Static } from '@sinclair/typebox';
import { APPLY_METHODS, CONTRACTS, EXPERIENCE_LEVELS, HOUSING, JOB_NATURES, SALARY_UNITS, SEASONS, WORKING_TIMES } from '../../db/database.js';
import type { FormField, FormPage } from '../../plugins/forms.js';
import type { ManagedOfferRow } from './manage-repository.js';
import type { OfferInput } from './manage-service.js';

// The offer form of the company space: every field of PRODUCT.md's offer model. Labels, hints and
// messages are strings keys; the sector choices are the tenant's.

const choices = (values: readonly string[], prefix: string) => values.map((value) => ({ value, label: `${prefix}.${value}` }));

const fields: FormField[] = [
  { name: 'title', type: 'text', label: 'fields.title.label', required: true, maxlength: 160 },
  { name: 'description_html', type: 'textarea', label: 'fields.description_html.label', hint: 'fields.description_html.hint', required: true, maxlength: 20_000 },
  { name: 'contract', type: 'select', label: 'fields.contract.label', required: true, options: choices(CONTRACTS, 'contract') },
  { name: 'working_time', type: 'radio', label: 'fields.working_time.label', required: true, options: choices(WORKING_TIMES, 'workingTime') },
  { name: 'hours_per_week', type: 'text', label: 'fields.hours_per_week.label', hint: 'fields.hours_per_week.hint', inputmode: 'decimal', maxlength: 5 },
  { name: 'start_date', type: 'date', label: 'fields.start_date.label' },
  { name: 'end_date', type: 'date', label: 'fields.end_date.label' },
  { name: 'season', type: 'select', label: 'fields.season.label', options: choices(SEASONS, 'seasonChoice') },
  { name: 'commune_insee', type: 'text', label: 'fields.commune_insee.label', hint: 'fields.commune_insee.hint', required: true, maxlength: 5, inputmode: 'numeric' },
  { name: 'rome_code', type: 'text', label: 'fields.rome_code.label', hint: 'fields.rome_code.hint', maxlength: 5 },
  { name: 'sector', type: 'select', label: 'fields.sector.label', optionsFor: (tenant) => tenant.config.sectors.map((s) => ({ value: s.code, label: s.label })) },
  { name: 'salary_min', type: 'text', label: 'fields.salary_min.label', inputmode: 'decimal', maxlength: 12 },
  { name: 'salary_max', type: 'text', label: 'fields.salary_max.label', inputmode: 'decimal', maxlength: 12 },
  { name: 'salary_unit', type: 'select', label: 'fields.salary_unit.label', options: choices(SALARY_UNITS, 'salaryUnit') },
  { name: 'housing', type: 'radio', label: 'fields.housing.label', required: true, options: choices(HOUSING, 'housing') },
  { name: 'experience', type: 'select', label: 'fields.experience.label', options: choices(EXPERIENCE_LEVELS, 'experience') },
  { name: 'driving_licence', type: 'radio', label: 'fields.driving_licence.label', required: true, options: [{ value: 'non', label: 'form.no' }, { value: 'oui', label: 'form.yes' }] },
  // What youth boards filter on ("sans diplôme", "accessible aux mineurs"): the employer says so explicitly.
  { name: 'without_diploma', type: 'radio', label: 'fields.without_diploma.label', hint: 'fields.without_diploma.hint', options: [{ value: 'non', label: 'form.no' }, { value: 'oui', label: 'form.yes' }] },
  { name: 'open_to_minors', type: 'radio', label: 'fields.open_to_minors.label', hint: 'fields.open_to_minors.hint', options: [{ value: 'non', label: 'form.no' }, { value: 'oui', label: 'form.yes' }] },
  { name: 'apply_method', type: 'radio', label: 'fields.apply_method.label', required: true, options: choices(APPLY_METHODS, 'applyMethod') },
  { name: 'apply_url', type: 'url', label: 'fields.apply_url.label', hint: 'fields.apply_url.hint', maxlength: 500 },
  { name: 'apply_email', type: 'email', label: 'fields.apply_email.label', hint: 'fields.apply_email.hint', maxlength: 254 },
  { name: 'job_nature', type: 'radio', label: 'fields.job_nature.label', hint: 'fields.job_nature.hint', options: choices(JOB_NATURES, 'jobNature') },
  { name: 'export_consent', type: 'radio', label: 'fields.export_consent.label', hint: 'fields.export_consent.hint', required: true, options: [{ value: 'oui', label: 'form.yes' }, { value: 'non', label: 'form.no' }] },
];

export const newOfferForm: FormPage = { id: 'offer', template: 'pages/offers-manage/form', title: 'offersManage.new.title', fields };
export const editOfferForm: FormPage = { id: 'offer', template: 'pages/offers-manage/form', title: 'offersManage.edit.title', fields };

const Empty = Type.Literal('');
const oneOf = (values: readonly string[]) => Type.Union([Empty, ...values.map((v) => Type.Literal(v))]);
const Optional = (maxLength: number, pattern?: string) => Type.Optional(Type.String({ maxLength, ...(pattern ? { pattern } : {}) }));
/** "35", "35,5", "1 850,00": digits with a decimal comma or point (spaces as thousands separators). */
const DECIMAL = '^$|^[0-9][0-9 ]{0,9}([.,][0-9]{1,2})?$';

/** What the form posts: strings only ('' = not given); the service gets an OfferInput. */
export const OfferFormBody = Type.Object(
  {
    _csrf: Type.Optional(Type.String({ maxLength: 200 })),
    title: Type.String({ minLength: 3, maxLength: 160 }),
    description_html: Type.String({ minLength: 1, maxLength: 20_000 }),
    contract: Type.Union(CONTRACTS.map((v) => Type.Literal(v))),
    working_time: Type.Union(WORKING_TIMES.map((v) => Type.Literal(v))),
    hours_per_week: Optional(5, DECIMAL),
    start_date: Optional(10, '^$|^[0-9]{4}-[0-9]{2}-[0-9]{2}$'),
    end_date: Optional(10, '^$|^[0-9]{4}-[0-9]{2}-[0-9]{2}$'),
    season: Type.Optional(oneOf(SEASONS)),
    commune_insee: Type.String({ pattern: '^[0-9][0-9ABab][0-9]{3}$' }),
    rome_code: Optional(5, '^$|^[A-Na-n][0-9]{4}$'),
    sector: Optional(60, '^$|^[a-z0-9-]{1,60}$'),
    salary_min: Optional(12, DECIMAL),
    salary_max: Optional(12, DECIMAL),
    salary_unit: Type.Optional(oneOf(SALARY_UNITS)),
    housing: Type.Union(HOUSING.map((v) => Type.Literal(v))),
    experience: Type.Optional(oneOf(EXPERIENCE_LEVELS)),
    driving_licence: Type.Union([Type.Literal('oui'), Type.Literal('non')]),
    without_diploma: Type.Optional(Type.Union([Type.Literal('oui'), Type.Literal('non')])),
    open_to_minors: Type.Optional(Type.Union([Type.Literal('oui'), Type.Literal('non')])),
    apply_method: Type.Union(APPLY_METHODS.map((v) => Type.Literal(v))),
    apply_url: Optional(500),
    apply_email: Optional(254),
    job_nature: Type.Optional(oneOf(JOB_NATURES)),
    // Optional: a form of an older page (or a script) that does not send it keeps the default, yes.
    export_consent: Type.Optional(Type.Union([Type.Literal('oui'), Type.Literal('non')])),
  },
  { additionalProperties: false },
);
export type OfferFormBody = Static<typeof OfferFormBody>;

const text = (value: string | undefined) => (value === undefined || value === '' ? null : value);
const decimal = (value: string | undefined) => (value ? Number(value.replace(/ /g, '').replace(',', '.')) : null);

export function formInput(body: OfferFormBody): OfferInput {
  return {
    title: body.title,
    description_html: body.description_html,
    contract: body.contract as OfferInput['contract'],
    working_time: body.working_time as OfferInput['working_time'],
    hours_per_week: decimal(body.hours_per_week),
    start_date: text(body.start_date),
    end_date: text(body.end_date),
    season: text(body.season) as OfferInput['season'],
    commune_insee: body.commune_insee,
    rome_code: text(body.rome_code),
    sector: text(body.sector),
    salary_min: decimal(body.salary_min),
    salary_max: decimal(body.salary_max),
    salary_unit: text(body.salary_unit) as OfferInput['salary_unit'],
    housing: body.housing as OfferInput['housing'],
    experience: text(body.experience) as OfferInput['experience'],
    driving_licence: body.driving_licence === 'oui',
    without_diploma: body.without_diploma === 'oui',
    open_to_minors: body.open_to_minors === 'oui',
    apply_method: body.apply_method as OfferInput['apply_method'],
    apply_url: text(body.apply_url),
    apply_email: text(body.apply_email),
    job_nature: text(body.job_nature) as OfferInput['job_nature'],
    export_consent: body.export_consent !== 'non',
  };
}

/** An offer's values as the form shows them. */
export function formValues(offer: ManagedOfferRow): Record<string, string> {
  const out: Record<string, string> = {};
  for (const field of fields) {
    const value = offer[field.name as keyof ManagedOfferRow];
    if (field.name === 'driving_licence' || field.name === 'without_diploma' || field.name === 'open_to_minors' || field.name === 'export_consent') out[field.name] = value ? 'oui' : 'non';
    else if (typeof value === 'number') out[field.name] = String(value).replace('.', ',');
    else out[field.name] = value === null || value === undefined ? '' : String(value);
  }
  return out;
}

export const NEW_OFFER_DEFAULTS = { working_time: 'full_time', housing: 'none', driving_licence: 'non', without_diploma: 'non', open_to_minors: 'non', apply_method: 'platform', export_consent: 'oui' };

export const rejectForm: FormPage = {
  id: 'reject',
  template: 'pages/admin/reject',
  title: 'admin.reject.title',
  fields: [{ name: 'reason', type: 'textarea', label: 'fields.reason.label', hint: 'fields.reason.hint', required: true, maxlength: 2000 }],
};

export const RejectFormBody = Type.Object(
  { _csrf: Type.Optional(Type.String({ maxLength: 200 })), reason: Type.String({ minLength: 5, maxLength: 2000 }) },
  { additionalProperties: false },
);
