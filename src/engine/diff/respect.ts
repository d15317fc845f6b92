/**
 * OPT-10 `RespectIgnoreDifferences=true`: what a sync applies for an object that exists live. The fields the
 * ignore rules hide are taken from live instead of git, so a sync does not undo them; `status` is never copied.
 */
import { clone, getPath, isMap, parsePointer, type JsonMap } from './json.ts';
import { IgnoreNormalizer } from './ignore.ts';
import { changedPaths } from './paths.ts';
import { defaultSystemSettings, type IgnoreRule, type SystemSettings } from './settings.ts';

function setAt(doc: JsonMap, tokens: string[], value: unknown): void {
  let cur: unknown = doc;
  for (let i = 0; i < tokens.length - 1; i++) {
    const t = tokens[i]!;
    if (Array.isArray(cur)) cur = cur[Number(t)];
    else if (isMap(cur)) {
      if (!isMap(cur[t]) && !Array.isArray(cur[t])) cur[t] = {};
      cur = cur[t];
    } else return;
  }
  const last = tokens[tokens.length - 1]!;
  if (Array.isArray(cur)) {
    const i = Number(last);
    if (Number.isInteger(i) && i <= cur.length) cur[i] = clone(value);
  } else if (isMap(cur)) cur[last] = clone(value);
}

export function respectIgnoreDifferences(target: JsonMap, live: JsonMap | null, rules: IgnoreRule[], system: SystemSettings = defaultSystemSettings()): JsonMap {
  if (!live) return clone(target);
  const overrides = new Map([...system.overrides].map(([k, v]) => [k, { ...v, jsonPointers: (v.jsonPointers ?? []).filter((p) => p !== '/status') }]));
  const normalizer = new IgnoreNormalizer(rules, overrides);
  if (normalizer.empty) return clone(target);
  const normalizedLive = normalizer.normalize(clone(live), []);
  const normalizedTarget = normalizer.normalize(clone(target), []);
  const out = normalizedTarget;
  for (const p of changedPaths(normalizedLive, live)) {
    const tokens = parsePointer(p);
    if (!tokens || !tokens.length || tokens[0] === 'status') continue;
    setAt(out, tokens, getPath(live, tokens));
  }
  return out;
}
