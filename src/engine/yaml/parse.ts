/**
 * Parses YAML text into node trees exactly as yaml.v3 (kustomize's reader) would: the same documents, the same
 * scalar values and tags, and an error wherever yaml.v3 reports one. Every node remembers its file, line and
 * column (1-based; columns count UTF-16 code units, as editors do). Comments are dropped, as kustomize drops them.
 */
import { GitOpsError } from '../errors/index.ts';
import type { Loc, MapEntry, MapNode, ScalarNode, ScalarStyle, SeqNode, YNode } from './node.ts';
import { resolvePlainTag } from './resolve.ts';
import { Scanner, S, T, YamlSyntaxError, type Mark, type Token } from './scanner.ts';

/** One document of a YAML stream; `node` is null for an empty document (`---` with nothing after it). */
export interface YDocument {
  node: YNode | null;
  /** Where the document starts. */
  start: Loc;
}

export interface ParseOptions {
  /** Line number of the text's first line in its file (when parsing one document cut out of a stream). */
  firstLine?: number;
  /** Parse only the first document and ignore the rest of the text (what kyaml does with each piece of a file). */
  firstDocumentOnly?: boolean;
}

/** An alias as written, before it is replaced by a copy of its anchor (kept for kustomize's own alias expansion). */
export interface AliasRef {
  kind: 'alias';
  name: string;
  target: RawNode;
  at: Loc;
}
export type RawNode = YNode | AliasRef;
interface RawMapEntry {
  key: RawNode;
  value: RawNode;
}

/** How deep collections may nest (deeper input would exhaust the call stack of this recursive parser). */
const MAX_DEPTH = 1000;

export interface RawDoc {
  root: RawNode | null;
  start: Mark;
  /** The document uses aliases. */
  aliases: boolean;
  /** The document has merge keys, null-tagged keys or alias keys. */
  specialKeys: boolean;
  /**
   * The document ends with a keep-chomped block scalar whose last line is empty, followed by nothing but
   * comments: kustomize's reader keeps those comments and, writing them back, adds a line break to that scalar.
   */
  commentAfterKeptBreaks?: ScalarNode;
}

/** Characters yaml's reader refuses anywhere in a stream. */
const FORBIDDEN = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

const STYLE: Record<number, ScalarStyle> = {
  [S.Plain]: 'plain',
  [S.Single]: 'single',
  [S.Double]: 'double',
  [S.Literal]: 'literal',
  [S.Folded]: 'folded',
};

/** Just after a one-character indicator token ('-', '?', ':'), where libyaml places the empty node that follows it. */
function after(t: Token): Mark {
  return { index: t.index + 1, line: t.line, col: t.col + 1 };
}

const LONG_PREFIX = 'tag:yaml.org,2002:';
function shortTag(tag: string): string {
  return tag.startsWith(LONG_PREFIX) ? '!!' + tag.slice(LONG_PREFIX.length) : tag;
}

const DEFAULT_TAGS: ReadonlyMap<string, string> = new Map([
  ['!', '!'],
  ['!!', 'tag:yaml.org,2002:'],
]);

/** Turns the composer's raw tree (with aliases) into the internal shape; aliases stay as AliasRef. */
class Composer {
  private readonly sc: Scanner;
  private readonly anchors = new Map<string, RawNode>();
  /** Anchored collections still being parsed (an alias to one of them would contain itself). */
  private readonly open = new Set<RawNode>();
  private tagDirectives: ReadonlyMap<string, string> = DEFAULT_TAGS;
  private readonly lineDelta: number;
  /** The current document has an alias (it needs expanding). */
  sawAlias = false;
  /** The current document has a merge key or a null-tagged key (kustomize's reader changes those maps). */
  sawSpecialKey = false;
  private depth = 0;

  constructor(
    text: string,
    private readonly file: string,
    firstLine: number,
  ) {
    this.sc = new Scanner(text);
    this.lineDelta = firstLine - 1;
  }

  loc(m: Mark): Loc {
    return { file: this.file, line: m.line + 1 + this.lineDelta, column: m.col + 1 };
  }

