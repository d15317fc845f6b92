/**
 * Secret masking for what the editor shows (rendered views and the two sides of a diff), as Argo CD masks (DIF-9):
 * every value under a core Secret's `data` / `stringData` becomes plus signs; per key, each distinct value gets the
 * next mask (8, 12, 16, 20 signs), so equal values look equal and a changed value still shows as changed, while no
 * character of the value, nor its length, is shown.
 *
 * It works on the stream as kustomize prints it (two-space indents, one key per line, documents split by `---`) and
 * keeps the line count, so line-based maps of the rendered text (provenance) stay valid.
 */

const MASKS = ['++++++++', '++++++++++++', '++++++++++++++++', '++++++++++++++++++++'];

interface SecretEntry {
  /** Index of the line holding `  key: value`. */
  line: number;
  /** Continuation lines of a block or wrapped scalar. */
  more: number[];
  key: string;
  /** The value as written (all lines), the thing compared between sides. */
  raw: string;
  section: 'data' | 'stringData';
}

interface SecretDoc {
  id: string;
  /** The id without a generator hash suffix, to pair a renamed generated Secret with its old self. */
  baseId: string;
  entries: SecretEntry[];
}

function docRanges(lines: string[]): [number, number][] {
  const out: [number, number][] = [];
  let start = 0;
  for (let i = 0; i < lines.length; i++) {
    if (/^---\s*$/.test(lines[i]!)) {
      out.push([start, i]);
      start = i + 1;
    }
  }
  out.push([start, lines.length]);
  return out;
}

function topValue(lines: string[], from: number, to: number, key: string): string | undefined {
  const re = new RegExp(`^${key}:\\s*(.*?)\\s*$`);
  for (let i = from; i < to; i++) {
    const m = re.exec(lines[i]!);
    if (m) return m[1]!.replace(/^(['"])(.*)\1$/, '$2');
  }
  return undefined;
}

function metadataField(lines: string[], from: number, to: number, field: string): string {
  let inMeta = false;
  for (let i = from; i < to; i++) {
    const l = lines[i]!;
    if (/^\S/.test(l)) inMeta = /^metadata:\s*$/.test(l);
    else if (inMeta) {
      const m = new RegExp(`^  ${field}:\\s*(.*?)\\s*$`).exec(l);
      if (m) return m[1]!.replace(/^(['"])(.*)\1$/, '$2');
    }
  }
  return '';
}

function scanSecrets(lines: string[]): SecretDoc[] {
  const out: SecretDoc[] = [];
  for (const [from, to] of docRanges(lines)) {
    if (topValue(lines, from, to, 'kind') !== 'Secret' || topValue(lines, from, to, 'apiVersion') !== 'v1') continue;
    const ns = metadataField(lines, from, to, 'namespace');
    const name = metadataField(lines, from, to, 'name');
    const doc: SecretDoc = { id: `${ns}/${name}`, baseId: `${ns}/${name.replace(/-[a-z0-9]{10}$/, '')}`, entries: [] };
    let section: SecretEntry['section'] | undefined;
    let current: SecretEntry | undefined;
    for (let i = from; i < to; i++) {
      const l = lines[i]!;
      if (/^\S/.test(l)) {
        const m = /^(data|stringData):\s*(.*)$/.exec(l);
        section = m && m[2] === '' ? (m[1] as SecretEntry['section']) : undefined;
        current = undefined;
        if (m && m[2] !== '' && m[2] !== '{}' && m[2] !== 'null') {
          // A flow mapping on one line: mask the whole line's value, keyed by the section.
          doc.entries.push({ line: i, more: [], key: `${m[1]}:*`, raw: m[2]!, section: m[1] as SecretEntry['section'] });
        }
        continue;
      }
      if (!section) continue;
      const entry = /^  (?! )((?:"(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^:]+?)):(?:\s+(.*))?$/.exec(l);
      if (entry) {
        current = { line: i, more: [], key: entry[1]!, raw: entry[2] ?? '', section };
        doc.entries.push(current);
      } else if (current && (/^   /.test(l) || l.trim() === '')) {
        current.more.push(i);
        current.raw += `\n${l}`;
      }
    }
    // Trailing blank lines belong to no value.
    for (const e of doc.entries) while (e.more.length && lines[e.more[e.more.length - 1]!]!.trim() === '') e.more.pop();
    if (doc.entries.length) out.push(doc);
  }
  return out;
}

/** A stringData value is compared as the data value it becomes (DIF-9 normalises stringData into data). */
function comparable(e: SecretEntry): string {
  if (e.section === 'data') return e.raw;
  const text = e.raw.replace(/^(['"])(.*)\1$/s, '$2');
  return Buffer.from(text, 'utf8').toString('base64');
}

function applyMask(lines: string[], e: SecretEntry, mask: string): void {
  const l = lines[e.line]!;
  if (e.key.endsWith(':*')) {
    lines[e.line] = `${l.slice(0, l.indexOf(':') + 1)} ${mask}`;
    return;
  }
  lines[e.line] = `  ${e.key}: ${mask}`;
  for (const i of e.more) if (lines[i]!.trim() !== '') lines[i] = `    ${mask}`;
}

/** Masks every Secret value of one rendered stream. */
export function maskSecrets(text: string): string {
  return maskSecretPair(text, '')[0];
}

/**
 * Masks two renders of the same thing (say HEAD and the working tree) as a pair: per Secret and key, the first
 * distinct value gets 8 signs, the next 12, … in the order left, then right.
 */
export function maskSecretPair(left: string, right: string): [string, string] {
  const sides = [left, right].map((t) => {
    const lines = t.split('\n');
    return { lines, secrets: scanSecrets(lines) };
  });
  if (sides.every((s) => s.secrets.length === 0)) return [left, right];
  // Pair a Secret on the right with one on the left by id, else by id without a generator hash.
  const leftIds = new Set(sides[0]!.secrets.map((s) => s.id));
  const baseToId = new Map(sides[0]!.secrets.map((s) => [s.baseId, s.id]));
  const masks = new Map<string, Map<string, string>>(); // group/key -> value -> mask
  sides.forEach((side, n) => {
    for (const s of side.secrets) {
      const group = n === 0 || leftIds.has(s.id) ? s.id : (baseToId.get(s.baseId) ?? s.id);
      for (const e of s.entries) {
        const k = `${group}\u0000${e.key.replace(/^(['"])(.*)\1$/, '$2')}`;
        let byValue = masks.get(k);
        if (!byValue) masks.set(k, (byValue = new Map()));
        const v = comparable(e);
        let mask = byValue.get(v);
        if (!mask) byValue.set(v, (mask = MASKS[Math.min(byValue.size, MASKS.length - 1)]!));
        applyMask(side.lines, e, mask);
      }
    }
  });
  return [sides[0]!.lines.join('\n'), sides[1]!.lines.join('\n')];
}
