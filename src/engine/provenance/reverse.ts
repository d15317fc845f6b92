/**
 * The reverse map: for a source file and line, every rendered object and field it affects, across every overlay
 * of the repo that includes it ("this line affects 3 overlays, 5 fields").
 *
 * A line takes part in a field when it is where the field was written (its value, or the key naming it), where a
 * transformation that changed it was instructed, or where a value copied into it came from (a replacement's or a
 * var's source, the renamed object behind a name reference). It still *decides* the rendered value unless a later
 * step overwrote what it wrote: a base's `replicas: 1` under an overlay's `replicas: 3` is reported, as overridden,
 * and not counted. Renames and image updates build on the value before them (a prefix keeps the base name in the
 * result), so they do not override it.
 *
 * The index is built once per set of renders (one walk over every node) and answers a line in time proportional
 * to what it reports.
 */
import type { RenderedResource, RenderResult } from '../render/index.ts';
import { toPlain, type Change, type Loc, type ScalarNode, type YNode } from '../yaml/index.ts';
import { objectId, originLoc } from './fields.ts';
import { isSecret, isSecretDataPath, maskCopied, maskData, SecretValues } from './mask.ts';
import { escapeSegment } from './nodes.ts';
import { displayPathOfNode } from './paths.ts';
import type { ObjectId } from './types.ts';

/** Changes that build on the value before them instead of replacing it. */
const DERIVING = new Set(['namePrefix', 'nameSuffix', 'images', 'hash suffix', 'vars']);

/** Whether a change replaced what was there before (for maps and lists: the whole node). */
function overwrites(c: Change, node: YNode): boolean {
  if (node.kind === 'scalar') return !DERIVING.has(c.op);
  if (c.op === 'replacement') return true;
  if (c.op === 'patch (strategic merge)') return c.detail === 'replaced';
  if (c.op === 'patch (json6902)') return /^(replace|add|copy|move)\b/.test(c.detail ?? '') && !/^move from/.test(c.detail ?? '');
  return false;
}

export interface AffectedField {
  /** JSON pointer of the field in the rendered object. */
  path: string;
  /** The same field as a dotted path (`spec.template.spec.containers[name=app].image`). */
  field: string;
  /** The rendered value (Secret data masked). */
  value: unknown;
  /** How the line takes part: 'written' (the field's value or the key naming it), 'key', the operation it instructed ('images', 'namePrefix', …), or '<operation> source'. */
  via: string[];
  /** False when a later step overwrote what this line wrote (the line no longer decides the value). */
  effective: boolean;
}

export interface AffectedObject {
  object: ObjectId;
  fields: AffectedField[];
}

export interface AffectedOverlay {
  /** The kustomization folder rendered (repo-relative). */
  dir: string;
  objects: AffectedObject[];
}

export interface AffectsReport {
  file: string;
  line: number;
  /** Overlays with at least one field this line takes part in, by folder. */
  overlays: AffectedOverlay[];
  /** Counts of what the line decides (overridden fields are listed but not counted in `fields`). */
  summary: { overlays: number; objects: number; fields: number; overridden: number };
  /** Folders that failed to render (their fields are unknown). */
  errors: { dir: string; message: string }[];
}

/** One way one line takes part in one field (a class: the index makes many, all of one shape). */
class Hit {
  constructor(
    readonly overlay: number,
    readonly resource: number,
    readonly path: string,
    readonly node: YNode,
    readonly via: string,
    readonly effective: boolean,
  ) {}
}

export interface IndexedRender {
  dir: string;
  result?: Pick<RenderResult, 'resources'>;
  /** Why the folder did not render. */
  error?: string;
}

/**
 * Where every source line went, over a set of renders. Built lazily: the first question about a file walks every
 * rendered node once, keeping only that file's lines (a walk that allocates nothing for the rest is several times
 * cheaper than indexing every file); `files()` indexes everything.
 */
export class ProvenanceIndex {
  private byFile = new Map<string, Map<number, Hit[]>>();
  /** Files already indexed (every file once `complete`). */
  private indexed = new Set<string>();
  private complete = false;
  private secrets: (SecretValues | undefined)[] = [];
  readonly renders: readonly IndexedRender[];

  constructor(renders: readonly IndexedRender[]) {
    this.renders = renders;
  }

  /** Files the index knows lines of (every file some rendered field came from). */
  files(): string[] {
    this.ensure(undefined);
    return [...this.byFile.keys()].sort();
  }

  /** Indexes `only` (a file), or every file. */
  private ensure(only: string | undefined): void {
    if (this.complete || (only !== undefined && this.indexed.has(only))) return;
    if (only === undefined) this.byFile.clear();
    this.only = only;
    this.lastFile = '';
    this.lastLines = undefined;
    const segs: (string | number)[] = [];
    this.renders.forEach((r, o) => {
      if (!r.result) return;
      r.result.resources.forEach((res, i) => this.visit(o, i, res.node, segs, undefined, only === undefined ? '' : undefined));
    });
    if (only === undefined) this.complete = true;
    else this.indexed.add(only);
  }

  private only: string | undefined;
  private lastFile = '';
  private lastLines?: Map<number, Hit[]>;

  private add(loc: Loc | undefined, overlay: number, resource: number, path: string, node: YNode, via: string, effective: boolean): void {
    if (!loc || (this.only !== undefined && loc.file !== this.only)) return;
    let lines = loc.file === this.lastFile ? this.lastLines : this.byFile.get(loc.file);
    if (!lines) this.byFile.set(loc.file, (lines = new Map()));
    this.lastFile = loc.file;
    this.lastLines = lines;
    const hit = new Hit(overlay, resource, path, node, via, effective);
    const list = lines.get(loc.line);
    if (list) list.push(hit);
    else lines.set(loc.line, [hit]);
  }

