import { CONTRACTS } from '../../db/database.js';
import type { Tenant } from '../../tenancy/registry.js';
import { DEFINITIONS } from './definitions.js';
import type { Period } from './periods.js';
import type { DatasetName, Filter, Measure } from './repository.js';

/**
 * The report sets, as data: which tables a tenant's report has (by kind of board and by feature),
 * and for each table its dataset, rows, columns, the filter of each cell, its definitions and its
 * drill-down columns. The service computes every cell in SQL from these specs, and a cell's rows are
 * listed with the very same filter.
 */

export type Unit = 'count' | 'fte' | 'hours' | 'days' | 'euros';

export interface ColumnSpec {
  key: string;
  /** Strings key. */
  label: string;
  measure?: Measure;
  unit?: Unit;
  /** A share of two other cells: `numerator` and `denominator` columns (of `denominatorRow`, default the same row). */
  share?: { numerator: string; denominator: string; denominatorRow?: string };
}

export interface RowSpec {
  key: string;
  /** Strings key (or the label itself for rows read from the data). */
  label: string;
  total?: boolean;
  /** A detail of the row above (« dont … »). */
  indent?: boolean;
}

export type DetailFormat = 'text' | 'date' | 'timestamp' | 'number' | 'fte' | 'euros' | 'bool' | `enum:${string}`;

export interface DetailColumn {
  column: string;
  /** Strings key. */
  label: string;
  format: DetailFormat;
}

export interface ChartSpec {
  /** Rows drawn (the total row is never drawn); default every row but the total. */
  rows?: string[];
  /** Columns drawn as stacked series (default: the first column alone). */
  series?: string[];
  /** One bar per column (of `series`), stacked by row: parts of a whole measured at several times. */
  transpose?: boolean;
}

export interface TableSpec {
  id: string;
  title: string;
  dataset: DatasetName;
  rows: RowSpec[];
  /** Rows read from the data: one per value of `column` (labelled by `labelColumn`), largest first. */
  dynamicRows?: { column: string; labelColumn: string };
  columns: ColumnSpec[];
  /** The rows of the dataset behind the cell (row, column); `total` rows and columns drop their part. */
  filter: (row: string, column: string) => Filter;
  definitions: string[];
  /** Strings key of a note under the table. */
  note?: string;
  orderBy: string;
  detail: DetailColumn[];
  /** Link of a row of the drill-down: its page for the staff. */
  rowHref?: (row: Record<string, unknown>) => string | undefined;
  chart?: ChartSpec;
}

const count: Measure = { kind: 'count' };
const total: RowSpec = { key: 'total', label: 'reports.row.total', total: true };
/** The part of a filter that a total row or column drops. */
const part = (column: string, value: string, extra: Filter = {}): Filter => (value === 'total' ? extra : { ...extra, [column]: value });

const HIRE_DETAIL: DetailColumn[] = [
  { column: 'company_name', label: 'reports.col.company', format: 'text' },
  { column: 'title', label: 'reports.col.post', format: 'text' },
  { column: 'contract', label: 'reports.col.contract', format: 'enum:hireContract' },
  { column: 'start_on', label: 'reports.col.start', format: 'date' },
  { column: 'end_on', label: 'reports.col.end', format: 'date' },
  { column: 'weekly_hours', label: 'reports.col.hours', format: 'number' },
  { column: 'attribution', label: 'reports.col.attribution', format: 'enum:attribution' },
  { column: 'nature_class', label: 'reports.col.nature', format: 'enum:reports.nature.class' },
  { column: 'lasting', label: 'reports.col.lasting', format: 'enum:reports.lasting.class' },
  { column: 'fte', label: 'reports.col.fte', format: 'fte' },
];
const hireHref = (row: Record<string, unknown>) => `/compte/embauches/${String(row.id)}`;

