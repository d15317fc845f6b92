/**
 * Flux post-build variable substitution (FLX-5), reproducing fluxcd/pkg/envsubst: its scanner (which drops escape
 * characters from the buffer as it reads), its parser (which knows `${var}`, `${#var}`, `${var^}`/`^^`/`,`/`,,`,
 * `${var:n[:len]}`, `${var#…}`/`##`/`%`/`%%`, `${var/…/…}`/`//`/`/#`/`/%`, `${var=…}`, `${var:=…}`, `:-`, `:?`, `:+`),
 * and its evaluator. Quirks kept: `:+` and `:?` behave as `:-` (a default), `${var-d}` is a parse error (missing
 * closing brace) whatever the README says, the trim operators reverse the pattern for suffixes, `$$` is a literal `$`.
 */

export class EnvsubstError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EnvsubstError';
  }
}

const BAD_SUBSTITUTION = 'bad substitution';
const MISSING_CLOSING_BRACE = 'missing closing brace';
const PARSE_VARIABLE_NAME = 'unable to parse variable name';
const PARSE_FUNC_SUBSTITUTION = 'unable to parse substitution within function';
const PARSE_DEFAULT_FUNCTION = 'unable to parse default function';

type Node = { t: 'text'; v: string } | { t: 'func'; param: string; name: string; args: Node[] } | { t: 'list'; nodes: Node[] };

const MODE_IDENT = 1;
const MODE_LBRACK = 2;
const MODE_RBRACK = 4;
const MODE_ESCAPE = 8;
const ESC_DOLLAR = 1;
const ESC_BACKSLASH = 2;
const ESC_ALL = ESC_DOLLAR | ESC_BACKSLASH;

type Tok = 'eof' | 'lbrack' | 'rbrack' | 'ident' | 'illegal';
type Accept = (r: string, i: number) => boolean;

const acceptRune: Accept = () => true;
const acceptIdent: Accept = (r) => /[\p{L}\p{Nd}_]/u.test(r);
const acceptColon: Accept = (r) => r === ':';
const acceptOneHash: Accept = (r, i) => r === '#' && i === 1;
const acceptNotClosing: Accept = (r) => r !== '}';
const acceptHashFunc: Accept = (r, i) => r === '#' && i < 3;
const acceptPercentFunc: Accept = (r, i) => r === '%' && i < 3;
const acceptDefaultFunc: Accept = (r, i) => (i === 1 && r === ':') || (i === 2 && '=-?+'.includes(r));
const acceptReplaceFunc: Accept = (r, i) => (i === 1 && r === '/') || (i === 2 && '/#%'.includes(r));
const acceptOneEqual: Accept = (r, i) => i === 1 && r === '=';
const acceptOneColon: Accept = (r, i) => i === 1 && r === ':';
const rejectColonClose: Accept = (r) => r !== ':' && r !== '}';
const acceptSlash: Accept = (r) => r === '/';
const acceptNotSlash: Accept = (r) => r !== '/';
const acceptCasingFunc: Accept = (r, i) => (r === ',' || r === '^') && i < 3;

/** The scanner: positions are UTF-16 offsets; every operator is ASCII, so widths only matter for text. */
class Scanner {
  buf = '';
  pos = 0;
  start = 0;
  width = 0;
  mode = 0;
  escape = 0;
  accept: Accept = acceptRune;

  init(buf: string): void {
    this.buf = buf;
    this.pos = 0;
    this.start = 0;
    this.width = 0;
  }

  read(): string {
    if (this.pos >= this.buf.length) {
      this.width = 0;
      return '';
    }
    const cp = this.buf.codePointAt(this.pos)!;
    const ch = String.fromCodePoint(cp);
    this.width = ch.length;
    this.pos += this.width;
    return ch;
  }

  unread(): void {
    this.pos -= this.width;
  }

