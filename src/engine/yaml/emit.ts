/**
 * Prints resources exactly as `kubectl kustomize` (v5.5.0) does: each document goes through `toOutput` (the
 * yaml.v3 → JSON → yaml.v2 value chain) and is then written the way yaml.v2's emitter writes it: keys in v2's
 * natural order, 2-space indentation, sequences not indented under their key, strings plain when v2 would read them
 * back as strings, single-quoted when plain is not allowed, double-quoted when single quotes cannot hold them,
 * literal block scalars for multi-line strings, and plain/quoted scalars folded once a line passes 80 columns.
 * Documents are joined by `---\n`.
 *
 * The emitter can also report, for every printed line, the node printed there (the line map used by provenance
 * hovers on rendered output).
 */
import type { MapEntry, ScalarNode, SeqNode, YNode } from './node.ts';
import { plainMapKeys, scalarOutput, toOutput, toOutputNested, type OMap, type OScalar, type OSeq, type OValue } from './output.ts';
import { v2KeyOrder } from './keyorder.ts';
import { v2CanBePlain } from './resolve.ts';

/** What one printed line shows. */
export interface LineInfo {
  /** Index of the document in the emitted stream. */
  doc: number;
  /** Keys and indices from the document root to the node printed on this line. */
  path: (string | number)[];
  /** The value node printed on this line (for a key line, the key's value; continuation lines keep it). */
  node?: YNode;
  /** The key node, on the line where that key is printed. */
  key?: ScalarNode;
  /** The `---` line that precedes document `doc`. */
  separator?: true;
}

const BEST_WIDTH = 80;
const SPACES = Array.from({ length: 64 }, (_, i) => ' '.repeat(i));
const BEST_INDENT = 2;

const enum Style {
  Plain,
  Single,
  Double,
  Literal,
}

function isBreak(c: number): boolean {
  return c === 10 || c === 13 || c === 0x85 || c === 0x2028 || c === 0x2029;
}

function isPrintable(c: number): boolean {
  return c === 10 || (c >= 0x20 && c <= 0x7e) || (c >= 0xa0 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd && c !== 0xfeff);
}

function isBlankz(c: number): boolean {
  return c === 32 || c === 9 || c === 0 || isBreak(c);
}

/** What yaml.v2's analyze_scalar concludes about a string. */
interface Analysis {
  multiline: boolean;
  blockPlain: boolean;
  single: boolean;
  block: boolean;
  /** Length in bytes (UTF-8), for the 128-byte simple-key limit. */
  bytes: number;
}

function utf8Length(cps: number[]): number {
  let n = 0;
  for (const c of cps) n += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
  return n;
}

function toCodePoints(s: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        out.push(((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000);
        i++;
        continue;
      }
    }
    out.push(c);
  }
  return out;
}

function analyze(v: number[]): Analysis {
  const n = v.length;
  if (n === 0) return { multiline: false, blockPlain: true, single: true, block: false, bytes: 0 };
  // Only block-context rules matter: kustomize's output has no flow collections with content.
  let blockInd = false, lineBreaks = false, special = false;
  let leadingSpace = false, leadingBreak = false, trailingSpace = false, trailingBreak = false;
  let breakSpace = false, spaceBreak = false;
  let precededByWs = true, prevSpace = false, prevBreak = false;
  if (n >= 3 && ((v[0] === 45 && v[1] === 45 && v[2] === 45) || (v[0] === 46 && v[1] === 46 && v[2] === 46))) {
    blockInd = true;
  }
  for (let i = 0; i < n; i++) {
    const c = v[i]!;
    const next = i + 1 < n ? v[i + 1]! : -1;
    const followedByWs = next === -1 || next === 32 || next === 9;
    if (i === 0) {
      switch (c) {
        case 35: case 44: case 91: case 93: case 123: case 125: case 38: case 42: case 33: case 124: case 62: case 39: case 34: case 37: case 64: case 96:
          blockInd = true;
          break;
        case 63: case 58: case 45:
          if (followedByWs) blockInd = true;
          break;
      }
    } else {
      if ((c === 58 && followedByWs) || (c === 35 && precededByWs)) blockInd = true;
    }
    if (!isPrintable(c)) special = true;
    if (c === 32) {
      if (i === 0) leadingSpace = true;
      if (i === n - 1) trailingSpace = true;
      if (prevBreak) breakSpace = true;
      prevSpace = true;
      prevBreak = false;
    } else if (isBreak(c)) {
      lineBreaks = true;
      if (i === 0) leadingBreak = true;
      if (i === n - 1) trailingBreak = true;
      if (prevSpace) spaceBreak = true;
      prevSpace = false;
      prevBreak = true;
    } else {
      prevSpace = false;
      prevBreak = false;
    }
    precededByWs = isBlankz(c);
  }
  let blockPlain = true, single = true, block = true;
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) blockPlain = false;
  if (trailingSpace) block = false;
  if (breakSpace) {
    blockPlain = false;
    single = false;
  }
  if (spaceBreak || special) {
    blockPlain = false;
    single = false;
    block = false;
  }
  if (lineBreaks) blockPlain = false;
  if (blockInd) blockPlain = false;
  return { multiline: lineBreaks, blockPlain, single, block, bytes: utf8Length(v) };
}

