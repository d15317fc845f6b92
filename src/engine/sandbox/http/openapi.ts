/**
 * OpenAPI v3 documents (one per group/version, listed at `/openapi/v3`) generated from the sandbox's own type
 * graph and CRD schemas. kubectl reads them to learn that the server validates fields (the `fieldValidation`
 * parameter of each PATCH operation), and `kubectl explain` renders them. Strategic merge patch is not advertised,
 * so kubectl computes client-side apply patches from its compiled-in types, which are exact.
 */
import { formatApiVersion } from '../../kube/index.ts';
import { builtinRootType, builtinTypes } from '../builtin-types.ts';
import { fnv32a } from '../names.ts';
import type { Json, JsonObject } from '../json.ts';
import type { ResourceRegistry, ResourceType } from '../registry.ts';
import type { Schema, TypeRegistry } from '../schema.ts';

function crComponentName(t: ResourceType, version: string): string {
  return `${t.group.split('.').reverse().join('.')}.${version}.${t.kind}`;
}

class Emitter {
  readonly components: Record<string, JsonObject> = {};
  private readonly pending: string[] = [];
  constructor(private readonly reg: TypeRegistry) {}

  ref(name: string): JsonObject {
    if (!(name in this.components) && !this.pending.includes(name)) this.pending.push(name);
    return { $ref: `#/components/schemas/${name}` };
  }

  flush(): void {
    while (this.pending.length) {
      const name = this.pending.shift()!;
      if (name in this.components) continue;
      const s = this.reg.get(name);
      this.components[name] = s ? this.schema(s) : { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
    }
  }

  schema(s: Schema): JsonObject {
    const out = this.inner(s);
    if (s.kind !== 'ref' && s.description) out.description = s.description;
    if (s.kind !== 'ref' && s.default !== undefined) out.default = s.default;
    return out;
  }

  private inner(s: Schema): JsonObject {
    switch (s.kind) {
      case 'ref':
        return { allOf: [this.ref(s.name)] };
      case 'struct': {
        const props: JsonObject = {};
        for (const [k, v] of Object.entries(s.fields)) props[k] = this.schema(v);
        const out: JsonObject = { type: 'object', properties: props };
        if (s.required?.length) out.required = s.required;
        if (s.atomic) out['x-kubernetes-map-type'] = 'atomic';
        if (s.open) out['x-kubernetes-preserve-unknown-fields'] = true;
        if (s.embedded) out['x-kubernetes-embedded-resource'] = true;
        return out;
      }
      case 'map': {
        const out: JsonObject = { type: 'object', additionalProperties: this.schema(s.values) };
        if (s.atomic) out['x-kubernetes-map-type'] = 'atomic';
        return out;
      }
      case 'list': {
        const out: JsonObject = { type: 'array', items: this.schema(s.items) };
        out['x-kubernetes-list-type'] = s.listType;
        if (s.keys?.length) out['x-kubernetes-list-map-keys'] = s.keys;
        if (s.patchStrategy) out['x-kubernetes-patch-strategy'] = s.patchStrategy;
        if (s.patchMergeKey) out['x-kubernetes-patch-merge-key'] = s.patchMergeKey;
        return out;
      }
      case 'scalar': {
        if (s.type === 'int-or-string') return { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] };
        if (s.type === 'quantity') return { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }], description: 'A quantity such as 500m, 1Gi or 2.' };
        const out: JsonObject = { type: s.type };
        if (s.format) out.format = s.format;
        if (s.enum) out.enum = s.enum;
        for (const k of ['minimum', 'maximum', 'minLength', 'maxLength', 'pattern'] as const) if (s[k] !== undefined) out[k] = s[k] as Json;
        return out;
      }
      case 'any':
        return { 'x-kubernetes-preserve-unknown-fields': true };
    }
  }
}