  fail(problem: string, at: Mark, context?: string, contextMark?: Mark): never {
    throw new YamlSyntaxError(problem, at, context, contextMark);
  }

  /** Parses documents; each entry is the raw root (null for an empty document) and where it starts. */
  documents(firstOnly: boolean): RawDoc[] {
    const sc = this.sc;
    const out: RawDoc[] = [];
    let t = sc.peek();
    if (t.type !== T.StreamStart) this.fail('did not find expected <stream-start>', t);
    sc.next();
    let first = true;
    for (;;) {
      t = sc.peek();
      if (!first) {
        while (t.type === T.DocumentEnd) {
          sc.next();
          t = sc.peek();
        }
      }
      if (t.type === T.StreamEnd) break;
      const implicit = first && t.type !== T.VersionDirective && t.type !== T.TagDirective && t.type !== T.DocumentStart;
      first = false;
      this.sawAlias = false;
      this.sawSpecialKey = false;
      let root: RawNode | null;
      const start = t;
      if (implicit) {
        this.directives();
        root = this.node(true, false);
      } else {
        this.directives();
        t = sc.peek();
        if (t.type !== T.DocumentStart) this.fail('did not find expected <document start>', t);
        sc.next();
        t = sc.peek();
        if (t.type === T.VersionDirective || t.type === T.TagDirective || t.type === T.DocumentStart || t.type === T.DocumentEnd || t.type === T.StreamEnd) {
          root = null;
        } else {
          root = this.node(true, false);
        }
      }
      const doc: RawDoc = { root, start, aliases: this.sawAlias, specialKeys: this.sawSpecialKey };
      const last = sc.lastContent;
      // The scalar's last line is empty: it ends with an empty line after content, or is nothing but empty lines.
      const endsEmpty = (v: string): boolean => v.endsWith('\n\n') || /^\n+$/.test(v);
      if (root && last && last.type === T.Scalar && (last.style === S.Literal || last.style === S.Folded) && endsEmpty(last.value)) {
        const rest = sc.slice(last.major, sc.peek().index);
        if (/(^|\n)[ \t]*#/.test(rest)) doc.commentAfterKeptBreaks = lastScalar(root);
      }
      out.push(doc);
      // Document end: an optional '...'.
      t = sc.peek();
      if (t.type === T.DocumentEnd) sc.next();
      this.tagDirectives = DEFAULT_TAGS;
      if (firstOnly) break;
    }
    return out;
  }

  private directives(): void {
    const sc = this.sc;
    const first = sc.peek();
    if (first.type !== T.VersionDirective && first.type !== T.TagDirective) {
      this.tagDirectives = DEFAULT_TAGS;
      return;
    }
    let version = false;
    const tags = new Map<string, string>();
    for (;;) {
      const t = sc.peek();
      if (t.type === T.VersionDirective) {
        if (version) this.fail('found duplicate %YAML directive', t);
        if (t.major !== 1 || t.minor !== 1) this.fail('found incompatible YAML document', t);
        version = true;
      } else if (t.type === T.TagDirective) {
        if (tags.has(t.value!)) this.fail('found duplicate %TAG directive', t);
        tags.set(t.value!, t.suffix!);
      } else break;
      sc.next();
    }
    if (!tags.has('!')) tags.set('!', '!');
    if (!tags.has('!!')) tags.set('!!', LONG_PREFIX);
    this.tagDirectives = tags;
  }

  private emptyScalar(m: Mark, tag?: string, anchor?: string): ScalarNode {
    const n = this.scalarNode('', S.Plain, tag ?? '', m);
    if (anchor !== undefined) this.anchors.set(anchor, n);
    return n;
  }

  private scalarNode(value: string, style: S, tag: string, m: Mark): ScalarNode {
    let t: string;
    let tagged = false;
    if (tag !== '' && tag !== '!') {
      t = shortTag(tag);
      tagged = true;
    } else if (style !== S.Plain) t = '!!str';
    else if (value === '<<') t = '!!merge';
    else t = resolvePlainTag(value);
    const n: ScalarNode = { kind: 'scalar', value, tag: t, style: STYLE[style]!, origin: this.loc(m) };
    if (tagged) n.tagged = true;
    return n;
  }

  /** One node (libyaml's parse_node): properties, then an alias, scalar or collection. */
  private node(block: boolean, indentlessSequence: boolean): RawNode {
    // No try/finally: an error ends the parse, so the depth need not be restored.
    if (++this.depth > MAX_DEPTH) this.fail(`nesting deeper than ${MAX_DEPTH} levels is not supported`, this.sc.peek());
    const n = this.nodeInner(block, indentlessSequence);
    this.depth--;
    return n;
  }

  /** Records what a map entry's key means for later passes, and refuses keys our model cannot hold. */
  private entry(entries: RawMapEntry[], key: RawNode, value: RawNode): void {
    if (key.kind === 'scalar') {
      if (key.tag === '!!merge' || (key.tag === '!!null' && key.value !== '')) this.sawSpecialKey = true;
    } else if (key.kind === 'alias') {
      this.sawSpecialKey = true;
    } else {
      throw new GitOpsError('a mapping key must be a scalar: kustomize cannot use a map or a list as a key', key.origin ?? { file: this.file }, 'yaml');
    }
    entries.push({ key, value });
  }

  private nodeInner(block: boolean, indentlessSequence: boolean): RawNode {
    const sc = this.sc;
    let t = sc.peek();
    if (t.type === T.Alias) {
      sc.next();
      const target = this.anchors.get(t.value!);
      if (!target) this.fail(`unknown anchor '${t.value}' referenced`, t);
      if (this.open.has(target)) this.fail(`anchor '${t.value}' value contains itself`, t);
      this.sawAlias = true;
      return { kind: 'alias', name: t.value!, target, at: this.loc(t) };
    }
    let start = t;
    let anchor: string | undefined;
    let tagToken: Token | undefined;
    if (t.type === T.Anchor) {
      anchor = t.value!;
      sc.next();
      t = sc.peek();
      if (t.type === T.Tag) {
        tagToken = t;
        sc.next();
        t = sc.peek();
      }
    } else if (t.type === T.Tag) {
      tagToken = t;
      sc.next();
      t = sc.peek();
      if (t.type === T.Anchor) {
        anchor = t.value!;
        sc.next();
        t = sc.peek();
      }
    }
    let tag = '';
    if (tagToken) {
      if (tagToken.value === '') tag = tagToken.suffix!;
      else {
        const prefix = this.tagDirectives.get(tagToken.value!);
        if (prefix === undefined) this.fail('found undefined tag handle', tagToken, 'while parsing a node', start);
        tag = prefix + tagToken.suffix!;
      }
    }
    if (!anchor && !tagToken) start = t;

    if (indentlessSequence && t.type === T.BlockEntry) return this.indentlessSequence(start, tag, anchor);
    if (t.type === T.Scalar) {
      sc.next();
      const n = this.scalarNode(t.value!, t.style!, tag, start);
      if (anchor !== undefined) this.anchors.set(anchor, n);
      return n;
    }
    if (t.type === T.FlowSequenceStart) return this.flowSequence(start, tag, anchor);
    if (t.type === T.FlowMappingStart) return this.flowMapping(start, tag, anchor);
    if (block && t.type === T.BlockSequenceStart) return this.blockSequence(start, tag, anchor);
    if (block && t.type === T.BlockMappingStart) return this.blockMapping(start, tag, anchor);
    if (anchor !== undefined || tag !== '') return this.emptyScalar(start, tag, anchor);
    this.fail('did not find expected node content', t, block ? 'while parsing a block node' : 'while parsing a flow node', start);
  }

  private newSeq(start: Mark, tag: string, anchor: string | undefined, flow: boolean): SeqNode {
    const n: SeqNode = { kind: 'seq', items: [], origin: this.loc(start) };
    if (tag !== '' && tag !== '!') {
      const s = shortTag(tag);
      if (s !== '!!seq') n.tag = s;
    }
    if (flow) n.flow = true;
    if (anchor !== undefined) {
      this.anchors.set(anchor, n);
      this.open.add(n);
    }
    return n;
  }

  private newMap(start: Mark, tag: string, anchor: string | undefined, flow: boolean): MapNode {
    const n: MapNode = { kind: 'map', entries: [], origin: this.loc(start) };
    if (tag !== '' && tag !== '!') {
      const s = shortTag(tag);
      if (s !== '!!map') n.tag = s;
    }
    if (flow) n.flow = true;
    if (anchor !== undefined) {
      this.anchors.set(anchor, n);
      this.open.add(n);
    }
    return n;
  }

  private blockSequence(start: Mark, tag: string, anchor: string | undefined): SeqNode {
    const sc = this.sc;
    const n = this.newSeq(start, tag, anchor, false);
    const startToken = sc.peek();
    sc.next();
    const items = n.items as RawNode[];
    for (;;) {
      let t = sc.peek();
      if (t.type === T.BlockEntry) {
        const m = after(t);
        sc.next();
        t = sc.peek();
        if (t.type !== T.BlockEntry && t.type !== T.BlockEnd) items.push(this.node(true, false));
        else items.push(this.emptyScalar(m));
      } else if (t.type === T.BlockEnd) {
        sc.next();
        break;
      } else {
        this.fail("did not find expected '-' indicator", t, 'while parsing a block collection', startToken);
      }
    }
    if (this.open.size > 0) this.open.delete(n);
    return n;
  }

  private indentlessSequence(start: Mark, tag: string, anchor: string | undefined): SeqNode {
    const sc = this.sc;
    const n = this.newSeq(start, tag, anchor, false);
    const items = n.items as RawNode[];
    for (;;) {
      let t = sc.peek();
      if (t.type !== T.BlockEntry) break;
      const m = after(t);
      sc.next();
      t = sc.peek();
      if (t.type !== T.BlockEntry && t.type !== T.Key && t.type !== T.Value && t.type !== T.BlockEnd) items.push(this.node(true, false));
      else items.push(this.emptyScalar(m));
    }
    if (this.open.size > 0) this.open.delete(n);
    return n;
  }

  private blockMapping(start: Mark, tag: string, anchor: string | undefined): MapNode {
    const sc = this.sc;
    const n = this.newMap(start, tag, anchor, false);
    const startToken = sc.peek();
    sc.next();
    const entries = n.entries as unknown as RawMapEntry[];
    for (;;) {
      let t = sc.peek();
      let key: RawNode;
      if (t.type === T.Key) {
        const m = after(t);
        sc.next();
        t = sc.peek();
        if (t.type !== T.Key && t.type !== T.Value && t.type !== T.BlockEnd) key = this.node(true, true);
        else key = this.emptyScalar(m);
      } else if (t.type === T.BlockEnd) {
        sc.next();
        break;
      } else {
        this.fail('did not find expected key', t, 'while parsing a block mapping', startToken);
      }
      t = sc.peek();
      let value: RawNode;
      if (t.type === T.Value) {
        const m = after(t);
        sc.next();
        t = sc.peek();
        if (t.type !== T.Key && t.type !== T.Value && t.type !== T.BlockEnd) value = this.node(true, true);
        else value = this.emptyScalar(m);
      } else {
        value = this.emptyScalar(t);
      }
      this.entry(entries, key, value);
    }
    if (this.open.size > 0) this.open.delete(n);
    return n;
  }

  private flowSequence(start: Mark, tag: string, anchor: string | undefined): SeqNode {
    const sc = this.sc;
    const n = this.newSeq(start, tag, anchor, true);
    const startToken = sc.peek();
    sc.next();
    const items = n.items as RawNode[];
    let first = true;
    for (;;) {
      let t = sc.peek();
      if (t.type === T.FlowSequenceEnd) {
        sc.next();
        break;
      }
      if (!first) {
        if (t.type === T.FlowEntry) {
          sc.next();
          t = sc.peek();
        } else {
          this.fail("did not find expected ',' or ']'", t, 'while parsing a flow sequence', startToken);
        }
      }
      first = false;
      if (t.type === T.Key) {
        // A single-pair mapping inside a flow sequence: [a: b].
        const pair = this.newMap(t, '', undefined, true);
        sc.next();
        t = sc.peek();
        let key: RawNode;
        if (t.type !== T.Value && t.type !== T.FlowEntry && t.type !== T.FlowSequenceEnd) key = this.node(false, false);
        else {
          // libyaml consumes the token here (even a ',' or ']'), and so do we.
          const m = after(t);
          sc.next();
          key = this.emptyScalar(m);
        }
        t = sc.peek();
        let value: RawNode;
        if (t.type === T.Value) {
          sc.next();
          const v = sc.peek();
          if (v.type !== T.FlowEntry && v.type !== T.FlowSequenceEnd) value = this.node(false, false);
          else value = this.emptyScalar(v);
        } else value = this.emptyScalar(t);
        this.entry(pair.entries as unknown as RawMapEntry[], key, value);
        items.push(pair);
      } else if (t.type !== T.FlowSequenceEnd) {
        items.push(this.node(false, false));
      }
    }
    if (this.open.size > 0) this.open.delete(n);
    return n;
  }

  private flowMapping(start: Mark, tag: string, anchor: string | undefined): MapNode {
    const sc = this.sc;
    const n = this.newMap(start, tag, anchor, true);
    const startToken = sc.peek();
    sc.next();
    const entries = n.entries as unknown as RawMapEntry[];
    let first = true;
    for (;;) {
      let t = sc.peek();
      if (t.type === T.FlowMappingEnd) {
        sc.next();
        break;
      }
      if (!first) {
        if (t.type === T.FlowEntry) {
          sc.next();
          t = sc.peek();
        } else {
          this.fail("did not find expected ',' or '}'", t, 'while parsing a flow mapping', startToken);
        }
      }
      first = false;
      let key: RawNode;
      let value: RawNode;
      if (t.type === T.Key) {
        sc.next();
        t = sc.peek();
        if (t.type !== T.Value && t.type !== T.FlowEntry && t.type !== T.FlowMappingEnd) key = this.node(false, false);
        else key = this.emptyScalar(t);
        t = sc.peek();
        if (t.type === T.Value) {
          sc.next();
          t = sc.peek();
          if (t.type !== T.FlowEntry && t.type !== T.FlowMappingEnd) value = this.node(false, false);
          else value = this.emptyScalar(t);
        } else value = this.emptyScalar(t);
      } else if (t.type !== T.FlowMappingEnd) {
        key = this.node(false, false);
        value = this.emptyScalar(sc.peek());
      } else {
        // "{a, }": the closing brace after a comma ends the mapping on the next turn.
        continue;
      }
      this.entry(entries, key, value);
    }
    if (this.open.size > 0) this.open.delete(n);
    return n;
  }
}

/** The last scalar of a tree in document order (the node the last token made). */
function lastScalar(n: RawNode): ScalarNode | undefined {
  for (;;) {
    if (n.kind === 'scalar') return n;
    if (n.kind === 'alias') return undefined;
    if (n.kind === 'seq') {
      const items = n.items as RawNode[];
      if (items.length === 0) return undefined;
      n = items[items.length - 1]!;
    } else {
      const entries = n.entries as unknown as RawMapEntry[];
      if (entries.length === 0) return undefined;
      n = entries[entries.length - 1]!.value;
    }
  }
}

/** Deep copy of an expanded node (aliases already replaced). */
export function copyTree<T extends YNode>(n: T): T {
  switch (n.kind) {
    case 'scalar':
      return { ...n } as T;
    case 'seq':
      return { ...n, items: n.items.map(copyTree) } as T;
    case 'map':
      return { ...n, entries: n.entries.map((e) => ({ key: copyTree(e.key), value: copyTree(e.value) })) } as T;
  }
}

const MAX_EXPANDED_NODES = 2_000_000;

/** Replaces every alias by a copy of its anchor, in document order (anchors come before their aliases). */
function expandAliases(root: RawNode, file: string): YNode {
  let budget = MAX_EXPANDED_NODES;
  const count = (n: YNode): number => (n.kind === 'scalar' ? 1 : n.kind === 'seq' ? n.items.reduce((a, i) => a + count(i), 1) : n.entries.reduce((a, e) => a + 1 + count(e.value), 1));
  const visit = (n: RawNode): YNode => {
    if (n.kind === 'alias') {
      const target = n.target as YNode;
      const size = count(target);
      budget -= size;
      if (budget < 0) throw new GitOpsError(`aliases expand to more than ${MAX_EXPANDED_NODES} nodes (an alias bomb?)`, n.at, 'yaml');
      const c = copyTree(target);
      c.alias = n.at;
      return c;
    }
    if (n.kind === 'seq') {
      const items = n.items as RawNode[];
      for (let i = 0; i < items.length; i++) items[i] = visit(items[i]!);
    } else if (n.kind === 'map') {
      for (const e of n.entries as unknown as RawMapEntry[]) {
        e.key = visit(e.key);
        e.value = visit(e.value);
        if (e.key.kind !== 'scalar') throw new GitOpsError('a mapping key must be a scalar: kustomize cannot use a map or a list as a key', e.key.origin ?? { file }, 'yaml');
      }
    }
    return n;
  };
  return visit(root);
}

function syntaxError(e: YamlSyntaxError, c: Composer): GitOpsError {
  let message = `invalid YAML: ${e.problem}`;
  if (e.context && e.contextMark && (e.contextMark.line !== e.mark.line || e.contextMark.col !== e.mark.col)) {
    const at = c.loc(e.contextMark);
    message += ` (${e.context} started at line ${at.line}, column ${at.column})`;
  }
  return new GitOpsError(message, c.loc(e.mark), 'yaml');
}

function checkCharacters(text: string, file: string, lineDelta: number): void {
  const m = FORBIDDEN.exec(text);
  if (!m) return;
  const before = text.slice(0, m.index);
  const line = before.split(/\r\n|\r|\n/).length + lineDelta;
  const column = m.index - Math.max(before.lastIndexOf('\n'), before.lastIndexOf('\r')) ;
  const code = m[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
  throw new GitOpsError(`invalid YAML: control characters are not allowed (U+${code})`, { file, line, column }, 'yaml');
}

/** Parses to raw trees that still hold aliases (for kustomize's own alias and merge-key expansion). */
export function parseRawDocuments(text: string, file: string, opts: ParseOptions = {}): (Omit<RawDoc, 'start'> & { start: Loc })[] {
  const firstLine = opts.firstLine ?? 1;
  // A byte order mark at the start belongs to the encoding, not to the first line (libyaml drops it there).
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  checkCharacters(text, file, firstLine - 1);
  const c = new Composer(text, file, firstLine);
  try {
    return c.documents(opts.firstDocumentOnly ?? false).map((d) => ({ ...d, start: c.loc(d.start) }));
  } catch (e) {
    if (e instanceof YamlSyntaxError) throw syntaxError(e, c);
    throw e;
  }
}

/**
 * Parses a YAML stream into node trees that remember the file, line and column of every node. Aliases become
 * copies of their anchors (`origin` in the anchor, `alias` at the `*name`); merge keys stay as `<<` entries with
 * tag '!!merge' (`toPlain` and the emitter apply them, as yaml.v3's decoder does). Comments are dropped. Syntax
 * errors throw a GitOpsError naming the file, line and column.
 */
export function parseYamlDocuments(text: string, file: string, opts: ParseOptions = {}): YDocument[] {
  return parseRawDocuments(text, file, opts).map((d) => {
    if (!d.root) return { node: null, start: d.start };
    const node = d.aliases ? expandAliases(d.root, file) : (d.root as YNode);
    // An empty document reads as null.
    if (node.kind === 'scalar' && node.value === '' && node.tag === '!!null' && !node.tagged && node.style === 'plain') {
      return { node: null, start: d.start };
    }
    return { node, start: d.start };
  });
}

export type { MapEntry };
