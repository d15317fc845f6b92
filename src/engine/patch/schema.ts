/**
 * The merge schema kustomize's strategic merge consults (kyaml's `openapi.ResourceSchema`): per resource type, per
 * field, the patch strategy and merge keys. By default it is the Kubernetes v1.21.2 schema kustomize v5.5.0 embeds
 * (served from our table in `src/engine/kube/patch-meta*`). A kustomization's `openapi: {path: …}` replaces it with
 * a custom OpenAPI document; `crds:` does not change merging at all (kustomize reads CRD files only for name
 * references and labels; verified with `kubectl kustomize`).
 */
import { patchMetaFor, patchMetaOfType, type PatchMetaNode } from '../kube/index.ts';

/** One position in a schema, as kyaml's walker sees it. */
export interface MergeSchema {
  /** The schema of a map field (a declared property, else the additionalProperties value schema). */
  field(name: string): MergeSchema | undefined;
  /** The schema of a list's elements; undefined unless the schema is exactly `type: array`. */
  elements(): MergeSchema | undefined;
  /** x-kubernetes-patch-strategy, or '' when absent. */
  readonly patchStrategy: string;
  /**
   * kyaml's PatchStrategyAndKeyList keys: x-kubernetes-list-map-keys when present, else the merge key, else none.
   * Empty when there is no patch strategy.
   */
  readonly mergeKeys: string[];
}

class TableSchema implements MergeSchema {
  constructor(private readonly node: PatchMetaNode) {}

  field(name: string): MergeSchema | undefined {
    const f = this.node.field(name);
    return f ? new TableSchema(f) : undefined;
  }

  elements(): MergeSchema | undefined {
    const e = this.node.elements();
    return e ? new TableSchema(e) : undefined;
  }

  get patchStrategy(): string {
    return this.node.meta?.patchStrategy ?? '';
  }

  get mergeKeys(): string[] {
    const m = this.node.meta;
    if (!m?.patchStrategy) return [];
    if (m.listMapKeys) return m.listMapKeys;
    return m.patchMergeKey ? [m.patchMergeKey] : [];
  }
}

type Json = Record<string, unknown>;

/** A schema inside an OpenAPI v2 document; `$ref`s resolve against the definitions of all documents in play. */
class DocSchema implements MergeSchema {
  constructor(
    private readonly s: Json,
    private readonly resolveRef: (ref: string) => MergeSchema | undefined,
  ) {}

  static wrap(s: unknown, resolveRef: (ref: string) => MergeSchema | undefined): MergeSchema | undefined {
    if (!s || typeof s !== 'object' || Array.isArray(s)) return undefined;
    const ref = (s as Json).$ref;
    if (typeof ref === 'string' && ref !== '') return resolveRef(ref);
    return new DocSchema(s as Json, resolveRef);
  }

  field(name: string): MergeSchema | undefined {
    const props = this.s.properties as Json | undefined;
    if (props && typeof props === 'object' && Object.prototype.hasOwnProperty.call(props, name)) {
      return DocSchema.wrap(props[name], this.resolveRef);
    }
    const ap = this.s.additionalProperties;
    if (ap && typeof ap === 'object') return DocSchema.wrap(ap, this.resolveRef);
    return undefined;
  }

  elements(): MergeSchema | undefined {
    const t = this.s.type;
    const isArray = t === 'array' || (Array.isArray(t) && t.length === 1 && t[0] === 'array');
    if (!isArray) return undefined;
    const items = this.s.items;
    if (!items || typeof items !== 'object' || Array.isArray(items)) return undefined;
    return DocSchema.wrap(items, this.resolveRef);
  }

  get patchStrategy(): string {
    const ps = this.s['x-kubernetes-patch-strategy'];
    return typeof ps === 'string' ? ps : '';
  }

