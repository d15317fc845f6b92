/**
 * The revision diff: the same app or overlay rendered at two revisions, object by object. A generated ConfigMap or
 * Secret whose kustomize hash suffix changed is paired with its old name and reported once, as `renamed`.
 */
import { keyString, objectKey, type KubeObject, type ObjectKey } from '../kube/index.ts';
import { deepEqual, type JsonMap } from './json.ts';
import { maskSecretPair } from './secret.ts';
import { changedPaths } from './paths.ts';
import { toYaml, unifiedDiff } from './text.ts';
import type { ObjectChange } from './types.ts';

/** kustomize's name hash: 10 characters of hex with 0,1,3,a,e replaced by g,h,k,m,t. */
const HASHED_NAME = /^(.+)-([245-9bcdfghkmt]{10})$/;
const GENERATED_KINDS = new Set(['/ConfigMap', '/Secret']);

function hashBase(k: ObjectKey): string | undefined {
  if (!GENERATED_KINDS.has(`${k.group}/${k.kind}`)) return undefined;
  const m = HASHED_NAME.exec(k.name);
  return m ? `${k.group}/${k.kind}/${k.namespace}/${m[1]}` : undefined;
}

function label(k: ObjectKey): string {
  const kind = k.group ? `${k.kind}.${k.group}` : k.kind;
  return [kind, k.namespace, k.name].filter(Boolean).join('/');
}

export interface RevisionDiffOptions {
  /** argocd-cm `resource.sensitive.mask.annotations`: masked on Secrets like data. */
  sensitiveAnnotations?: Set<string>;
  /** Labels for the two sides in the text diff (`a`, `b` by default). */
  fromLabel?: string;
  toLabel?: string;
  /** Include unchanged objects in the result (the UI lists them; the CLI does not). */
  includeUnchanged?: boolean;
}

function change(before: KubeObject | null, after: KubeObject | null, kind: ObjectChange['change'], opts: RevisionDiffOptions): ObjectChange {
  const key = objectKey((after ?? before)!);
  // The older side plays "live" for masking, so an unchanged value gets the same mask on both sides.
  const masked = maskSecretPair(after as JsonMap | null, before as JsonMap | null, opts.sensitiveAnnotations);
  const a = masked.live;
  const b = masked.target;
  const from = `${opts.fromLabel ?? 'a'}/${label(before ? objectKey(before) : key)}`;
  const to = `${opts.toLabel ?? 'b'}/${label(key)}`;
  const out: ObjectChange = {
    ...key,
    change: kind,
    fields: kind === 'unchanged' ? [] : changedPaths(a, b),
    diff: kind === 'unchanged' ? '' : unifiedDiff(a ? toYaml(a) : '', b ? toYaml(b) : '', before ? from : '/dev/null', after ? to : '/dev/null'),
  };
  if (kind === 'renamed' && before) out.previousName = before.metadata?.name ?? '';
  return out;
}

/** Compares two renders of the same thing. Objects keep the order of the newer render, removed ones follow. */
export function diffRenders(before: KubeObject[], after: KubeObject[], opts: RevisionDiffOptions = {}): ObjectChange[] {
  const oldByKey = new Map<string, KubeObject>();
  for (const o of before) oldByKey.set(keyString(objectKey(o)), o);
  const newKeys = new Set(after.map((o) => keyString(objectKey(o))));
  const out: ObjectChange[] = [];
  const added: KubeObject[] = [];
  for (const n of after) {
    const o = oldByKey.get(keyString(objectKey(n)));
    if (!o) {
      added.push(n);
      continue;
    }
    const same = deepEqual(o, n);
    if (same && !opts.includeUnchanged) continue;
    out.push(change(o, n, same ? 'unchanged' : 'changed', opts));
  }
  const removed = before.filter((o) => !newKeys.has(keyString(objectKey(o))));
  // Pair hash-suffixed generated objects: same kind, namespace and name stem, one removed and one added.
  const removedByBase = new Map<string, KubeObject[]>();
  for (const r of removed) {
    const base = hashBase(objectKey(r));
    if (base) removedByBase.set(base, [...(removedByBase.get(base) ?? []), r]);
  }
  const pairedOld = new Set<KubeObject>();
  for (const n of added) {
    const base = hashBase(objectKey(n));
    const candidates = base ? removedByBase.get(base) : undefined;
    if (candidates?.length === 1 && !pairedOld.has(candidates[0]!)) {
      pairedOld.add(candidates[0]!);
      out.push(change(candidates[0]!, n, 'renamed', opts));
    } else {
      out.push(change(null, n, 'added', opts));
    }
  }
  for (const r of removed) if (!pairedOld.has(r)) out.push(change(r, null, 'removed', opts));
  return out;
}
