/**
 * The resource types the sandbox serves: every built-in kind of the shared kinds table, plus the custom resources
 * of each Established CustomResourceDefinition. Discovery, REST routing, OpenAPI and the type model all read it.
 */
import { BUILTIN_KINDS } from '../kube/index.ts';
import { builtinRootType, builtinTypeRef, builtinTypes } from './builtin-types.ts';
import { isObject, type JsonObject } from './json.ts';
import { ANY, fromJsonSchema, type Schema, type StructSchema, type TypeRegistry } from './schema.ts';

export interface PrinterColumn {
  name: string;
  type: string;
  jsonPath: string;
  description?: string;
  format?: string;
  priority?: number;
}

export interface ScaleSpec {
  specReplicasPath: string;
  statusReplicasPath: string;
  labelSelectorPath?: string;
}

export interface ResourceType {
  group: string;
  kind: string;
  plural: string;
  singular: string;
  listKind: string;
  namespaced: boolean;
  /** Served versions, the preferred one first. */
  versions: string[];
  storageVersion: string;
  shortNames: string[];
  categories: string[];
  verbs: string[];
  /** Has a status subresource: the main resource ignores status, `/status` ignores everything else. */
  status: boolean;
  scale?: ScaleSpec;
  /** metadata.generation is kept and bumped on spec changes. */
  generation: boolean;
  builtin: boolean;
  /** For custom resources: the CRD's name. */
  crd?: string;
  /** Per-version schemas of a custom resource, and printer columns. */
  crSchemas?: Record<string, Schema>;
  printerColumns?: Record<string, PrinterColumn[]>;
}

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

/** Kinds whose objects carry metadata.generation (the API server sets it only where a strategy tracks it). */
const GENERATION_KINDS = new Set([
  'apps/Deployment', 'apps/ReplicaSet', 'apps/StatefulSet', 'apps/DaemonSet', '/ReplicationController',
  'batch/Job', 'batch/CronJob', 'autoscaling/HorizontalPodAutoscaler', 'networking.k8s.io/Ingress',
  'networking.k8s.io/NetworkPolicy', 'networking.k8s.io/IngressClass', 'policy/PodDisruptionBudget',
  'apiextensions.k8s.io/CustomResourceDefinition', 'admissionregistration.k8s.io/MutatingWebhookConfiguration',
  'admissionregistration.k8s.io/ValidatingWebhookConfiguration', 'admissionregistration.k8s.io/ValidatingAdmissionPolicy',
  'admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding', 'flowcontrol.apiserver.k8s.io/FlowSchema',
  'flowcontrol.apiserver.k8s.io/PriorityLevelConfiguration', 'storage.k8s.io/CSIDriver', '/Namespace',
  'apiregistration.k8s.io/APIService', 'certificates.k8s.io/CertificateSigningRequest',
]);
// Namespaces have no generation in the real API; keep the table honest.
GENERATION_KINDS.delete('/Namespace');