  get mergeKeys(): string[] {
    if (!('x-kubernetes-patch-strategy' in this.s)) return [];
    const list = this.s['x-kubernetes-list-map-keys'];
    if (Array.isArray(list)) return list.map(String);
    const mk = this.s['x-kubernetes-patch-merge-key'];
    return typeof mk === 'string' ? [mk] : [];
  }
}

/** Resolves `io.k8s.api.core.v1.PodSpec`-style names of the built-in schema onto our table's Go type names. */
function builtinDefinition(name: string): MergeSchema | undefined {
  const short = name.slice(name.lastIndexOf('.') + 1);
  const node = patchMetaOfType(short, '1.21');
  return node ? new TableSchema(node) : undefined;
}

/**
 * The schema in effect for one kustomize build step. Immutable; `withOpenApi` returns a new one. Resource lookups
 * go by exact apiVersion and kind, as kyaml's do.
 */
export class KustomizeSchema {
  private readonly byGvk = new Map<string, { doc: Json; def: unknown }>();
  private readonly definitions = new Map<string, unknown>();

  private constructor(
    private readonly builtin: boolean,
    private readonly docs: Json[],
  ) {
    for (const doc of docs) {
      const defs = doc.definitions as Json | undefined;
      if (!defs || typeof defs !== 'object') continue;
      for (const [name, def] of Object.entries(defs)) {
        this.definitions.set(name, def);
        const gvks = (def as Json | null)?.['x-kubernetes-group-version-kind'];
        if (!Array.isArray(gvks)) continue;
        for (const g of gvks) {
          if (!g || typeof g !== 'object') continue;
          const { group, version, kind } = g as Json;
          if (typeof version !== 'string' || typeof kind !== 'string') continue;
          const apiVersion = typeof group === 'string' && group !== '' ? `${group}/${version}` : version;
          this.byGvk.set(`${apiVersion}|${kind}`, { doc, def });
        }
      }
    }
  }

  private static builtinInstance: KustomizeSchema | undefined;

  /** kustomize's default: the embedded Kubernetes v1.21.2 schema. */
  static builtin(): KustomizeSchema {
    return (KustomizeSchema.builtinInstance ??= new KustomizeSchema(true, []));
  }

  /**
   * A kustomization's `openapi: {path: …}` document (parsed JSON or YAML), which replaces the built-in schema:
   * built-in kinds it does not describe merge lists by replacing them, as `kubectl kustomize` does.
   */
  static custom(document: unknown): KustomizeSchema {
    return new KustomizeSchema(false, [asDoc(document)]);
  }

  /**
   * This schema plus a document's definitions, later ones winning for the same kind (kyaml adds a custom document
   * on top of an already loaded built-in schema when a nested kustomization sets `openapi` after merging began).
   */
  withOpenApi(document: unknown): KustomizeSchema {
    return new KustomizeSchema(this.builtin, [...this.docs, asDoc(document)]);
  }

  get usesBuiltin(): boolean {
    return this.builtin;
  }

  /** The schema of a resource type, or undefined when kyaml would have none (lists are then replaced). */
  forResource(apiVersion: string, kind: string): MergeSchema | undefined {
    const hit = this.byGvk.get(`${apiVersion}|${kind}`);
    if (hit) return DocSchema.wrap(hit.def, this.resolveRef);
    if (!this.builtin) return undefined;
    const node = patchMetaFor(apiVersion, kind, '1.21');
    return node ? new TableSchema(node) : undefined;
  }

  private readonly resolveRef = (ref: string): MergeSchema | undefined => {
    const prefix = '#/definitions/';
    if (!ref.startsWith(prefix)) return undefined;
    const name = ref.slice(prefix.length).replace(/~1/g, '/').replace(/~0/g, '~');
    if (this.definitions.has(name)) return DocSchema.wrap(this.definitions.get(name), this.resolveRef);
    return this.builtin ? builtinDefinition(name) : undefined;
  };
}

function asDoc(document: unknown): Json {
  return document && typeof document === 'object' && !Array.isArray(document) ? (document as Json) : {};
}
