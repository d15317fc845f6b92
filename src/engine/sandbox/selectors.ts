/**
 * Label and field selectors, in the string syntax of `?labelSelector=` / `?fieldSelector=` (and kubectl `-l`) and
 * in the structured `LabelSelector` form workloads use (matchLabels, matchExpressions).
 */
import { getPath, isObject } from './json.ts';
import { badRequest } from './status.ts';

export type Requirement =
  | { key: string; op: 'exists' | '!' }
  | { key: string; op: '=' | '!='; value: string }
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: 'gt' | 'lt'; value: number };

export type LabelMatcher = (labels: Record<string, string> | undefined) => boolean;

const KEY = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** Parses `app=web,tier!=db,env in (a,b),!legacy`. Throws a 400 BadRequest ApiError as the API server does. */
export function parseLabelSelector(text: string): Requirement[] {
  const out: Requirement[] = [];
  let i = 0;
  const s = text;
  const ws = () => {
    while (i < s.length && /\s/.test(s[i])) i++;
  };
  const fail = (msg: string): never => {
    throw badRequest(`unable to parse requirement: ${msg}`);
  };
  const ident = (): string => {
    ws();
    const start = i;
    while (i < s.length && !/[\s,=!()<>]/.test(s[i])) i++;
    return s.slice(start, i);
  };
  ws();
  if (i >= s.length) return out;
  for (;;) {
    ws();
    let neg = false;
    if (s[i] === '!') {
      neg = true;
      i++;
    }
    const key = ident();
    if (!key) fail(`found '${s[i] ?? ''}', expected: identifier`);
    if (!KEY.test(key) || key.length > 317) fail(`invalid label key "${key}"`);
    ws();
    if (neg) {
      out.push({ key, op: '!' });
    } else if (i >= s.length || s[i] === ',') {
      out.push({ key, op: 'exists' });
    } else if (s.startsWith('==', i) || s.startsWith('!=', i) || s[i] === '=') {
      const op = s.startsWith('!=', i) ? '!=' : '=';
      i += s.startsWith('==', i) || s.startsWith('!=', i) ? 2 : 1;
      const value = ident();
      if (!VALUE.test(value) || value.length > 63) fail(`invalid label value: "${value}"`);
      out.push({ key, op, value });
    } else if (s[i] === '>' || s[i] === '<') {
      const op = s[i] === '>' ? 'gt' : 'lt';
      i++;
      const v = ident();
      if (!/^-?\d+$/.test(v)) fail(`for 'Gt', 'Lt' operators, the value must be an integer`);
      out.push({ key, op, value: Number(v) });
    } else {
      const word = ident();
      if (word !== 'in' && word !== 'notin') fail(`found '${word}', expected: '=', '!=', '==', 'in', notin'`);
      ws();
      if (s[i] !== '(') fail(`found '${s[i] ?? ''}', expected: '('`);
      i++;
      const values: string[] = [];
      for (;;) {
        const v = ident();
        if (!VALUE.test(v)) fail(`invalid label value: "${v}"`);
        if (v || values.length) values.push(v);
        ws();
        if (s[i] === ',') {
          i++;
          continue;
        }
        if (s[i] === ')') {
          i++;
          break;
        }
        fail(`found '${s[i] ?? ''}', expected: ',' or ')'`);
      }
      out.push({ key, op: word as 'in' | 'notin', values });
    }
    ws();
    if (i >= s.length) break;
    if (s[i] !== ',') fail(`found '${s[i]}', expected: ',' or 'end of string'`);
    i++;
  }
  return out;
}

export function matchRequirements(reqs: Requirement[], labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  for (const r of reqs) {
    const has = Object.prototype.hasOwnProperty.call(l, r.key);
    const v = l[r.key];
    switch (r.op) {
      case 'exists':
        if (!has) return false;
        break;
      case '!':
        if (has) return false;
        break;
      case '=':
        if (!has || v !== r.value) return false;
        break;
      case '!=':
        if (has && v === r.value) return false;
        break;
      case 'in':
        if (!has || !r.values.includes(v)) return false;
        break;
      case 'notin':
        if (has && r.values.includes(v)) return false;
        break;
      case 'gt':
      case 'lt': {
        if (!has || !/^-?\d+$/.test(v)) return false;
        const n = Number(v);
        if (r.op === 'gt' ? !(n > r.value) : !(n < r.value)) return false;
      }
    }
  }
  return true;
}

