/**
 * Go's encoding/json and sigs.k8s.io/yaml output for template values (toJson, toYaml) and for Flux's
 * post-build substitution, which substitutes on each object's YAML text as sigs.k8s.io/yaml prints it.
 */
import { emitOutputValue, type OValue, type YNode } from '../../yaml/index.ts';
import { formatFloat, type GoValue } from './values.ts';

// -------------------------------------------------------------------------------------------------- JSON

function jsonString(s: string, escapeHTML: boolean): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (cp < 0x20) out += `\\u${cp.toString(16).padStart(4, '0')}`;
    else if (escapeHTML && (ch === '<' || ch === '>' || ch === '&')) out += `\\u${cp.toString(16).padStart(4, '0')}`;
    else if (cp === 0x2028 || cp === 0x2029) out += `\\u${cp.toString(16)}`;
    else out += ch;
  }
  return out + '"';
}

function jsonFloat(f: number): string {
  if (!Number.isFinite(f)) throw new Error(`json: unsupported value: ${formatFloat(f, 'g', -1)}`);
  const a = Math.abs(f);
  if (a !== 0 && (a < 1e-6 || a >= 1e21)) return formatFloat(f, 'e', -1).replace(/e([+-])0(\d)$/, 'e$1$2');
  return formatFloat(f, 'f', -1);
}

/** json.Marshal (sorted keys; HTML characters escaped unless `escapeHTML` is false) and MarshalIndent. */
export function marshalJSON(v: GoValue, opts: { escapeHTML: boolean; indent?: string } = { escapeHTML: true }): string {
  const enc = (x: GoValue, depth: number): string => {
    if (x === null || x === undefined) return 'null';
    if (typeof x === 'string') return jsonString(x, opts.escapeHTML);
    if (typeof x === 'bigint') return x.toString();
    if (typeof x === 'number') return jsonFloat(x);
    if (typeof x === 'boolean') return String(x);
    const nl = opts.indent ? '\n' + opts.indent.repeat(depth + 1) : '';
    const end = opts.indent ? '\n' + opts.indent.repeat(depth) : '';
    const sep = opts.indent ? ': ' : ':';
    if (Array.isArray(x)) {
      if (!x.length) return '[]';
      return `[${x.map((i) => nl + enc(i, depth + 1)).join(',')}${end}]`;
    }
    const keys = Object.keys(x).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    if (!keys.length) return '{}';
    return `{${keys.map((k) => `${nl}${jsonString(k, opts.escapeHTML)}${sep}${enc(x[k], depth + 1)}`).join(',')}${end}}`;
  };
  return enc(v, 0);
}

// -------------------------------------------------------------------------------------------------- YAML

const NO_NODE: YNode = { kind: 'scalar', value: '', tag: '!!null', style: 'plain' };

/** The value as sigs.k8s.io/yaml sees it after its JSON round trip: integral numbers are ints again. */
function toOutputValue(v: GoValue): OValue {
  if (v === null || v === undefined) return { k: 'null', text: 'null', node: NO_NODE };
  if (typeof v === 'string') return { k: 'str', text: v, node: NO_NODE };
  if (typeof v === 'bigint') return { k: 'num', text: v.toString(), node: NO_NODE };
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`json: unsupported value: ${formatFloat(v, 'g', -1)}`);
    return { k: 'num', text: Number.isInteger(v) && Math.abs(v) < 2 ** 63 ? BigInt(v).toString() : formatFloat(v, 'g', -1), node: NO_NODE };
  }
  if (typeof v === 'boolean') return { k: 'bool', text: String(v), node: NO_NODE };
  if (Array.isArray(v)) return { k: 'seq', items: v.map(toOutputValue), node: NO_NODE };
  const keys = Object.keys(v);
  return { k: 'map', keys, values: keys.map((k) => toOutputValue(v[k])), keyNodes: [], node: NO_NODE };
}

/**
 * sigs.k8s.io/yaml.Marshal of a value (JSON, then goyaml.v2: its key order, quoting and folding), printed by the
 * project's exact yaml.v2 emitter. Ends with a newline, like the Go function.
 */
export function marshalYAML(v: GoValue): string {
  return emitOutputValue(toOutputValue(v));
}
