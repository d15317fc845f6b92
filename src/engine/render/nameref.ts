/**
 * Name references: after prefixes, suffixes, namespaces and hash suffixes have renamed objects, every field that
 * refers to one of them by name (a Deployment's configMapRef, a RoleBinding's roleRef and subjects, an Ingress
 * backend, …) is rewritten to the new name, following kustomize's nameReference table and its rules for picking
 * the one object a reference means (previous names, kind, roleRef group, namespace, same prefixes and suffixes).
 */
import { GitOpsError } from '../errors/index.ts';
import type { Change, Loc, MapNode, YNode } from '../yaml/index.ts';
import type { NameBackRef, TransformerConfig } from './config.ts';
import { walkFieldSpec } from './fieldspec.ts';
import type { Resource, ResMap } from './resource.ts';
import { effectiveNamespace, gvkSelected, isClusterScoped, NO_NAMESPACE, type Gvk, type ResId } from './resid.ts';
import { get, getPath, getString, isNull, scalar, setField, setScalarValue, sourceLocs, type Recorder } from './tree.ts';

/** Where each rename was instructed, so a rewritten reference can say which rename caused it. */
export type RenameLocator = (r: Resource) => Loc | undefined;

function sameEndingSubSlice(shortest: string[], longest: string[]): boolean {
  if (shortest.length > longest.length) [shortest, longest] = [longest, shortest];
  const diff = longest.length - shortest.length;
  if (shortest.length === 0) return diff === 0;
  for (let i = shortest.length - 1; i >= 0; i--) if (longest[i + diff] !== shortest[i]) return false;
  return true;
}

function prefixSuffixEquals(a: Resource, b: Resource, allowEmpty: boolean): boolean {
  if (allowEmpty) {
    const eitherP = a.prefixes.length === 0 || b.prefixes.length === 0;
    const eitherS = a.suffixes.length === 0 || b.suffixes.length === 0;
    return (eitherP || sameEndingSubSlice(a.prefixes, b.prefixes)) && (eitherS || sameEndingSubSlice(a.suffixes, b.suffixes));
  }
  return sameEndingSubSlice(a.prefixes, b.prefixes) && sameEndingSubSlice(a.suffixes, b.suffixes);
}

/** Ids worked out once per pass (names do not change while references are fixed). */
interface Info {
  cur: ResId;
  prev: ResId[];
  ens: string;
  cluster: boolean;
}

let infos = new Map<Resource, Info>();
function info(r: Resource): Info {
  let i = infos.get(r);
  if (!i) {
    const cur = r.curId();
    const cluster = isClusterScoped(cur);
    i = { cur, prev: r.prevIds(), ens: effectiveNamespace(cur), cluster };
    infos.set(r, i);
  }
  return i;
}

/** Objects a referrer may point at: everything for a cluster-scoped referrer, else same namespace, cluster-scoped,
 * or a namespace its RoleBinding subjects name. */
function candidatesFor(referrer: Resource, all: Resource[]): Resource[] {
  const ri = info(referrer);
  const rid = ri.cur;
  if (ri.cluster) return all;
  const rbNamespaces = new Set<string>();
  if (referrer.kind === 'RoleBinding') {
    const subjects = get(referrer.node, 'subjects');
    if (subjects && subjects.kind === 'seq') {
      for (const s of subjects.items) {
        if (s.kind !== 'map') continue;
        const ns = get(s, 'namespace');
        const kind = get(s, 'kind');
        if (ns && kind && getString(s, 'kind') === 'ServiceAccount') {
          if (ns.kind !== 'scalar' || ns.tag !== '!!str') throw new GitOpsError(`Invalid Input: namespace is blank for a ServiceAccount subject of ${referrer.describe()}`, ns.origin, 'kustomize');
          rbNamespaces.add(ns.value);
        }
      }
    }
  }
  const ens = ri.ens;
  return all.filter((t) => {
    const ti = info(t);
    if (ti.cluster) return true;
    if (ti.ens === ens) return true;
    return rbNamespaces.has(ti.cur.namespace);
  });
}