const HIRE_CONTRACT_ROWS: RowSpec[] = [
  { key: 'cdi', label: 'reports.contractClass.cdi' },
  { key: 'cdd_6m_plus', label: 'reports.contractClass.cdd_6m_plus' },
  { key: 'cdd_under_6m', label: 'reports.contractClass.cdd_under_6m' },
  { key: 'cdd_unknown', label: 'reports.contractClass.cdd_unknown' },
  { key: 'seasonal', label: 'reports.contractClass.seasonal' },
  { key: 'apprenticeship', label: 'reports.contractClass.apprenticeship' },
  { key: 'interim', label: 'reports.contractClass.interim' },
  { key: 'unknown', label: 'reports.contractClass.unknown' },
  total,
];
const ATTRIBUTION_COLUMNS = ['platform_application', 'counsellor_recommendation', 'platform_contact', 'declared_only'];

export function hiresByContract(): TableSpec {
  return {
    id: 'embauches-contrat',
    title: 'reports.table.hiresByContract',
    dataset: 'hires',
    rows: HIRE_CONTRACT_ROWS,
    columns: [...ATTRIBUTION_COLUMNS.map((a) => ({ key: a, label: `attribution.${a}` })), { key: 'total', label: 'reports.col.total' }],
    filter: (row, column) => part('contract_class', row, part('attribution', column)),
    definitions: [DEFINITIONS.hires, DEFINITIONS.contracts],
    orderBy: 'start_on',
    detail: HIRE_DETAIL,
    rowHref: hireHref,
    chart: { series: ATTRIBUTION_COLUMNS },
  };
}

/** Created vs supported: never mixed, never with induced jobs, headcount and full-time equivalents. */
export function createdVsSupported(): TableSpec {
  const natures: Record<string, Filter> = {
    created: { nature_class: 'created' },
    supported: { nature_class: ['replacement', 'returning'] },
    replacement: { nature_class: 'replacement' },
    returning: { nature_class: 'returning' },
    undeclared: { nature_class: 'undeclared' },
    total: {},
  };
  return {
    id: 'emplois-crees-soutenus',
    title: 'reports.table.createdSupported',
    dataset: 'hires',
    rows: [
      { key: 'created', label: 'reports.nature.created' },
      { key: 'supported', label: 'reports.nature.supported' },
      { key: 'replacement', label: 'reports.nature.replacement', indent: true },
      { key: 'returning', label: 'reports.nature.returning', indent: true },
      { key: 'undeclared', label: 'reports.nature.undeclared' },
      total,
    ],
    columns: [
      { key: 'headcount', label: 'reports.col.headcount' },
      { key: 'fte', label: 'reports.col.fte', measure: { kind: 'sum', column: 'fte' }, unit: 'fte' },
      { key: 'no_hours', label: 'reports.col.noHours' },
    ],
    filter: (row, column) => ({ ...natures[row], ...(column === 'no_hours' ? { hours_class: 'unknown' } : {}) }),
    definitions: [DEFINITIONS.created, DEFINITIONS.supported, DEFINITIONS.fte, DEFINITIONS.induced],
    orderBy: 'start_on',
    detail: HIRE_DETAIL,
    rowHref: hireHref,
    chart: { rows: ['created', 'replacement', 'returning', 'undeclared'] },
  };
}

export function lastingJobs(lastingDefinition: string): TableSpec {
  return {
    id: 'emplois-durables',
    title: 'reports.table.lasting',
    dataset: 'hires',
    rows: [
      { key: 'yes', label: 'reports.lasting.yes' },
      { key: 'no', label: 'reports.lasting.no' },
      { key: 'unknown', label: 'reports.lasting.unknown' },
      total,
    ],
    columns: [
      { key: 'headcount', label: 'reports.col.headcount' },
      { key: 'share', label: 'reports.col.shareOfHires', share: { numerator: 'headcount', denominator: 'headcount', denominatorRow: 'total' } },
    ],
    filter: (row) => part('lasting', row),
    definitions: [lastingDefinition, DEFINITIONS.hires],
    orderBy: 'start_on',
    detail: HIRE_DETAIL,
    rowHref: hireHref,
  };
}

