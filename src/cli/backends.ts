import * as registry from '../backend/index.js';

export const getBackend = registry.getBackend;

/** Loads the fast backends when the build has them; the plain TypeScript one is always there. */
export async function initBackendsSafe(): Promise<void> {
  const init = (registry as { initBackends?: () => Promise<void> }).initBackends;
  if (init) await init();
}
