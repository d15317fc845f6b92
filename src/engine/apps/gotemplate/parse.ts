/**
 * Lexer and parser for Go's text/template language, written from its documentation and observed behaviour:
 * actions with pipelines and variables, if/else/with/range (with break and continue), define/template/block,
 * comments, and the `{{-`/`-}}` whitespace trim markers. Positions are string offsets into the template text.
 */

export class TemplateParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateParseError';
  }
}

// ---------------------------------------------------------------------------------------------------- tokens

type TokType =
  | 'text'
  | 'comment'
  | 'leftDelim'
  | 'rightDelim'
  | 'space'
  | 'field'
  | 'variable'
  | 'identifier'
  | 'keyword'
  | 'string'
  | 'rawString'
  | 'char'
  | 'number'
  | 'bool'
  | 'nil'
  | 'dot'
  | 'pipe'
  | 'leftParen'
  | 'rightParen'
  | 'declare'
  | 'assign'
  | 'comma'
  | 'eof';

interface Tok {
  t: TokType;
  v: string;
  pos: number;
}

const KEYWORDS = new Set(['block', 'break', 'continue', 'define', 'else', 'end', 'if', 'range', 'template', 'with']);
const SPACE = /[ \t\r\n]/;
const ALNUM = /[\p{L}\p{Nd}_]/u;

function isSpace(c: string | undefined): boolean {
  return c !== undefined && SPACE.test(c);
}

function lineOf(text: string, pos: number): number {
  let n = 1;
  for (let i = 0; i < pos && i < text.length; i++) if (text[i] === '\n') n++;
  return n;
}

class Lexer {
  readonly toks: Tok[] = [];
  private pos = 0;
  private parenDepth = 0;
  constructor(
    private readonly text: string,
    private readonly name: string,
  ) {}

  fail(msg: string, pos = this.pos): never {
    throw new TemplateParseError(`template: ${this.name}:${lineOf(this.text, pos)}: ${msg}`);
  }

  private emit(t: TokType, start: number, end: number): void {
    this.toks.push({ t, v: this.text.slice(start, end), pos: start });
  }

  run(): Tok[] {
    const s = this.text;
    while (this.pos < s.length) {
      const open = s.indexOf('{{', this.pos);
      if (open < 0) {
        this.emit('text', this.pos, s.length);
        this.pos = s.length;
        break;
      }
      // Left trim marker: "{{- " trims the whitespace before the action.
      const trimLeft = s[open + 2] === '-' && isSpace(s[open + 3]);
      let textEnd = open;
      if (trimLeft) while (textEnd > this.pos && isSpace(s[textEnd - 1])) textEnd--;
      if (textEnd > this.pos) this.emit('text', this.pos, textEnd);
      this.emit('leftDelim', open, open + 2);
      this.pos = open + 2 + (trimLeft ? 2 : 0);
      this.action();
    }
    this.toks.push({ t: 'eof', v: '', pos: s.length });
    return this.toks;
  }

  /** At a right delimiter (optionally with its trim marker)? Returns the length to consume, or 0. */
  private atRightDelim(): { len: number; trim: boolean } {
    const s = this.text;
    if (isSpace(s[this.pos]) && s[this.pos + 1] === '-' && s.startsWith('}}', this.pos + 2)) return { len: 4, trim: true };
    if (s.startsWith('}}', this.pos)) return { len: 2, trim: false };
    return { len: 0, trim: false };
  }

  private closeAction(trim: boolean, len: number): void {
    const start = this.pos;
    this.emit('rightDelim', start, start + len);
    this.pos += len;
    if (trim) while (isSpace(this.text[this.pos])) this.pos++;
  }