const param = (name: string, description: string, type = 'string'): JsonObject => ({ name, in: 'query', description, schema: { type, uniqueItems: true } });
const WRITE_PARAMS = [
  param('dryRun', 'When present, modifications are not persisted. Valid value: All.'),
  param('fieldManager', 'Name of the actor making the change, recorded in managedFields.'),
  param('fieldValidation', 'How unknown and duplicate fields are treated: Ignore, Warn or Strict.'),
];

function operation(gvk: JsonObject, verb: string, description: string, extra: JsonObject = {}): JsonObject {
  return {
    tags: [String(gvk.group || 'core')],
    description,
    operationId: `${verb}${String(gvk.kind)}`,
    responses: { '200': { description: 'OK', content: { 'application/json': { schema: extra.responseSchema ?? {} } } }, '401': { description: 'Unauthorized' } },
    'x-kubernetes-action': verb,
    'x-kubernetes-group-version-kind': gvk,
    ...Object.fromEntries(Object.entries(extra).filter(([k]) => k !== 'responseSchema')),
  };
}

/** `/openapi/v3`: every group/version with the URL of its document (the hash changes when the document does). */
export function openapiV3Index(reg: ResourceRegistry): JsonObject {
  const paths: JsonObject = {};
  const gvs = new Set<string>();
  for (const t of reg.all()) for (const v of t.versions) gvs.add(t.group ? `apis/${t.group}/${v}` : `api/${v}`);
  const hash = fnv32a(String(reg.generationCounter) + reg.all().map((t) => `${t.group}/${t.plural}/${t.versions.join(',')}/${t.crd ?? ''}`).join('|')).toString(16).toUpperCase().padStart(8, '0');
  for (const gv of [...gvs].sort()) paths[gv] = { serverRelativeURL: `/openapi/v3/${gv}?hash=${hash}${fnv32a(gv).toString(16).toUpperCase()}` };
  paths.api = { serverRelativeURL: `/openapi/v3/api?hash=${hash}` };
  paths.apis = { serverRelativeURL: `/openapi/v3/apis?hash=${hash}` };
  return { paths };
}