class ReferenceFixer {
  constructor(
    private referrer: Resource,
    private spec: { path: string },
    private target: Gvk,
    private candidates: Resource[],
    private rec: Recorder,
    private renameAt: RenameLocator,
  ) {}

  private roleRefGvk(): Gvk | undefined {
    if (!this.spec.path.endsWith('roleRef/name')) return undefined;
    const roleRef = get(this.referrer.node, 'roleRef');
    if (!roleRef || isNull(roleRef)) return undefined;
    const g = get(roleRef, 'apiGroup');
    const k = get(roleRef, 'kind');
    if (!g || !k) return undefined;
    return { group: g.kind === 'scalar' ? g.value : '', version: '', kind: k.kind === 'scalar' ? k.value : '' };
  }

  private select(oldName: string, cands: Resource[], identical: (rs: Resource[]) => boolean, at: Loc | undefined): Resource | undefined {
    let c = cands.filter((r) => info(r).prev.some((id) => id.name === oldName));
    if (!c.length) return undefined;
    c = c.filter((r) => info(r).prev.some((id) => gvkSelected(id, this.target)));
    const rr = this.roleRefGvk();
    if (rr) c = c.filter((r) => info(r).prev.some((id) => gvkSelected(id, rr)));
    const ri = info(this.referrer);
    if (!ri.cluster) {
      c = c.filter((r) => {
        const ti = info(r);
        return ti.cluster || ti.cur.kind === 'ServiceAccount' || ti.ens === ri.ens;
      });
    }
    if (c.length === 1) return c[0];
    c = c.filter((r) => prefixSuffixEquals(r, this.referrer, true));
    if (c.length > 1) c = c.filter((r) => prefixSuffixEquals(r, this.referrer, false));
    if (c.length === 1) return c[0];
    if (c.length === 0) return undefined;
    if (identical(c)) return c[0];
    throw new GitOpsError(
      `found multiple possible referrals for ${oldName} in ${this.referrer.describe()}: ${c.map((r) => r.describe()).join(', ')}`,
      at ?? this.referrer.node.origin,
      'kustomize',
    );
  }

  private change(referral: Resource, oldName: string): Change {
    const by = referral.renames.map((x) => x.what + (x.at ? ` (${x.at.file}:${x.at.line})` : '')).join(', then ');
    const nameNode = get(get(referral.node, 'metadata'), 'name');
    const where = nameNode?.origin ? `; its name is written at ${nameNode.origin.file}:${nameNode.origin.line}:${nameNode.origin.column}` : '';
    return {
      op: 'nameReference',
      detail: `${oldName} → ${referral.name}: ${referral.kind} ${oldName} was renamed${by ? ` by ${by}` : ''}${where}`,
      at: this.renameAt(referral),
      from: sourceLocs(this.rec, getPath(referral.node, 'metadata', 'name')),
    };
  }

  private record(referral: Resource): void {
    (referral.refBy ??= []).push(this.referrer.curId());
  }

  setScalar(n: YNode): void {
    if (n.kind !== 'scalar' || isNull(n)) return;
    const old = n.value;
    const referral = this.select(old, this.candidates, (rs) => rs.every((r) => r.name === rs[0]!.name), n.origin);
    if (!referral) return;
    this.record(referral);
    if (referral.name === old) return;
    setScalarValue(n, referral.name, undefined, this.rec, this.change(referral, old));
  }