  private action(): void {
    const s = this.text;
    // A comment must start right after the delimiter (and its trim marker).
    if (s.startsWith('/*', this.pos)) {
      const end = s.indexOf('*/', this.pos + 2);
      if (end < 0) this.fail('unclosed comment');
      this.emit('comment', this.pos, end + 2);
      this.pos = end + 2;
      const rd = this.atRightDelim();
      if (!rd.len) this.fail('comment ends before closing delimiter');
      this.closeAction(rd.trim, rd.len);
      return;
    }
    this.parenDepth = 0;
    for (;;) {
      const rd = this.atRightDelim();
      if (rd.len) {
        if (this.parenDepth > 0) this.fail('unclosed left paren');
        this.closeAction(rd.trim, rd.len);
        return;
      }
      if (this.pos >= s.length) this.fail('unclosed action');
      const c = s[this.pos]!;
      const start = this.pos;
      if (isSpace(c)) {
        // Stop before a space that begins a " -}}" trim marker (it is read as part of the delimiter).
        do this.pos++;
        while (isSpace(s[this.pos]) && !this.atRightDelim().trim);
        this.emit('space', start, this.pos);
        continue;
      }
      switch (c) {
        case '=':
          this.pos++;
          this.emit('assign', start, this.pos);
          continue;
        case ':':
          if (s[this.pos + 1] !== '=') this.fail('expected :=');
          this.pos += 2;
          this.emit('declare', start, this.pos);
          continue;
        case '|':
          this.pos++;
          this.emit('pipe', start, this.pos);
          continue;
        case ',':
          this.pos++;
          this.emit('comma', start, this.pos);
          continue;
        case '"':
          this.quote(start);
          continue;
        case '`': {
          const end = s.indexOf('`', this.pos + 1);
          if (end < 0) this.fail('unterminated raw quoted string');
          this.pos = end + 1;
          this.emit('rawString', start, this.pos);
          continue;
        }
        case "'":
          this.charConst(start);
          continue;
        case '$':
          this.pos++;
          while (this.pos < s.length && ALNUM.test(s[this.pos]!)) this.pos++;
          this.emit('variable', start, this.pos);
          continue;
        case '(':
          this.pos++;
          this.parenDepth++;
          this.emit('leftParen', start, this.pos);
          continue;
        case ')':
          this.pos++;
          this.parenDepth--;
          if (this.parenDepth < 0) this.fail(`unexpected right paren`);
          this.emit('rightParen', start, this.pos);
          continue;
        case '.':
          if (this.pos + 1 < s.length && /[0-9]/.test(s[this.pos + 1]!)) {
            this.number(start);
            continue;
          }
          this.pos++;
          if (this.pos < s.length && ALNUM.test(s[this.pos]!)) {
            while (this.pos < s.length && ALNUM.test(s[this.pos]!)) this.pos++;
            this.emit('field', start, this.pos);
          } else {
            this.emit('dot', start, this.pos);
          }
          this.checkTerminator();
          continue;
      }
      if (c === '+' || c === '-' || /[0-9]/.test(c)) {
        this.number(start);
        continue;
      }
      if (ALNUM.test(c)) {
        while (this.pos < s.length && ALNUM.test(s[this.pos]!)) this.pos++;
        const word = s.slice(start, this.pos);
        if (KEYWORDS.has(word)) this.emit('keyword', start, this.pos);
        else if (word === 'true' || word === 'false') this.emit('bool', start, this.pos);
        else if (word === 'nil') this.emit('nil', start, this.pos);
        else this.emit('identifier', start, this.pos);
        this.checkTerminator();
        continue;
      }
      this.fail(`unrecognized character in action: U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')} '${c}'`, start);
    }
  }

  private checkTerminator(): void {
    const c = this.text[this.pos];
    if (c === undefined || isSpace(c) || '.,|:)('.includes(c) || this.text.startsWith('}}', this.pos)) return;
    this.fail(`bad character U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')} '${c}'`);
  }

  private quote(start: number): void {
    const s = this.text;
    this.pos++;
    for (;;) {
      const c = s[this.pos];
      if (c === undefined || c === '\n') this.fail('unterminated quoted string', start);
      if (c === '\\') {
        this.pos += 2;
        continue;
      }
      this.pos++;
      if (c === '"') break;
    }
    this.emit('string', start, this.pos);
  }

