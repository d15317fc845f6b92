/**
 * Live objects from a kube context through @kubernetes/client-node: read-only (list calls only). Kinds the server
 * does not serve are skipped; a cluster that cannot be reached is a GitOpsError naming the context.
 */
import { GitOpsError } from '../errors/index.ts';
import { builtinKind, formatApiVersion, isNamespaced, type KubeObject } from '../kube/index.ts';
import type { GroupKind, LiveSource } from './live.ts';

export async function kubeContextLiveSource(context: string, kubeconfigPath?: string): Promise<LiveSource> {
  const k8s = await import('@kubernetes/client-node');
  const kc = new k8s.KubeConfig();
  try {
    if (kubeconfigPath) kc.loadFromFile(kubeconfigPath);
    else kc.loadFromDefault();
  } catch (e) {
    throw new GitOpsError(`cannot read the kubeconfig: ${(e as Error).message}`, undefined, 'kubeconfig');
  }
  if (!kc.getContexts().some((c) => c.name === context)) {
    throw new GitOpsError(`no context named ${context} in the kubeconfig (contexts: ${kc.getContexts().map((c) => c.name).join(', ') || 'none'})`, undefined, 'kubeconfig');
  }
  kc.setCurrentContext(context);
  const client = k8s.KubernetesObjectApi.makeApiClient(kc);
  return {
    label: `context ${context}`,
    async list(kinds: GroupKind[], namespaces?: string[]): Promise<KubeObject[]> {
      const out: KubeObject[] = [];
      for (const gk of kinds) {
        const b = builtinKind(gk.group, gk.kind);
        // Custom kinds: the version is unknown here; v1 then v1beta1 are tried, as most CRDs serve one of them.
        const versions = b ? [b.versions[0]!] : ['v1', 'v1beta1', 'v1alpha1'];
        const scopes = isNamespaced(gk.group, gk.kind) && namespaces?.length ? namespaces : [undefined];
        for (const ns of scopes) {
          for (const v of versions) {
            try {
              const list = await client.list(formatApiVersion(gk.group, v), gk.kind, ns);
              for (const item of list.items) out.push({ ...(item as unknown as KubeObject), apiVersion: formatApiVersion(gk.group, v), kind: gk.kind });
              break;
            } catch (e) {
              const code = (e as { code?: number; statusCode?: number }).code ?? (e as { statusCode?: number }).statusCode;
              if (code === 404) continue;
              if (code === 403) break;
              throw new GitOpsError(`context ${context}: cannot list ${gk.kind}${gk.group ? '.' + gk.group : ''}: ${(e as Error).message.split('\n')[0]}`, undefined, 'cluster');
            }
          }
        }
      }
      return out;
    },
    async serverSideDryRun(obj: KubeObject, manager: string): Promise<KubeObject> {
      // dryRun=All: the API server runs admission and defaulting and stores nothing.
      const res = await client.patch(obj as never, undefined, 'All', manager, true, k8s.PatchStrategy.ServerSideApply);
      return res as unknown as KubeObject;
    },
  };
}
