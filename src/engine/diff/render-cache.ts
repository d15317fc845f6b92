/**
 * A render cache for diffs: `diff --all --base` renders every app twice, and most apps read exactly the same files
 * at both revisions. Each render is recorded as the list of reads it made through its FileView (file contents as
 * hashes, stats, folder listings); a later render of the same folder, at any view, first replays those reads and,
 * when every answer is the same, returns the recorded result without rendering. A render is a pure function of
 * what it reads, so this is exact, and it also makes repeated diffs in one process (the editor) cheap.
 */
import { createHash } from 'node:crypto';
import type { KubeObject } from '../kube/index.ts';
import type { DirEntry, EntryKind, FileView } from '../source/index.ts';

type Op = { op: 'read' | 'stat' | 'list' | 'real'; path: string; answer: string };

function hash(data: Uint8Array | string): string {
  return createHash('sha1').update(data).digest('base64');
}

function failure(e: unknown): string {
  const code = (e as { code?: string })?.code;
  return `error:${code ?? (e as Error)?.name ?? 'unknown'}`;
}

class RecordingView implements FileView {
  readonly ops: Op[] = [];
  constructor(private readonly inner: FileView) {}
  get label() {
    return this.inner.label;
  }
  get root() {
    return this.inner.root;
  }
  get commit() {
    return this.inner.commit;
  }
  private async record<T>(op: Op['op'], path: string, run: () => Promise<T>, answer: (v: T) => string): Promise<T> {
    try {
      const v = await run();
      this.ops.push({ op, path, answer: answer(v) });
      return v;
    } catch (e) {
      this.ops.push({ op, path, answer: failure(e) });
      throw e;
    }
  }
  readFile(path: string): Promise<Uint8Array> {
    return this.record('read', path, () => this.inner.readFile(path), hash);
  }
  readText(path: string): Promise<string> {
    // Same answer as readFile: the bytes are what matter.
    return this.record('read', path, () => this.inner.readText(path), (t) => hash(Buffer.from(t, 'utf8')));
  }
  stat(path: string): Promise<EntryKind | undefined> {
    return this.record('stat', path, () => this.inner.stat(path), (k) => String(k));
  }
  list(dir: string): Promise<DirEntry[]> {
    return this.record('list', dir, () => this.inner.list(dir), (l) => JSON.stringify(l));
  }
  // Forwarded (and recorded) so the renderer's load restrictor still sees symlinks that lead out of a folder.
  realPath(path: string): Promise<string | undefined> {
    return this.record('real', path, () => realPathOf(this.inner, path), (r) => String(r));
  }
}

function realPathOf(view: FileView, path: string): Promise<string | undefined> {
  return view.realPath ? view.realPath(path) : Promise.resolve(path);
}

/**
 * Answers of views that read a commit: a commit never changes, so an answer once computed (a blob read, inflated
 * and hashed) is kept. Bounded; the oldest answers go first.
 */
const commitAnswers = new Map<string, string>();
const COMMIT_ANSWERS_MAX = 200_000;

async function answerOf(view: FileView, o: Op): Promise<string> {
  const key = view.commit ? `${view.root}\0${view.commit}\0${o.op}\0${o.path}` : undefined;
  if (key) {
    const known = commitAnswers.get(key);
    if (known !== undefined) return known;
  }
  let answer: string;
  try {
    if (o.op === 'read') answer = hash(await view.readFile(o.path));
    else if (o.op === 'stat') answer = String(await view.stat(o.path));
    else if (o.op === 'real') answer = String(await realPathOf(view, o.path));
    else answer = JSON.stringify(await view.list(o.path));
  } catch (e) {
    answer = failure(e);
  }
  if (key) {
    if (commitAnswers.size >= COMMIT_ANSWERS_MAX) commitAnswers.delete(commitAnswers.keys().next().value!);
    commitAnswers.set(key, answer);
  }
  return answer;
}

async function replay(view: FileView, ops: Op[]): Promise<boolean> {
  for (const o of ops) if ((await answerOf(view, o)) !== o.answer) return false;
  return true;
}

interface Entry<R> {
  ops: Op[];
  result: R;
}

/** Wraps a folder renderer `(view, dir) => R` with the replay cache. Results are deep-copied on the way out. */
export function cachedRenderer<R extends { object: KubeObject }[] | KubeObject[]>(inner: (view: FileView, dir: string) => Promise<R>, perFolder = 2): (view: FileView, dir: string) => Promise<R> {
  const cache = new Map<string, Entry<R>[]>();
  return async (view, dir) => {
    const key = `${view.root}\0${dir}`;
    const entries = cache.get(key) ?? [];
    for (const e of entries) if (await replay(view, e.ops)) return structuredClone(e.result);
    const rec = new RecordingView(view);
    const result = await inner(rec, dir);
    entries.unshift({ ops: rec.ops, result });
    if (entries.length > perFolder) entries.length = perFolder;
    cache.set(key, entries);
    return structuredClone(result);
  };
}
