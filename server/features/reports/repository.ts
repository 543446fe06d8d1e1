import { sql, type RawBuilder } from 'kysely';
import type { TenantDb } from '../../db/tenant-db.js';
import type { LastingJobRule } from './definitions.js';

/**
 * What a report looks at: the tenant, the period's days [start, end) — `end` stopping after today
 * while the period runs —, the day stocks are read on (`lastDay`), the same period a year earlier
 * (seasonal loyalty) and the tenant's lasting-job rule.
 */
export interface ReportScope {
  tenantId: string;
  timezone: string;
  start: string;
  end: string;
  lastDay: string;
  /** The day the report is made: cohorts are followed up to it, past the period's end. */
  today: string;
  previous: { start: string; end: string };
  lasting: LastingJobRule;
}

/** A value a filter compares a dataset column with: equal to a value, or one of several. */
export type FilterValue = string | boolean | readonly string[];
export type Filter = Readonly<Record<string, FilterValue>>;

export type Measure = { kind: 'count' } | { kind: 'sum'; column: string } | { kind: 'median'; column: string };

/** One cell to compute: its measure over the dataset's rows that match the filter. */
export interface CellQuery {
  filter: Filter;
  measure: Measure;
}

export type DatasetName = 'hires' | 'sharedStaff' | 'retention' | 'offers' | 'members' | 'payments' | 'firstHire' | 'loyalty' | 'needs' | 'youngPeople' | 'recommendations' | 'cohorts';

/** Dates of the scope as PostgreSQL values; timestamps are the tenant's midnights. */
function bounds(scope: ReportScope) {
  const at = (day: string) => sql`(${day}::date::timestamp at time zone ${scope.timezone})`;
  return { start: sql`${scope.start}::date`, end: sql`${scope.end}::date`, lastDay: sql`${scope.lastDay}::date`, startTs: at(scope.start), endTs: at(scope.end) };
}

/** The planned, else actual, last day of a hire's contract, and « lasts at least this long ». */
const contractEnd = sql`coalesce(h.planned_end, h.actual_end)`;
const lastsAtLeast = (months: number, days: number) => sql`${contractEnd} + 1 >= h.start_on + make_interval(months => ${months}, days => ${days})`;

/** Whether the hire `h` is a lasting job under the tenant's rule: 'yes', 'no', or 'unknown' (contract or length not given). */
function lastingCase(rule: LastingJobRule) {
  return sql`case when h.contract is null then 'unknown'
         when h.contract = 'cdi' then 'yes'
         when h.contract = any(${sql.val(rule.contracts)}::text[]) then
           case when ${contractEnd} is null then 'unknown' when ${lastsAtLeast(rule.months, rule.days)} then 'yes' else 'no' end
         else 'no' end`;
}

/** Shared staff: hired for a shared-time offer, or by the groupement itself. */
const sharedHire = sql`(coalesce(o.contract = 'shared_time', false) or coalesce(m.employer_group, false))`;

/**
 * Hires with their classes, the columns every hire table and its drill-down filter on:
 * contract_class (CDD split at 6 months), attribution, nature_class (declared creation, declared
 * replacement, the same person hired by the same company for the previous season, or undeclared),
 * lasting (the tenant's rule: yes / no / unknown), fte (weekly hours / 35, weighted by the share of
 * the period's days the contract covers), hours_class and shared.
 */
