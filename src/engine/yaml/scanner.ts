/**
 * A YAML tokenizer that accepts and rejects exactly what yaml.v3 (a port of libyaml, which kustomize reads every
 * file with) accepts and rejects, and produces the same scalar values: simple keys found after the fact, block
 * indentation tracked with BLOCK-START/BLOCK-END tokens, tabs refused where libyaml refuses them, plain and quoted
 * scalars folded the libyaml way, block scalars chomped and indented the libyaml way.
 *
 * Positions: `line` is 0-based here (the parser adds one), `col` counts UTF-16 code units from 0, `index` is the
 * offset in the text. The scanner works on a JS string; the caller has already refused characters YAML forbids.
 */

export const enum T {
  StreamStart,
  StreamEnd,
  VersionDirective,
  TagDirective,
  DocumentStart,
  DocumentEnd,
  BlockSequenceStart,
  BlockMappingStart,
  BlockEnd,
  FlowSequenceStart,
  FlowSequenceEnd,
  FlowMappingStart,
  FlowMappingEnd,
  BlockEntry,
  FlowEntry,
  Key,
  Value,
  Alias,
  Anchor,
  Tag,
  Scalar,
}

export const enum S {
  Plain,
  Single,
  Double,
  Literal,
  Folded,
}

export interface Mark {
  index: number;
  line: number;
  col: number;
}

/**
 * Every token has every field, so that code reading tokens sees one object shape. A token is also the mark of
 * where it starts (no separate position object per token).
 */
function tok(type: T, at: Mark, value = '', style: S = S.Plain, suffix = ''): Token {
  return { index: at.index, line: at.line, col: at.col, type, value, suffix, style, major: 0, minor: 0 };
}

/** A token at the scanner's current position. */
function tokHere(sc: { pos: number; line: number; col: number }, type: T): Token {
  return { index: sc.pos, line: sc.line, col: sc.col, type, value: '', suffix: '', style: S.Plain, major: 0, minor: 0 };
}

/** A token starts where it is: its own index, line and column are its start mark. */
export interface Token extends Mark {
  type: T;
  /** Scalar text, anchor/alias name, tag handle, or %TAG handle. */
  value: string;
  /** Tag suffix, or %TAG prefix. */
  suffix: string;
  style: S;
  /** %YAML major version; for a block scalar, the offset just after its last line. */
  major: number;
  minor: number;
}

/** A syntax error at a position (0-based line, 0-based column), with libyaml's wording. */
export class YamlSyntaxError extends Error {
  constructor(
    readonly problem: string,
    readonly mark: Mark,
    readonly context?: string,
    readonly contextMark?: Mark,
  ) {
    super(problem);
  }
}

interface SimpleKey {
  possible: boolean;
  required: boolean;
  tokenNumber: number;
  mark: Mark;
}