  private charConst(start: number): void {
    const s = this.text;
    this.pos++;
    for (;;) {
      const c = s[this.pos];
      if (c === undefined || c === '\n') this.fail('unterminated character constant', start);
      if (c === '\\') {
        this.pos += 2;
        continue;
      }
      this.pos++;
      if (c === "'") break;
    }
    this.emit('char', start, this.pos);
  }

  private number(start: number): void {
    const s = this.text;
    if (s[this.pos] === '+' || s[this.pos] === '-') this.pos++;
    let digits = '0123456789_';
    if (s[this.pos] === '0' && /[xXoObB]/.test(s[this.pos + 1] ?? '')) {
      const b = s[this.pos + 1]!.toLowerCase();
      digits = b === 'x' ? '0123456789abcdefABCDEF_' : b === 'o' ? '01234567_' : '01_';
      this.pos += 2;
    }
    while (this.pos < s.length && digits.includes(s[this.pos]!)) this.pos++;
    if (s[this.pos] === '.') {
      this.pos++;
      while (this.pos < s.length && digits.includes(s[this.pos]!)) this.pos++;
    }
    if (digits.length === 11 && /[eE]/.test(s[this.pos] ?? '')) {
      this.pos++;
      if (s[this.pos] === '+' || s[this.pos] === '-') this.pos++;
      while (this.pos < s.length && /[0-9_]/.test(s[this.pos]!)) this.pos++;
    }
    if (s[this.pos] === 'i') this.pos++;
    const c = s[this.pos];
    if (c !== undefined && ALNUM.test(c)) this.fail(`bad number syntax: "${s.slice(start, this.pos + 1)}"`);
    this.emit('number', start, this.pos);
  }
}

// ---------------------------------------------------------------------------------------------------- nodes

export interface NumberValue {
  isInt: boolean;
  isFloat: boolean;
  int?: bigint;
  float?: number;
  text: string;
}

export type ArgNode =
  | { type: 'field'; pos: number; idents: string[] }
  | { type: 'variable'; pos: number; idents: string[] }
  | { type: 'chain'; pos: number; node: ArgNode; fields: string[] }
  | { type: 'identifier'; pos: number; name: string }
  | { type: 'dot'; pos: number }
  | { type: 'nil'; pos: number }
  | { type: 'bool'; pos: number; value: boolean }
  | { type: 'number'; pos: number; value: NumberValue }
  | { type: 'string'; pos: number; value: string; quoted: string }
  | { type: 'pipe'; pos: number; pipe: PipeNode };

export interface CommandNode {
  pos: number;
  args: ArgNode[];
}

export interface PipeNode {
  pos: number;
  decl: string[];
  isAssign: boolean;
  cmds: CommandNode[];
}

export type Node =
  | { type: 'text'; pos: number; text: string }
  | { type: 'action'; pos: number; pipe: PipeNode }
  | { type: 'if' | 'with'; pos: number; pipe: PipeNode; list: Node[]; elseList?: Node[] }
  | { type: 'range'; pos: number; pipe: PipeNode; list: Node[]; elseList?: Node[] }
  | { type: 'template'; pos: number; name: string; pipe?: PipeNode }
  | { type: 'break' | 'continue'; pos: number };

/** A parsed template: its body and the templates it defines. */
export interface Parsed {
  name: string;
  text: string;
  root: Node[];
  defs: Map<string, Node[]>;
}

// ---------------------------------------------------------------------------------------------------- parser