  /** Drops the character just read from the buffer (how escapes disappear from the text). */
  skip(): void {
    this.buf = this.buf.slice(0, this.pos - 1) + this.buf.slice(this.pos);
  }

  peek(): string {
    const r = this.read();
    this.unread();
    return r;
  }

  text(): string {
    return this.buf.slice(this.start, this.pos);
  }

  scan(): Tok {
    this.start = this.pos;
    const r = this.read();
    if (r === '') return 'eof';
    if (this.scanLbrack(r)) return 'lbrack';
    if (this.scanRbrack(r)) return 'rbrack';
    if (this.scanIdent(r)) return 'ident';
    return 'illegal';
  }

  private scanIdent(r: string): boolean {
    if (!(this.mode & MODE_IDENT)) return false;
    if (this.scanEscaped(r)) this.skip();
    else if (!this.accept(r, this.pos - this.start)) return false;
    for (;;) {
      const c = this.read();
      if (c === '') {
        this.unread();
        break;
      }
      if (this.scanLbrack(c)) {
        this.unread();
        this.unread();
        break;
      }
      if (this.scanEscaped(c)) {
        this.skip();
        continue;
      }
      if (!this.accept(c, this.pos - this.start)) {
        this.unread();
        break;
      }
    }
    return true;
  }

  private scanLbrack(r: string): boolean {
    if (!(this.mode & MODE_LBRACK)) return false;
    if (r === '$') {
      if (this.read() === '{') return true;
      this.unread();
    }
    return false;
  }

  private scanRbrack(r: string): boolean {
    return !!(this.mode & MODE_RBRACK) && r === '}';
  }

  private scanEscaped(r: string): boolean {
    if (!(this.mode & MODE_ESCAPE)) return false;
    if (r === '$' && this.escape & ESC_DOLLAR && this.peek() === '$') return true;
    if (r === '\\' && this.escape & ESC_BACKSLASH) {
      const p = this.peek();
      return p === '/' || p === '\\';
    }
    return false;
  }
}

class Parser {
  private s = new Scanner();

  parse(buf: string): Node {
    this.s.init(buf);
    const nodes: Node[] = [];
    for (;;) {
      this.s.accept = acceptRune;
      this.s.mode = MODE_IDENT | MODE_LBRACK | MODE_ESCAPE;
      this.s.escape = ESC_DOLLAR;
      const t = this.s.scan();
      if (t === 'ident') nodes.push({ t: 'text', v: this.s.text() });
      else if (t === 'lbrack') nodes.push(this.parseFunc());
      else if (t === 'eof') break;
      else throw new EnvsubstError(BAD_SUBSTITUTION);
    }
    return { t: 'list', nodes };
  }

  private parseFunc(): Node {
    const s = this.s;
    s.escape = ESC_ALL;
    if (s.peek() === '#') return this.parseLen();
    s.accept = acceptIdent;
    s.mode = MODE_IDENT;
    if (s.scan() !== 'ident') throw new EnvsubstError(PARSE_VARIABLE_NAME);
    const name = s.text();
    switch (s.peek()) {
      case ':':
        return this.parseDefaultOrSubstr(name);
      case '=':
        return this.parseDefault(name);
      case ',':
      case '^':
        return this.parseCasing(name);
      case '/':
        return this.parseReplace(name);
      case '#':
        return this.parseRemove(name, acceptHashFunc);
      case '%':
        return this.parseRemove(name, acceptPercentFunc);
    }
    s.accept = acceptIdent;
    s.mode = MODE_RBRACK;
    if (s.scan() !== 'rbrack') throw new EnvsubstError(MISSING_CLOSING_BRACE);
    return { t: 'func', param: name, name: '', args: [] };
  }

  private parseParam(accept: Accept, mode: number): Node {
    const s = this.s;
    s.accept = accept;
    s.mode = mode | MODE_LBRACK;
    const t = s.scan();
    if (t === 'lbrack') return this.parseFunc();
    if (t === 'ident' || t === 'rbrack') return { t: 'text', v: s.text() };
    throw new EnvsubstError(PARSE_FUNC_SUBSTITUTION);
  }