function hireColumns(scope: ReportScope) {
  const b = bounds(scope);
  return sql`
    h.id, h.company_id, c.name as company_name, h.title, h.contract, h.weekly_hours, h.start_on, h.hired_on,
    ${contractEnd} as end_on, h.actual_end, h.attribution,
    case when h.contract is null then 'unknown'
         when h.contract = 'cdd' then case when ${contractEnd} is null then 'cdd_unknown' when ${lastsAtLeast(6, 0)} then 'cdd_6m_plus' else 'cdd_under_6m' end
         else h.contract end as contract_class,
    case when h.job_nature = 'creation' then 'created'
         when h.job_nature = 'replacement' then 'replacement'
         when h.contract = 'seasonal' and h.person_key is not null and exists (
           select 1 from hires p where p.tenant_id = h.tenant_id and p.company_id = h.company_id and p.person_key = h.person_key
             and p.contract = 'seasonal' and p.start_on between h.start_on - interval '18 months' and h.start_on - interval '6 months') then 'returning'
         else 'undeclared' end as nature_class,
    ${lastingCase(scope.lasting)} as lasting,
    case when h.weekly_hours is null then null
         else (h.weekly_hours / 35.0 * greatest(0, least(coalesce(h.actual_end + 1, h.planned_end + 1, ${b.end}), ${b.end}) - greatest(h.start_on, ${b.start}))
               / nullif(${b.end} - ${b.start}, 0))::float8 end as fte,
    (h.weekly_hours / 35.0)::float8 as fte_now,
    case when h.weekly_hours is null then 'unknown' when h.weekly_hours >= 35 then 'full' when h.weekly_hours >= 24 then 'from24' else 'under24' end as hours_class,
    ${sharedHire} as shared`;
}

const hireJoins = sql`
  from hires h
  join companies c on c.id = h.company_id and c.tenant_id = h.tenant_id
  left join offers o on o.id = h.offer_id and o.tenant_id = h.tenant_id
  left join shared_time_members m on m.company_id = h.company_id and m.tenant_id = h.tenant_id`;

