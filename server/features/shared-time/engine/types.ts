import type { Coordinates } from './geo.js';
import type { ScoreTermName } from './settings.js';

/** A time slot of a period: weekday (0 = Monday), minutes after midnight, index of the need's site. */
export interface EngineSlot {
  day: number;
  start: number;
  end: number;
  site: number;
}

/** A recurring yearly period (`MM-DD` to `MM-DD`, inclusive, may wrap over the new year) and its week. */
export interface EnginePeriod {
  from: string;
  to: string;
  slots: EngineSlot[];
}

export interface EngineSite extends Coordinates {
  name: string;
}

/** A validated need as the engine sees it: everything it decides on, nothing it does not. */
export interface EngineNeed {
  id: string;
  companyId: string;
  companyName: string;
  /** A public member (collectivité, hôpital…): `publicEmployerMaxShare` applies. */
  publicBody: boolean;
  title: string;
  /** ROME code and its domain (3 characters, e.g. H21) and grand domain (letter): trade proximity. */
  rome: { code: string; domain: string; grandDomain: string; label: string } | null;
  sites: EngineSite[];
  periods: EnginePeriod[];
  licences: string[];
  minCommitmentMonths: number;
  hourlyWage: number;
}

export interface EngineInput {
  needs: EngineNeed[];
  /** Pairs of companies that may never share an employee (marked by either one). */
  competitors: [string, string][];
  /** Combinations GE staff pinned: kept as they are, their needs are not offered again. */
  pinned: string[][];
  /** Combinations GE staff rejected: never proposed again (the exact set of needs). */
  rejected: string[][];
  /** Licence codes that are regulated diplomas. */
  regulatedDiplomas: readonly string[];
}

/**
 * Why something does not fit, as a strings key (`sharedTime.reason.<code>`) and its parameters.
 * `monotonic`: adding needs can never repair it (a clash, too many hours…); the enumeration stops there.
 */
export interface Reason {
  code: ReasonCode;
  monotonic: boolean;
  params: Record<string, string | number>;
}

export type ReasonCode =
  | 'tooManyNeeds'
  | 'tooManyEmployers'
  | 'competitors'
  | 'siteTooFar'
  | 'diplomas'
  | 'tradesTooFar'
  | 'slotClash'
  | 'travelClash'
  | 'dailyTooLong'
  | 'dailyRest'
  | 'weeklyRest'
  | 'weekTooLong'
  | 'averageTooHigh'
  | 'weeklyOverMax'
  | 'weeklyUnderMin'
  | 'annualOverMax'
  | 'annualUnderMin'
  | 'publicShare'
  | 'needMissing';

export interface ScoreTerm {
  name: ScoreTermName;
  /** 0–1. */
  value: number;
  weight: number;
}

export interface EmployerShare {
  companyId: string;
  companyName: string;
  publicBody: boolean;
  /** Work plus half of the travel to and from its sites, per year. */
  minutes: number;
  share: number;
  /** Reference hourly wage of its needs (weighted by their hours). */
  hourlyWage: number;
}

export interface GapCard {
  fill: number;
  /** Hours a week (weekly regime) or a year (annualised) that would reach the target. */
  missingHours: number;
  per: 'week' | 'year';
  /** Weekdays with no work at all in the main pattern. */
  freeDays: number[];
  /** Months with no work at all. */
  freeMonths: number[];
  /** Around the site with the most hours, how far a complement may be. */
  zone: { siteName: string; minutes: number };
  /** ROME codes of the needs (compatible trades). */
  trades: { code: string; label: string }[];
}

export type Regime = 'weekly' | 'annualised';

/** A lawful combination: one future employee's job. */
export interface Combination {
  key: string;
  needIds: string[];
  regime: Regime;
  /** Work + travel between sites, per week of the model year (52 values). */
  weeklyMinutes: number[];
  annualMinutes: number;
  travelMinutes: number;
  /** annual / target (weekly regime: the weekly maximum × 52; annualised: the annual hours). */
  fill: number;
  score: number;
  value: number;
  terms: ScoreTerm[];
  employers: EmployerShare[];
  licences: string[];
  gap: GapCard | null;
  /** The figures behind each hard constraint, shown as « vérifié » on the proposal page. */
  metrics: CombinationMetrics;
  /** A pinned combination that no longer passes (a need changed): why. */
  broken?: Reason;
}

export interface CombinationMetrics {
  maxDailyMinutes: number;
  /** Shortest rest between two working days (null: never two working days in a row). */
  minDailyRestMinutes: number | null;
  minWeeklyRestMinutes: number;
  maxWeekMinutes: number;
  maxAverage12Minutes: number;
  /** Longest trip between two sites of different needs. */
  maxSiteTravelMinutes: number;
  workingDays: number;
}

/** Why a validated need is in no combination: alone it may already be a job; each near need and its reason. */
export interface Unmatched {
  needId: string;
  aloneFeasible: boolean;
  alone?: Reason;
  /** No other need within the maximum travel time: the nearest ones are listed anyway. */
  isolated: boolean;
  neighbours: { needId: string; minutes: number; reason: Reason | null }[];
}

export interface EngineStats {
  needs: number;
  pairs: number;
  compatiblePairs: number;
  evaluations: number;
  candidates: number;
  method: 'highs' | 'greedy';
  /** Σ score × hours of the chosen set, and of the greedy pass over the same candidates. */
  objective: number;
  greedyObjective: number;
  consolidatedMinutes: number;
  greedyConsolidatedMinutes: number;
  truncated: boolean;
}

/** A combination GE staff pinned, measured again with the needs as they are now. */
export interface PinnedResult {
  key: string;
  needIds: string[];
  combination?: Combination;
  /** Why it no longer passes (a need changed), or `needMissing` when a need is no longer validated. */
  broken?: Reason;
}

export interface EngineResult {
  combinations: Combination[];
  pinned: PinnedResult[];
  unmatched: Unmatched[];
  stats: EngineStats;
}
