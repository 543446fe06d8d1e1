/**
 * The rules of a shared-time combination and the weights of its score. Every figure is a tenant
 * setting (tenant.json `sharedTime`, validated by server/tenancy/tenant-config.ts); these defaults
 * follow the legal frame summed up in shared/SHARED-TIME.md. Figures marked there « à vérifier »
 * (the public member's share) are off by default.
 */
export interface SharedTimeSettings {
  /** Weekly regime: every week of the year within these bounds (hours, work + travel between sites). */
  weeklyHours: { min: number; max: number };
  /** Annualised regime (seasonal complements): at most this many hours a year… */
  annualHours: number;
  /** …and at least this share of them. */
  minAnnualShare: number;
  maxDailyHours: number;
  minDailyRestHours: number;
  minWeeklyRestHours: number;
  maxWeeklyHours: number;
  /** Average over any 12 consecutive weeks. */
  maxAverageWeeklyHours: number;
  travel: { detourFactor: number; averageSpeedKmh: number; maxMinutes: number };
  maxEmployers: number;
  /** Needs in one combination (2 up to this). */
  maxNeeds: number;
  /** Different regulated diplomas one person can be asked to hold (DE infirmier, DE d’assistant de service social…). */
  maxRegulatedDiplomas: number;
  /** Largest share of the hours a public member may use; null = no rule. */
  publicEmployerMaxShare: number | null;
  /** Minimum trade proximity (0–1) between needs of a combination; 0 = any trades. */
  minTradeProximity: number;
  /** Pairs of ROME codes (or 3-character ROME domains) the tenant deems close trades. */
  compatibleTrades: [string, string][];
  /** Combinations filled at least `minFill` and below `maxFill` of their target get a gap card. */
  gapCard: { minFill: number; maxFill: number };
  /** The GE's management fee added to each member's invoice (0.07 = 7 %). */
  managementFeeRate: number;
  /** Floor of the reference hourly wage of a need (SMIC horaire brut). */
  minimumHourlyWage: number;
  weights: ScoreWeights;
}

export interface ScoreWeights {
  hours: number;
  stability: number;
  travel: number;
  idle: number;
  trade: number;
  employers: number;
  certainty: number;
}

export const SCORE_TERMS = ['hours', 'stability', 'travel', 'idle', 'trade', 'employers', 'certainty'] as const;
export type ScoreTermName = (typeof SCORE_TERMS)[number];

export const DEFAULT_SHARED_TIME_SETTINGS: SharedTimeSettings = {
  weeklyHours: { min: 24, max: 35 },
  annualHours: 1607,
  minAnnualShare: 0.7,
  maxDailyHours: 10,
  minDailyRestHours: 11,
  minWeeklyRestHours: 35,
  maxWeeklyHours: 48,
  maxAverageWeeklyHours: 44,
  travel: { detourFactor: 1.3, averageSpeedKmh: 50, maxMinutes: 45 },
  maxEmployers: 4,
  maxNeeds: 4,
  maxRegulatedDiplomas: 1,
  publicEmployerMaxShare: null,
  minTradeProximity: 0,
  compatibleTrades: [],
  gapCard: { minFill: 0.7, maxFill: 0.95 },
  managementFeeRate: 0.07,
  minimumHourlyWage: 11.88,
  weights: { hours: 0.35, stability: 0.2, travel: 0.15, idle: 0.1, trade: 0.1, employers: 0.05, certainty: 0.05 },
};

type DeepPartial<T> = { [K in keyof T]?: T[K] extends (infer U)[] ? U[] : T[K] extends object | null ? DeepPartial<NonNullable<T[K]>> | Extract<T[K], null> : T[K] };
export type SharedTimeSettingsInput = DeepPartial<SharedTimeSettings>;

/** The tenant's values laid over the defaults (one level of nesting: weeklyHours, travel, gapCard, weights). */
export function resolveSettings(input: SharedTimeSettingsInput | undefined): SharedTimeSettings {
  const base = DEFAULT_SHARED_TIME_SETTINGS;
  const given = input ?? {};
  return {
    ...base,
    ...(given as Partial<SharedTimeSettings>),
    weeklyHours: { ...base.weeklyHours, ...given.weeklyHours },
    travel: { ...base.travel, ...given.travel },
    gapCard: { ...base.gapCard, ...given.gapCard },
    weights: { ...base.weights, ...given.weights },
    compatibleTrades: (given.compatibleTrades as [string, string][] | undefined) ?? base.compatibleTrades,
  };
}

/** A stable fingerprint: the background job recomputes when the tenant's settings change. */
export function settingsFingerprint(settings: SharedTimeSettings): string {
  return JSON.stringify(settings, Object.keys(settings).sort().concat(['min', 'max', 'detourFactor', 'averageSpeedKmh', 'maxMinutes', 'minFill', 'maxFill', ...Object.keys(settings.weights)]));
}
