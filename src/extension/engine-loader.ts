import { createRequire } from 'node:module';
import { join } from 'node:path';
import type * as EngineApi from './engine/api.ts';
import type * as SyncApi from './engine/sync-api.ts';
import { log } from './log.ts';

export type Engine = typeof EngineApi;
export type SyncEngine = typeof SyncApi;

let loaded: Engine | undefined;

/**
 * The engine bundle (dist/engine.cjs), required on first use rather than at activation: activation only registers
 * providers, and the engine's parse and compile cost is paid when the user first asks for something.
 */
export function engine(): Engine {
  if (!loaded) {
    const t0 = performance.now();
    loaded = createRequire(__filename)(join(__dirname, 'engine.cjs')) as Engine;
    log.info(`engine loaded in ${(performance.now() - t0).toFixed(1)} ms`);
  }
  return loaded;
}

let loadedSync: SyncEngine | undefined;

/** The sync bundle (dist/sync.cjs: cluster clients and the sync executor), required the first time the user syncs. */
export function syncEngine(): SyncEngine {
  if (!loadedSync) {
    const t0 = performance.now();
    loadedSync = createRequire(__filename)(join(__dirname, 'sync.cjs')) as SyncEngine;
    log.info(`sync engine loaded in ${(performance.now() - t0).toFixed(1)} ms`);
  }
  return loadedSync;
}