function unquote(tok: Tok, fail: (m: string) => never): string {
  if (tok.t === 'rawString') return tok.v.slice(1, -1).replace(/\r/g, '');
  const body = tok.v.slice(1, -1);
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const n = body[++i];
    switch (n) {
      case 'n':
        out += '\n';
        break;
      case 't':
        out += '\t';
        break;
      case 'r':
        out += '\r';
        break;
      case 'a':
        out += '\x07';
        break;
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'v':
        out += '\v';
        break;
      case '\\':
        out += '\\';
        break;
      case '"':
        out += '"';
        break;
      case "'":
        if (tok.t === 'char') out += "'";
        else fail(`invalid syntax`);
        break;
      case 'x': {
        const h = body.slice(i + 1, i + 3);
        if (!/^[0-9a-fA-F]{2}$/.test(h)) fail('invalid syntax');
        out += String.fromCharCode(parseInt(h, 16));
        i += 2;
        break;
      }
      case 'u':
      case 'U': {
        const len = n === 'u' ? 4 : 8;
        const h = body.slice(i + 1, i + 1 + len);
        if (!new RegExp(`^[0-9a-fA-F]{${len}}$`).test(h)) fail('invalid syntax');
        out += String.fromCodePoint(parseInt(h, 16));
        i += len;
        break;
      }
      default:
        if (n !== undefined && /[0-7]/.test(n)) {
          const o = body.slice(i, i + 3);
          if (!/^[0-7]{3}$/.test(o)) fail('invalid syntax');
          out += String.fromCharCode(parseInt(o, 8));
          i += 2;
          break;
        }
        fail('invalid syntax');
    }
  }
  return out;
}

function parseNumber(text: string, fail: (m: string) => never): NumberValue {
  if (text.endsWith('i')) fail(`complex numbers are not supported: ${text}`);
  const clean = text.replace(/_/g, '');
  const neg = clean.startsWith('-');
  const body = clean.replace(/^[+-]/, '');
  const out: NumberValue = { isInt: false, isFloat: false, text };
  let int: bigint | undefined;
  try {
    if (/^0[xX][0-9a-fA-F]+$/.test(body) || /^0[oO][0-7]+$/.test(body) || /^0[bB][01]+$/.test(body)) int = BigInt(body.toLowerCase());
    else if (/^0[0-7]+$/.test(body)) int = BigInt('0o' + body.slice(1));
    else if (/^[0-9]+$/.test(body)) int = BigInt(body);
  } catch {
    int = undefined;
  }
  if (int !== undefined) {
    if (neg) int = -int;
    if (int >= -(2n ** 63n) && int < 2n ** 63n) {
      out.isInt = true;
      out.int = int;
    }
    out.isFloat = true;
    out.float = Number(int);
    return out;
  }
  const f = Number(clean);
  if (!Number.isFinite(f) && !/inf/i.test(clean)) fail(`illegal number syntax: "${text}"`);
  if (Number.isNaN(f)) fail(`illegal number syntax: "${text}"`);
  out.isFloat = true;
  out.float = f;
  // A float constant with an integral value is also an int (Go: "1e3" IsInt).
  if (Number.isInteger(f) && Math.abs(f) < 2 ** 63) {
    out.isInt = true;
    out.int = BigInt(f);
  }
  return out;
}

class Parser {
  private i = 0;
  private vars: string[][] = [];
  private rangeDepth = 0;
  readonly defs = new Map<string, Node[]>();

  constructor(
    private readonly toks: Tok[],
    private readonly text: string,
    private readonly name: string,
    private readonly hasFunc: (name: string) => boolean,
  ) {}

  fail(msg: string, pos?: number): never {
    const p = pos ?? this.toks[Math.min(this.i, this.toks.length - 1)]!.pos;
    throw new TemplateParseError(`template: ${this.name}:${lineOf(this.text, p)}: ${msg}`);
  }

  private peek(): Tok {
    return this.toks[this.i]!;
  }
  private next(): Tok {
    return this.toks[this.i++]!;
  }
  private nextNonSpace(): Tok {
    let t = this.next();
    while (t.t === 'space') t = this.next();
    return t;
  }
  private peekNonSpace(): Tok {
    const save = this.i;
    const t = this.nextNonSpace();
    this.i = save;
    return t;
  }
  private backup(): void {
    this.i--;
  }

  private describe(t: Tok): string {
    if (t.t === 'eof') return 'EOF';
    if (t.t === 'rightDelim') return `"}}"`;
    return `<${t.v}>`;
  }

  private unexpected(t: Tok, context: string): never {
    if (t.t === 'eof') this.fail(`unexpected EOF`, t.pos);
    this.fail(`unexpected ${this.describe(t)} in ${context}`, t.pos);
  }

