/**
 * Argo CD cluster Secrets written in the repo (label `argocd.argoproj.io/secret-type: cluster`), read for the
 * clusters generator (SET-3). Only name, server and project are read from the data; credentials are never touched.
 */
import { isObj, str } from '../application.ts';
import type { ScannedDoc } from '../scan.ts';
import type { ClusterInput } from '../types.ts';

export const CLUSTER_SECRET_LABEL = 'argocd.argoproj.io/secret-type';

function field(secret: Record<string, unknown>, key: string): string | undefined {
  const sd = isObj(secret.stringData) ? secret.stringData : {};
  if (sd[key] !== undefined) return str(sd[key]);
  const d = isObj(secret.data) ? secret.data : {};
  if (d[key] !== undefined) {
    try {
      return Buffer.from(str(d[key]), 'base64').toString('utf8');
    } catch {
      return undefined;
    }
  }
  return undefined;
}

function strMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (isObj(v)) for (const [k, x] of Object.entries(v)) out[k] = str(x);
  return out;
}

/** The cluster Secrets among the scanned documents (in the Argo CD namespace, or with no namespace). */
export function clustersFromDocs(docs: ScannedDoc[], argocdNamespace: string): ClusterInput[] {
  const out: ClusterInput[] = [];
  for (const d of docs) {
    const o = d.obj;
    if (o.kind !== 'Secret' || o.apiVersion !== 'v1') continue;
    const meta = isObj(o.metadata) ? o.metadata : {};
    const labels = strMap(meta.labels);
    if (labels[CLUSTER_SECRET_LABEL] !== 'cluster') continue;
    if (meta.namespace !== undefined && str(meta.namespace) !== argocdNamespace) continue;
    const c: ClusterInput = { name: field(o, 'name') ?? '', server: field(o, 'server') ?? '', labels, annotations: strMap(meta.annotations) };
    const project = field(o, 'project');
    if (project !== undefined) c.project = project;
    out.push(c);
  }
  return out;
}