  /** Whether any location of this field is in the file being indexed (always, when indexing every file). */
  private touches(node: YNode, key: ScalarNode | undefined): boolean {
    const f = this.only;
    if (f === undefined) return true;
    if (node.origin?.file === f || key?.origin?.file === f) return true;
    const h = node.history;
    if (h) {
      for (const c of h) {
        if (c.at?.file === f) return true;
        if (c.from) for (const l of c.from) if (l.file === f) return true;
      }
    }
    return false;
  }

  // A method, not a closure made per object: indexing walks every rendered node of every overlay. Indexing every
  // file, the JSON pointer grows along (`full`); indexing one file, it is joined from `segs` (the keys and indexes
  // on the way down) only for the few fields kept.
  private visit(overlay: number, resource: number, node: YNode, segs: (string | number)[], key: ScalarNode | undefined, full: string | undefined): void {
    if (segs.length && this.touches(node, key)) {
      let path = full ?? '';
      if (full === undefined) for (const seg of segs) path += '/' + (typeof seg === 'string' ? escapeSegment(seg) : seg);
      const h = node.history;
      // Walk back from the last change: every change from the last overwriting one on decides the value; when
      // none overwrote, where the field was written decides it too (decidingFrom -1).
      let decidingFrom = -1;
      if (h) {
        for (let i = h.length - 1; i >= 0; i--) {
          if (overwrites(h[i]!, node)) {
            decidingFrom = i;
            break;
          }
        }
      }
      const origin = originLoc(node, key);
      this.add(origin, overlay, resource, path, node, 'written', decidingFrom < 0);
      if (node.kind === 'scalar' && key?.origin && (key.origin.line !== origin?.line || key.origin.file !== origin.file)) this.add(key.origin, overlay, resource, path, node, 'key', true);
      if (h) {
        for (let i = 0; i < h.length; i++) {
          const c = h[i]!;
          const deciding = decidingFrom < 0 || i >= decidingFrom;
          this.add(c.at, overlay, resource, path, node, c.op, deciding);
          if (c.from) for (const f of c.from) this.add(f, overlay, resource, path, node, `${c.op} source`, deciding);
        }
      }
    }
    if (node.kind === 'map') {
      for (const e of node.entries) {
        segs.push(e.key.value);
        this.visit(overlay, resource, e.value, segs, e.key, full === undefined ? undefined : full + '/' + escapeSegment(e.key.value));
        segs.pop();
      }
    } else if (node.kind === 'seq') {
      for (let i = 0; i < node.items.length; i++) {
        segs.push(i);
        this.visit(overlay, resource, node.items[i]!, segs, undefined, full === undefined ? undefined : full + '/' + i);
        segs.pop();
      }
    }
  }

  /** Everything line `line` (1-based) of `file` (repo-relative POSIX) takes part in. */
  affects(file: string, line: number): AffectsReport {
    this.ensure(normalize(file));
    const hits = this.byFile.get(normalize(file))?.get(line) ?? [];
    // overlay → resource → path → field
    const grouped = new Map<number, Map<number, Map<string, AffectedField & { node: YNode }>>>();
    for (const h of hits) {
      let byRes = grouped.get(h.overlay);
      if (!byRes) grouped.set(h.overlay, (byRes = new Map()));
      let byPath = byRes.get(h.resource);
      if (!byPath) byRes.set(h.resource, (byPath = new Map()));
      const f = byPath.get(h.path);
      if (f) {
        if (!f.via.includes(h.via)) f.via.push(h.via);
        f.effective ||= h.effective;
      } else byPath.set(h.path, { path: h.path, field: '', value: undefined, via: [h.via], effective: h.effective, node: h.node });
    }
    const report: AffectsReport = {
      file: normalize(file),
      line,
      overlays: [],
      summary: { overlays: 0, objects: 0, fields: 0, overridden: 0 },
      errors: this.renders.filter((r) => r.error !== undefined).map((r) => ({ dir: r.dir, message: r.error! })),
    };
    for (const o of [...grouped.keys()].sort((a, b) => cmp(this.renders[a]!.dir, this.renders[b]!.dir))) {
      const render = this.renders[o]!;
      const resources = render.result!.resources;
      const overlay: AffectedOverlay = { dir: render.dir, objects: [] };
      let decides = false;
      for (const [ri, byPath] of [...grouped.get(o)!].sort((a, b) => a[0] - b[0])) {
        const res = resources[ri]!;
        const fields: AffectedField[] = [];
        let counted = false;
        for (const f of byPath.values()) {
          fields.push({ path: f.path, field: displayPathOfNode(res.node, f.path), value: this.valueOf(o, res, f.path, f.node), via: f.via, effective: f.effective });
          if (f.effective) {
            report.summary.fields++;
            counted = true;
          } else report.summary.overridden++;
        }
        if (counted) report.summary.objects++;
        decides ||= counted;
        overlay.objects.push({ object: objectId(res), fields });
      }
      if (decides) report.summary.overlays++;
      report.overlays.push(overlay);
    }
    return report;
  }

  private valueOf(overlay: number, r: RenderedResource, path: string, node: YNode): unknown {
    let v: unknown;
    try {
      v = toPlain(node);
    } catch {
      v = null;
    }
    if (isSecret(r) && isSecretDataPath(path)) return maskData(v);
    const secrets = (this.secrets[overlay] ??= SecretValues.of(this.renders[overlay]!.result!.resources));
    return maskCopied(v, secrets);
  }
}

function normalize(file: string): string {
  return file.replace(/\\/g, '/').replace(/^\.\//, '');
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