/** How a string is printed in a given role, computed once per distinct string. */
interface Plan {
  cps: number[];
  a: Analysis;
  /** Style as a value (not a key). */
  valueStyle: Style;
  /** Style as a simple key, or undefined when it cannot be a simple key (multi-line, or over 128 bytes). */
  keyStyle?: Style;
  /** Style as a complex (`? `) key. */
  complexKeyStyle: Style;
  hasSpace: boolean;
}

function selectStyle(requested: Style, a: Analysis, simpleKey: boolean, empty: boolean): Style {
  let style = requested;
  if (simpleKey && a.multiline) style = Style.Double;
  if (style === Style.Plain) {
    if (!a.blockPlain) style = Style.Single;
    if (empty && simpleKey) style = Style.Single;
  }
  if (style === Style.Single && !a.single) style = Style.Double;
  if (style === Style.Literal && (!a.block || simpleKey)) style = Style.Double;
  return style;
}

const SIMPLE_WORD = /^[A-Za-z_][\w./-]*$/;
const MAYBE_V2_SCALAR = /^[yYnNtTfFoO]/;

/**
 * A word of letters, digits and `_ . / -` that starts with a letter or `_`: yaml.v2 prints it plain (unless it reads
 * as a YAML 1.1 boolean or null, which `v2CanBePlain` settles), and it can never fold.
 */
function isSimpleWord(s: string): boolean {
  return SIMPLE_WORD.test(s) && (!MAYBE_V2_SCALAR.test(s) || v2CanBePlain(s));
}

const planCache = new Map<string, Plan>();
const numPlanCache = new Map<string, Plan>();

function planFor(text: string, isString: boolean): Plan {
  const cache = isString ? planCache : numPlanCache;
  const hit = cache.get(text);
  if (hit) return hit;
  const cps = toCodePoints(text);
  const a = analyze(cps);
  let requested: Style;
  if (!isString) requested = Style.Plain;
  else if (text.indexOf('\n') >= 0) requested = Style.Literal;
  else requested = v2CanBePlain(text) ? Style.Plain : Style.Double;
  const empty = cps.length === 0;
  const plan: Plan = {
    cps,
    a,
    valueStyle: selectStyle(requested, a, false, empty),
    keyStyle: a.multiline || a.bytes > 128 ? undefined : selectStyle(requested, a, true, empty),
    complexKeyStyle: selectStyle(requested, a, false, empty),
    hasSpace: text.indexOf(' ') >= 0,
  };
  if (text.length <= 200) {
    if (cache.size > 20_000) cache.clear();
    cache.set(text, plan);
  }
  return plan;
}