const REPLICAS: ScaleSpec = { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.status.selector' };

export class ResourceRegistry {
  private readonly types: ResourceType[] = [];
  private readonly byRes = new Map<string, ResourceType>();
  private readonly byKindMap = new Map<string, ResourceType>();
  /** Bumped on every change, so discovery and OpenAPI caches know when to rebuild. */
  generationCounter = 0;

  constructor() {
    for (const k of BUILTIN_KINDS) {
      const sub = k.subresources ?? [];
      this.add({
        group: k.group,
        kind: k.kind,
        plural: k.plural,
        singular: k.kind.toLowerCase(),
        listKind: `${k.kind}List`,
        namespaced: k.namespaced,
        versions: [...k.versions],
        storageVersion: k.versions[0],
        shortNames: k.shortNames ?? [],
        categories: k.categories ?? [],
        verbs: k.verbs ?? ALL_VERBS,
        status: sub.includes('status'),
        scale: sub.includes('scale') ? REPLICAS : undefined,
        generation: GENERATION_KINDS.has(`${k.group}/${k.kind}`),
        builtin: true,
      });
    }
  }

  private add(t: ResourceType): void {
    this.types.push(t);
    this.byRes.set(`${t.group}/${t.plural}`, t);
    this.byKindMap.set(`${t.group}/${t.kind}`, t);
    this.generationCounter++;
  }

  all(): readonly ResourceType[] {
    return this.types;
  }

  byResource(group: string, plural: string): ResourceType | undefined {
    return this.byRes.get(`${group}/${plural}`);
  }

  byKind(group: string, kind: string): ResourceType | undefined {
    return this.byKindMap.get(`${group}/${kind}`);
  }

  /** Groups in discovery order: core first, then built-in groups as registered, then custom groups by name. */
  groups(): string[] {
    const seen: string[] = [];
    for (const t of this.types) if (!seen.includes(t.group)) seen.push(t.group);
    return seen;
  }

  /** Registers the custom resource of a CRD (called once the CRD is Established), replacing an older definition. */
  addCRD(crd: JsonObject): ResourceType | undefined {
    const t = typeFromCRD(crd);
    if (!t) return undefined;
    this.removeCRD(t.crd!);
    const clash = this.byRes.get(`${t.group}/${t.plural}`);
    if (clash) return undefined;
    this.add(t);
    return t;
  }

  removeCRD(name: string): ResourceType | undefined {
    const i = this.types.findIndex((t) => t.crd === name);
    if (i < 0) return undefined;
    const [t] = this.types.splice(i, 1);
    this.byRes.delete(`${t.group}/${t.plural}`);
    this.byKindMap.delete(`${t.group}/${t.kind}`);
    this.generationCounter++;
    return t;
  }

  private readonly schemaCache = new WeakMap<ResourceType, Map<string, { reg: TypeRegistry; schema: Schema }>>();

  /** The schema of a version of a type, and the registry its named references resolve in. */
  schemaOf(t: ResourceType, version: string): { reg: TypeRegistry; schema: Schema } {
    let byVersion = this.schemaCache.get(t);
    if (!byVersion) this.schemaCache.set(t, (byVersion = new Map()));
    let hit = byVersion.get(version);
    if (!hit) {
      if (t.builtin) {
        const root = builtinRootType(t.group, t.kind, version);
        hit = { reg: builtinTypes, schema: root ? builtinTypes.resolve({ kind: 'ref', name: root }) : ANY };
      } else hit = { reg: builtinTypes, schema: t.crSchemas?.[version] ?? t.crSchemas?.[t.storageVersion] ?? ANY };
      byVersion.set(version, hit);
    }
    return hit;
  }
}

/** What a CRD declares, or undefined when it lacks the basics (validation rejects those before this runs). */
export function typeFromCRD(crd: JsonObject): ResourceType | undefined {
  const spec = crd.spec;
  if (!isObject(spec) || !isObject(spec.names)) return undefined;
  const names = spec.names;
  const group = typeof spec.group === 'string' ? spec.group : '';
  const kind = typeof names.kind === 'string' ? names.kind : '';
  const plural = typeof names.plural === 'string' ? names.plural : '';
  if (!group || !kind || !plural) return undefined;
  const versions = Array.isArray(spec.versions) ? spec.versions.filter(isObject) : [];
  const served = versions.filter((v) => v.served !== false && typeof v.name === 'string');
  if (!served.length) return undefined;
  // Preferred version: Kubernetes orders by version priority (GA > beta > alpha, higher numbers first).
  const order = served.map((v) => v.name as string).sort(compareKubeVersions);
  const storage = (versions.find((v) => v.storage === true)?.name as string | undefined) ?? order[0];
  const crSchemas: Record<string, Schema> = {};
  const printerColumns: Record<string, PrinterColumn[]> = {};
  let status = false;
  let scale: ScaleSpec | undefined;
  for (const v of served) {
    const name = v.name as string;
    const sch = isObject(v.schema) ? v.schema.openAPIV3Schema : undefined;
    const s = sch ? fromJsonSchema(sch) : ANY;
    if (s.kind === 'struct') {
      // apiVersion, kind and metadata are implied for every custom resource.
      const st = s as StructSchema;
      st.fields = {
        ...st.fields,
        apiVersion: { kind: 'scalar', type: 'string' },
        kind: { kind: 'scalar', type: 'string' },
        metadata: builtinTypeRef('ObjectMeta'),
      };
    }
    crSchemas[name] = s;
    const subs = isObject(v.subresources) ? v.subresources : isObject(spec.subresources) ? spec.subresources : undefined;
    if (subs && isObject(subs.status)) status = true;
    if (subs && isObject(subs.scale)) {
      const sc = subs.scale;
      scale = {
        specReplicasPath: String(sc.specReplicasPath ?? '.spec.replicas'),
        statusReplicasPath: String(sc.statusReplicasPath ?? '.status.replicas'),
        labelSelectorPath: typeof sc.labelSelectorPath === 'string' ? sc.labelSelectorPath : undefined,
      };
    }
    const cols = Array.isArray(v.additionalPrinterColumns) ? v.additionalPrinterColumns.filter(isObject) : [];
    printerColumns[name] = cols.map((c) => ({
      name: String(c.name ?? ''),
      type: String(c.type ?? 'string'),
      jsonPath: String(c.jsonPath ?? ''),
      description: typeof c.description === 'string' ? c.description : undefined,
      format: typeof c.format === 'string' ? c.format : undefined,
      priority: typeof c.priority === 'number' ? c.priority : undefined,
    }));
  }
  const md = isObject(crd.metadata) ? crd.metadata : {};
  return {
    group,
    kind,
    plural,
    singular: typeof names.singular === 'string' && names.singular ? names.singular : kind.toLowerCase(),
    listKind: typeof names.listKind === 'string' && names.listKind ? names.listKind : `${kind}List`,
    namespaced: spec.scope !== 'Cluster',
    versions: order,
    storageVersion: storage,
    shortNames: Array.isArray(names.shortNames) ? names.shortNames.filter((x): x is string => typeof x === 'string') : [],
    categories: Array.isArray(names.categories) ? names.categories.filter((x): x is string => typeof x === 'string') : [],
    verbs: ALL_VERBS,
    status,
    scale,
    generation: true,
    builtin: false,
    crd: String(md.name ?? `${plural}.${group}`),
    crSchemas,
    printerColumns,
  };
}

/** Kubernetes version priority: v1 > v1beta2 > v1beta1 > v1alpha1 > anything that is not a Kube version (by name). */
export function compareKubeVersions(a: string, b: string): number {
  const parse = (v: string) => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (!m) return undefined;
    return { major: Number(m[1]), stage: m[2] === 'alpha' ? 0 : m[2] === 'beta' ? 1 : 2, minor: Number(m[3] ?? 0) };
  };
  const pa = parse(a);
  const pb = parse(b);
  if (pa && !pb) return -1;
  if (!pa && pb) return 1;
  if (!pa || !pb) return a < b ? -1 : a > b ? 1 : 0;
  if (pa.stage !== pb.stage) return pb.stage - pa.stage;
  if (pa.major !== pb.major) return pb.major - pa.major;
  return pb.minor - pa.minor;
}
