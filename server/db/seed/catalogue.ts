import type { Contract, EXPERIENCE_LEVELS } from '../database.js';

/**
 * The shape of a tenant's demo data: invented companies (real communes, ROME and NAF codes) and,
 * per sector, the jobs they recruit for. demo-seed.ts turns a catalogue into rows.
 */
export interface DemoCatalogue {
  companies: CompanyTemplate[];
  jobs: Record<string, JobTemplate[]>;
  offersPerCompany: readonly [min: number, max: number];
  /** Other communes where a company may place an offer (a shop's second outlet, a station's other village). */
  nearbyCommunes: Record<string, string[]>;
  /** Seasons only make sense for the mountain board. */
  seasonal: boolean;
  /** A few extra lines picked into the "conditions" paragraph. */
  perks: string[];
  /** Staff accounts of the tenant (no password: they sign in through the account flow). */
  staff: { email: string; name: string; role: 'admin' | 'counsellor' }[];
  /**
   * Demo accounts listed in the README: verified, with the public password DEMO_PASSWORD (demo-seed.ts).
   * `company` names a company of this catalogue the account belongs to (as an owner).
   */
  demoAccounts: { email: string; name: string; role: 'candidate' | 'employer' | 'counsellor' | 'admin'; company?: string }[];
}

export interface CompanyTemplate {
  name: string;
  sector: string;
  /** NAF rév. 2 sub-class, e.g. 49.39C. */
  naf: string;
  headcount: number;
  /** INSEE code of the head office commune. */
  commune: string;
  description: string;
}

export interface JobTemplate {
  title: string;
  rome: string;
  /** Drawn uniformly: repeat a contract to make it likelier. */
  contracts: Contract[];
  missions: string[];
  profile: string[];
  salary: { unit: 'hour' | 'day' | 'month'; min: number; max: number };
  experience: (typeof EXPERIENCE_LEVELS)[number];
  /** Probability that the offer comes with housing (provided or help). */
  housing?: number;
  partTime?: number;
  drivingLicence?: boolean;
  /** Youth boards' filters (offers.without_diploma, offers.open_to_minors): no diploma asked, open to under-18s. */
  withoutDiploma?: boolean;
  minors?: boolean;
}