const HEX = '0123456789ABCDEF';
function escapeFor(c: number): string {
  switch (c) {
    case 0x00: return '\\0';
    case 0x07: return '\\a';
    case 0x08: return '\\b';
    case 0x09: return '\\t';
    case 0x0a: return '\\n';
    case 0x0b: return '\\v';
    case 0x0c: return '\\f';
    case 0x0d: return '\\r';
    case 0x1b: return '\\e';
    case 0x22: return '\\"';
    case 0x5c: return '\\\\';
    case 0x85: return '\\N';
    case 0xa0: return '\\_';
    case 0x2028: return '\\L';
    case 0x2029: return '\\P';
  }
  let w: number, p: string;
  if (c <= 0xff) { w = 2; p = '\\x'; }
  else if (c <= 0xffff) { w = 4; p = '\\u'; }
  else { w = 8; p = '\\U'; }
  let s = '';
  for (let k = (w - 1) * 4; k >= 0; k -= 4) s += HEX[(c >> k) & 0xf];
  return p + s;
}

interface LineCtx {
  doc: number;
  path: (string | number)[];
  node?: YNode;
  key?: ScalarNode;
}

class Writer {
  out = '';
  column = 0;
  whitespace = true;
  indention = true;
  indent = -1;
  private indents: number[] = [];
  /** Line map (only when requested): one entry per line started. */
  lines?: LineInfo[];
  cur?: LineCtx;

  constructor(withMap: boolean) {
    if (withMap) this.lines = [];
  }

  putBreak(): void {
    this.out += '\n';
    this.column = 0;
    if (this.lines) {
      const c = this.cur!;
      this.lines.push({ doc: c.doc, path: c.path, node: c.node });
    }
  }

  /** Marks the current line as showing `ctx` (a key or item starts on it). */
  mark(ctx: LineCtx): void {
    this.cur = ctx;
    if (this.lines) {
      const info: LineInfo = { doc: ctx.doc, path: ctx.path, node: ctx.node };
      if (ctx.key) info.key = ctx.key;
      this.lines[this.lines.length - 1] = info;
    }
  }

  pushIndent(flow: boolean, indentless: boolean): void {
    this.indents.push(this.indent);
    if (this.indent < 0) this.indent = flow ? BEST_INDENT : 0;
    else if (!indentless) this.indent += BEST_INDENT;
  }

  popIndent(): void {
    this.indent = this.indents.pop()!;
  }

  writeIndent(): void {
    const indent = this.indent < 0 ? 0 : this.indent;
    if (!this.indention || this.column > indent || (this.column === indent && !this.whitespace)) this.putBreak();
    if (this.column < indent) {
      const k = indent - this.column;
      this.out += k < SPACES.length ? SPACES[k] : ' '.repeat(k);
      this.column = indent;
    }
    this.whitespace = true;
    this.indention = true;
  }

  writeIndicator(s: string, needWhitespace: boolean, isWhitespace: boolean, isIndention: boolean): void {
    if (needWhitespace && !this.whitespace) {
      this.out += ' ';
      this.column++;
    }
    this.out += s;
    this.column += s.length;
    this.whitespace = isWhitespace;
    this.indention = this.indention && isIndention;
  }

  writeCp(c: number): void {
    this.out += c < 0x10000 ? String.fromCharCode(c) : String.fromCodePoint(c);
    this.column++;
  }

  /** A line break that is part of a scalar's text (LS/PS are copied raw, as libyaml does). */
  writeBreak(c: number): void {
    if (c === 10) this.putBreak();
    else {
      this.writeCp(c);
      this.column = 0;
    }
  }

  // ---- scalars ----

  scalar(text: string, plan: Plan, style: Style, allowBreaks: boolean): void {
    const saved = this.indent;
    this.indent = saved < 0 ? BEST_INDENT : saved + BEST_INDENT;
    switch (style) {
      case Style.Plain:
        this.plain(text, plan, allowBreaks);
        break;
      case Style.Single:
        this.singleQuoted(text, plan, allowBreaks);
        break;
      case Style.Double:
        this.doubleQuoted(plan, allowBreaks);
        break;
      case Style.Literal:
        this.literal(plan);
        break;
    }
    this.indent = saved;
  }