  private parseDefaultOrSubstr(name: string): Node {
    const s = this.s;
    s.read();
    const r = s.peek();
    s.unread();
    return '=-?+'.includes(r) && r !== '' ? this.parseDefault(name) : this.parseSubstr(name);
  }

  private parseSubstr(name: string): Node {
    const s = this.s;
    const node = { t: 'func' as const, param: name, name: '', args: [] as Node[] };
    s.accept = acceptOneColon;
    s.mode = MODE_IDENT;
    if (s.scan() !== 'ident') throw new EnvsubstError(BAD_SUBSTITUTION);
    node.name = s.text();
    node.args.push(this.parseParam(rejectColonClose, MODE_IDENT));
    s.accept = acceptColon;
    s.mode = MODE_IDENT | MODE_RBRACK;
    const t = s.scan();
    if (t === 'rbrack') return node;
    if (t !== 'ident') throw new EnvsubstError(BAD_SUBSTITUTION);
    node.args.push(this.parseParam(acceptNotClosing, MODE_IDENT));
    this.consumeRbrack();
    return node;
  }

  private parseRemove(name: string, accept: Accept): Node {
    const s = this.s;
    const node = { t: 'func' as const, param: name, name: '', args: [] as Node[] };
    s.accept = accept;
    s.mode = MODE_IDENT;
    if (s.scan() !== 'ident') throw new EnvsubstError(BAD_SUBSTITUTION);
    node.name = s.text();
    node.args.push(this.parseParam(acceptNotClosing, MODE_IDENT));
    this.consumeRbrack();
    return node;
  }

  private parseReplace(name: string): Node {
    const s = this.s;
    const node = { t: 'func' as const, param: name, name: '', args: [] as Node[] };
    s.accept = acceptReplaceFunc;
    s.mode = MODE_IDENT;
    if (s.scan() !== 'ident') throw new EnvsubstError(BAD_SUBSTITUTION);
    node.name = s.text();
    node.args.push(this.parseParam(acceptNotSlash, MODE_IDENT | MODE_ESCAPE));
    s.accept = acceptSlash;
    s.mode = MODE_IDENT;
    if (s.scan() !== 'ident') throw new EnvsubstError(BAD_SUBSTITUTION);
    if (s.peek() === '}') {
      this.consumeRbrack();
      return node;
    }
    node.args.push(this.parseParam(acceptNotClosing, MODE_IDENT | MODE_ESCAPE));
    this.consumeRbrack();
    return node;
  }

  private parseDefault(name: string): Node {
    const s = this.s;
    const node = { t: 'func' as const, param: name, name: '', args: [] as Node[] };
    s.accept = s.peek() === '=' ? acceptOneEqual : acceptDefaultFunc;
    s.mode = MODE_IDENT;
    if (s.scan() !== 'ident') throw new EnvsubstError(PARSE_DEFAULT_FUNCTION);
    node.name = s.text();
    for (;;) {
      if (s.peek() === '}') {
        this.consumeRbrack();
        return node;
      }
      if (s.peek() === '') throw new EnvsubstError(PARSE_FUNC_SUBSTITUTION);
      node.args.push(this.parseParam(acceptNotClosing, MODE_IDENT));
    }
  }

  private parseCasing(name: string): Node {
    const s = this.s;
    const node = { t: 'func' as const, param: name, name: '', args: [] as Node[] };
    s.accept = acceptCasingFunc;
    s.mode = MODE_IDENT;
    if (s.scan() !== 'ident') throw new EnvsubstError(BAD_SUBSTITUTION);
    node.name = s.text();
    this.consumeRbrack();
    return node;
  }

