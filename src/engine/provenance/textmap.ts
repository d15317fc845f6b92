/**
 * The rendered-text map: for the stream exactly as printed (`RenderResult.text`), line N → the object and field
 * printed there and that field's provenance. This is what a hover or "go to source" over a rendered document needs.
 * The line table comes from the emitter itself (`emitDocumentsWithMap`), so it can never drift from the text.
 */
import type { RenderedResource, RenderResult } from '../render/index.ts';
import { emitDocumentsWithMap, toPlain, type LineInfo } from '../yaml/index.ts';
import { historyEntry, KUSTOMIZE_ITSELF, objectId, originLoc, toSource } from './fields.ts';
import { isSecret, isSecretDataPath, maskCopied, maskData, SecretValues } from './mask.ts';
import { toPointer } from './paths.ts';
import type { FieldProvenance, ObjectId } from './types.ts';

export interface RenderedLine {
  /** 1-based line number in the rendered text. */
  line: number;
  /** Index of the document (object) the line belongs to. */
  doc: number;
  object: ObjectId;
  /** JSON pointer of the field printed on the line ('' on a `---` separator). */
  path: string;
  /** The `---` line before document `doc`. */
  separator?: true;
  /** Provenance of the field on the line (absent on separators). */
  field?: FieldProvenance;
}

export class RenderedTextMap {
  readonly text: string;
  private readonly lines: LineInfo[];
  private readonly resources: readonly RenderedResource[];
  private secrets?: SecretValues;

  constructor(result: Pick<RenderResult, 'resources'>) {
    this.resources = result.resources;
    const out = result.resources.length ? emitDocumentsWithMap(result.resources.map((r) => r.node)) : { text: '', lines: [] };
    this.text = out.text;
    this.lines = out.lines;
  }

  /** How many lines the rendered text has. */
  get lineCount(): number {
    return this.lines.length;
  }

  private firstLines?: Map<string, number>;

  /**
   * The rendered line (1-based) where a field of document `doc` starts (its key, or its list item's dash; '' is
   * the document's first line); undefined for a field that is not printed. The way back from provenance to the
   * rendered view ("show me where this lands").
   */
  lineOf(doc: number, pointer: string): number | undefined {
    if (!this.firstLines) {
      this.firstLines = new Map();
      // Every prefix of a line's path starts at or before it: a list item shares its line with its first key.
      this.lines.forEach((l, i) => {
        if (l.separator) return;
        for (let n = 0; n <= l.path.length; n++) {
          const k = `${l.doc}\0${toPointer(l.path.slice(0, n))}`;
          if (!this.firstLines!.has(k)) this.firstLines!.set(k, i + 1);
        }
      });
    }
    return this.firstLines.get(`${doc}\0${pointer}`);
  }

  /** What line `line` (1-based) of the rendered text shows; undefined past the end. */
  at(line: number): RenderedLine | undefined {
    const info = this.lines[line - 1];
    if (!info) return undefined;
    const r = this.resources[info.doc]!;
    const path = toPointer(info.path);
    const base = { line, doc: info.doc, object: objectId(r), path };
    if (info.separator || !info.node) return { ...base, separator: true };
    const node = info.node;
    const origin = originLoc(node, info.key);
    const history = (node.history ?? []).map(historyEntry);
    if (!origin && !history.length) history.push({ file: null, line: null, column: null, operation: 'kustomize', detail: KUSTOMIZE_ITSELF });
    let value: unknown = toPlain(node);
    if (isSecret(r) && isSecretDataPath(path)) value = maskData(value);
    else value = maskCopied(value, (this.secrets ??= SecretValues.of(this.resources)));
    return { ...base, field: { path, value, origin: origin ? toSource(origin) : null, history } };
  }
}

/** The line map of a render's printed stream. */
export function renderedTextMap(result: Pick<RenderResult, 'resources'>): RenderedTextMap {
  return new RenderedTextMap(result);
}