/** The rows a dataset is made of, for this scope: a subquery the cells and the drill-down read. */
export function dataset(name: DatasetName, scope: ReportScope): RawBuilder<unknown> {
  const t = scope.tenantId;
  const b = bounds(scope);
  switch (name) {
    // Hires whose contract starts within the period (up to today while it runs).
    case 'hires':
      return sql`select ${hireColumns(scope)} ${hireJoins} where h.tenant_id = ${t} and h.start_on >= ${b.start} and h.start_on < ${b.end}`;
    // Shared staff employed on the report's last day: started, no declared end before, no « plus en poste » answered by then.
    case 'sharedStaff':
      return sql`
        select * from (select ${hireColumns(scope)} ${hireJoins}
          where h.tenant_id = ${t} and h.start_on <= ${b.lastDay} and (h.actual_end is null or h.actual_end >= ${b.lastDay})
            and not exists (select 1 from hire_follow_ups f where f.hire_id = h.id and f.tenant_id = h.tenant_id and f.answer = 'no' and f.due_on <= ${b.lastDay})) s
        where shared`;
    // One row per hire and milestone (6, 12 months) falling due within the period (up to today).
    case 'retention':
      return sql`
        select h.id, c.name as company_name, h.title, h.contract, h.start_on, ms.milestone::text as milestone, d.due_on, ${sharedHire} as shared,
          case when h.actual_end is not null then case when h.actual_end >= d.due_on then 'yes' else 'no' end
               when e.answer is not null then e.answer
               when p.answer is not null then p.answer
               else 'unknown' end as outcome
        from hires h
        cross join (values (6), (12)) as ms (milestone)
        cross join lateral (select (h.start_on + make_interval(months => ms.milestone))::date as due_on) d
        join companies c on c.id = h.company_id and c.tenant_id = h.tenant_id
        left join offers o on o.id = h.offer_id and o.tenant_id = h.tenant_id
        left join shared_time_members m on m.company_id = h.company_id and m.tenant_id = h.tenant_id
        left join hire_follow_ups e on e.hire_id = h.id and e.tenant_id = h.tenant_id and e.milestone = ms.milestone and e.respondent = 'employer'
        left join hire_follow_ups p on p.hire_id = h.id and p.tenant_id = h.tenant_id and p.milestone = ms.milestone and p.respondent = 'person'
        where h.tenant_id = ${t}
          and h.start_on >= ${b.start} - make_interval(months => ms.milestone, days => 3)
          and h.start_on < ${b.end} - make_interval(months => ms.milestone) + interval '3 days'
          and d.due_on >= ${b.start} and d.due_on < ${b.end}`;
    // Offers public for at least one day within the period.
    case 'offers':
      return sql`
        select o.id, c.name as company_name, o.title, o.contract, coalesce(o.season, 'none') as season_class, coalesce(r.domain_code, 'none') as domain_code,
          coalesce(r.domain_label, '') as domain_label, o.published_at, least(o.closed_at, o.expires_at) as ended_at
        from offers o
        join companies c on c.id = o.company_id and c.tenant_id = o.tenant_id
        left join rome_codes r on r.code = o.rome_code
        where o.tenant_id = ${t} and o.published_at is not null and o.published_at < ${b.endTs}
          and least(coalesce(least(o.closed_at, o.expires_at), 'infinity'::timestamptz), ${b.endTs}) - greatest(o.published_at, ${b.startTs}) >= interval '1 day'`;
    // Companies paying the day before the period and on its last day: a payment's period, or the membership's current one, covers the day.
    case 'members':
      return sql`
        select s.*, case when s.tier_start is null then 'new' when s.tier_end is null then 'lost' else 'kept' end as movement from (
          select c.id, c.name as company_name,
            (select p.tier_code from paid p where p.company_id = c.id and ${b.start} - 1 between p.period_start and p.period_end order by p.period_end desc limit 1) as tier_start,
            (select p.tier_code from paid p where p.company_id = c.id and ${b.lastDay} between p.period_start and p.period_end order by p.period_end desc limit 1) as tier_end
          from companies c where c.tenant_id = ${t}) s
        where tier_start is not null or tier_end is not null`;
    case 'payments':
      return sql`
        select p.id, c.name as company_name, p.paid_on, p.tier_code, p.method, p.receipt_number, (p.amount_cents / 100.0)::float8 as amount
        from membership_payments p join companies c on c.id = p.company_id and c.tenant_id = p.tenant_id
        where p.tenant_id = ${t} and p.paid_on >= ${b.start} and p.paid_on < ${b.end}`;
    // Offers published within the period that led to a hire: days from publication to the first hire decision.
    case 'firstHire':
      return sql`
        select o.id, c.name as company_name, o.title, o.published_at, min(h.hired_on) as first_hired_on,
          (min(h.hired_on) - (o.published_at at time zone ${scope.timezone})::date)::int as days
        from offers o
        join hires h on h.offer_id = o.id and h.tenant_id = o.tenant_id
        join companies c on c.id = o.company_id and c.tenant_id = o.tenant_id
        where o.tenant_id = ${t} and o.published_at >= ${b.startTs} and o.published_at < ${b.endTs}
        group by o.id, c.name, o.title, o.published_at`;
    // Seasonal hires of the same period a year earlier, and whether the same company hired the same person again in this one.
    case 'loyalty':
      return sql`
        select h.id, c.name as company_name, h.title, h.start_on, h.person_key is not null as traceable,
          coalesce(h.person_key is not null and exists (
            select 1 from hires n where n.tenant_id = h.tenant_id and n.company_id = h.company_id and n.person_key = h.person_key
              and n.start_on >= ${b.start} and n.start_on < ${b.end}), false) as rehired
        from hires h join companies c on c.id = h.company_id and c.tenant_id = h.tenant_id
        where h.tenant_id = ${t} and h.contract = 'seasonal' and h.start_on >= ${scope.previous.start}::date and h.start_on < ${scope.previous.end}::date`;
    // Shared-time needs declared within the period, with the furthest stage each reached.
    case 'needs':
      return sql`
        select n.id, c.name as company_name, n.title, n.status, (n.annual_minutes / 60.0)::float8 as hours, n.short_contracts_replaced::float8 as short_contracts,
          n.status in ('validated', 'combined', 'staffed') as validated, n.status in ('combined', 'staffed') as combined, n.status = 'staffed' as staffed
        from shared_time_needs n join companies c on c.id = n.company_id and c.tenant_id = n.tenant_id
        where n.tenant_id = ${t} and n.created_at >= ${b.startTs} and n.created_at < ${b.endTs}`;
    // Young people with a candidate account on the last day counted: followed by a counsellor then, minor then, new in the period.
    case 'youngPeople':
      return sql`
        select u.id, u.created_at, u.created_at >= ${b.startTs} as new, a.id is not null as followed,
          case when u.birth_date is null then 'unknown' when u.birth_date > ${b.lastDay} - interval '18 years' then 'yes' else 'no' end as minor
        from users u
        left join accompaniments a on a.young_user_id = u.id and a.tenant_id = u.tenant_id
          and a.started_at < ${b.endTs} and (a.ended_at is null or a.ended_at >= ${b.endTs})
        where u.tenant_id = ${t} and u.role = 'candidate' and u.created_at < ${b.endTs}`;
    // Recommendations sent (with the young person's agreement) within the period, and what the employer did.
    case 'recommendations':
      return sql`
        select r.id, c.name as company_name, o.title, r.decided_at as sent_at, a.employer_answered_at, a.status,
          r.decided_at + interval '7 days' <= ${b.endTs} as window_elapsed,
          coalesce(a.employer_answered_at <= r.decided_at + interval '7 days', false) as answered7,
          a.interview_at is not null as interview,
          coalesce(a.status = 'hired', false) as hired
        from candidate_recommendations r
        join offers o on o.id = r.offer_id and o.tenant_id = r.tenant_id
        join companies c on c.id = o.company_id and c.tenant_id = o.tenant_id
        left join applications a on a.id = r.application_id and a.tenant_id = r.tenant_id
        where r.tenant_id = ${t} and r.status = 'sent' and r.decided_at >= ${b.startTs} and r.decided_at < ${b.endTs}`;
    // Young people who entered (created their account) within the period, at 3, 6 and 12 months after
    // entry: measurable once that day has come (today, whatever the period), and the best situation reached by then.
    case 'cohorts':
      return sql`
        select e.id, e.entered_on, ms.milestone::text as milestone, w.until <= ${scope.today}::date as measurable,
          case
            when exists (select 1 from hires h where h.tenant_id = e.tenant_id and h.candidate_user_id = e.id and h.start_on between e.entered_on and w.until and ${lastingCase(scope.lasting)} = 'yes') then 'lasting'
            when exists (select 1 from hires h where h.tenant_id = e.tenant_id and h.candidate_user_id = e.id and h.start_on between e.entered_on and w.until and h.contract = 'apprenticeship') then 'apprenticeship'
            when exists (select 1 from hires h where h.tenant_id = e.tenant_id and h.candidate_user_id = e.id and h.start_on between e.entered_on and w.until
                         and (h.contract = 'cdi' or (${contractEnd} is not null and ${lastsAtLeast(1, 0)}))) then 'job1m'
            when exists (select 1 from follow_up_events f join accompaniments a on a.id = f.accompaniment_id and a.tenant_id = f.tenant_id
                         where a.tenant_id = e.tenant_id and a.young_user_id = e.id and f.kind = 'training_start' and f.happened_on between e.entered_on and w.until) then 'training'
            when exists (select 1 from hires h where h.tenant_id = e.tenant_id and h.candidate_user_id = e.id and h.start_on between e.entered_on and w.until)
              or exists (select 1 from follow_up_events f join accompaniments a on a.id = f.accompaniment_id and a.tenant_id = f.tenant_id
                         where a.tenant_id = e.tenant_id and a.young_user_id = e.id and f.kind = 'job_start' and f.happened_on between e.entered_on and w.until) then 'otherJob'
            else 'unknown' end as outcome
        from (select u.id, u.tenant_id, (u.created_at at time zone ${scope.timezone})::date as entered_on from users u
              where u.tenant_id = ${t} and u.role = 'candidate' and u.created_at >= ${b.startTs} and u.created_at < ${b.endTs}) e
        cross join (values (3), (6), (12)) as ms (milestone)
        cross join lateral (select (e.entered_on + make_interval(months => ms.milestone))::date as until) w`;
  }
}