  parseAll(): Node[] {
    this.vars = [['$']];
    const root: Node[] = [];
    while (this.peek().t !== 'eof') {
      if (this.peek().t === 'leftDelim') {
        const save = this.i;
        this.next();
        const kw = this.nextNonSpace();
        if (kw.t === 'keyword' && kw.v === 'define') {
          this.parseDefinition();
          continue;
        }
        this.i = save;
      }
      const n = this.textOrAction('top');
      if (n === 'end' || n === 'else') this.fail(`unexpected {{${n}}}`);
      if (n) root.push(n);
    }
    return root;
  }

  private parseDefinition(): void {
    const nameTok = this.nextNonSpace();
    if (nameTok.t !== 'string' && nameTok.t !== 'rawString') this.unexpected(nameTok, 'define clause');
    const name = unquote(nameTok, (m) => this.fail(m, nameTok.pos));
    const close = this.nextNonSpace();
    if (close.t !== 'rightDelim') this.unexpected(close, 'define clause');
    const saved = this.vars;
    this.vars = [['$']];
    const { list, end } = this.itemList('define');
    if (end !== 'end') this.fail(`unexpected {{else}} in define`);
    this.vars = saved;
    this.defs.set(name, list);
  }

  /** Nodes up to a matching {{end}} or {{else}}; returns which one ended the list. */
  private itemList(context: string): { list: Node[]; end: 'end' | 'else' } {
    const list: Node[] = [];
    for (;;) {
      if (this.peek().t === 'eof') this.fail(`unexpected EOF`);
      const n = this.textOrAction(context);
      if (n === 'end' || n === 'else') return { list, end: n };
      if (n) list.push(n);
    }
  }

  private textOrAction(context: string): Node | 'end' | 'else' | undefined {
    const t = this.next();
    if (t.t === 'text') return { type: 'text', pos: t.pos, text: t.v };
    if (t.t === 'leftDelim') {
      const save = this.i;
      const c = this.nextNonSpace();
      if (c.t === 'comment') {
        const rd = this.nextNonSpace();
        if (rd.t !== 'rightDelim') this.fail('comment ends before closing delimiter');
        return undefined;
      }
      this.i = save;
      return this.action(context);
    }
    this.unexpected(t, 'input');
  }

  private expectRightDelim(context: string): void {
    const t = this.nextNonSpace();
    if (t.t !== 'rightDelim') this.unexpected(t, context);
  }

  private action(context: string): Node | 'end' | 'else' | undefined {
    const t = this.nextNonSpace();
    if (t.t === 'keyword') {
      switch (t.v) {
        case 'end':
          this.expectRightDelim('end');
          return 'end';
        case 'else':
          // `{{else if …}}` / `{{else with …}}` leave the keyword for the caller to read.
          return 'else';
        case 'if':
        case 'with':
          return this.control(t.v, t.pos);
        case 'range':
          return this.control('range', t.pos);
        case 'template':
        case 'block':
          return this.templateCall(t.v, t.pos);
        case 'break':
        case 'continue':
          if (this.rangeDepth === 0) this.fail(`{{${t.v}}} outside {{range}}`, t.pos);
          this.expectRightDelim(t.v);
          return { type: t.v, pos: t.pos };
        case 'define':
          this.fail('unexpected <define> in command', t.pos);
      }
    }
    this.backup();
    const pos = this.peek().pos;
    return { type: 'action', pos, pipe: this.pipeline('command', 'rightDelim') };
  }

  private control(kind: 'if' | 'with' | 'range', pos: number): Node {
    this.vars.push([]);
    const pipe = this.pipeline(kind, 'rightDelim');
    if (kind === 'range') this.rangeDepth++;
    const first = this.itemList(kind);
    if (kind === 'range') this.rangeDepth--;
    let elseList: Node[] | undefined;
    if (first.end === 'else') {
      const nxt = this.peekNonSpace();
      if (nxt.t === 'keyword' && (nxt.v === 'if' || nxt.v === 'with')) {
        // {{else if x}} is {{else}}{{if x}} … {{end}}{{end}} with one shared {{end}} (and `else with` likewise).
        const kw = this.nextNonSpace();
        elseList = [this.control(kw.v as 'if' | 'with', kw.pos)];
      } else {
        this.expectRightDelim('else');
        const second = this.itemList(kind);
        if (second.end === 'else') this.fail(`expected end; found {{else}}`);
        elseList = second.list;
      }
    }
    this.vars.pop();
    if (kind === 'range') return { type: 'range', pos, pipe, list: first.list, elseList };
    return { type: kind, pos, pipe, list: first.list, elseList };
  }