  plain(text: string, plan: Plan, allowBreaks: boolean): void {
    if (!this.whitespace) {
      this.out += ' ';
      this.column++;
    }
    const cps = plan.cps;
    if (!allowBreaks || !plan.hasSpace || this.column + cps.length <= BEST_WIDTH + 1) {
      this.out += text;
      this.column += cps.length;
    } else {
      let spaces = false;
      for (let i = 0; i < cps.length; i++) {
        const c = cps[i]!;
        if (c === 32) {
          if (!spaces && this.column > BEST_WIDTH && cps[i + 1] !== 32) this.writeIndent();
          else this.writeCp(c);
          spaces = true;
        } else {
          this.writeCp(c);
          this.indention = false;
          spaces = false;
        }
      }
    }
    this.whitespace = false;
    this.indention = false;
  }

  singleQuoted(text: string, plan: Plan, allowBreaks: boolean): void {
    this.writeIndicator("'", true, false, false);
    const cps = plan.cps;
    const n = cps.length;
    // Doubled quotes take columns too, so the fold decision must count them.
    const quotes = plan.a.multiline ? 0 : text.length - text.replaceAll("'", '').length;
    if (!plan.a.multiline && (!allowBreaks || !plan.hasSpace || this.column + n + quotes <= BEST_WIDTH + 1)) {
      this.out += quotes > 0 ? text.replace(/'/g, "''") : text;
      this.column += n + quotes;
    } else {
      let spaces = false, breaks = false;
      for (let i = 0; i < n; i++) {
        const c = cps[i]!;
        if (c === 32) {
          if (allowBreaks && !spaces && this.column > BEST_WIDTH && i > 0 && i < n - 1 && cps[i + 1] !== 32) this.writeIndent();
          else this.writeCp(c);
          spaces = true;
        } else if (isBreak(c)) {
          if (!breaks && c === 10) this.putBreak();
          this.writeBreak(c);
          this.indention = true;
          breaks = true;
        } else {
          if (breaks) this.writeIndent();
          if (c === 39) {
            this.out += "'";
            this.column++;
          }
          this.writeCp(c);
          this.indention = false;
          spaces = false;
          breaks = false;
        }
      }
    }
    this.writeIndicator("'", false, false, false);
    this.whitespace = false;
    this.indention = false;
  }

  doubleQuoted(plan: Plan, allowBreaks: boolean): void {
    this.writeIndicator('"', true, false, false);
    const cps = plan.cps;
    const n = cps.length;
    const bom = n > 0 && cps[0] === 0xfeff;
    let spaces = false;
    for (let i = 0; i < n; i++) {
      const c = cps[i]!;
      if (bom || !isPrintable(c) || isBreak(c) || c === 34 || c === 92) {
        const e = escapeFor(c);
        this.out += e;
        this.column += e.length;
        spaces = false;
      } else if (c === 32) {
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && i > 0 && i < n - 1) {
          this.writeIndent();
          if (cps[i + 1] === 32) {
            this.out += '\\';
            this.column++;
          }
        } else this.writeCp(c);
        spaces = true;
      } else {
        this.writeCp(c);
        spaces = false;
      }
    }
    this.writeIndicator('"', false, false, false);
    this.whitespace = false;
    this.indention = false;
  }

  literal(plan: Plan): void {
    const v = plan.cps;
    this.writeIndicator('|', true, false, false);
    if (v.length > 0 && (v[0] === 32 || isBreak(v[0]!))) this.writeIndicator(String(BEST_INDENT), false, false, false);
    let chomp = '';
    if (v.length === 0) chomp = '-';
    else {
      const last = v[v.length - 1]!;
      if (!isBreak(last)) chomp = '-';
      else if (v.length === 1) chomp = '+';
      else if (isBreak(v[v.length - 2]!)) chomp = '+';
    }
    if (chomp) this.writeIndicator(chomp, false, false, false);
    this.putBreak();
    this.indention = true;
    this.whitespace = true;
    let breaks = true;
    let i = 0;
    while (i < v.length) {
      const c = v[i]!;
      if (isBreak(c)) {
        this.writeBreak(c);
        this.indention = true;
        breaks = true;
        i++;
      } else {
        if (breaks) this.writeIndent();
        // Copy the rest of the line at once.
        let j = i;
        while (j < v.length && !isBreak(v[j]!)) j++;
        for (let k = i; k < j; k++) this.out += v[k]! < 0x10000 ? String.fromCharCode(v[k]!) : String.fromCodePoint(v[k]!);
        this.column += j - i;
        this.indention = false;
        breaks = false;
        i = j;
      }
    }
  }

