import { isGitOpsError } from '../../engine/errors/index.ts';
import { findKustomizations, Renderer } from '../../engine/render/index.ts';
import { openView } from '../../engine/source/index.ts';
import { UsageError, type Command } from '../io.ts';

/** `npm start`: the tour of what the engine does on the sample deploy repo. Grows with every capability. */
export const demo: Command = {
  name: 'demo',
  summary: 'show what the engine finds in a deploy repo (what `npm start` runs on the sample repo)',
  usage: 'Usage: gitops-sandbox demo [<repo-dir>]',
  async run(args, io) {
    if (args.length > 1) throw new UsageError('expected at most one directory');
    const { view, rel } = await openView(args[0] ?? io.cwd);
    const dirs = await findKustomizations(view, rel);
    io.out(`Deploy repo: ${view.root} (${view.label})\n`);
    io.out(`Kustomizations kustomize can build: ${dirs.length}\n\n`);
    io.out('Render (kustomize v5.5.0, byte-identical to `kubectl kustomize`):\n');
    const renderer = new Renderer();
    let failed = 0;
    const show = (d: string) => (rel === '' ? d : d === rel ? '.' : d.slice(rel.length + 1)) || '.';
    const width = Math.max(0, ...dirs.map((d) => show(d).length));
    for (const d of dirs) {
      try {
        const started = performance.now();
        const r = await renderer.render(view, d);
        const ms = performance.now() - started;
        const kinds = new Map<string, number>();
        for (const x of r.resources) kinds.set(x.id.kind, (kinds.get(x.id.kind) ?? 0) + 1);
        const list = [...kinds].map(([k, c]) => (c > 1 ? `${c}×${k}` : k)).join(', ');
        io.out(`  ${show(d).padEnd(width)}  ${String(r.resources.length).padStart(3)} objects  ${list}  (${ms.toFixed(1)} ms)\n`);
      } catch (err) {
        if (!isGitOpsError(err)) throw err;
        failed++;
        io.out(`  ${show(d).padEnd(width)}  error: ${err.toString()}\n`);
      }
    }
    const last = dirs.at(-1);
    io.out(`\nTry: gitops-sandbox render ${last !== undefined ? `${args[0] ?? '.'}/${show(last)}` : '<dir>'}\n`);
    return failed ? 1 : 0;
  },
};
