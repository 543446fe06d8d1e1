import { randomBytes } from 'node:crypto';

/**
 * Where the Meilisearch runs of the search tests go: MEILI_HOST (+ MEILI_MASTER_KEY) when set, else a
 * throw-away container through testcontainers when a container runtime answers, else nowhere (the
 * suite is skipped and says why).
 */
export type MeilisearchTarget =
  | { available: true; host: string; apiKey?: string; stop(): Promise<void> }
  | { available: false; reason: string };

export async function meilisearchTarget(): Promise<MeilisearchTarget> {
  if (process.env.MEILI_HOST) {
    return { available: true, host: process.env.MEILI_HOST, apiKey: process.env.MEILI_MASTER_KEY || undefined, stop: async () => {} };
  }
  let runtimeProblem: string;
  try {
    const { GenericContainer, Wait, getContainerRuntimeClient } = await import('testcontainers');
    await getContainerRuntimeClient();
    const apiKey = randomBytes(24).toString('hex');
    const container = await new GenericContainer(process.env.MEILI_IMAGE || 'getmeili/meilisearch:latest')
      .withEnvironment({ MEILI_MASTER_KEY: apiKey, MEILI_NO_ANALYTICS: 'true', MEILI_ENV: 'development' })
      .withExposedPorts(7700)
      .withWaitStrategy(Wait.forHttp('/health', 7700))
      .withStartupTimeout(120_000)
      .start();
    return { available: true, host: `http://${container.getHost()}:${container.getMappedPort(7700)}`, apiKey, stop: async () => void (await container.stop()) };
  } catch (error) {
    runtimeProblem = error instanceof Error ? error.message.split('\n')[0] : String(error);
  }
  return {
    available: false,
    reason: `Meilisearch ignoré : MEILI_HOST n’est pas défini et testcontainers ne trouve pas de runtime de conteneurs (${runtimeProblem}).`,
  };
}

export const testIndexName = () => `cordee_test_${randomBytes(5).toString('hex')}`;
