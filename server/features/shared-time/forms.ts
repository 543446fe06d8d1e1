import { Type, type Static, type TSchema } from '@sinclair/typebox';
import type { FormField, FormPage } from '../../plugins/forms.js';
import { clock, dayOfYear, WEEKDAYS } from './engine/calendar.js';
import { LICENCES } from './licences.js';
import type { NeedInput } from './needs.js';
import type { NeedRow } from './repository.js';

/**
 * The need form of the pages: the same NeedInput as the API, spread over inputs a browser can post
 * without JavaScript: three sites, three periods, and per period a week of two slots a day (start,
 * end, site). The service's messages come back keyed by NeedInput paths; `fieldOf` maps each to the
 * input it came from.
 */
export const FORM_SITES = 3;
export const FORM_PERIODS = 3;
export const FORM_SLOTS = 2;

/** `MM-DD` written the French way in forms (« 15/12 »), and back. */
export const monthDayToForm = (monthDay: string) => (dayOfYear(monthDay) === null ? monthDay : monthDay.split('-').reverse().join('/'));
export function monthDayFromForm(text: string): string {
  const match = /^(\d{1,2})[/.-](\d{1,2})$/.exec(text.trim());
  return match ? `${match[2].padStart(2, '0')}-${match[1].padStart(2, '0')}` : text.trim();
}

const cell = (p: number, day: string, s: number, part: 'start' | 'end' | 'site') => `p${p}_${day}_${s}_${part}`;

const fields: FormField[] = [
  { name: 'company_id', type: 'select', label: 'sharedTime.form.company' },
  { name: 'title', type: 'text', label: 'sharedTime.form.title', hint: 'sharedTime.form.titleHint', required: true, maxlength: 120 },
  { name: 'rome_code', type: 'text', label: 'sharedTime.form.rome', hint: 'sharedTime.form.romeHint', required: true, maxlength: 5 },
  ...Array.from({ length: FORM_SITES }, (_, i): FormField[] => [
    { name: `site${i + 1}_insee`, type: 'text', label: 'sharedTime.form.siteInsee', maxlength: 5, inputmode: 'numeric' },
    { name: `site${i + 1}_label`, type: 'text', label: 'sharedTime.form.siteLabel', maxlength: 80 },
  ]).flat(),
  ...Array.from({ length: FORM_PERIODS }, (_, i): FormField[] => [
    { name: `p${i + 1}_from`, type: 'text', label: 'sharedTime.form.from', maxlength: 5 },
    { name: `p${i + 1}_to`, type: 'text', label: 'sharedTime.form.to', maxlength: 5 },
    ...WEEKDAYS.flatMap((day) =>
      Array.from({ length: FORM_SLOTS }, (_, s): FormField[] => [
        { name: cell(i + 1, day, s + 1, 'start'), type: 'text', label: 'sharedTime.form.start', maxlength: 5 },
        { name: cell(i + 1, day, s + 1, 'end'), type: 'text', label: 'sharedTime.form.end', maxlength: 5 },
        { name: cell(i + 1, day, s + 1, 'site'), type: 'select', label: 'sharedTime.form.site' },
      ]).flat(),
    ),
  ]).flat(),
  ...LICENCES.map((l): FormField => ({ name: `licence_${l.code}`, type: 'text', label: `sharedTime.licence.${l.code}` })),
  { name: 'start_date', type: 'date', label: 'sharedTime.form.startDate', required: true },
  { name: 'min_commitment_months', type: 'text', label: 'sharedTime.form.commitment', hint: 'sharedTime.form.commitmentHint', required: true, maxlength: 3, inputmode: 'numeric' },
  { name: 'hourly_wage', type: 'text', label: 'sharedTime.form.wage', hint: 'sharedTime.form.wageHint', required: true, maxlength: 7, inputmode: 'decimal' },
  { name: 'short_contracts_replaced', type: 'text', label: 'sharedTime.form.replaced', hint: 'sharedTime.form.replacedHint', maxlength: 4, inputmode: 'numeric' },
  { name: 'notes', type: 'textarea', label: 'sharedTime.form.notes', maxlength: 2000 },
];

export const newNeedForm: FormPage = { id: 'need', template: 'pages/shared-time/need-form', title: 'sharedTime.form.newTitle', fields };
export const editNeedForm: FormPage = { id: 'need', template: 'pages/shared-time/need-form', title: 'sharedTime.form.editTitle', fields };

/** Every input as an optional bounded string ('' = not given); unknown inputs are refused. */
export const NeedFormBody = Type.Object(
  Object.fromEntries([['_csrf', Type.Optional(Type.String({ maxLength: 200 }))], ...fields.map((f): [string, TSchema] => [f.name, Type.Optional(Type.String({ maxLength: f.maxlength ?? 64 }))])]),
  { additionalProperties: false },
);
export type NeedFormBody = Static<typeof NeedFormBody>;

/** "12,50" → 12.5; '' → null; anything else → NaN (the service says it is invalid). */
const decimal = (value: string | undefined) => (value ? Number(value.replace(/\s/g, '').replace(',', '.')) : null);