  private templateCall(kw: string, pos: number): Node {
    const nameTok = this.nextNonSpace();
    if (nameTok.t !== 'string' && nameTok.t !== 'rawString') this.unexpected(nameTok, `${kw} clause`);
    const name = unquote(nameTok, (m) => this.fail(m, nameTok.pos));
    let pipe: PipeNode | undefined;
    if (this.peekNonSpace().t !== 'rightDelim') pipe = this.pipeline(kw, 'rightDelim');
    else this.nextNonSpace();
    if (kw === 'block') {
      const saved = this.vars;
      this.vars = [['$']];
      const { list, end } = this.itemList('block');
      if (end !== 'end') this.fail(`unexpected {{else}} in block`);
      this.vars = saved;
      this.defs.set(name, list);
    }
    return { type: 'template', pos, name, pipe };
  }

  private hasVar(name: string): boolean {
    return this.vars.some((scope) => scope.includes(name));
  }

  private pipeline(context: string, end: 'rightDelim' | 'rightParen'): PipeNode {
    const pos = this.peekNonSpace().pos;
    const pipe: PipeNode = { pos, decl: [], isAssign: false, cmds: [] };
    // Declarations: `$x :=`, `$x =`, and in range `$i, $e :=`.
    const save = this.i;
    const v = this.nextNonSpace();
    if (v.t === 'variable') {
      const after = this.nextNonSpace();
      if (after.t === 'declare' || after.t === 'assign') {
        pipe.isAssign = after.t === 'assign';
        pipe.decl.push(v.v);
        if (pipe.isAssign && !this.hasVar(v.v)) this.fail(`undefined variable "${v.v}"`, v.pos);
        if (!pipe.isAssign) this.vars[this.vars.length - 1]!.push(v.v);
      } else if (after.t === 'comma' && context === 'range') {
        const v2 = this.nextNonSpace();
        const op = this.nextNonSpace();
        if (v2.t !== 'variable' || (op.t !== 'declare' && op.t !== 'assign')) this.fail(`range can only initialize variables`, v.pos);
        pipe.isAssign = op.t === 'assign';
        pipe.decl.push(v.v, v2.v);
        if (!pipe.isAssign) this.vars[this.vars.length - 1]!.push(v.v, v2.v);
      } else {
        this.i = save;
      }
    } else {
      this.i = save;
    }
    for (;;) {
      const t = this.nextNonSpace();
      if (t.t === end) {
        if (!pipe.cmds.length) this.fail(`missing value for ${context}`, t.pos);
        return pipe;
      }
      if (t.t === 'eof' || (end === 'rightParen' && t.t === 'rightDelim')) this.fail(end === 'rightParen' ? 'unclosed left paren' : 'unclosed action', t.pos);
      this.backup();
      const cmd = this.command(end);
      // Only a function, field or method can receive the previous stage's value.
      if (pipe.cmds.length && ['bool', 'dot', 'nil', 'number', 'string'].includes(cmd.args[0]!.type)) {
        this.fail(`non executable command in pipeline stage ${pipe.cmds.length + 1}`, cmd.pos);
      }
      pipe.cmds.push(cmd);
    }
  }

  private command(end: 'rightDelim' | 'rightParen'): CommandNode {
    const pos = this.peekNonSpace().pos;
    const cmd: CommandNode = { pos, args: [] };
    for (;;) {
      while (this.peek().t === 'space') this.next();
      const op = this.operand();
      if (op) cmd.args.push(op);
      const t = this.next();
      if (t.t === 'space') continue;
      if (t.t === end || t.t === 'rightDelim' || t.t === 'rightParen') {
        this.backup();
        break;
      }
      if (t.t === 'pipe') break;
      this.unexpected(t, 'operand');
    }
    if (!cmd.args.length) this.fail('missing command', pos);
    return cmd;
  }

