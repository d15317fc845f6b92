import { createRequire } from 'node:module';
import { join } from 'node:path';
import type * as EngineApi from './engine/api.ts';
import { log } from './log.ts';

export type Engine = typeof EngineApi;

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