  private parseLen(): Node {
    const s = this.s;
    const node = { t: 'func' as const, param: '', name: '', args: [] as Node[] };
    s.accept = acceptOneHash;
    s.mode = MODE_IDENT;
    if (s.scan() !== 'ident') throw new EnvsubstError(BAD_SUBSTITUTION);
    node.name = s.text();
    s.accept = acceptIdent;
    s.mode = MODE_IDENT;
    if (s.scan() !== 'ident') throw new EnvsubstError(BAD_SUBSTITUTION);
    node.param = s.text();
    this.consumeRbrack();
    return node;
  }

  private consumeRbrack(): void {
    this.s.mode = MODE_RBRACK;
    if (this.s.scan() !== 'rbrack') throw new EnvsubstError(BAD_SUBSTITUTION);
  }
}

// ------------------------------------------------------------------------------------------------ functions

function byteLen(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/** Byte slicing as Go does it (the operators are byte-based). */
function bslice(s: string, a: number, b?: number): string {
  return Buffer.from(s, 'utf8').subarray(a, b).toString('utf8');
}

function atoi(s: string): number | undefined {
  return /^[+-]?\d+$/.test(s) ? Number(s) : undefined;
}

const globCache = new Map<string, RegExp | null>();

/** The fork's path.Match: `*` and `?` cross `/`; classes and escapes as in Go. */
function globMatch(pattern: string, name: string): boolean | 'error' {
  let re = globCache.get(pattern);
  if (re === undefined) {
    let src = '';
    let ok = true;
    for (let i = 0; i < pattern.length && ok; i++) {
      const c = pattern[i]!;
      if (c === '*') src += '.*';
      else if (c === '?') src += '.';
      else if (c === '\\') {
        if (i + 1 >= pattern.length) ok = false;
        else src += '\\' + pattern[++i];
      } else if (c === '[') {
        let j = i + 1;
        let cls = '[';
        if (pattern[j] === '^') {
          cls += '^';
          j++;
        }
        let n = 0;
        for (; j < pattern.length && !(pattern[j] === ']' && n > 0); j++, n++) {
          const d = pattern[j]!;
          if (d === '\\') {
            j++;
            if (j >= pattern.length) break;
            cls += '\\' + pattern[j];
          } else if (d === '-' && n === 0) {
            ok = false;
            break;
          } else cls += d === ']' || d === '[' ? '\\' + d : d;
        }
        if (j >= pattern.length) ok = false;
        src += cls + ']';
        i = j;
      } else src += /[.+^${}()|/]/.test(c) ? '\\' + c : c;
    }
    try {
      re = ok ? new RegExp(`^${src}$`, 's') : null;
    } catch {
      re = null;
    }
    globCache.set(pattern, re);
  }
  if (re === null) return 'error';
  return re.test(name);
}

function reverse(s: string): string {
  return [...s].reverse().join('');
}

function trimShortest(s: string, arg: string): string {
  let shortest = '';
  const len = s.length;
  for (let i = 0; i < len; i++) {
    const m = globMatch(arg, s.slice(0, len - i));
    if (m === 'error') return s;
    if (m) shortest = s.slice(0, len - i);
  }
  return shortest !== '' && s.startsWith(shortest) ? s.slice(shortest.length) : s;
}

function trimLongest(s: string, arg: string): string {
  const len = s.length;
  for (let i = 0; i < len; i++) {
    const m = globMatch(arg, s.slice(0, len - i));
    if (m === 'error') return s;
    if (m) return s.slice(len - i);
  }
  return s;
}

function toSubstr(s: string, args: string[]): string {
  if (!args.length) return s;
  let pos = atoi(args[0]!);
  if (pos === undefined) return s;
  const len = byteLen(s);
  if (pos < 0) {
    pos = len + pos;
    if (pos < 0) pos = 0;
  }
  if (args.length === 1) return pos < len ? bslice(s, pos) : '';
  const length = atoi(args[1]!);
  if (length === undefined) return s;
  if (pos + length >= len) return pos < len ? bslice(s, pos) : '';
  return bslice(s, pos, pos + length);
}

function apply(name: string, v: string, args: string[]): string {
  switch (name) {
    case ',':
      return v ? String.fromCodePoint(v.codePointAt(0)!).toLowerCase() + v.slice(String.fromCodePoint(v.codePointAt(0)!).length) : v;
    case ',,':
      return v.toLowerCase();
    case '^':
      return v ? String.fromCodePoint(v.codePointAt(0)!).toUpperCase() + v.slice(String.fromCodePoint(v.codePointAt(0)!).length) : v;
    case '^^':
      return v.toUpperCase();
    case '#':
      return args.length === 0 ? String(byteLen(v)) : trimShortest(v, args[0]!);
    case '##':
      return args.length ? trimLongest(v, args[0]!) : v;
    case '%':
      return args.length ? reverse(trimShortest(reverse(v), reverse(args[0]!))) : v;
    case '%%':
      return args.length ? reverse(trimLongest(reverse(v), reverse(args[0]!))) : v;
    case ':':
      return toSubstr(v, args);
    case '/#':
      return args.length === 2 && v.startsWith(args[0]!) ? args[1]! + v.slice(args[0]!.length) : v;
    case '/%':
      return args.length === 2 && v.endsWith(args[0]!) ? v.slice(0, v.length - args[0]!.length) + args[1]! : v;
    case '/':
      return args.length === 0 ? v : replaceN(v, args[0]!, args[1] ?? '', 1);
    case '//':
      return args.length === 0 ? v : replaceN(v, args[0]!, args[1] ?? '', -1);
    default:
      // "", "=", ":=", ":-", ":?", ":+", "-", "+" all give the value, or the joined args when it is empty.
      return v.length === 0 && args.length ? args.join('') : v;
  }
}

/** strings.Replace (an empty `old` inserts between characters, as Go does). */
function replaceN(s: string, old: string, rep: string, n: number): string {
  if (old === '') {
    const chars = [...s];
    let out = '';
    let count = 0;
    for (let i = 0; i <= chars.length; i++) {
      if (n < 0 || count < n) {
        out += rep;
        count++;
      }
      if (i < chars.length) out += chars[i];
    }
    return out;
  }
  if (n < 0) return s.split(old).join(rep);
  const i = s.indexOf(old);
  return i < 0 ? s : s.slice(0, i) + rep + s.slice(i + old.length);
}

const DEFAULT_OPS = new Set(['-', '+', '=', '?', ':-', ':+', ':=', ':?']);

/** Evaluates `text`; `lookup` returns undefined for an unset variable (strict mode then fails unless a default op). */
export function envsubst(text: string, lookup: (name: string) => string | undefined, strict: boolean): string {
  const tree = new Parser().parse(text);
  const evalNode = (n: Node): string => {
    if (n.t === 'text') return n.v;
    if (n.t === 'list') return n.nodes.map(evalNode).join('');
    const args = n.args.map(evalNode);
    const found = lookup(n.param);
    if (found === undefined && strict && !DEFAULT_OPS.has(n.name)) throw new EnvsubstError(`variable not set (strict mode): ${JSON.stringify(n.param)}`);
    return apply(n.name, found ?? '', args);
  };
  return evalNode(tree);
}

const VAR_NAME = /^[_\p{L}][_\p{L}\p{Nd}]*$/u;

/** Checks variable names as kustomize-controller does before substituting. */
export function checkVarNames(vars: Map<string, string>): void {
  for (const k of vars.keys()) {
    if (!/^[_A-Za-z][_A-Za-z0-9]*$/.test(k) && !VAR_NAME.test(k)) throw new EnvsubstError(`'${k}' var name is invalid, must match '^[_[:alpha:]][_[:alpha:][:digit:]]*$'`);
  }
}
