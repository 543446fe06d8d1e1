import { Type, type Static } from '@sinclair/typebox';
import { END_REASONS, HIRE_CONTRACTS, JOB_NATURES } from '../../db/database.js';
import type { FormField, FormPage } from '../../plugins/forms.js';
import type { HireRow } from './repository.js';
import { DECLARED_ATTRIBUTIONS, type DeclaredHireInput, type HireInput } from './rules.js';

const choices = (values: readonly string[], prefix: string) => values.map((value) => ({ value, label: `${prefix}.${value}` }));

/** The facts of a hire, as the company completes them (and later declares its end). */
const factFields: FormField[] = [
  { name: 'title', type: 'text', label: 'hires.field.title', required: true, maxlength: 200 },
  { name: 'contract', type: 'select', label: 'hires.field.contract', hint: 'hires.field.contract.hint', options: choices(HIRE_CONTRACTS, 'hireContract') },
  { name: 'weekly_hours', type: 'text', label: 'hires.field.weeklyHours', inputmode: 'decimal', maxlength: 5 },
  { name: 'job_nature', type: 'radio', label: 'hires.field.nature', hint: 'hires.field.nature.hint', options: choices(JOB_NATURES, 'hireNature') },
  { name: 'hired_on', type: 'date', label: 'hires.field.hiredOn', required: true },
  { name: 'planned_start', type: 'date', label: 'hires.field.plannedStart' },
  { name: 'planned_end', type: 'date', label: 'hires.field.plannedEnd', hint: 'hires.field.plannedEnd.hint' },
  { name: 'actual_start', type: 'date', label: 'hires.field.actualStart' },
  { name: 'actual_end', type: 'date', label: 'hires.field.actualEnd' },
  { name: 'end_reason', type: 'select', label: 'hires.field.endReason', options: choices(END_REASONS, 'endReason') },
];

export const hireForm: FormPage = { id: 'hire', template: 'pages/hires/form', title: 'hires.edit.title', fields: factFields };

export const declareHireForm: FormPage = {
  id: 'hire',
  template: 'pages/hires/declare',
  title: 'hires.declare.title',
  fields: [
    { name: 'company_id', type: 'hidden', label: 'hires.field.company' },
    {
      name: 'offer_id',
      type: 'select',
      label: 'hires.field.offer',
      hint: 'hires.field.offer.hint',
      optionsFor: (_tenant, data) => ((data.offers ?? []) as { id: string; title: string }[]).map((o) => ({ value: o.id, label: o.title })),
    },
    { name: 'attribution', type: 'radio', label: 'hires.field.attribution', required: true, options: choices(DECLARED_ATTRIBUTIONS, 'attribution') },
    { name: 'person_label', type: 'text', label: 'hires.field.personLabel', hint: 'hires.field.personLabel.hint', maxlength: 120 },
    { name: 'person_email', type: 'email', label: 'hires.field.personEmail', hint: 'hires.field.personEmail.hint', maxlength: 254 },
    ...factFields.filter((f) => f.name !== 'actual_end' && f.name !== 'end_reason'),
  ],
};

const Empty = Type.Literal('');
const oneOf = (values: readonly string[]) => Type.Union([Empty, ...values.map((v) => Type.Literal(v))]);
const Day = Type.Optional(Type.String({ pattern: '^$|^[0-9]{4}-[0-9]{2}-[0-9]{2}$' }));
/** "35", "35,5": digits with a decimal comma or point. */
const DECIMAL = '^$|^[0-9]{1,2}([.,][0-9])?$';

const factBody = {
  _csrf: Type.Optional(Type.String({ maxLength: 200 })),
  title: Type.String({ minLength: 2, maxLength: 200 }),
  contract: Type.Optional(oneOf(HIRE_CONTRACTS)),
  weekly_hours: Type.Optional(Type.String({ maxLength: 5, pattern: DECIMAL })),
  job_nature: Type.Optional(oneOf(JOB_NATURES)),
  hired_on: Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' }),
  planned_start: Day,
  planned_end: Day,
  actual_start: Day,
};

export const HireFormBody = Type.Object({ ...factBody, actual_end: Day, end_reason: Type.Optional(oneOf(END_REASONS)) }, { additionalProperties: false });
export type HireFormBody = Static<typeof HireFormBody>;

export const DeclareFormBody = Type.Object(
  {
    ...factBody,
    company_id: Type.String({ format: 'uuid' }),
    offer_id: Type.Optional(Type.String({ pattern: '^$|^[0-9a-f-]{36}$' })),
    attribution: Type.Union(DECLARED_ATTRIBUTIONS.map((a) => Type.Literal(a))),
    person_label: Type.Optional(Type.String({ maxLength: 120 })),
    person_email: Type.Optional(Type.String({ maxLength: 254 })),
  },
  { additionalProperties: false },
);
export type DeclareFormBody = Static<typeof DeclareFormBody>;

const text = (value: string | undefined) => (value === undefined || value === '' ? null : value);

/** A form's strings as facts: an empty field is « not given » (for the nature: left as declared). */
export function formFacts(body: Partial<HireFormBody>): HireInput {
  return {
    title: body.title,
    contract: text(body.contract) as HireInput['contract'],
    weekly_hours: body.weekly_hours ? Number(body.weekly_hours.replace(',', '.')) : null,
    job_nature: text(body.job_nature) as HireInput['job_nature'],
    hired_on: body.hired_on,
    planned_start: text(body.planned_start),
    planned_end: text(body.planned_end),
    actual_start: text(body.actual_start),
    actual_end: text(body.actual_end),
    end_reason: text(body.end_reason) as HireInput['end_reason'],
  };
}

export function formDeclaration(body: DeclareFormBody): DeclaredHireInput {
  return {
    ...formFacts(body),
    company_id: body.company_id,
    offer_id: text(body.offer_id),
    attribution: body.attribution,
    person_label: text(body.person_label),
    person_email: text(body.person_email),
  };
}

/** A hire's facts as the form shows them. */
export function formValues(hire: HireRow): Record<string, string> {
  const out: Record<string, string> = {};
  for (const field of factFields) {
    const value = hire[field.name as keyof HireRow];
    out[field.name] = value === null || value === undefined ? '' : typeof value === 'number' ? String(value).replace('.', ',') : String(value);
  }
  return out;
}