  // ---- collections ----

  value(v: OValue, mappingContext: boolean, ctx: LineCtx): void {
    switch (v.k) {
      case 'map':
        if (v.keys.length === 0) this.emptyFlow('{', '}');
        else this.blockMap(v, ctx);
        return;
      case 'seq':
        if (v.items.length === 0) this.emptyFlow('[', ']');
        else this.blockSeq(v, mappingContext, ctx);
        return;
      default:
        this.scalarValue(v);
    }
  }

  scalarValue(v: OScalar): void {
    const text = v.text;
    // Numbers, booleans, null and simple words print as they are: no analysis needed.
    if (v.k !== 'str' || (text.length <= 128 && isSimpleWord(text))) {
      if (!this.whitespace) {
        this.out += ' ';
        this.column++;
      }
      this.out += text;
      this.column += text.length;
      this.whitespace = false;
      this.indention = false;
      return;
    }
    const plan = planFor(text, true);
    this.scalar(text, plan, plan.valueStyle, true);
  }

  emptyFlow(open: string, close: string): void {
    this.writeIndicator(open, true, true, false);
    this.writeIndicator(close, false, false, false);
  }

  blockMap(m: OMap, ctx: LineCtx): void {
    this.pushIndent(false, false);
    const order = v2KeyOrder(m.keys);
    for (const i of order) {
      const key = m.keys[i]!;
      const value = m.values[i]!;
      const child: LineCtx = this.lines
        ? { doc: ctx.doc, path: [...ctx.path, key], node: value.node, key: m.keyNodes[i] }
        : ctx;
      this.cur = child;
      this.writeIndent();
      if (this.lines) this.mark(child);
      this.key(key);
      if (this.lines) this.cur = { doc: child.doc, path: child.path, node: child.node };
      this.value(value, true, child);
    }
    this.popIndent();
  }

  blockSeq(s: OSeq, mappingContext: boolean, ctx: LineCtx): void {
    this.pushIndent(false, mappingContext && !this.indention);
    for (let i = 0; i < s.items.length; i++) {
      const item = s.items[i]!;
      const child: LineCtx = this.lines ? { doc: ctx.doc, path: [...ctx.path, i], node: item.node } : ctx;
      this.cur = child;
      this.writeIndent();
      if (this.lines) this.mark(child);
      this.writeIndicator('-', true, false, true);
      this.value(item, false, child);
    }
    this.popIndent();
  }

  // ---- the direct path: printing nodes without building the output tree first ----

  node(n: YNode, mappingContext: boolean, ctx: LineCtx, top: boolean, inFlow: boolean): void {
    switch (n.kind) {
      case 'scalar':
        this.scalarValue(scalarOutput(n, inFlow));
        return;
      case 'seq':
        if (n.items.length === 0) this.emptyFlow('[', ']');
        else this.blockSeqNodes(n, mappingContext, ctx, inFlow || n.flow === true);
        return;
      case 'map': {
        const pm = plainMapKeys(n, top, inFlow);
        // Maps with merge keys go through the output tree (yaml.v3's merge rules live there).
        if (!pm) this.value(top ? toOutput(n) : toOutputNested(n, inFlow), mappingContext, ctx);
        else if (pm.keys.length === 0) this.emptyFlow('{', '}');
        else this.blockMapNodes(pm.keys, pm.entries, ctx, inFlow || n.flow === true);
      }
    }
  }