/** The posted form as a NeedInput, and the input each path of it came from. */
export function formInput(body: Record<string, string | undefined>): { input: NeedInput; fieldOf: (path: string) => string; companyId?: string } {
  const paths = new Map<string, string>();
  const value = (name: string) => (body[name] ?? '').trim();
  const siteIndex = new Map<number, number>();
  const sites: NeedInput['sites'] = [];
  for (let i = 1; i <= FORM_SITES; i++) {
    if (!value(`site${i}_insee`) && !value(`site${i}_label`)) continue;
    siteIndex.set(i, sites.length);
    paths.set(`sites[${sites.length}].commune_insee`, `site${i}_insee`);
    paths.set(`sites[${sites.length}].label`, `site${i}_label`);
    sites.push({ commune_insee: value(`site${i}_insee`), label: value(`site${i}_label`) || null });
  }
  const periods: NeedInput['periods'] = [];
  for (let p = 1; p <= FORM_PERIODS; p++) {
    const slots: NeedInput['periods'][number]['slots'] = [];
    const at = periods.length;
    for (const day of WEEKDAYS) {
      for (let s = 1; s <= FORM_SLOTS; s++) {
        const [start, end] = [value(cell(p, day, s, 'start')), value(cell(p, day, s, 'end'))];
        if (!start && !end) continue;
        const chosen = Number(value(cell(p, day, s, 'site')) || '1');
        for (const part of ['start', 'end', 'site', 'day'] as const) paths.set(`periods[${at}].slots[${slots.length}].${part}`, cell(p, day, s, part === 'day' ? 'start' : part));
        slots.push({ day, start, end, site: siteIndex.get(chosen) ?? -1 });
      }
    }
    if (!value(`p${p}_from`) && !value(`p${p}_to`) && slots.length === 0) continue;
    paths.set(`periods[${at}].from`, `p${p}_from`);
    paths.set(`periods[${at}].to`, `p${p}_to`);
    paths.set(`periods[${at}].slots`, `p${p}_from`);
    periods.push({ from: monthDayFromForm(value(`p${p}_from`)), to: monthDayFromForm(value(`p${p}_to`)), slots });
  }
  const licences = LICENCES.filter((l) => value(`licence_${l.code}`) === 'oui').map((l) => l.code);
  const fallback: Record<string, string> = { sites: 'site1_insee', 'sites[0].commune_insee': 'site1_insee', periods: 'p1_from', 'periods[0].from': 'p1_from', licences: `licence_${LICENCES[0].code}` };
  return {
    input: {
      title: value('title'),
      rome_code: value('rome_code'),
      sites,
      periods,
      licences,
      start_date: value('start_date'),
      min_commitment_months: decimal(value('min_commitment_months')),
      hourly_wage: decimal(value('hourly_wage')),
      short_contracts_replaced: decimal(value('short_contracts_replaced')),
      notes: value('notes') || null,
    },
    fieldOf: (path) => paths.get(path) ?? fallback[path] ?? path,
    companyId: value('company_id') || undefined,
  };
}

/** A stored need as the form shows it; `fits` is false when the need has more periods or slots than the form. */
export function formValues(need: NeedRow): { values: Record<string, string>; fits: boolean } {
  const values: Record<string, string> = {
    company_id: need.company_id,
    title: need.title,
    rome_code: need.rome_code,
    start_date: need.start_date,
    min_commitment_months: String(need.min_commitment_months),
    hourly_wage: String(need.hourly_wage).replace('.', ','),
    short_contracts_replaced: String(need.short_contracts_replaced),
    notes: need.notes ?? '',
  };
  let fits = need.sites.length <= FORM_SITES && need.periods.length <= FORM_PERIODS;
  need.sites.slice(0, FORM_SITES).forEach((site, i) => {
    values[`site${i + 1}_insee`] = site.commune_insee;
    values[`site${i + 1}_label`] = site.label ?? '';
  });
  need.periods.slice(0, FORM_PERIODS).forEach((period, i) => {
    values[`p${i + 1}_from`] = monthDayToForm(period.from);
    values[`p${i + 1}_to`] = monthDayToForm(period.to);
    const used = new Map<number, number>();
    for (const slot of period.slots) {
      const s = (used.get(slot.day) ?? 0) + 1;
      used.set(slot.day, s);
      if (s > FORM_SLOTS) {
        fits = false;
        continue;
      }
      const day = WEEKDAYS[slot.day];
      values[cell(i + 1, day, s, 'start')] = clock(slot.start);
      values[cell(i + 1, day, s, 'end')] = clock(slot.end);
      values[cell(i + 1, day, s, 'site')] = String(slot.site + 1);
    }
  });
  for (const licence of need.licences) values[`licence_${licence}`] = 'oui';
  return { values, fits };
}

/** The grid the template walks: periods → weekdays → slots, with the input names of each cell. */
export function formGrid() {
  return Array.from({ length: FORM_PERIODS }, (_, i) => ({
    number: i + 1,
    from: `p${i + 1}_from`,
    to: `p${i + 1}_to`,
    days: WEEKDAYS.map((day, d) => ({
      day: d,
      slots: Array.from({ length: FORM_SLOTS }, (_, s) => ({ number: s + 1, start: cell(i + 1, day, s + 1, 'start'), end: cell(i + 1, day, s + 1, 'end'), site: cell(i + 1, day, s + 1, 'site') })),
    })),
  }));
}

export const MemberFormBody = Type.Object(
  {
    _csrf: Type.Optional(Type.String({ maxLength: 200 })),
    public_body: Type.Optional(Type.Literal('oui')),
    employer_group: Type.Optional(Type.Literal('oui')),
    competitor_ids: Type.Optional(Type.Union([Type.String({ maxLength: 64 }), Type.Array(Type.String({ maxLength: 64 }), { maxItems: 200 })])),
  },
  { additionalProperties: false },
);
export type MemberFormBody = Static<typeof MemberFormBody>;

export const DraftOfferBody = Type.Object({ _csrf: Type.Optional(Type.String({ maxLength: 200 })), company_id: Type.String({ maxLength: 64 }) }, { additionalProperties: false });