/** Still employed 6 and 12 months after the start, from the follow-up answers and declared ends; no answer is « inconnu ». */
export function retention(options: { id: string; title: string; base?: Filter; milestones: string[] }): TableSpec {
  const outcome: Record<string, Filter> = { yes: { outcome: 'yes' }, no: { outcome: 'no' }, unknown: { outcome: 'unknown' }, known: { outcome: ['yes', 'no'] }, total: {} };
  return {
    id: options.id,
    title: options.title,
    dataset: 'retention',
    rows: options.milestones.map((m) => ({ key: m, label: `reports.milestone.${m}` })),
    columns: [
      { key: 'yes', label: 'reports.outcome.yes' },
      { key: 'no', label: 'reports.outcome.no' },
      { key: 'unknown', label: 'reports.outcome.unknown' },
      { key: 'total', label: 'reports.col.denominator' },
      { key: 'share', label: 'reports.col.shareStillEmployed', share: { numerator: 'yes', denominator: 'total' } },
      { key: 'known', label: 'reports.col.known' },
      { key: 'rate', label: 'reports.col.answerRate', share: { numerator: 'known', denominator: 'total' } },
    ],
    filter: (row, column) => ({ ...options.base, milestone: row, ...outcome[column] }),
    definitions: [DEFINITIONS.retention],
    orderBy: 'due_on',
    detail: [
      { column: 'company_name', label: 'reports.col.company', format: 'text' },
      { column: 'title', label: 'reports.col.post', format: 'text' },
      { column: 'contract', label: 'reports.col.contract', format: 'enum:hireContract' },
      { column: 'start_on', label: 'reports.col.start', format: 'date' },
      { column: 'due_on', label: 'reports.col.due', format: 'date' },
      { column: 'outcome', label: 'reports.col.outcome', format: 'enum:reports.outcome' },
    ],
    rowHref: hireHref,
  };
}

export function firstHireDelay(): TableSpec {
  return {
    id: 'delai-premiere-embauche',
    title: 'reports.table.firstHire',
    dataset: 'firstHire',
    rows: [{ key: 'all', label: 'reports.row.offersWithHire' }],
    columns: [
      { key: 'offers', label: 'reports.col.offers' },
      { key: 'median', label: 'reports.col.medianDays', measure: { kind: 'median', column: 'days' }, unit: 'days' },
    ],
    filter: () => ({}),
    definitions: [DEFINITIONS.firstHire],
    orderBy: 'published_at',
    detail: [
      { column: 'company_name', label: 'reports.col.company', format: 'text' },
      { column: 'title', label: 'reports.col.offer', format: 'text' },
      { column: 'published_at', label: 'reports.col.published', format: 'timestamp' },
      { column: 'first_hired_on', label: 'reports.col.firstHire', format: 'date' },
      { column: 'days', label: 'reports.col.days', format: 'number' },
    ],
    rowHref: (row) => `/offres/${String(row.id)}`,
  };
}

const OFFER_DETAIL: DetailColumn[] = [
  { column: 'company_name', label: 'reports.col.company', format: 'text' },
  { column: 'title', label: 'reports.col.offer', format: 'text' },
  { column: 'contract', label: 'reports.col.contract', format: 'enum:contract' },
  { column: 'season_class', label: 'reports.col.season', format: 'enum:reports.season' },
  { column: 'domain_label', label: 'reports.col.trade', format: 'text' },
  { column: 'published_at', label: 'reports.col.published', format: 'timestamp' },
  { column: 'ended_at', label: 'reports.col.ended', format: 'timestamp' },
];
const offerHref = (row: Record<string, unknown>) => `/offres/${String(row.id)}`;

