/**
 * Which engine pieces the extension is wired to. The glue reads this without loading the engine, so it can decide
 * which CodeLens, views and providers to offer at activation; the engine facade (api.ts) says why a missing piece
 * is missing when it is asked for it anyway.
 */
export type Feature = 'render' | 'provenance' | 'apps' | 'diff' | 'plan';

export const FEATURES: Readonly<Record<Feature, boolean>> = {
  render: true,
  provenance: true,
  apps: true,
  diff: true,
  plan: true,
};

export const MISSING_REASON: Record<Feature, string> = {
  render: 'the kustomize renderer (src/engine/render) is not part of this build yet',
  provenance: 'field provenance (src/engine/provenance) is not part of this build yet',
  apps: 'application discovery (src/engine/apps) is not part of this build yet',
  diff: 'the diff engine (src/engine/diff) is not part of this build yet',
  plan: 'the sync planner (src/engine/plan) is not part of this build yet',
};
