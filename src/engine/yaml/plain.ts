import type { YNode } from './node.ts';
import { toOutput, type OValue } from './output.ts';
import { v2KeyOrder } from './keyorder.ts';

/**
 * The JSON value of a node as it reaches Argo CD, the sandbox and the diff: exactly what the text
 * `emitDocuments` prints for it parses back to (merge keys applied, timestamps as RFC 3339 strings, `0755` as 493,
 * `1e3` as 1000, `yes` as the string "yes", …). Throws a GitOpsError at the node where kustomize fails to print
 * (NaN or infinite floats, non-string keys in nested maps, duplicate keys, …).
 *
 * Integers beyond ±2^53 lose precision as JavaScript numbers; the printed text keeps every digit.
 */
export function toPlain(n: YNode): unknown {
  return fromOutput(toOutput(n));
}

/** Converts an already-computed output value (see `toOutput`) to plain JSON. */
export function fromOutput(v: OValue): unknown {
  switch (v.k) {
    case 'str':
      return v.text;
    case 'num':
      return Number(v.text);
    case 'bool':
      return v.text === 'true';
    case 'null':
      return null;
    case 'seq':
      return v.items.map(fromOutput);
    case 'map': {
      const o: Record<string, unknown> = {};
      for (const i of v2KeyOrder(v.keys)) o[v.keys[i]!] = fromOutput(v.values[i]!);
      return o;
    }
  }
}