export function offersBy(dimension: 'contract' | 'season' | 'trade'): TableSpec {
  const base = {
    dataset: 'offers' as const,
    columns: [{ key: 'offers', label: 'reports.col.offersLive' }],
    definitions: [DEFINITIONS.offersLive],
    orderBy: 'published_at',
    detail: OFFER_DETAIL,
    rowHref: offerHref,
    chart: {},
  };
  if (dimension === 'contract') {
    return { ...base, id: 'offres-contrat', title: 'reports.table.offersByContract', rows: [...CONTRACTS.map((c) => ({ key: c, label: `contract.${c}` })), total], filter: (row) => part('contract', row) };
  }
  if (dimension === 'season') {
    return {
      ...base,
      id: 'offres-saison',
      title: 'reports.table.offersBySeason',
      rows: [...['winter', 'summer', 'all_year', 'none'].map((s) => ({ key: s, label: `reports.season.${s}` })), total],
      filter: (row) => part('season_class', row),
    };
  }
  return { ...base, id: 'offres-metier', title: 'reports.table.offersByTrade', rows: [total], dynamicRows: { column: 'domain_code', labelColumn: 'domain_label' }, filter: (row) => part('domain_code', row) };
}

export function members(tiers: { code: string; label: string }[]): TableSpec {
  return {
    id: 'adherents',
    title: 'reports.table.members',
    dataset: 'members',
    rows: [...tiers.map((t) => ({ key: t.code, label: t.label })), total],
    columns: [
      { key: 'end', label: 'reports.col.membersEnd' },
      { key: 'new', label: 'reports.col.membersNew' },
      { key: 'lost', label: 'reports.col.membersLost' },
    ],
    filter: (row, column) =>
      column === 'end' ? (row === 'total' ? { movement: ['new', 'kept'] } : { tier_end: row }) : column === 'new' ? part('tier_end', row, { movement: 'new' }) : part('tier_start', row, { movement: 'lost' }),
    definitions: [DEFINITIONS.members],
    orderBy: 'company_name',
    detail: [
      { column: 'company_name', label: 'reports.col.company', format: 'text' },
      { column: 'tier_start', label: 'reports.col.tierStart', format: 'text' },
      { column: 'tier_end', label: 'reports.col.tierEnd', format: 'text' },
    ],
    chart: { series: ['end'] },
  };
}

export function revenue(tiers: { code: string; label: string }[]): TableSpec {
  return {
    id: 'cotisations',
    title: 'reports.table.revenue',
    dataset: 'payments',
    rows: [...tiers.map((t) => ({ key: t.code, label: t.label })), total],
    columns: [
      { key: 'payments', label: 'reports.col.payments' },
      { key: 'amount', label: 'reports.col.amount', measure: { kind: 'sum', column: 'amount' }, unit: 'euros' },
    ],
    filter: (row) => part('tier_code', row),
    definitions: [DEFINITIONS.revenue],
    orderBy: 'paid_on',
    detail: [
      { column: 'company_name', label: 'reports.col.company', format: 'text' },
      { column: 'paid_on', label: 'reports.col.paidOn', format: 'date' },
      { column: 'tier_code', label: 'reports.col.tier', format: 'text' },
      { column: 'method', label: 'reports.col.method', format: 'enum:billing.method' },
      { column: 'receipt_number', label: 'reports.col.receipt', format: 'text' },
      { column: 'amount', label: 'reports.col.amount', format: 'euros' },
    ],
  };
}