const isBreakC = (c: number): boolean => c === 10 || c === 13 || c === 0x85 || c === 0x2028 || c === 0x2029;
const isBlankC = (c: number): boolean => c === 32 || c === 9;
/** Blank, break, or the end of the text (c < 0). */
const isBlankzC = (c: number): boolean => c < 0 || c === 32 || c === 9 || isBreakC(c);
const isBreakzC = (c: number): boolean => c < 0 || isBreakC(c);
const isAlphaC = (c: number): boolean =>
  (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 45;
const isDigitC = (c: number): boolean => c >= 48 && c <= 57;
const isHexC = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
const hexVal = (c: number): number => (c <= 57 ? c - 48 : c <= 70 ? c - 55 : c - 87);

/** Characters allowed in a tag URI (besides alphanumerics, '-' and '_'). */
const URI_CHARS = new Set(Array.from(";/?:@&=+$,.!~*'()[]%", (ch) => ch.charCodeAt(0)));

export class Scanner {
  private readonly s: string;
  private readonly n: number;
  pos = 0;
  line = 0;
  col = 0;

  private tokens: Token[] = [];
  private head = 0;
  /** Tokens handed to the parser so far. */
  private parsed = 0;
  private streamStartProduced = false;
  private streamEndFetched = false;

  private indent = -1;
  private indents: number[] = [];
  private flowLevel = 0;
  private simpleKeyAllowed = false;
  private simpleKeys: SimpleKey[] = [];

  constructor(text: string) {
    this.s = text;
    this.n = text.length;
  }

  // ---- character access ----

  private ch(off = 0): number {
    const p = this.pos + off;
    return p < this.n ? this.s.charCodeAt(p) : -1;
  }

  private mark(): Mark {
    return { index: this.pos, line: this.line, col: this.col };
  }

  /** Advances over one non-break character (a surrogate pair counts as two columns, as editors count). */
  private skip(): void {
    this.pos++;
    this.col++;
  }

  /** Advances over a line break (CR LF counts as one). */
  private skipLine(): void {
    const c = this.ch();
    if (c === 13 && this.ch(1) === 10) this.pos += 2;
    else if (isBreakC(c)) this.pos++;
    else return;
    this.line++;
    this.col = 0;
  }

  /** Reads a line break as libyaml normalises it: CR, LF, CR LF and NEL become LF; LS and PS stay. */
  private readLine(): string {
    const c = this.ch();
    let out: string;
    if (c === 13 && this.ch(1) === 10) {
      this.pos += 2;
      out = '\n';
    } else if (c === 13 || c === 10 || c === 0x85) {
      this.pos++;
      out = '\n';
    } else if (c === 0x2028 || c === 0x2029) {
      this.pos++;
      out = String.fromCharCode(c);
    } else return '';
    this.line++;
    this.col = 0;
    return out;
  }

  private error(problem: string, context?: string, contextMark?: Mark): never {
    throw new YamlSyntaxError(problem, this.mark(), context, contextMark);
  }

  // ---- token queue ----

  /** The next token, without consuming it. */
  peek(): Token {
    this.fetchMore();
    return this.tokens[this.head]!;
  }

  /** Consumes the token `peek` returned. */
  /** The last token the parser consumed that was not a BLOCK-END (to know how a document ended). */
  lastContent?: Token;

  next(): void {
    const t = this.tokens[this.head]!;
    if (t.type !== T.BlockEnd) this.lastContent = t;
    this.head++;
    this.parsed++;
    if (this.head > 64 && this.head * 2 > this.tokens.length) {
      this.tokens = this.tokens.slice(this.head);
      this.head = 0;
    }
  }

  private insertToken(at: number, t: Token): void {
    // `at` counts from the head of the queue; -1 appends.
    const tokens = this.tokens;
    if (at < 0) {
      tokens.push(t);
      return;
    }
    const p = this.head + at;
    tokens.push(t);
    for (let i = tokens.length - 1; i > p; i--) tokens[i] = tokens[i - 1]!;
    tokens[p] = t;
  }

  private fetchMore(): void {
    for (;;) {
      if (this.head < this.tokens.length) {
        // More tokens are needed only while the head token may still turn out to be a simple key.
        let pending = false;
        for (const k of this.simpleKeys) {
          if (k.possible && k.tokenNumber === this.parsed) {
            pending = true;
            break;
          }
        }
        if (!pending) return;
        this.staleSimpleKeys();
        pending = false;
        for (const k of this.simpleKeys) {
          if (k.possible && k.tokenNumber === this.parsed) {
            pending = true;
            break;
          }
        }
        if (!pending) return;
      }
      if (this.streamEndFetched) {
        // Past the end every pending simple key is stale (libyaml reaches the same state by fetching again).
        for (const k of this.simpleKeys) k.possible = false;
        if (this.head === this.tokens.length) this.tokens.push(tokHere(this, T.StreamEnd));
        continue;
      }
      this.fetchNext();
    }
  }

  private fetchNext(): void {
    if (!this.streamStartProduced) {
      this.streamStartProduced = true;
      this.indent = -1;
      this.simpleKeys.push({ possible: false, required: false, tokenNumber: 0, mark: this.mark() });
      this.simpleKeyAllowed = true;
      this.tokens.push(tokHere(this, T.StreamStart));
      return;
    }
    this.scanToNextToken();
    this.staleSimpleKeys();
    this.unrollIndent(this.col);

    const c = this.ch();
    if (c < 0) return this.fetchStreamEnd();
    if (this.col === 0 && c === 37 /* % */) return this.fetchDirective();
    if (this.col === 0 && this.isDocumentIndicator(45 /* - */)) return this.fetchDocumentIndicator(T.DocumentStart);
    if (this.col === 0 && this.isDocumentIndicator(46 /* . */)) return this.fetchDocumentIndicator(T.DocumentEnd);

    switch (c) {
      case 91: return this.fetchFlowCollectionStart(T.FlowSequenceStart);
      case 123: return this.fetchFlowCollectionStart(T.FlowMappingStart);
      case 93: return this.fetchFlowCollectionEnd(T.FlowSequenceEnd);
      case 125: return this.fetchFlowCollectionEnd(T.FlowMappingEnd);
      case 44: return this.fetchFlowEntry();
    }
    const next = this.ch(1);
    if (c === 45 && isBlankzC(next)) return this.fetchBlockEntry();
    if (c === 63 && (this.flowLevel > 0 || isBlankzC(next))) return this.fetchKey();
    if (c === 58 && (this.flowLevel > 0 || isBlankzC(next))) return this.fetchValue();
    if (c === 42) return this.fetchAnchor(T.Alias);
    if (c === 38) return this.fetchAnchor(T.Anchor);
    if (c === 33) return this.fetchTag();
    if (c === 124 && this.flowLevel === 0) return this.fetchBlockScalar(true);
    if (c === 62 && this.flowLevel === 0) return this.fetchBlockScalar(false);
    if (c === 39) return this.fetchFlowScalar(true);
    if (c === 34) return this.fetchFlowScalar(false);

    // A plain scalar cannot start with an indicator, except '-', '?', ':' followed by a non-space ('?' and ':'
    // only in the block context).
    const indicator =
      isBlankzC(c) || c === 45 || c === 63 || c === 58 || c === 44 || c === 91 || c === 93 || c === 123 || c === 125 ||
      c === 35 || c === 38 || c === 42 || c === 33 || c === 124 || c === 62 || c === 39 || c === 34 || c === 37 ||
      c === 64 || c === 96;
    if (!indicator || (c === 45 && !isBlankC(next)) || (this.flowLevel === 0 && (c === 63 || c === 58) && !isBlankzC(next))) {
      return this.fetchPlainScalar();
    }
    this.error('found character that cannot start any token', 'while scanning for the next token', this.mark());
  }

  private isDocumentIndicator(c: number): boolean {
    return this.ch() === c && this.ch(1) === c && this.ch(2) === c && isBlankzC(this.ch(3));
  }

  // ---- simple keys and indentation ----

  private staleSimpleKeys(): void {
    for (const k of this.simpleKeys) {
      if (k.possible && (k.mark.line < this.line || k.mark.index + 1024 < this.pos)) {
        if (k.required) {
          throw new YamlSyntaxError("could not find expected ':'", this.mark(), 'while scanning a simple key', k.mark);
        }
        k.possible = false;
      }
    }
  }

  /** The text between two offsets (for the composer's look at what follows a document's last scalar). */
  slice(from: number, to: number): string {
    return this.s.slice(from, to);
  }

  /** Remembers that a simple key may start at `m` (the current position). */
  private saveSimpleKey(m: Mark): void {
    const required = this.flowLevel === 0 && this.indent === this.col;
    if (this.simpleKeyAllowed) {
      this.removeSimpleKey();
      const k = this.simpleKeys[this.simpleKeys.length - 1]!;
      k.possible = true;
      k.required = required;
      k.tokenNumber = this.parsed + (this.tokens.length - this.head);
      k.mark = m;
    }
  }

  private removeSimpleKey(): void {
    const k = this.simpleKeys[this.simpleKeys.length - 1]!;
    if (k.possible && k.required) {
      throw new YamlSyntaxError("could not find expected ':'", this.mark(), 'while scanning a simple key', k.mark);
    }
    k.possible = false;
  }

  private increaseFlowLevel(): void {
    this.simpleKeys.push({ possible: false, required: false, tokenNumber: 0, mark: this.mark() });
    this.flowLevel++;
    if (this.flowLevel > 10000) this.error('exceeded max depth of 10000', 'while increasing flow level');
  }

  private decreaseFlowLevel(): void {
    if (this.flowLevel > 0) {
      this.flowLevel--;
      this.simpleKeys.pop();
    }
  }

  private rollIndent(column: number, tokenNumber: number, type: T, mark: Mark): void {
    if (this.flowLevel > 0) return;
    if (this.indent < column) {
      this.indents.push(this.indent);
      this.indent = column;
      if (this.indents.length > 10000) this.error('exceeded max depth of 10000', 'while increasing indent level');
      const t = tok(type, mark);
      if (tokenNumber === -1) this.insertToken(-1, t);
      else this.insertToken(tokenNumber - this.parsed, t);
    }
  }

  private unrollIndent(column: number): void {
    if (this.flowLevel > 0) return;
    while (this.indent > column) {
      this.tokens.push(tokHere(this, T.BlockEnd));
      this.indent = this.indents.pop()!;
    }
  }

  // ---- fetchers ----

  private fetchStreamEnd(): void {
    if (this.col !== 0) {
      this.col = 0;
      this.line++;
    }
    this.unrollIndent(-1);
    this.removeSimpleKey();
    this.simpleKeyAllowed = false;
    this.streamEndFetched = true;
    this.tokens.push(tokHere(this, T.StreamEnd));
  }

  private fetchDirective(): void {
    this.unrollIndent(-1);
    this.removeSimpleKey();
    this.simpleKeyAllowed = false;
    this.tokens.push(this.scanDirective());
  }

  private fetchDocumentIndicator(type: T): void {
    this.unrollIndent(-1);
    this.removeSimpleKey();
    this.simpleKeyAllowed = false;
    const t = tokHere(this, type);
    this.skip();
    this.skip();
    this.skip();
    this.tokens.push(t);
  }

  private fetchFlowCollectionStart(type: T): void {
    const t = tokHere(this, type);
    this.saveSimpleKey(t);
    this.increaseFlowLevel();
    this.simpleKeyAllowed = true;
    this.skip();
    this.tokens.push(t);
  }

  private fetchFlowCollectionEnd(type: T): void {
    this.removeSimpleKey();
    this.decreaseFlowLevel();
    this.simpleKeyAllowed = false;
    const t = tokHere(this, type);
    this.skip();
    this.tokens.push(t);
  }

  private fetchFlowEntry(): void {
    this.removeSimpleKey();
    this.simpleKeyAllowed = true;
    const t = tokHere(this, T.FlowEntry);
    this.skip();
    this.tokens.push(t);
  }

  private fetchBlockEntry(): void {
    const t = tokHere(this, T.BlockEntry);
    if (this.flowLevel === 0) {
      if (!this.simpleKeyAllowed) this.error('block sequence entries are not allowed in this context');
      this.rollIndent(this.col, -1, T.BlockSequenceStart, t);
    }
    // In the flow context the parser reports the misplaced '-'.
    this.removeSimpleKey();
    this.simpleKeyAllowed = true;
    this.skip();
    this.tokens.push(t);
  }

  private fetchKey(): void {
    const t = tokHere(this, T.Key);
    if (this.flowLevel === 0) {
      if (!this.simpleKeyAllowed) this.error('mapping keys are not allowed in this context');
      this.rollIndent(this.col, -1, T.BlockMappingStart, t);
    }
    this.removeSimpleKey();
    this.simpleKeyAllowed = this.flowLevel === 0;
    this.skip();
    this.tokens.push(t);
  }

  private fetchValue(): void {
    const k = this.simpleKeys[this.simpleKeys.length - 1]!;
    if (k.possible && (k.mark.line < this.line || k.mark.index + 1024 < this.pos)) {
      if (k.required) throw new YamlSyntaxError("could not find expected ':'", this.mark(), 'while scanning a simple key', k.mark);
      k.possible = false;
    }
    const t = tokHere(this, T.Value);
    if (k.possible) {
      this.insertToken(k.tokenNumber - this.parsed, tok(T.Key, k.mark));
      this.rollIndent(k.mark.col, k.tokenNumber, T.BlockMappingStart, k.mark);
      k.possible = false;
      this.simpleKeyAllowed = false;
    } else {
      if (this.flowLevel === 0) {
        if (!this.simpleKeyAllowed) this.error('mapping values are not allowed in this context');
        this.rollIndent(this.col, -1, T.BlockMappingStart, t);
      }
      this.simpleKeyAllowed = this.flowLevel === 0;
    }
    this.skip();
    this.tokens.push(t);
  }

  private fetchAnchor(type: T): void {
    const t = tokHere(this, type);
    this.saveSimpleKey(t);
    this.simpleKeyAllowed = false;
    this.tokens.push(this.scanAnchor(t));
  }

  private fetchTag(): void {
    const t = tokHere(this, T.Tag);
    this.saveSimpleKey(t);
    this.simpleKeyAllowed = false;
    this.tokens.push(this.scanTag(t));
  }

  private fetchBlockScalar(literal: boolean): void {
    this.removeSimpleKey();
    this.simpleKeyAllowed = true;
    this.tokens.push(this.scanBlockScalar(literal));
  }

  private fetchFlowScalar(single: boolean): void {
    const t = tokHere(this, T.Scalar);
    this.saveSimpleKey(t);
    this.simpleKeyAllowed = false;
    this.tokens.push(this.scanFlowScalar(single, t));
  }

  private fetchPlainScalar(): void {
    const t = tokHere(this, T.Scalar);
    this.saveSimpleKey(t);
    this.simpleKeyAllowed = false;
    this.tokens.push(this.scanPlainScalar(t));
  }

  // ---- scanners ----

  private scanToNextToken(): void {
    for (;;) {
      if (this.col === 0 && this.ch() === 0xfeff) this.skip();
      // Tabs are whitespace in the flow context, and in the block context except where a simple key may start
      // (at the beginning of a line, after '-', '?' or ':').
      for (;;) {
        const c = this.ch();
        if (c === 32 || (c === 9 && (this.flowLevel > 0 || !this.simpleKeyAllowed))) this.skip();
        else break;
      }
      if (this.ch() === 35) {
        while (!isBreakzC(this.ch())) this.skip();
      }
      if (isBreakC(this.ch())) {
        this.skipLine();
        if (this.flowLevel === 0) this.simpleKeyAllowed = true;
      } else break;
    }
  }

  private scanDirective(): Token {
    const start = this.mark();
    this.skip();
    let name = '';
    while (isAlphaC(this.ch())) {
      name += String.fromCharCode(this.ch());
      this.skip();
    }
    if (name === '') this.error('could not find expected directive name', 'while scanning a directive', start);
    if (!isBlankzC(this.ch())) this.error('found unexpected non-alphabetical character', 'while scanning a directive', start);
    let token: Token;
    if (name === 'YAML') {
      while (isBlankC(this.ch())) this.skip();
      const major = this.scanVersionNumber(start);
      if (this.ch() !== 46) this.error("did not find expected digit or '.' character", 'while scanning a %YAML directive', start);
      this.skip();
      const minor = this.scanVersionNumber(start);
      token = tok(T.VersionDirective, start);
      token.major = major;
      token.minor = minor;
    } else if (name === 'TAG') {
      while (isBlankC(this.ch())) this.skip();
      const handle = this.scanTagHandle(true, start);
      if (!isBlankC(this.ch())) this.error('did not find expected whitespace', 'while scanning a %TAG directive', start);
      while (isBlankC(this.ch())) this.skip();
      const prefix = this.scanTagUri(true, '', start);
      if (!isBlankzC(this.ch())) this.error('did not find expected whitespace or line break', 'while scanning a %TAG directive', start);
      token = tok(T.TagDirective, start, handle, S.Plain, prefix);
    } else {
      this.error('found unknown directive name', 'while scanning a directive', start);
    }
    while (isBlankC(this.ch())) this.skip();
    if (this.ch() === 35) while (!isBreakzC(this.ch())) this.skip();
    if (!isBreakzC(this.ch())) this.error('did not find expected comment or line break', 'while scanning a directive', start);
    if (isBreakC(this.ch())) this.skipLine();
    return token;
  }

  private scanVersionNumber(start: Mark): number {
    let value = 0;
    let length = 0;
    while (isDigitC(this.ch())) {
      length++;
      if (length > 2) this.error('found extremely long version number', 'while scanning a %YAML directive', start);
      value = value * 10 + (this.ch() - 48);
      this.skip();
    }
    if (length === 0) this.error('did not find expected version number', 'while scanning a %YAML directive', start);
    return value;
  }

  /** Fills in the anchor or alias token `start` (created at the '&' or '*'). */
  private scanAnchor(start: Token): Token {
    const type = start.type;
    this.skip();
    const from = this.pos;
    while (isAlphaC(this.ch())) this.skip();
    const name = this.s.slice(from, this.pos);
    const c = this.ch();
    if (name === '' || !(isBlankzC(c) || c === 63 || c === 58 || c === 44 || c === 93 || c === 125 || c === 37 || c === 64 || c === 96)) {
      this.error('did not find expected alphabetic or numeric character', type === T.Anchor ? 'while scanning an anchor' : 'while scanning an alias', start);
    }
    start.value = name;
    return start;
  }

  /** Fills in the tag token `start` (created at the '!'). */
  private scanTag(start: Token): Token {
    let handle: string;
    let suffix: string;
    if (this.ch(1) === 60 /* < */) {
      this.skip();
      this.skip();
      handle = '';
      suffix = this.scanTagUri(false, '', start);
      if (this.ch() !== 62) this.error("did not find the expected '>'", 'while scanning a tag', start);
      this.skip();
    } else {
      handle = this.scanTagHandle(false, start);
      if (handle.length > 1 && handle[0] === '!' && handle[handle.length - 1] === '!') {
        suffix = this.scanTagUri(false, '', start);
      } else {
        suffix = this.scanTagUri(false, handle, start);
        handle = '!';
        if (suffix === '') {
          // The bare '!' tag.
          handle = '';
          suffix = '!';
        }
      }
    }
    if (!isBlankzC(this.ch())) this.error('did not find expected whitespace or line break', 'while scanning a tag', start);
    start.value = handle;
    start.suffix = suffix;
    return start;
  }

  private scanTagHandle(directive: boolean, start: Mark): string {
    const context = directive ? 'while parsing a %TAG directive' : 'while parsing a tag';
    if (this.ch() !== 33) this.error("did not find expected '!'", context, start);
    let s = '!';
    this.skip();
    while (isAlphaC(this.ch())) {
      s += String.fromCharCode(this.ch());
      this.skip();
    }
    if (this.ch() === 33) {
      s += '!';
      this.skip();
    } else if (directive && s !== '!') {
      this.error("did not find expected '!'", context, start);
    }
    return s;
  }

  private scanTagUri(directive: boolean, head: string, start: Mark): string {
    const context = directive ? 'while parsing a %TAG directive' : 'while parsing a tag';
    let s = head.length > 1 ? head.slice(1) : '';
    let hasTag = head.length > 0;
    for (;;) {
      const c = this.ch();
      if (!(isAlphaC(c) || URI_CHARS.has(c))) break;
      if (c === 37) s += this.scanUriEscapes(context, start);
      else {
        s += String.fromCharCode(c);
        this.skip();
      }
      hasTag = true;
    }
    if (!hasTag) this.error('did not find expected tag URI', context, start);
    return s;
  }

  private scanUriEscapes(context: string, start: Mark): string {
    const bytes: number[] = [];
    let w = 1024;
    while (w > 0) {
      if (!(this.ch() === 37 && isHexC(this.ch(1)) && isHexC(this.ch(2)))) this.error('did not find URI escaped octet', context, start);
      const octet = (hexVal(this.ch(1)) << 4) + hexVal(this.ch(2));
      if (w === 1024) {
        w = (octet & 0x80) === 0 ? 1 : (octet & 0xe0) === 0xc0 ? 2 : (octet & 0xf0) === 0xe0 ? 3 : (octet & 0xf8) === 0xf0 ? 4 : 0;
        if (w === 0) this.error('found an incorrect leading UTF-8 octet', context, start);
      } else if ((octet & 0xc0) !== 0x80) {
        this.error('found an incorrect trailing UTF-8 octet', context, start);
      }
      bytes.push(octet);
      this.skip();
      this.skip();
      this.skip();
      w--;
    }
    return Buffer.from(bytes).toString('utf8');
  }

  private scanBlockScalar(literal: boolean): Token {
    const start = this.mark();
    this.skip();
    let chomping = 0;
    let increment = 0;
    let c = this.ch();
    if (c === 43 || c === 45) {
      chomping = c === 43 ? 1 : -1;
      this.skip();
      if (isDigitC(this.ch())) {
        if (this.ch() === 48) this.error('found an indentation indicator equal to 0', 'while scanning a block scalar', start);
        increment = this.ch() - 48;
        this.skip();
      }
    } else if (isDigitC(c)) {
      if (c === 48) this.error('found an indentation indicator equal to 0', 'while scanning a block scalar', start);
      increment = c - 48;
      this.skip();
      c = this.ch();
      if (c === 43 || c === 45) {
        chomping = c === 43 ? 1 : -1;
        this.skip();
      }
    }
    while (isBlankC(this.ch())) this.skip();
    if (this.ch() === 35) while (!isBreakzC(this.ch())) this.skip();
    if (!isBreakzC(this.ch())) this.error('did not find expected comment or line break', 'while scanning a block scalar', start);
    if (isBreakC(this.ch())) this.skipLine();

    let indent = 0;
    if (increment > 0) indent = this.indent >= 0 ? this.indent + increment : increment;

    let out = '';
    let leadingBreak = '';
    let trailingBreaks = '';
    const breaks = (): void => {
      let maxIndent = 0;
      for (;;) {
        while ((indent === 0 || this.col < indent) && this.ch() === 32) this.skip();
        if (this.col > maxIndent) maxIndent = this.col;
        if ((indent === 0 || this.col < indent) && this.ch() === 9) {
          this.error('found a tab character where an indentation space is expected', 'while scanning a block scalar', start);
        }
        if (!isBreakC(this.ch())) break;
        trailingBreaks += this.readLine();
      }
      if (indent === 0) {
        indent = maxIndent;
        if (indent < this.indent + 1) indent = this.indent + 1;
        if (indent < 1) indent = 1;
      }
    };
    breaks();
    let leadingBlank = false;
    while (this.col === indent && this.pos < this.n) {
      const trailingBlank = isBlankC(this.ch());
      if (!literal && !leadingBlank && !trailingBlank && leadingBreak.length > 0 && leadingBreak[0] === '\n') {
        if (trailingBreaks.length === 0) out += ' ';
      } else {
        out += leadingBreak;
      }
      leadingBreak = '';
      out += trailingBreaks;
      trailingBreaks = '';
      leadingBlank = isBlankC(this.ch());
      const from = this.pos;
      while (!isBreakzC(this.ch())) this.skip();
      out += this.s.slice(from, this.pos);
      leadingBreak = this.readLine();
      breaks();
    }
    if (chomping !== -1) out += leadingBreak;
    if (chomping === 1) out += trailingBreaks;
    const t = tok(T.Scalar, start, out, literal ? S.Literal : S.Folded);
    // Where the block scalar's text ends (after its trailing empty lines).
    t.major = this.pos;
    return t;
  }

  /** Fills in the scalar token `start` (created at the opening quote). */
  private scanFlowScalar(single: boolean, start: Token): Token {
    this.skip();
    let out = '';
    let leadingBreak = '';
    let trailingBreaks = '';
    let whitespaces = '';
    for (;;) {
      if (this.col === 0 && (this.isDocumentIndicator(45) || this.isDocumentIndicator(46))) {
        this.error('found unexpected document indicator', 'while scanning a quoted scalar', start);
      }
      if (this.pos >= this.n) this.error('found unexpected end of stream', 'while scanning a quoted scalar', start);
      let leadingBlanks = false;
      // Non-blank characters.
      for (;;) {
        const c = this.ch();
        if (isBlankzC(c)) break;
        if (single && c === 39 && this.ch(1) === 39) {
          out += "'";
          this.skip();
          this.skip();
        } else if (single && c === 39) break;
        else if (!single && c === 34) break;
        else if (!single && c === 92 && isBreakC(this.ch(1))) {
          this.skip();
          this.skipLine();
          leadingBlanks = true;
          break;
        } else if (!single && c === 92) {
          let codeLength = 0;
          const e = this.ch(1);
          switch (e) {
            case 48: out += '\0'; break;
            case 97: out += '\x07'; break;
            case 98: out += '\b'; break;
            case 116: case 9: out += '\t'; break;
            case 110: out += '\n'; break;
            case 118: out += '\v'; break;
            case 102: out += '\f'; break;
            case 114: out += '\r'; break;
            case 101: out += '\x1b'; break;
            case 32: out += ' '; break;
            case 34: out += '"'; break;
            case 39: out += "'"; break;
            case 92: out += '\\'; break;
            case 78: out += '\x85'; break;
            case 95: out += '\xa0'; break;
            case 76: out += '\u2028'; break;
            case 80: out += '\u2029'; break;
            case 120: codeLength = 2; break;
            case 117: codeLength = 4; break;
            case 85: codeLength = 8; break;
            default:
              this.error('found unknown escape character', 'while parsing a quoted scalar', start);
          }
          this.skip();
          this.skip();
          if (codeLength > 0) {
            let value = 0;
            for (let k = 0; k < codeLength; k++) {
              const h = this.ch(k);
              if (!isHexC(h)) this.error('did not find expected hexdecimal number', 'while parsing a quoted scalar', start);
              value = value * 16 + hexVal(h);
            }
            if ((value >= 0xd800 && value <= 0xdfff) || value > 0x10ffff) {
              this.error('found invalid Unicode character escape code', 'while parsing a quoted scalar', start);
            }
            out += String.fromCodePoint(value);
            for (let k = 0; k < codeLength; k++) this.skip();
          }
        } else {
          // Copy a run of ordinary characters at once.
          const from = this.pos;
          this.skip();
          for (;;) {
            const d = this.ch();
            if (isBlankzC(d) || d === 39 || d === 34 || d === 92) break;
            this.skip();
          }
          out += this.s.slice(from, this.pos);
        }
      }
      const c = this.ch();
      if (single ? c === 39 : c === 34) break;
      // Blanks and breaks.
      for (;;) {
        const d = this.ch();
        if (isBlankC(d)) {
          if (!leadingBlanks) whitespaces += String.fromCharCode(d);
          this.skip();
        } else if (isBreakC(d)) {
          if (!leadingBlanks) {
            whitespaces = '';
            leadingBreak = this.readLine();
            leadingBlanks = true;
          } else {
            trailingBreaks += this.readLine();
          }
        } else break;
      }
      if (leadingBlanks) {
        if (leadingBreak.length > 0 && leadingBreak[0] === '\n') {
          out += trailingBreaks.length === 0 ? ' ' : trailingBreaks;
        } else {
          out += leadingBreak + trailingBreaks;
        }
        leadingBreak = '';
        trailingBreaks = '';
      } else {
        out += whitespaces;
        whitespaces = '';
      }
    }
    this.skip();
    start.value = out;
    start.style = single ? S.Single : S.Double;
    return start;
  }

  /** Fills in the scalar token `start` (created at the scalar's first character). */
  private scanPlainScalar(start: Token): Token {
    let out = '';
    let leadingBreak = '';
    let trailingBreaks = '';
    let whitespaces = '';
    let leadingBlanks = false;
    const indent = this.indent + 1;
    for (;;) {
      if (this.col === 0 && (this.isDocumentIndicator(45) || this.isDocumentIndicator(46))) break;
      if (this.ch() === 35) break;
      // Copy a run of non-blank characters up to an indicator that ends the scalar.
      const text = this.s;
      const n = this.n;
      const flow = this.flowLevel > 0;
      const from0 = this.pos;
      let p = from0;
      while (p < n) {
        const c = text.charCodeAt(p);
        if (c === 32 || c === 9 || c === 10 || c === 13 || c === 0x85 || c === 0x2028 || c === 0x2029) break;
        if (c === 58 && (p + 1 >= n || isBlankzC(text.charCodeAt(p + 1)))) break;
        if (flow && (c === 44 || c === 63 || c === 91 || c === 93 || c === 123 || c === 125)) break;
        p++;
      }
      if (p > from0) {
        if (leadingBlanks) {
          if (leadingBreak[0] === '\n') out += trailingBreaks.length === 0 ? ' ' : trailingBreaks;
          else out += leadingBreak + trailingBreaks;
          trailingBreaks = '';
          leadingBreak = '';
          leadingBlanks = false;
        } else if (whitespaces.length > 0) {
          out += whitespaces;
          whitespaces = '';
        }
        out += text.slice(from0, p);
        this.col += p - from0;
        this.pos = p;
      }
      const c = this.ch();
      if (!(isBlankC(c) || isBreakC(c))) break;
      for (;;) {
        const d = this.ch();
        if (isBlankC(d)) {
          if (leadingBlanks && this.col < indent && d === 9) {
            this.error('found a tab character that violates indentation', 'while scanning a plain scalar', start);
          }
          if (!leadingBlanks) whitespaces += String.fromCharCode(d);
          this.skip();
        } else if (isBreakC(d)) {
          if (!leadingBlanks) {
            whitespaces = '';
            leadingBreak = this.readLine();
            leadingBlanks = true;
          } else {
            trailingBreaks += this.readLine();
          }
        } else break;
      }
      if (this.flowLevel === 0 && this.col < indent) break;
    }
    if (leadingBlanks) this.simpleKeyAllowed = true;
    start.value = out;
    return start;
  }
}
