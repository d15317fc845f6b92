import { openView, type FileView } from '../../engine/source/index.ts';
import { UsageError, type Command } from '../io.ts';

const KUSTOMIZATION_NAMES = new Set(['kustomization.yaml', 'kustomization.yml', 'Kustomization']);

async function findKustomizationDirs(view: FileView, dir: string, out: string[]): Promise<void> {
  for (const e of await view.list(dir)) {
    const p = dir ? `${dir}/${e.name}` : e.name;
    if (e.kind === 'dir' && !e.name.startsWith('.') && e.name !== 'node_modules') await findKustomizationDirs(view, p, out);
    else if (e.kind === 'file' && KUSTOMIZATION_NAMES.has(e.name)) out.push(dir || '.');
  }
}

/** `npm start`: the tour of what the engine does on the sample deploy repo. Grows with every capability. */
export const demo: Command = {
  name: 'demo',
  summary: 'show what the engine finds in a deploy repo (what `npm start` runs on the sample repo)',
  usage: 'Usage: gitops-sandbox demo [<repo-dir>]',
  async run(args, io) {
    if (args.length > 1) throw new UsageError('expected at most one directory');
    const { view, rel } = await openView(args[0] ?? io.cwd);
    const dirs: string[] = [];
    await findKustomizationDirs(view, rel, dirs);
    io.out(`Deploy repo: ${view.root} (${view.label})\n`);
    io.out(`Kustomizations found: ${dirs.length}\n`);
    for (const d of dirs) io.out(`  ${d}\n`);
    return 0;
  },
};
