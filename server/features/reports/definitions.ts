import type { HireContract } from '../../db/database.js';
import type { Tenant } from '../../tenancy/registry.js';
import { LASTING_JOB_DEFINITIONS } from '../../tenancy/tenant-config.js';

/**
 * The indicators' definitions, versioned: an id (`name@version`) never changes meaning, a new rule
 * gets a new version. The id and its text (strings `reports.def.<id>`, French) are printed under every
 * table and at the top of every CSV, so a figure can always be read against the rule that made it.
 * Only the lasting-job rule is a tenant's choice today (tenant.json reports.definitions.lastingJob);
 * the others have one version each.
 */

export type LastingJobDefinition = (typeof LASTING_JOB_DEFINITIONS)[number];

/** A lasting job: a CDI, or one of `contracts` whose planned (else actual) length reaches months + days. */
export interface LastingJobRule {
  id: LastingJobDefinition;
  contracts: HireContract[];
  months: number;
  days: number;
}

export const LASTING_JOB_RULES: Record<LastingJobDefinition, LastingJobRule> = {
  'cdi-cdd6m@1': { id: 'cdi-cdd6m@1', contracts: ['cdd', 'seasonal'], months: 6, days: 0 },
  'cdi-cdd-interim183j@1': { id: 'cdi-cdd-interim183j@1', contracts: ['cdd', 'seasonal', 'interim'], months: 0, days: 183 },
  'cdi@1': { id: 'cdi@1', contracts: [], months: 0, days: 0 },
};

export const DEFAULT_LASTING_JOB: LastingJobDefinition = 'cdi-cdd6m@1';

export function lastingJobRule(tenant: Tenant): LastingJobRule {
  return LASTING_JOB_RULES[tenant.config.reports?.definitions?.lastingJob ?? DEFAULT_LASTING_JOB];
}

/** The fixed definitions (one version each). */
export const DEFINITIONS = {
  hires: 'embauches@1',
  contracts: 'contrats@1',
  created: 'emplois-crees@1',
  supported: 'emplois-soutenus@1',
  induced: 'emplois-induits@1',
  fte: 'etp-35h@1',
  offersLive: 'offres-en-ligne@1',
  members: 'adherents-payants@1',
  revenue: 'cotisations@1',
  loyalty: 'fidelite-saisonniere@1',
  retention: 'maintien-emploi@1',
  firstHire: 'delai-premiere-embauche@1',
  weekly: 'offres-embauches-hebdo@1',
  needs: 'besoins-temps-partage@1',
  sharedEmployees: 'salaries-partages@1',
  shortContracts: 'contrats-courts-evites@1',
  youngPeople: 'jeunes-inscrits@1',
  recommendations: 'recommandations@1',
  cohorts: 'cohortes-jeunes@1',
  jobStart: 'emploi-1-mois@1',
  suppression: 'secret-statistique@1',
} as const;