/** Requirements of a structured LabelSelector; undefined selector matches nothing, `{}` matches everything. */
export function requirementsOf(sel: unknown): Requirement[] | undefined {
  if (!isObject(sel)) return undefined;
  const out: Requirement[] = [];
  if (isObject(sel.matchLabels)) for (const [k, v] of Object.entries(sel.matchLabels)) out.push({ key: k, op: '=', value: String(v) });
  if (Array.isArray(sel.matchExpressions)) {
    for (const e of sel.matchExpressions) {
      if (!isObject(e) || typeof e.key !== 'string') continue;
      const values = Array.isArray(e.values) ? e.values.map(String) : [];
      switch (e.operator) {
        case 'In':
          out.push({ key: e.key, op: 'in', values });
          break;
        case 'NotIn':
          out.push({ key: e.key, op: 'notin', values });
          break;
        case 'Exists':
          out.push({ key: e.key, op: 'exists' });
          break;
        case 'DoesNotExist':
          out.push({ key: e.key, op: '!' });
          break;
      }
    }
  }
  return out;
}

export function selectorMatches(sel: unknown, labels: Record<string, string> | undefined): boolean {
  const reqs = requirementsOf(sel);
  if (!reqs) return false;
  return matchRequirements(reqs, labels);
}

/** `app=web,tier in (a,b)`: a structured selector as the string form (Scale status.selector, kubectl output). */
export function selectorString(sel: unknown): string {
  const reqs = requirementsOf(sel) ?? [];
  return reqs
    .map((r) => {
      switch (r.op) {
        case 'exists':
          return r.key;
        case '!':
          return `!${r.key}`;
        case '=':
          return `${r.key}=${r.value}`;
        case '!=':
          return `${r.key}!=${r.value}`;
        case 'in':
          return `${r.key} in (${[...r.values].sort().join(',')})`;
        case 'notin':
          return `${r.key} notin (${[...r.values].sort().join(',')})`;
        case 'gt':
          return `${r.key}>${r.value}`;
        case 'lt':
          return `${r.key}<${r.value}`;
      }
    })
    .sort()
    .join(',');
}

export interface FieldRequirement {
  field: string;
  op: '=' | '!=';
  value: string;
}

/** Field labels each kind supports beyond metadata.name and metadata.namespace. */
const FIELD_LABELS: Record<string, string[]> = {
  '/Pod': ['spec.nodeName', 'spec.restartPolicy', 'spec.schedulerName', 'spec.serviceAccountName', 'spec.hostNetwork', 'status.phase', 'status.podIP', 'status.nominatedNodeName'],
  '/Event': ['involvedObject.kind', 'involvedObject.namespace', 'involvedObject.name', 'involvedObject.uid', 'involvedObject.apiVersion', 'involvedObject.resourceVersion', 'involvedObject.fieldPath', 'reason', 'reportingComponent', 'source', 'type'],
  '/Secret': ['type'],
  '/Namespace': ['status.phase'],
  '/Node': ['spec.unschedulable'],
  '/ReplicationController': ['status.replicas'],
  'apps/ReplicaSet': ['status.replicas'],
  'batch/Job': ['status.successful'],
  'certificates.k8s.io/CertificateSigningRequest': ['spec.signerName'],
};

export function parseFieldSelector(text: string, group: string, kind: string): FieldRequirement[] {
  const out: FieldRequirement[] = [];
  if (!text.trim()) return out;
  const allowed = new Set(['metadata.name', 'metadata.namespace', ...(FIELD_LABELS[`${group}/${kind}`] ?? [])]);
  for (const part of text.split(',')) {
    const m = /^\s*([^=!\s]+)\s*(==|=|!=)\s*(.*?)\s*$/.exec(part);
    if (!m) throw badRequest(`invalid selector: '${text}'; can't understand '${part}'`);
    const field = m[1];
    if (!allowed.has(field)) throw badRequest(`field label not supported: ${field}`);
    out.push({ field, op: m[2] === '!=' ? '!=' : '=', value: m[3] });
  }
  return out;
}

export function matchFields(reqs: FieldRequirement[], obj: unknown): boolean {
  for (const r of reqs) {
    let v = getPath(obj, r.field.split('.'));
    if (r.field === 'status.successful') v = getPath(obj, ['status', 'succeeded']);
    const s = v === undefined || v === null ? '' : String(v);
    if (r.op === '=' ? s !== r.value : s === r.value) return false;
  }
  return true;
}