/** The members dataset reads paid periods: payments, and each membership's current period. */
function withPaidPeriods(name: DatasetName, scope: ReportScope, body: RawBuilder<unknown>): RawBuilder<unknown> {
  if (name !== 'members') return body;
  return sql`with paid as (
      select company_id, tier_code, period_start, period_end from membership_payments where tenant_id = ${scope.tenantId}
      union all
      select company_id, tier_code, period_start, period_end from memberships where tenant_id = ${scope.tenantId} and period_start is not null)
    ${body}`;
}

function condition(filter: Filter): RawBuilder<unknown> {
  const parts = Object.entries(filter).map(([column, value]) =>
    Array.isArray(value) ? sql`${sql.ref(`d.${column}`)} = any(${sql.val([...value])}::text[])` : sql`${sql.ref(`d.${column}`)} = ${value}`,
  );
  return parts.length === 0 ? sql`true` : sql.join(parts, sql` and `);
}

function aggregate(cell: CellQuery): RawBuilder<unknown> {
  const where = condition(cell.filter);
  switch (cell.measure.kind) {
    case 'count':
      return sql`count(*) filter (where ${where})::float8`;
    case 'sum':
      return sql`coalesce(sum(${sql.ref(`d.${cell.measure.column}`)}) filter (where ${where}), 0)::float8`;
    case 'median':
      return sql`(percentile_cont(0.5) within group (order by ${sql.ref(`d.${cell.measure.column}`)}) filter (where ${where}))::float8`;
  }
}