export function seasonalLoyalty(): TableSpec {
  return {
    id: 'fidelite-saisonniere',
    title: 'reports.table.loyalty',
    dataset: 'loyalty',
    rows: [{ key: 'all', label: 'reports.row.previousSeasonal' }],
    columns: [
      { key: 'previous', label: 'reports.col.previousSeasonal' },
      { key: 'traceable', label: 'reports.col.traceable' },
      { key: 'rehired', label: 'reports.col.rehired' },
      { key: 'share', label: 'reports.col.loyaltyShare', share: { numerator: 'rehired', denominator: 'traceable' } },
    ],
    filter: (_row, column): Filter => (column === 'traceable' ? { traceable: true } : column === 'rehired' ? { rehired: true } : {}),
    definitions: [DEFINITIONS.loyalty],
    orderBy: 'start_on',
    detail: [
      { column: 'company_name', label: 'reports.col.company', format: 'text' },
      { column: 'title', label: 'reports.col.post', format: 'text' },
      { column: 'start_on', label: 'reports.col.start', format: 'date' },
      { column: 'traceable', label: 'reports.col.traceable', format: 'bool' },
      { column: 'rehired', label: 'reports.col.rehired', format: 'bool' },
    ],
    rowHref: hireHref,
  };
}

export function sharedStaff(): TableSpec {
  const contracts: Record<string, Filter> = {
    cdi: { contract: 'cdi' },
    cdd: { contract: 'cdd' },
    seasonal: { contract: 'seasonal' },
    apprenticeship: { contract: 'apprenticeship' },
    interim: { contract: 'interim' },
    unknown: { contract_class: 'unknown' },
    total: {},
  };
  return {
    id: 'salaries-partages',
    title: 'reports.table.sharedStaff',
    dataset: 'sharedStaff',
    rows: [...['cdi', 'cdd', 'seasonal', 'apprenticeship', 'interim', 'unknown'].map((c) => ({ key: c, label: `reports.sharedContract.${c}` })), total],
    columns: [
      { key: 'headcount', label: 'reports.col.headcount' },
      { key: 'fte', label: 'reports.col.fte', measure: { kind: 'sum', column: 'fte_now' }, unit: 'fte' },
      { key: 'from24', label: 'reports.col.from24' },
      { key: 'share24', label: 'reports.col.share', share: { numerator: 'from24', denominator: 'headcount' } },
      { key: 'full', label: 'reports.col.fullTime' },
      { key: 'shareFull', label: 'reports.col.share', share: { numerator: 'full', denominator: 'headcount' } },
      { key: 'no_hours', label: 'reports.col.noHours' },
    ],
    filter: (row, column) => ({
      ...contracts[row],
      ...(column === 'from24' ? { hours_class: ['from24', 'full'] } : column === 'full' ? { hours_class: 'full' } : column === 'no_hours' ? { hours_class: 'unknown' } : {}),
    }),
    definitions: [DEFINITIONS.sharedEmployees, DEFINITIONS.fte],
    orderBy: 'start_on',
    detail: HIRE_DETAIL,
    rowHref: hireHref,
    chart: { series: ['headcount'] },
  };
}

export function sharedNeeds(): TableSpec {
  const stage: Record<string, Filter> = { declared: {}, validated: { validated: true }, combined: { combined: true }, staffed: { staffed: true } };
  return {
    id: 'besoins-temps-partage',
    title: 'reports.table.needs',
    dataset: 'needs',
    rows: ['declared', 'validated', 'combined', 'staffed'].map((s) => ({ key: s, label: `reports.needStage.${s}` })),
    columns: [
      { key: 'needs', label: 'reports.col.needs' },
      { key: 'hours', label: 'reports.col.annualHours', measure: { kind: 'sum', column: 'hours' }, unit: 'hours' },
    ],
    filter: (row) => stage[row],
    definitions: [DEFINITIONS.needs],
    orderBy: 'company_name',
    detail: [
      { column: 'company_name', label: 'reports.col.company', format: 'text' },
      { column: 'title', label: 'reports.col.need', format: 'text' },
      { column: 'status', label: 'reports.col.status', format: 'enum:sharedTime.status' },
      { column: 'hours', label: 'reports.col.annualHours', format: 'number' },
      { column: 'short_contracts', label: 'reports.col.shortContracts', format: 'number' },
    ],
    rowHref: (row) => `/temps-partage/besoins/${String(row.id)}`,
    chart: { series: ['hours'] },
  };
}

