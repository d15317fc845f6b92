/**
 * The document model every rendering step works on: a YAML node tree in the spirit of yaml.v3's `yaml.Node` (which
 * kustomize's kyaml manipulates), where every node also remembers where it was written and what changed it. The
 * renderer mutates these trees; provenance reads `origin` and `history` back out; the emitter prints them exactly as
 * `kubectl kustomize` would.
 */

/** A place in a source file: repo-relative POSIX path, 1-based line and column. */
export interface Loc {
  file: string;
  line: number;
  column: number;
}

/**
 * One transformation that set or changed a node. `at` is where the instruction was written: the kustomization
 * line (`images`, `namePrefix`, …), the patch node or operation, the generator literal, the replacement entry.
 */
export interface Change {
  /** What ran: 'images', 'namePrefix', 'namespace', 'patch (strategic merge)', 'patch (json6902)', 'replacement', … */
  op: string;
  /** A short human note: 'newTag: 1.27', 'prefix dev-', 'from ConfigMap/settings data.host'. */
  detail?: string;
  /** Where the instruction lives; undefined only for what kustomize decides on its own (say so in `detail`). */
  at?: Loc;
  /**
   * For a value copied from another field (a replacement's or a var's source, the renamed object's name behind a
   * name reference): where that field was written, then every change that had set it, so a reverse lookup ("what
   * does this line affect?") can follow the copy.
   */
  from?: Loc[];
}

export interface NodeMeta {
  /** Where this node was written; undefined for nodes kustomize synthesises (then `history` says who made them). */
  origin?: Loc;
  /** Changes in the order they ran; the last one (or the origin, when empty) set the node's current value. */
  history?: Change[];
  /**
   * Where the alias (`*name`) that put this copy here was written, when the node is a copy of an anchored node
   * (`origin` then points into the anchored node).
   */
  alias?: Loc;
}

/** Scalar tags as yaml.v3 resolves them ('!!str', '!!int', '!!float', '!!bool', '!!null', '!!timestamp', '!!binary', or a custom '!tag'). */
export type ScalarTag = string;

/** How a scalar was written. It never changes what is printed (kustomize re-emits everything), only how it resolved. */
export type ScalarStyle = 'plain' | 'single' | 'double' | 'literal' | 'folded';

export interface ScalarNode extends NodeMeta {
  kind: 'scalar';
  /** The scalar's text after unquoting / block folding, exactly as yaml.v3 holds it in `Node.Value`. */
  value: string;
  tag: ScalarTag;
  style: ScalarStyle;
  /**
   * The tag was written in the file (`!!int "3"`, `!custom x`). yaml.v3 then keeps the type whatever the style; an
   * implicit non-string tag inside a flow collection can turn into a string on kustomize's way out (see output.ts).
   */
  tagged?: boolean;
}

export interface MapEntry {
  key: ScalarNode;
  value: YNode;
}

export interface MapNode extends NodeMeta {
  kind: 'map';
  /** Entries in source order (the emitter sorts as kustomize's output does). */
  entries: MapEntry[];
  /** A tag other than '!!map', when one was written. */
  tag?: string;
  /** Written in flow style (`{a: 1}`); kustomize re-encodes it that way before printing, which matters for a few values. */
  flow?: boolean;
}

export interface SeqNode extends NodeMeta {
  kind: 'seq';
  items: YNode[];
  /** A tag other than '!!seq', when one was written. */
  tag?: string;
  /** Written in flow style (`[a, b]`). */
  flow?: boolean;
}

export type YNode = ScalarNode | MapNode | SeqNode;