/** The OpenAPI 3 document of one group/version. */
export function openapiV3Document(reg: ResourceRegistry, group: string, version: string): JsonObject | undefined {
  const types = reg.all().filter((t) => t.group === group && t.versions.includes(version));
  if (!types.length) return undefined;
  const em = new Emitter(builtinTypes);
  const paths: JsonObject = {};
  const prefix = group ? `/apis/${group}/${version}` : `/api/${version}`;
  for (const t of types) {
    const gvk: JsonObject = { group: t.group, version, kind: t.kind };
    let rootName: string;
    if (t.builtin) {
      rootName = builtinRootType(t.group, t.kind, version) ?? `${t.kind}.${version}`;
      em.ref(rootName);
      em.flush();
      if (!em.components[rootName].properties) em.components[rootName] = { type: 'object', properties: { apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { $ref: '#/components/schemas/ObjectMeta' } }, 'x-kubernetes-preserve-unknown-fields': true };
    } else {
      rootName = crComponentName(t, version);
      em.components[rootName] = em.schema(t.crSchemas?.[version] ?? { kind: 'any' });
      em.flush();
    }
    const comp = em.components[rootName];
    comp['x-kubernetes-group-version-kind'] = [gvk];
    if (!comp.description) comp.description = `${t.kind} (${formatApiVersion(t.group, version)}), served by the GitOps Sandbox embedded cluster.`;
    const props = (comp.properties ?? {}) as JsonObject;
    const describe = (k: string, text: string) => {
      if (props[k] && typeof props[k] === 'object' && !(props[k] as JsonObject).description) (props[k] as JsonObject).description = text;
    };
    describe('apiVersion', 'The versioned schema of this representation of an object (group/version).');
    describe('kind', 'The REST resource this object represents, in CamelCase.');
    describe('metadata', "Standard object metadata: name, namespace, labels, annotations and what the server records about the object.");
    describe('spec', `The desired state of the ${t.kind}.`);
    describe('status', `The most recently observed state of the ${t.kind}, written by controllers.`);
    const listName = `${rootName}List`;
    em.components[listName] = {
      type: 'object',
      required: ['items'],
      properties: { apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true }, items: { type: 'array', items: { $ref: `#/components/schemas/${rootName}` } } },
      'x-kubernetes-group-version-kind': [{ group: t.group, version, kind: t.listKind }],
    };
    const ref = { $ref: `#/components/schemas/${rootName}` };
    const body = (cts: string[]) => ({ content: Object.fromEntries(cts.map((c) => [c, { schema: c.includes('json-patch') ? { type: 'array', items: { type: 'object' } } : ref }])), required: true });
    const nsSeg = t.namespaced ? '/namespaces/{namespace}' : '';
    const params = t.namespaced ? [{ name: 'namespace', in: 'path', required: true, schema: { type: 'string' } }] : [];
    paths[`${prefix}${nsSeg}/${t.plural}`] = {
      get: operation(gvk, 'list', `list or watch objects of kind ${t.kind}`, { responseSchema: { $ref: `#/components/schemas/${listName}` } }),
      post: operation(gvk, 'post', `create a ${t.kind}`, { requestBody: body(['application/json', 'application/yaml']), parameters: WRITE_PARAMS }),
      delete: operation(gvk, 'deletecollection', `delete a collection of ${t.kind}`),
      parameters: params,
    };
    const itemParams = [{ name: 'name', in: 'path', required: true, schema: { type: 'string' } }, ...params];
    const patchOp = (kindGvk: JsonObject) =>
      operation(kindGvk, 'patch', `partially update the specified ${String(kindGvk.kind)}`, {
        requestBody: body(['application/json-patch+json', 'application/merge-patch+json', 'application/apply-patch+yaml']),
        parameters: [...WRITE_PARAMS, param('force', 'Force is going to "force" Apply requests.', 'boolean')],
      });
    paths[`${prefix}${nsSeg}/${t.plural}/{name}`] = {
      get: operation(gvk, 'get', `read the specified ${t.kind}`, { responseSchema: ref }),
      put: operation(gvk, 'put', `replace the specified ${t.kind}`, { requestBody: body(['application/json', 'application/yaml']), parameters: WRITE_PARAMS }),
      patch: patchOp(gvk),
      delete: operation(gvk, 'delete', `delete a ${t.kind}`),
      parameters: itemParams,
    };
    if (t.status)
      paths[`${prefix}${nsSeg}/${t.plural}/{name}/status`] = {
        get: operation(gvk, 'get', `read status of the specified ${t.kind}`, { responseSchema: ref }),
        put: operation(gvk, 'put', `replace status of the specified ${t.kind}`, { requestBody: body(['application/json']), parameters: WRITE_PARAMS }),
        patch: patchOp(gvk),
        parameters: itemParams,
      };
    if (t.scale) {
      const sgvk = { group: 'autoscaling', version: 'v1', kind: 'Scale' };
      em.components['io.k8s.api.autoscaling.v1.Scale'] = {
        type: 'object',
        description: 'Scale of a resource: the desired and observed number of replicas.',
        properties: { apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true }, spec: { type: 'object', properties: { replicas: { type: 'integer', format: 'int32' } } }, status: { type: 'object', properties: { replicas: { type: 'integer', format: 'int32' }, selector: { type: 'string' } } } },
        'x-kubernetes-group-version-kind': [sgvk],
      };
      paths[`${prefix}${nsSeg}/${t.plural}/{name}/scale`] = {
        get: operation(sgvk, 'get', `read scale of the specified ${t.kind}`),
        put: operation(sgvk, 'put', `replace scale of the specified ${t.kind}`, { parameters: WRITE_PARAMS }),
        patch: patchOp(sgvk),
        parameters: itemParams,
      };
    }
  }
  em.flush();
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: 'v1.32.0' },
    paths,
    components: { schemas: em.components },
  };
}
