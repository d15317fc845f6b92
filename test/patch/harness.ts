/**
 * Runs the same small kustomization through `kubectl kustomize` and through our patch functions, so tests can
 * compare what a user would get. Our side is a deliberately tiny driver (match patches to resources by kind and
 * name, apply in order); the real driver is the render helper's.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { isGitOpsError } from '../../src/engine/errors/index.ts';
import { parseYamlDocuments, toPlain, type MapNode, type YNode } from '../../src/engine/yaml/index.ts';
import { applyJson6902, applyStrategicMergePatch, KustomizeSchema, parseJson6902, type PatchContext } from '../../src/engine/patch/index.ts';

let kubectlChecked: string | undefined | null = null;
/** Why kubectl cannot be used, or undefined when it can. */
export function kubectlMissing(): string | undefined {
  if (kubectlChecked !== null) return kubectlChecked;
  try {
    execFileSync('kubectl', ['version', '--client'], { stdio: 'pipe' });
    kubectlChecked = undefined;
  } catch (e) {
    kubectlChecked = `kubectl not found: ${(e as Error).message.split('\n')[0]}`;
  }
  return kubectlChecked;
}

export type Target = { kind: string; name?: string; group?: string; version?: string };

export type PatchSpec =
  | { smp: string; target?: Target; options?: { allowNameChange?: boolean; allowKindChange?: boolean }; legacy?: boolean }
  | { json: string; target: Target; legacy?: boolean };

export interface Case {
  resources: string;
  patches: PatchSpec[];
  /** Extra files next to the kustomization (CRD definitions, OpenAPI documents). */
  files?: Record<string, string>;
  /** Extra kustomization lines (`crds: [...]`, `openapi: ...`). */
  extra?: string;
  /** The schema our side uses (default: kustomize's built-in). */
  schema?: KustomizeSchema;
}

export type Outcome = { ok: true; objects: Map<string, unknown> } | { ok: false; error: string };

function keyOf(o: { kind?: unknown; metadata?: { name?: unknown } }): string {
  return `${String(o.kind)}/${String(o.metadata?.name)}`;
}

function targetYaml(t: Target): string {
  return '{' + Object.entries(t).map(([k, v]) => `${k}: ${JSON.stringify(v)}`).join(', ') + '}';
}

/** The kustomization and files of a case. */
export function caseFiles(c: Case): Record<string, string> {
  const files: Record<string, string> = { 'res.yaml': c.resources, ...(c.files ?? {}) };
  const patches: string[] = [];
  const psm: string[] = [];
  const pj: string[] = [];
  c.patches.forEach((p, i) => {
    const file = `p${i}.yaml`;
    if ('smp' in p) {
      files[file] = p.smp;
      if (p.legacy) psm.push(`- ${file}`);
      else {
        let e = `- path: ${file}`;
        if (p.target) e += `\n  target: ${targetYaml(p.target)}`;
        if (p.options) e += `\n  options: ${JSON.stringify(p.options)}`;
        patches.push(e);
      }
    } else {
      files[file] = p.json;
      if (p.legacy) pj.push(`- path: ${file}\n  target: ${targetYaml(p.target)}`);
      else patches.push(`- path: ${file}\n  target: ${targetYaml(p.target)}`);
    }
  });
  let k = 'resources:\n- res.yaml\n';
  if (patches.length) k += 'patches:\n' + patches.join('\n') + '\n';
  if (psm.length) k += 'patchesStrategicMerge:\n' + psm.join('\n') + '\n';
  if (pj.length) k += 'patchesJson6902:\n' + pj.join('\n') + '\n';
  if (c.extra) k += c.extra.trimEnd() + '\n';
  files['kustomization.yaml'] = k;
  return files;
}

/** `kubectl kustomize` on the case, parsed. */
export function kubectlOutcome(c: Case): Outcome {
  const dir = mkdtempSync(join(tmpdir(), 'patch-case-'));
  try {
    for (const [name, text] of Object.entries(caseFiles(c))) {
      mkdirSync(dirname(join(dir, name)), { recursive: true });
      writeFileSync(join(dir, name), text);
    }
    const r = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8' });
    if (r.status !== 0) {
      const block = /err=<\n\t([^\n]*)/.exec(r.stderr);
      if (block) return { ok: false, error: block[1]!.replace(/: node contents:$/, '') };
      const m = /err="((?:[^"\\]|\\.)*)"/.exec(r.stderr);
      let error = r.stderr.trim();
      if (m) {
        try {
          error = JSON.parse(`"${m[1]}"`);
        } catch {
          error = m[1]!;
        }
      }
      return { ok: false, error };
    }
    const objects = new Map<string, unknown>();
    for (const d of parseAllDocuments(r.stdout)) {
      const v = (Array.isArray(d) ? undefined : d.toJS()) as { kind?: string; metadata?: { name?: string } } | null;
      if (v) objects.set(keyOf(v), v);
    }
    return { ok: true, objects };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function matches(r: MapNode, t: Target | undefined, patch: MapNode | undefined): boolean {
  const plain = toPlain(r) as { kind?: string; metadata?: { name?: string } };
  if (t) return (!t.kind || plain.kind === t.kind) && (!t.name || new RegExp(`^(?:${t.name})$`).test(plain.metadata?.name ?? ''));
  const p = toPlain(patch!) as { kind?: string; metadata?: { name?: string } };
  return plain.kind === p.kind && plain.metadata?.name === p.metadata?.name;
}

/** Our patch functions on the case. `onResult` sees the node trees (for provenance checks). */
export function ourOutcome(c: Case, record = true, onResult?: (nodes: MapNode[]) => void): Outcome {
  try {
    let resources = parseYamlDocuments(c.resources, 'res.yaml')
      .map((d) => d.node)
      .filter((n): n is MapNode => n?.kind === 'map');
    c.patches.forEach((p, i) => {
      const file = `p${i}.yaml`;
      const ctx: PatchContext = { patchFile: file, record };
      if ('smp' in p) {
        const docs = parseYamlDocuments(p.smp, file).map((d) => d.node).filter((n): n is YNode => !!n);
        for (const patch of docs) {
          if (patch.kind !== 'map') throw new Error('patch is not a map');
          let found = false;
          const next: MapNode[] = [];
          for (const r of resources) {
            if (!matches(r, p.target, patch)) {
              next.push(r);
              continue;
            }
            found = true;
            const out = applyStrategicMergePatch(r, patch, { schema: c.schema, ctx, adoptApiVersion: !!p.target, ...p.options });
            if (out) next.push(out);
          }
          if (!found) throw new Error('no resource matches strategic merge patch');
          resources = next;
        }
      } else {
        const patch = parseJson6902(p.json, { file });
        for (const r of resources) if (matches(r, p.target, undefined)) applyJson6902(r, patch, ctx);
      }
    });
    onResult?.(resources);
    const objects = new Map<string, unknown>();
    for (const r of resources) {
      const v = toPlain(r) as { kind?: string; metadata?: { name?: string } };
      objects.set(keyOf(v), v);
    }
    return { ok: true, objects };
  } catch (e) {
    if (isGitOpsError(e)) return { ok: false, error: e.message };
    throw e;
  }
}
