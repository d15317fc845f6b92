/**
 * The JSON value sigs.k8s.io/yaml's YAMLToJSON gives for a node tree: the yaml.v2 (YAML 1.1) reading kustomize
 * uses for kustomization files and for JSON 6902 patches written in YAML. It differs from `toPlain` (kustomize's
 * reading of resources): `yes`/`no`/`on`/`off`/`y`/`n` are booleans, timestamps stay as written, duplicate keys are
 * allowed (the last one wins), and non-string keys become strings (`1: x` → "1", `1.5: x` → "1.5", `true: x` →
 * "true") instead of failing.
 */
import { GitOpsError } from '../errors/index.ts';
import type { MapNode, ScalarNode, YNode } from './node.ts';
import { goJsonFloat } from './gonum.ts';
import { resolveV2, resolveV3, type Resolved } from './resolve.ts';

function fail(message: string, node: YNode): never {
  const o = node.origin;
  throw new GitOpsError(message, o ? { file: o.file, line: o.line, column: o.column } : undefined, 'yaml');
}

/** yaml.v2's value for a scalar (tagged scalars resolve with their tag, quoted and block scalars are strings). */
function resolveScalar(n: ScalarNode): Resolved {
  if (!n.tagged) return n.style === 'plain' ? resolveV2(n.value) : { tag: '!!str', value: n.value };
  if (n.tag === '!!str') return { tag: '!!str', value: n.value };
  // An explicit tag: yaml.v2 resolves like yaml.v3 except for the YAML 1.1 booleans, which only plain text has.
  const r = resolveV3(n.tag, n.value);
  if (r.tag !== n.tag && !('unresolvable' in r)) {
    if (!(n.tag === '!!float' && r.tag === '!!int')) fail(`cannot decode ${r.tag} \`${n.value}\` as a ${n.tag}`, n);
    return { tag: '!!float', value: Number((r as { value: bigint }).value) };
  }
  return r;
}

function scalarValue(n: ScalarNode): unknown {
  const r = resolveScalar(n);
  if ('unresolvable' in r) {
    if (r.tag === '!!binary') return Buffer.from(n.value.replace(/[\r\n]/g, ''), 'base64').toString('utf8');
    return n.value;
  }
  switch (r.tag) {
    case '!!null':
      return null;
    case '!!bool':
      return r.value;
    case '!!int':
      return Number(r.value);
    case '!!float':
      if (!Number.isFinite(r.value)) fail(`json: unsupported value: ${Number.isNaN(r.value) ? 'NaN' : r.value > 0 ? '+Inf' : '-Inf'}`, n);
      return Number(goJsonFloat(r.value));
    case '!!timestamp':
      // yaml.v2 keeps timestamps it decodes into interface{} as the text that was written.
      return n.value;
    default:
      return n.value;
  }
}

/** The JSON key a map key becomes (sigs.k8s.io/yaml converts non-string keys to strings). */
function keyText(k: ScalarNode): string {
  const r = resolveScalar(k);
  if ('unresolvable' in r) return k.value;
  switch (r.tag) {
    case '!!null':
      return fail(`unsupported map key of type: <nil>, key: <nil>`, k);
    case '!!bool':
      return r.value ? 'true' : 'false';
    case '!!int':
      return r.value.toString();
    case '!!float': {
      // Go formats float keys with 32-bit precision.
      const f = Math.fround(r.value);
      if (Number.isNaN(f)) return '.nan';
      if (!Number.isFinite(f)) return f > 0 ? '.inf' : '-.inf';
      return float32G(f);
    }
    default:
      return k.value;
  }
}

/** strconv.FormatFloat(f, 'g', -1, 32). */
function float32G(f: number): string {
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  // The shortest digits that round-trip through float32.
  let digits = '';
  let exp = 0;
  for (let p = 1; p <= 9; p++) {
    const s = Math.abs(f).toExponential(p - 1);
    if (Math.fround(Number(s)) === Math.abs(f)) {
      const [m, e] = s.split('e');
      digits = m!.replace('.', '');
      exp = Number(e);
      break;
    }
  }
  const neg = f < 0 ? '-' : '';
  if (exp < -4 || exp >= 6) {
    const mant = digits.length > 1 ? digits[0] + '.' + digits.slice(1) : digits;
    const ea = Math.abs(exp);
    return `${neg}${mant}e${exp < 0 ? '-' : '+'}${ea < 10 ? '0' + ea : ea}`;
  }
  const dp = exp + 1;
  if (dp <= 0) return `${neg}0.${'0'.repeat(-dp)}${digits}`;
  if (digits.length <= dp) return neg + digits + '0'.repeat(dp - digits.length);
  return `${neg}${digits.slice(0, dp)}.${digits.slice(dp)}`;
}

/**
 * yaml.v2 assigns entries in order: a merge key copies its maps in at its own position (for a list of maps, the
 * last one first, so that earlier maps win), later entries overwrite, and a repeated key simply overwrites.
 */
function mapInto(m: MapNode, out: Record<string, unknown>, depth: number): void {
  for (const e of m.entries) {
    if (e.key.value === '<<' && (e.key.tag === '!!merge' || (!e.key.tagged && e.key.style === 'plain'))) {
      const v = e.value;
      if (v.kind === 'map') mapInto(v, out, depth + 1);
      else if (v.kind === 'seq') {
        for (let i = v.items.length - 1; i >= 0; i--) {
          const item = v.items[i]!;
          if (item.kind !== 'map') fail('map merge requires map or sequence of maps as the value', item);
          mapInto(item, out, depth + 1);
        }
      } else fail('map merge requires map or sequence of maps as the value', v);
      continue;
    }
    out[keyText(e.key)] = value(e.value, depth + 1);
  }
}

function value(n: YNode, depth: number): unknown {
  if (depth > 10_000) fail('YAML nesting is too deep', n);
  switch (n.kind) {
    case 'scalar':
      return scalarValue(n);
    case 'seq':
      return n.items.map((i) => value(i, depth + 1));
    case 'map': {
      const out: Record<string, unknown> = {};
      mapInto(n, out, depth);
      return out;
    }
  }
}

/**
 * The value `sigs.k8s.io/yaml.YAMLToJSON` (then `json.Unmarshal`) gives for this node: how kustomize reads a
 * kustomization file or a JSON 6902 patch written in YAML. Throws a GitOpsError where YAMLToJSON fails.
 */
export function toPlainV2(n: YNode): unknown {
  return value(n, 0);
}
