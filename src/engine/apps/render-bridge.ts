/** The project's kustomize renderer (src/engine/render) as the apps engine's injected renderer. */
import { Renderer } from '../render/index.ts';
import type { KustomizeRenderer, RenderedResource } from './types.ts';

/** Renders through one Renderer, so repeated renders of shared bases reuse its parse caches. */
export function projectRenderer(renderer: Renderer = new Renderer()): KustomizeRenderer {
  return async (view, dir) => {
    const result = await renderer.render(view, dir);
    return result.resources.map((r): RenderedResource => {
      const at = r.node.origin;
      return at ? { object: r.object, file: at.file, line: at.line, column: at.column } : { object: r.object, file: r.source };
    });
  };
}