/**
 * Every cell of a dataset in one pass: one aggregate per cell (`count(*) filter (where …)`), so the
 * database counts and sums and only the figures come back; a drill-down lists the rows of the very
 * same filter, so a cell and its rows always agree.
 */
export async function computeCells(t: TenantDb, scope: ReportScope, name: DatasetName, cells: CellQuery[]): Promise<(number | null)[]> {
  if (cells.length === 0) return [];
  const source = dataset(name, scope);
  const columns = cells.map((cell, i) => sql`${aggregate(cell)} as ${sql.ref(`c${i}`)}`);
  const { rows } = await withPaidPeriods(name, scope, sql`select ${sql.join(columns)} from (${source}) d`).execute(t.trx);
  const row = rows[0] as Record<string, number | null>;
  return cells.map((_, i) => row[`c${i}`]);
}

/** Counts per week (Monday) of offers published and of hires starting within the period. */
export async function weeklySeries(t: TenantDb, scope: ReportScope): Promise<{ week: string; offers: number; hires: number }[]> {
  const b = bounds(scope);
  const { rows } = await sql<{ week: string; offers: number; hires: number }>`
    with o as (
      select date_trunc('week', o.published_at at time zone ${scope.timezone})::date as week, count(*)::int as n from offers o
      where o.tenant_id = ${scope.tenantId} and o.published_at >= ${b.startTs} and o.published_at < ${b.endTs} group by 1),
    h as (
      select date_trunc('week', h.start_on)::date as week, count(*)::int as n from hires h
      where h.tenant_id = ${scope.tenantId} and h.start_on >= ${b.start} and h.start_on < ${b.end} group by 1)
    select to_char(w.week, 'YYYY-MM-DD') as week, coalesce(o.n, 0) as offers, coalesce(h.n, 0) as hires
    from generate_series(date_trunc('week', ${b.start}::timestamp), ${b.end}::timestamp - interval '1 day', interval '1 week') as w (week)
    left join o on o.week = w.week::date left join h on h.week = w.week::date
    order by w.week`.execute(t.trx);
  return rows;
}

/** The rows behind a cell (the same filter), ordered by `orderBy`, a page at a time. */
export async function drillRows(t: TenantDb, scope: ReportScope, name: DatasetName, filter: Filter, orderBy: string, limit: number, offset: number): Promise<Record<string, unknown>[]> {
  const source = dataset(name, scope);
  const { rows } = await withPaidPeriods(
    name,
    scope,
    sql`select d.* from (${source}) d where ${condition(filter)} order by ${sql.ref(`d.${orderBy}`)}, ${sql.ref('d.id')} limit ${limit} offset ${offset}`,
  ).execute(t.trx);
  return rows as Record<string, unknown>[];
}

/** The values of a dataset column (with a label column), the most frequent first: rows of tables such as offers by trade. */
export async function distinctValues(t: TenantDb, scope: ReportScope, name: DatasetName, column: string, labelColumn: string): Promise<{ value: string; label: string }[]> {
  const source = dataset(name, scope);
  const { rows } = await withPaidPeriods(
    name,
    scope,
    sql`select ${sql.ref(`d.${column}`)}::text as value, min(${sql.ref(`d.${labelColumn}`)})::text as label from (${source}) d group by 1 order by count(*) desc, 1`,
  ).execute(t.trx);
  return rows as { value: string; label: string }[];
}