  private operand(): ArgNode | undefined {
    const term = this.term();
    if (!term) return undefined;
    if (this.peek().t !== 'field') return term;
    const fields: string[] = [];
    while (this.peek().t === 'field') fields.push(this.next().v.slice(1));
    switch (term.type) {
      case 'field':
        return { type: 'field', pos: term.pos, idents: [...term.idents, ...fields] };
      case 'variable':
        return { type: 'variable', pos: term.pos, idents: [...term.idents, ...fields] };
      case 'bool':
      case 'string':
      case 'number':
      case 'nil':
      case 'dot':
        this.fail(`unexpected . after term "${this.text.slice(term.pos, this.toks[this.i - fields.length - 1]?.pos ?? term.pos).trim() || term.type}"`, term.pos);
        break;
      default:
        return { type: 'chain', pos: term.pos, node: term, fields };
    }
  }

  private term(): ArgNode | undefined {
    const t = this.next();
    switch (t.t) {
      case 'identifier':
        if (!this.hasFunc(t.v)) this.fail(`function "${t.v}" not defined`, t.pos);
        return { type: 'identifier', pos: t.pos, name: t.v };
      case 'dot':
        return { type: 'dot', pos: t.pos };
      case 'nil':
        return { type: 'nil', pos: t.pos };
      case 'variable':
        if (!this.hasVar(t.v)) this.fail(`undefined variable "${t.v}"`, t.pos);
        return { type: 'variable', pos: t.pos, idents: [t.v] };
      case 'field':
        return { type: 'field', pos: t.pos, idents: [t.v.slice(1)] };
      case 'bool':
        return { type: 'bool', pos: t.pos, value: t.v === 'true' };
      case 'char': {
        const ch = unquote(t, (m) => this.fail(m, t.pos));
        const cp = ch.codePointAt(0) ?? 0;
        return { type: 'number', pos: t.pos, value: { isInt: true, isFloat: true, int: BigInt(cp), float: cp, text: t.v } };
      }
      case 'number':
        return { type: 'number', pos: t.pos, value: parseNumber(t.v, (m) => this.fail(m, t.pos)) };
      case 'string':
      case 'rawString':
        return { type: 'string', pos: t.pos, value: unquote(t, (m) => this.fail(m, t.pos)), quoted: t.v };
      case 'leftParen': {
        const pipe = this.pipeline('parenthesized pipeline', 'rightParen');
        return { type: 'pipe', pos: t.pos, pipe };
      }
    }
    this.backup();
    return undefined;
  }
}

/** Parses `text` as a template named `name`; `hasFunc` says which function names exist (checked at parse time). */
export function parseTemplate(text: string, name: string, hasFunc: (name: string) => boolean): Parsed {
  const toks = new Lexer(text, name).run();
  const p = new Parser(toks, text, name, hasFunc);
  const root = p.parseAll();
  return { name, text, root, defs: p.defs };
}

/** How Go prints a node in error contexts (`<.foo>`). */
export function argString(n: ArgNode): string {
  switch (n.type) {
    case 'field':
      return n.idents.map((i) => '.' + i).join('');
    case 'variable':
      return n.idents[0] + n.idents.slice(1).map((i) => '.' + i).join('');
    case 'chain':
      return (n.node.type === 'pipe' ? `(${pipeString(n.node.pipe)})` : argString(n.node)) + n.fields.map((f) => '.' + f).join('');
    case 'identifier':
      return n.name;
    case 'dot':
      return '.';
    case 'nil':
      return 'nil';
    case 'bool':
      return String(n.value);
    case 'number':
      return n.value.text;
    case 'string':
      return n.quoted;
    case 'pipe':
      return `(${pipeString(n.pipe)})`;
  }
}

export function pipeString(p: PipeNode): string {
  let s = '';
  if (p.decl.length) s = p.decl.join(', ') + (p.isAssign ? ' = ' : ' := ');
  return s + p.cmds.map((c) => c.args.map(argString).join(' ')).join(' | ');
}