  blockMapNodes(keys: string[], entries: MapEntry[], ctx: LineCtx, inFlow: boolean): void {
    this.pushIndent(false, false);
    const order = v2KeyOrder(keys);
    for (const i of order) {
      const key = keys[i]!;
      const e = entries[i]!;
      const child: LineCtx = this.lines ? { doc: ctx.doc, path: [...ctx.path, key], node: e.value, key: e.key } : ctx;
      this.cur = child;
      this.writeIndent();
      if (this.lines) this.mark(child);
      this.key(key);
      if (this.lines) this.cur = { doc: child.doc, path: child.path, node: child.node };
      this.node(e.value, true, child, false, inFlow);
    }
    this.popIndent();
  }

  blockSeqNodes(s: SeqNode, mappingContext: boolean, ctx: LineCtx, inFlow: boolean): void {
    this.pushIndent(false, mappingContext && !this.indention);
    for (let i = 0; i < s.items.length; i++) {
      const item = s.items[i]!;
      const child: LineCtx = this.lines ? { doc: ctx.doc, path: [...ctx.path, i], node: item } : ctx;
      this.cur = child;
      this.writeIndent();
      if (this.lines) this.mark(child);
      this.writeIndicator('-', true, false, true);
      this.node(item, false, child, false, inFlow);
    }
    this.popIndent();
  }

  key(key: string): void {
    if (key.length <= 128 && isSimpleWord(key)) {
      // At the start of a line: no separating space needed.
      if (!this.whitespace) {
        this.out += ' ';
        this.column++;
      }
      this.out += key;
      this.column += key.length + 1;
      this.out += ':';
      this.whitespace = false;
      this.indention = false;
      return;
    }
    const plan = planFor(key, true);
    if (plan.keyStyle !== undefined) {
      this.scalar(key, plan, plan.keyStyle, false);
      this.writeIndicator(':', false, false, false);
    } else {
      this.writeIndicator('?', true, false, true);
      this.scalar(key, plan, plan.complexKeyStyle, true);
      this.writeIndent();
      this.writeIndicator(':', true, false, true);
    }
  }

  start(doc: number, node: YNode | undefined): LineCtx {
    this.indent = -1;
    this.column = 0;
    this.whitespace = true;
    this.indention = true;
    const ctx: LineCtx = { doc, path: [], node };
    this.cur = ctx;
    if (this.lines) this.lines.push({ doc, path: [], node });
    return ctx;
  }

  finish(): void {
    // Document end: a final line break unless the last scalar already ended the line.
    this.indent = -1;
    this.writeIndent();
    if (this.lines) this.lines.pop();
  }

  documentNode(root: YNode, doc: number): void {
    const ctx = this.start(doc, root);
    this.node(root, false, ctx, true, false);
    this.finish();
  }

  document(root: OValue, doc: number): void {
    const ctx = this.start(doc, root.node);
    this.value(root, false, ctx);
    this.finish();
  }
}

function emit(docs: YNode[], withMap: boolean): { text: string; lines: LineInfo[] } {
  const w = new Writer(withMap);
  for (let i = 0; i < docs.length; i++) {
    if (i > 0) {
      w.out += '---\n';
      if (w.lines) w.lines.push({ doc: i, path: [], node: docs[i], separator: true });
    }
    w.documentNode(docs[i]!, i);
  }
  return { text: w.out, lines: w.lines ?? [] };
}

/** Prints documents exactly as `kubectl kustomize` prints resources. Throws a GitOpsError where kustomize fails. */
export function emitDocuments(docs: YNode[]): string {
  return emit(docs, false).text;
}

/**
 * Like `emitDocuments`, and also describes every printed line: `lines[i]` is line i+1 of `text`. Folded and block
 * scalars map every one of their lines to their node.
 */
export function emitDocumentsWithMap(docs: YNode[]): { text: string; lines: LineInfo[] } {
  return emit(docs, true);
}

/** Prints one already-computed output value (see `toOutput`), as one document. */
export function emitOutputValue(v: OValue): string {
  const w = new Writer(false);
  w.document(v, 0);
  return w.out;
}
