/**
 * Kustomize's content hash for generated ConfigMaps and Secrets: SHA-256 over a JSON encoding of the object's kind,
 * name, type and data (as Go's encoding/json writes it: sorted keys, HTML characters escaped), hex, first ten
 * characters with five letters swapped so the result never looks like a number or a bad word. Kustomize looks the
 * name up under a key that does not exist, so the name in the hashed document is always empty; we do the same.
 */
import { createHash } from 'node:crypto';
import { toPlain, type MapNode, type YNode } from '../yaml/index.ts';
import { get, getString } from './tree.ts';

/** JSON text as Go's json.Marshal writes it for the plain values we hash. */
export function goJson(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return goString(v);
  if (typeof v === 'number') return goNumber(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (Array.isArray(v)) return `[${v.map(goJson).join(',')}]`;
  if (v instanceof Date) return goString(v.toISOString());
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o).sort(compareUtf8);
  return `{${keys.map((k) => `${goString(k)}:${goJson(o[k])}`).join(',')}}`;
}

function compareUtf8(a: string, b: string): number {
  const ba = Buffer.from(a, 'utf8');
  const bb = Buffer.from(b, 'utf8');
  return Buffer.compare(ba, bb);
}

function goString(s: string): string {
  return JSON.stringify(s).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function goNumber(n: number): string {
  if (!Number.isFinite(n)) return 'null';
  const abs = Math.abs(n);
  if (abs !== 0 && (abs < 1e-6 || abs >= 1e21)) {
    // Go uses exponent form here with at least two exponent digits (1e-07, 1e+21).
    const [m, e] = n.toExponential().split('e') as [string, string];
    const sign = e.startsWith('-') ? '-' : '+';
    const digits = e.replace(/^[-+]/, '');
    return `${m}e${sign}${digits.padStart(2, '0')}`;
  }
  return String(n);
}

export function encodeHash(hex: string): string {
  const map: Record<string, string> = { '0': 'g', '1': 'h', '3': 'k', a: 'm', e: 't' };
  return [...hex.slice(0, 10)].map((c) => map[c] ?? c).join('');
}

function sha256Hex(s: string): string {
  return createHash('sha256').update(s, 'utf8').digest('hex');
}

/** What kustomize's hasher reads for one field: '' when missing, the JSON value of a map, the text of a scalar. */
function hashedValue(n: YNode | undefined): unknown {
  if (!n) return '';
  if (n.kind === 'scalar') return n.value;
  return toPlain(n);
}

/** The suffix kustomize appends to a generated object's name. */
export function kustomizeHash(obj: MapNode): string {
  const kind = getString(obj, 'kind');
  let doc: Record<string, unknown>;
  if (kind === 'ConfigMap') {
    doc = { kind: 'ConfigMap', name: '', data: hashedValue(get(obj, 'data')) };
    const bin = get(obj, 'binaryData');
    if (bin && bin.kind === 'map') doc.binaryData = toPlain(bin);
  } else if (kind === 'Secret') {
    doc = { kind: 'Secret', type: hashedValue(get(obj, 'type')), name: '', data: hashedValue(get(obj, 'data')) };
    const sd = get(obj, 'stringData');
    if (sd && sd.kind === 'map') doc.stringData = toPlain(sd);
  } else {
    return encodeHash(sha256Hex(goJson(toPlain(obj))));
  }
  return encodeHash(sha256Hex(goJson(doc)));
}