  setMapping(n: MapNode): void {
    const nameNode = get(n, 'name');
    if (!nameNode) throw new GitOpsError(`a name reference in ${this.referrer.describe()} has no 'name' field`, n.origin, 'kustomize');
    let cands = this.candidates;
    const nsNode = get(n, 'namespace');
    if (nsNode) {
      const ns = nsNode.kind === 'scalar' ? nsNode.value : '';
      const byOrg = groupByNamespace(this.candidates, (r) => r.orgId());
      cands = byOrg.get(ns) ?? groupByNamespace(this.candidates, (r) => r.curId()).get(ns) ?? [];
    }
    const old = nameNode.kind === 'scalar' ? nameNode.value : '';
    const referral = this.select(old, cands, (rs) => rs.every((r) => r.name === rs[0]!.name && r.namespace === rs[0]!.namespace), n.origin);
    if (!referral) return;
    this.record(referral);
    if (referral.name === old && referral.namespace === '') return;
    const change = this.change(referral, old);
    if (nameNode.kind === 'scalar') {
      if (nameNode.value !== referral.name) setScalarValue(nameNode, referral.name, undefined, this.rec, change);
    } else setField(n, 'name', scalar(referral.name));
    if (referral.namespace === '') return;
    const cur = get(n, 'namespace');
    if (cur && cur.kind === 'scalar') {
      if (cur.value !== referral.namespace || cur.tag === '!!null') setScalarValue(cur, referral.namespace, undefined, this.rec, { ...change, detail: `namespace of ${referral.kind} ${referral.name}` });
    } else {
      const v = scalar(referral.namespace);
      this.rec.note(v, { ...change, detail: `namespace of ${referral.kind} ${referral.name}` });
      setField(n, 'namespace', v);
    }
  }

  set(n: YNode): void {
    if (isNull(n)) return;
    if (n.kind === 'scalar') this.setScalar(n);
    else if (n.kind === 'map') this.setMapping(n);
    else {
      for (const it of n.items) {
        if (isNull(it)) continue;
        if (it.kind === 'scalar') this.setScalar(it);
        else if (it.kind === 'map') this.setMapping(it);
        else throw new GitOpsError(`a name reference list in ${this.referrer.describe()} holds a list`, it.origin, 'kustomize');
      }
    }
  }
}

function groupByNamespace(rs: Resource[], idOf: (r: Resource) => ResId): Map<string, Resource[]> {
  const m = new Map<string, Resource[]>();
  for (const r of rs) {
    const ns = effectiveNamespace(idOf(r));
    if (ns === NO_NAMESPACE) continue;
    const l = m.get(ns) ?? [];
    l.push(r);
    m.set(ns, l);
  }
  return m;
}

/** Rewrites every name reference (kustomize's FixBackReferences). */
export function fixNameReferences(m: ResMap, config: TransformerConfig, rec: Recorder, renameAt: RenameLocator): void {
  const refs: NameBackRef[] = config.nameReference;
  if (!refs.length) return;
  // kustomize works out every RoleBinding's subject namespaces even when nothing was renamed, and fails on a blank one.
  for (const r of m.list) if (r.kind === 'RoleBinding') candidatesFor(r, []);
  infos = new Map();
  // Only objects that were renamed (or moved) can be referral targets, so skip the walk when none was.
  if (!m.list.some((r) => r.prev.length)) return;
  infos = new Map();
  const orgIds = m.list.map((r) => info(r).prev[0] ?? info(r).cur);
  const work = new Map<Resource, { spec: NameBackRef['referrers'][number]; target: Gvk }[]>();
  for (const br of refs) {
    for (const spec of br.referrers) {
      m.list.forEach((r, i) => {
        if (!gvkSelected(orgIds[i]!, spec)) return;
        let l = work.get(r);
        if (!l) work.set(r, (l = []));
        l.push({ spec, target: br });
      });
    }
  }
  // Only objects with earlier names can be referral targets.
  const renamed = m.list.filter((r) => r.prev.length);
  for (const [r, list] of work) {
    const cands = candidatesFor(r, renamed);
    if (!cands.length) continue;
    for (const { spec, target } of list) {
      const fixer = new ReferenceFixer(r, spec, { group: target.group, version: target.version, kind: target.kind }, cands, rec, renameAt);
      walkFieldSpec(r.node, spec, (n) => fixer.set(n), {}, true);
    }
  }
  infos = new Map();
}
