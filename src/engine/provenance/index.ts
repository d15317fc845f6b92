/**
 * Field provenance: every rendered field traceable to the file, line and column it was written at and to the
 * transformations that changed it, in the order they ran; the reverse ("what does this line affect, in which
 * overlays?"); and the map from each line of the printed stream to the field printed there.
 *
 * It reads the renderer's node trees (render with `{ provenance: true }`), which hold every node's origin and
 * history; nothing here renders differently or changes a byte of the output. Every FileView works the same: the
 * working tree, unsaved buffers (`openView(path, { buffers })`) and a git revision (`{ rev }`).
 *
 *   const result = await render(view, 'apps/web/overlays/prod', { provenance: true });
 *   explainObject(findObject(result.resources, 'deployment/web'), { field: 'spec.template.spec.containers[name=app].image' })
 *   explainAll(result.resources)                       // what `render --provenance` prints
 *   renderedTextMap(result).at(42)                     // the field on line 42 of result.text
 *   (await repoProvenance(view)).index.affects('base/deployment.yaml', 19)
 *
 * Secret `data`/`stringData` values are masked in every answer, and so is any value copied out of them.
 */
import type { FileView } from '../source/index.ts';
import { Renderer } from '../render/index.ts';
import { explainObject, type ExplainOptions } from './fields.ts';
import { SecretValues } from './mask.ts';
import { findObject } from './select.ts';
import type { ObjectProvenance } from './types.ts';

export type { SourceLocation, HistoryEntry, FieldProvenance, ObjectId, ObjectProvenance } from './types.ts';
export { explainObject, explainAll, finalSetter, KUSTOMIZE_ITSELF, type ExplainOptions } from './fields.ts';
export { findObject, parseObjectRef, describeResource, type ObjectRef } from './select.ts';
export { parseFieldPath, toPointer, fromPointer, displayPath, type Segment } from './paths.ts';
export { renderedTextMap, RenderedTextMap, type RenderedLine } from './textmap.ts';
export { ProvenanceIndex, type AffectsReport, type AffectedOverlay, type AffectedObject, type AffectedField, type IndexedRender } from './reverse.ts';
export { repoProvenance, type RepoProvenance, type RepoProvenanceOptions } from './repo.ts';
export { MASK, SecretValues } from './mask.ts';

/**
 * Renders `dir` with provenance and explains one object (`<kind>/<name>` or `<kind>/<namespace>/<name>`), every
 * field or the one `opts.field` names. Errors are GitOpsErrors (a render error names its file:line:column).
 */
export async function explain(view: FileView, dir: string, object: string, opts: ExplainOptions & { renderer?: Renderer } = {}): Promise<ObjectProvenance> {
  const result = await (opts.renderer ?? new Renderer()).render(view, dir, { provenance: true });
  const r = findObject(result.resources, object);
  return explainObject(r, { field: opts.field, secrets: opts.secrets ?? SecretValues.of(result.resources) });
}