export function shortContractsAvoided(): TableSpec {
  return {
    ...sharedNeeds(),
    id: 'contrats-courts-evites',
    title: 'reports.table.shortContracts',
    rows: [{ key: 'staffed', label: 'reports.needStage.staffed' }],
    columns: [
      { key: 'needs', label: 'reports.col.needs' },
      { key: 'short', label: 'reports.col.shortContractsDeclared', measure: { kind: 'sum', column: 'short_contracts' } },
    ],
    filter: () => ({ staffed: true }),
    definitions: [DEFINITIONS.shortContracts],
    chart: undefined,
  };
}

/** Young people with an account, followed by a counsellor, minors (mission locale). */
export function youngPeople(): TableSpec {
  const rows: Record<string, Filter> = { total: {}, new: { new: true }, followed: { followed: true }, minors: { minor: 'yes' }, ageUnknown: { minor: 'unknown' } };
  return {
    id: 'jeunes',
    title: 'reports.table.youngPeople',
    dataset: 'youngPeople',
    rows: [
      { key: 'total', label: 'reports.young.total', total: true },
      { key: 'new', label: 'reports.young.new', indent: true },
      { key: 'followed', label: 'reports.young.followed', indent: true },
      { key: 'minors', label: 'reports.young.minors', indent: true },
      { key: 'ageUnknown', label: 'reports.young.ageUnknown', indent: true },
    ],
    columns: [
      { key: 'count', label: 'reports.col.headcount' },
      { key: 'share', label: 'reports.col.shareOfYoung', share: { numerator: 'count', denominator: 'count', denominatorRow: 'total' } },
    ],
    filter: (row) => rows[row],
    definitions: [DEFINITIONS.youngPeople],
    orderBy: 'created_at',
    detail: [
      { column: 'created_at', label: 'reports.col.accountCreated', format: 'timestamp' },
      { column: 'followed', label: 'reports.col.followed', format: 'bool' },
      { column: 'minor', label: 'reports.col.minor', format: 'enum:reports.minor' },
    ],
  };
}

/** Recommendations sent by counsellors, answered by employers within 7 days, interviews, hires. */
export function recommendations(): TableSpec {
  const columns: Record<string, Filter> = { sent: {}, elapsed: { window_elapsed: true }, answered7: { window_elapsed: true, answered7: true }, interview: { interview: true }, hired: { hired: true } };
  return {
    id: 'recommandations',
    title: 'reports.table.recommendations',
    dataset: 'recommendations',
    rows: [{ key: 'all', label: 'reports.row.recommendations' }],
    columns: [
      { key: 'sent', label: 'reports.col.recommendationsSent' },
      { key: 'elapsed', label: 'reports.col.windowElapsed' },
      { key: 'answered7', label: 'reports.col.answered7' },
      { key: 'share', label: 'reports.col.answered7Share', share: { numerator: 'answered7', denominator: 'elapsed' } },
      { key: 'interview', label: 'reports.col.interviews' },
      { key: 'hired', label: 'reports.col.hired' },
    ],
    filter: (_row, column) => columns[column],
    definitions: [DEFINITIONS.recommendations],
    orderBy: 'sent_at',
    detail: [
      { column: 'company_name', label: 'reports.col.company', format: 'text' },
      { column: 'title', label: 'reports.col.offer', format: 'text' },
      { column: 'sent_at', label: 'reports.col.sentAt', format: 'timestamp' },
      { column: 'employer_answered_at', label: 'reports.col.answeredAt', format: 'timestamp' },
      { column: 'status', label: 'reports.col.status', format: 'enum:applicationStatus' },
    ],
  };
}

const COHORT_OUTCOMES = ['lasting', 'apprenticeship', 'job1m', 'training', 'otherJob', 'unknown'];

/**
 * Outcomes of the young people who entered during the period, 3, 6 and 12 months after entry: one
 * situation each (the best reached), « inconnu » when none is recorded, each share over the
 * measurable young people (the denominator row), and the rate of known situations.
 */
