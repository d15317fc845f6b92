/** Live objects from the embedded sandbox: an in-process Sandbox, or the state file a sandbox saved. */
import { existsSync } from 'node:fs';
import { formatApiVersion, type KubeObject } from '../kube/index.ts';
import { readSnapshot, Sandbox } from '../sandbox/index.ts';
import { staticLiveSource, type GroupKind, type LiveSource } from './live.ts';

export function sandboxLiveSource(sandbox: Sandbox, label = 'sandbox'): LiveSource {
  return {
    label,
    async list(kinds: GroupKind[]): Promise<KubeObject[]> {
      const out: KubeObject[] = [];
      const types = sandbox.resourceTypes();
      for (const gk of kinds) {
        const t = types.find((x) => x.group === gk.group && x.kind === gk.kind);
        if (!t) continue; // the sandbox does not serve this kind (a CRD not installed): nothing live
        const apiVersion = formatApiVersion(t.group, t.versions[0]!);
        for (const item of sandbox.list({ apiVersion, kind: t.kind }).items) out.push({ ...item, apiVersion, kind: t.kind });
      }
      return out;
    },
    async serverSideDryRun(obj: KubeObject, manager: string): Promise<KubeObject> {
      return sandbox.apply(structuredClone(obj), { fieldManager: manager, force: true, dryRun: true });
    },
  };
}

/** The objects of a sandbox state file; a file that does not exist yet is an empty sandbox. */
export async function sandboxStateLiveSource(file: string, label = `sandbox ${file}`): Promise<LiveSource> {
  if (!existsSync(file)) return staticLiveSource([], `${label} (new)`);
  const snapshot = await readSnapshot(file);
  let sandbox: Sandbox | undefined;
  return {
    ...staticLiveSource(snapshot.objects, label),
    // The state loaded into a sandbox only when a server-side diff asks for a dry-run; nothing is saved back.
    async serverSideDryRun(obj: KubeObject, manager: string): Promise<KubeObject> {
      sandbox ??= Sandbox.fromSnapshot(snapshot);
      return sandbox.apply(structuredClone(obj), { fieldManager: manager, force: true, dryRun: true });
    },
  };
}