export function cohorts(lastingDefinition: string): TableSpec {
  const milestones = ['3', '6', '12'];
  return {
    id: 'cohortes',
    title: 'reports.table.cohorts',
    dataset: 'cohorts',
    rows: [
      { key: 'measurable', label: 'reports.cohort.measurable', total: true },
      ...COHORT_OUTCOMES.map((o) => ({ key: o, label: `reports.cohort.${o}`, indent: true })),
      { key: 'known', label: 'reports.cohort.known' },
    ],
    columns: milestones.flatMap((m) => [
      { key: m, label: `reports.cohort.at.${m}` },
      { key: `${m}-share`, label: 'reports.col.share', share: { numerator: m, denominator: m, denominatorRow: 'measurable' } },
    ]),
    filter: (row, column) => ({
      milestone: column,
      measurable: true,
      ...(row === 'measurable' ? {} : row === 'known' ? { outcome: COHORT_OUTCOMES.filter((o) => o !== 'unknown') } : { outcome: row }),
    }),
    definitions: [DEFINITIONS.cohorts, DEFINITIONS.jobStart, lastingDefinition],
    orderBy: 'entered_on',
    detail: [
      { column: 'entered_on', label: 'reports.col.entered', format: 'date' },
      { column: 'milestone', label: 'reports.col.milestoneMonths', format: 'text' },
      { column: 'outcome', label: 'reports.col.outcome', format: 'enum:reports.cohort' },
    ],
    chart: { rows: COHORT_OUTCOMES, series: milestones, transpose: true },
  };
}

/**
 * The tables of a tenant's report for a period, by kind of board: a cluster's members, revenue,
 * offers, hires, created vs supported jobs, seasonal loyalty; a groupement's shared staff, needs and
 * lasting employment; a mission locale's young people, recommendations and entry cohorts; every
 * board's hires, lasting jobs and follow-up. Features add theirs (billing the members and revenue,
 * shared time the needs, the collaborative board the young people followed and the recommendations).
 */
export function reportSet(tenant: Tenant, period: Period, lastingDefinition: string): TableSpec[] {
  const { kind, features, membership } = tenant.config;
  const tiers = features.billing && membership.mode === 'tiers' ? membership.tiers.map((t) => ({ code: t.code, label: t.label })) : undefined;
  const seasonal = period.kind === 'year' || period.kind === 'winter' || period.kind === 'summer';
  const tables: TableSpec[] = [];
  if (kind === 'cluster') {
    if (tiers) tables.push(members(tiers), revenue(tiers));
    tables.push(offersBy('contract'));
    if (tenant.config.reports?.seasons) tables.push(offersBy('season'));
    tables.push(offersBy('trade'), hiresByContract(), createdVsSupported(), lastingJobs(lastingDefinition), firstHireDelay());
    if (seasonal) tables.push(seasonalLoyalty());
    tables.push(retention({ id: 'maintien-emploi', title: 'reports.table.retention', milestones: ['6', '12'] }));
    if (features.sharedTime) tables.push(sharedNeeds());
  } else if (kind === 'employer-group') {
    tables.push(sharedStaff(), sharedNeeds(), shortContractsAvoided());
    tables.push(retention({ id: 'maintien-12-mois', title: 'reports.table.retentionShared', base: { shared: true }, milestones: ['12'] }));
    tables.push(hiresByContract(), createdVsSupported(), lastingJobs(lastingDefinition), offersBy('contract'));
  } else {
    tables.push(youngPeople());
    if (features.messaging) tables.push(recommendations());
    tables.push(cohorts(lastingDefinition), hiresByContract(), lastingJobs(lastingDefinition));
    tables.push(retention({ id: 'maintien-emploi', title: 'reports.table.retention', milestones: ['6', '12'] }), offersBy('contract'));
  }
  return tables;
}
