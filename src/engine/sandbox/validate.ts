/**
 * Validation the API server performs before it stores an object: names, labels, the rules of the common built-in
 * kinds that users actually trip over (selectors that do not match templates, immutable fields, missing
 * containers, restart policies), and custom resources against their CRD schema.
 */
import { deepEqual, isObject, type Json, type JsonObject } from './json.ts';
import { dns1035LabelError, dnsLabelError, dnsSubdomainError, labelValueError, qualifiedNameError } from './names.ts';
import type { ResourceType } from './registry.ts';
import { jsonTypeName, type Schema, type TypeRegistry } from './schema.ts';
import { matchRequirements, requirementsOf } from './selectors.ts';
import { fieldErr, type FieldError } from './status.ts';

const o = (v: unknown): JsonObject | undefined => (isObject(v) ? v : undefined);

/** Kinds whose names must be DNS labels (RFC 1123, or RFC 1035 for Services). */
const LABEL_NAMED = new Set(['/Namespace']);
const DNS1035_NAMED = new Set(['/Service']);
/** Kinds whose names are free-form path segments. */
const PATH_NAMED = new Set(['rbac.authorization.k8s.io/Role', 'rbac.authorization.k8s.io/ClusterRole', 'rbac.authorization.k8s.io/RoleBinding', 'rbac.authorization.k8s.io/ClusterRoleBinding', '/Node']);

export function validateMeta(t: ResourceType, obj: JsonObject, errs: FieldError[]): void {
  const md = o(obj.metadata) ?? {};
  const name = md.name;
  const key = `${t.group}/${t.kind}`;
  if (typeof name !== 'string' || !name) errs.push(fieldErr.required('metadata.name', 'name or generateName is required'));
  else {
    let e: string | undefined;
    if (PATH_NAMED.has(key)) e = name === '.' || name === '..' ? `may not be '${name}'` : /[/%]/.test(name) ? "may not contain '/'" : undefined;
    else if (LABEL_NAMED.has(key)) e = dnsLabelError(name);
    else if (DNS1035_NAMED.has(key)) e = dns1035LabelError(name);
    else e = dnsSubdomainError(name);
    if (e) errs.push(fieldErr.invalid('metadata.name', name, e));
  }
  const labels = md.labels;
  if (labels !== undefined && !isObject(labels)) errs.push(fieldErr.typeInvalid('metadata.labels', labels, 'must be a map of strings'));
  if (isObject(labels))
    for (const [k, v] of Object.entries(labels)) {
      const ke = qualifiedNameError(k);
      if (ke) errs.push(fieldErr.invalid('metadata.labels', k, ke));
      if (typeof v !== 'string') errs.push(fieldErr.typeInvalid(`metadata.labels.${k}`, v, 'must be a string'));
      else {
        const ve = labelValueError(v);
        if (ve) errs.push(fieldErr.invalid('metadata.labels', v, ve));
      }
    }
  const ann = md.annotations;
  if (isObject(ann)) {
    let size = 0;
    for (const [k, v] of Object.entries(ann)) {
      const ke = qualifiedNameError(k.toLowerCase());
      if (ke) errs.push(fieldErr.invalid('metadata.annotations', k, ke));
      if (typeof v !== 'string') errs.push(fieldErr.typeInvalid(`metadata.annotations.${k}`, v, 'must be a string'));
      size += k.length + (typeof v === 'string' ? v.length : 0);
    }
    if (size > 262144) errs.push({ type: 'FieldValueTooLong', field: 'metadata.annotations', body: 'Too long: must have at most 262144 bytes' });
  }
  if (Array.isArray(md.finalizers))
    for (const f of md.finalizers) {
      if (typeof f !== 'string') continue;
      const fe = qualifiedNameError(f);
      if (fe) errs.push(fieldErr.invalid('metadata.finalizers', f, fe));
    }
  if (Array.isArray(md.ownerReferences))
    md.ownerReferences.forEach((r, i) => {
      const ref = o(r);
      for (const f of ['apiVersion', 'kind', 'name', 'uid'])
        if (!ref || typeof ref[f] !== 'string' || !ref[f]) errs.push(fieldErr.invalid(`metadata.ownerReferences[${i}].${f}`, ref?.[f] ?? '', `${f} must not be empty`));
    });
}

function validateContainers(path: string, spec: JsonObject, errs: FieldError[]): void {
  const cs = spec.containers;
  if (!Array.isArray(cs) || cs.length === 0) {
    errs.push(fieldErr.required(`${path}.containers`));
    return;
  }
  const seen = new Set<string>();
  for (const list of ['initContainers', 'containers']) {
    const arr = spec[list];
    if (!Array.isArray(arr)) continue;
    arr.forEach((c, i) => {
      const p = `${path}.${list}[${i}]`;
      const cont = o(c);
      if (!cont) return;
      if (typeof cont.name !== 'string' || !cont.name) errs.push(fieldErr.required(`${p}.name`));
      else {
        const e = dnsLabelError(cont.name);
        if (e) errs.push(fieldErr.invalid(`${p}.name`, cont.name, e));
        if (seen.has(cont.name)) errs.push(fieldErr.duplicate(`${p}.name`, cont.name));
        seen.add(cont.name);
      }
      if (typeof cont.image !== 'string' || !cont.image.trim()) errs.push(fieldErr.required(`${p}.image`));
      if (Array.isArray(cont.ports))
        cont.ports.forEach((pt, j) => {
          const port = o(pt);
          const n = port?.containerPort;
          if (typeof n !== 'number' || n < 1 || n > 65535 || !Number.isInteger(n))
            errs.push(fieldErr.invalid(`${p}.ports[${j}].containerPort`, n ?? 0, 'must be between 1 and 65535, inclusive'));
          if (port && port.protocol !== undefined && !['TCP', 'UDP', 'SCTP'].includes(String(port.protocol)))
            errs.push(fieldErr.notSupported(`${p}.ports[${j}].protocol`, port.protocol, ['SCTP', 'TCP', 'UDP']));
        });
    });
  }
  const rp = spec.restartPolicy;
  if (rp !== undefined && !['Always', 'OnFailure', 'Never'].includes(String(rp))) errs.push(fieldErr.notSupported(`${path}.restartPolicy`, rp, ['Always', 'OnFailure', 'Never']));
}

function validateWorkload(t: ResourceType, obj: JsonObject, old: JsonObject | undefined, errs: FieldError[]): void {
  const spec = o(obj.spec);
  if (!spec) {
    errs.push(fieldErr.required('spec'));
    return;
  }
  const key = `${t.group}/${t.kind}`;
  const replicas = spec.replicas;
  if (replicas !== undefined && (typeof replicas !== 'number' || replicas < 0 || !Number.isInteger(replicas)))
    errs.push(fieldErr.invalid('spec.replicas', replicas, 'must be greater than or equal to 0'));
  const sel = spec.selector;
  const isJob = key === 'batch/Job';
  if (!isJob || spec.manualSelector === true) {
    const reqs = requirementsOf(sel);
    if (!reqs) errs.push(fieldErr.required('spec.selector'));
    else if (reqs.length === 0) errs.push(fieldErr.invalid('spec.selector', sel, 'empty selector is invalid for deployment'));
  }
  const tpl = o(spec.template);
  if (!tpl) {
    errs.push(fieldErr.required('spec.template'));
    return;
  }
  const tlabels = o(o(tpl.metadata)?.labels) as Record<string, string> | undefined;
  const reqs = requirementsOf(sel);
  if (reqs && reqs.length && !matchRequirements(reqs, tlabels))
    errs.push(fieldErr.invalid('spec.template.metadata.labels', tlabels ?? {}, '`selector` does not match template `labels`'));
  const ps = o(tpl.spec);
  if (!ps) errs.push(fieldErr.required('spec.template.spec'));
  else {
    validateContainers('spec.template.spec', ps, errs);
    if (isJob) {
      if (!['OnFailure', 'Never'].includes(String(ps.restartPolicy)))
        errs.push(ps.restartPolicy === undefined || ps.restartPolicy === 'Always'
          ? fieldErr.notSupported('spec.template.spec.restartPolicy', ps.restartPolicy ?? 'Always', ['OnFailure', 'Never'])
          : fieldErr.required('spec.template.spec.restartPolicy', 'valid values: "OnFailure", "Never"'));
    } else if (ps.restartPolicy !== undefined && ps.restartPolicy !== 'Always') {
      errs.push(fieldErr.notSupported('spec.template.spec.restartPolicy', ps.restartPolicy, ['Always']));
    }
  }
  if (key === 'apps/Deployment') {
    const st = o(spec.strategy);
    if (st?.type === 'Recreate' && st.rollingUpdate) errs.push(fieldErr.forbidden('spec.strategy.rollingUpdate', 'may not be specified when strategy `type` is \'Recreate\''));
    if (st && st.type !== undefined && !['RollingUpdate', 'Recreate'].includes(String(st.type))) errs.push(fieldErr.notSupported('spec.strategy.type', st.type, ['Recreate', 'RollingUpdate']));
    const ru = o(st?.rollingUpdate);
    if (ru && isZero(ru.maxSurge) && isZero(ru.maxUnavailable)) errs.push(fieldErr.invalid('spec.strategy.rollingUpdate.maxUnavailable', ru.maxUnavailable as Json, 'may not be 0 when `maxSurge` is 0'));
  }
  if (old && key !== 'batch/CronJob') {
    const os = o(old.spec);
    if (os && !deepEqual(os.selector, spec.selector) && !(isJob && spec.manualSelector !== true && os.selector && !spec.selector))
      errs.push(fieldErr.invalid('spec.selector', spec.selector ?? null, 'field is immutable'));
    if (isJob && os && !deepEqual(os.template, spec.template)) {
      // Job pod templates are immutable once created, apart from scheduling directives of suspended Jobs.
      errs.push(fieldErr.invalid('spec.template', spec.template, 'field is immutable'));
    }
    if (isJob && os && os.completions !== spec.completions && spec.completionMode !== 'Indexed')
      errs.push(fieldErr.invalid('spec.completions', spec.completions ?? null, 'field is immutable'));
    if (key === 'apps/StatefulSet' && os) {
      for (const f of Object.keys({ ...os, ...spec })) {
        if (['replicas', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds', 'ordinals', 'revisionHistoryLimit'].includes(f)) continue;
        if (!deepEqual(os[f], spec[f])) {
          errs.push(fieldErr.forbidden('spec', "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"));
          break;
        }
      }
    }
  }
}

function isZero(v: unknown): boolean {
  return v === 0 || v === '0' || v === '0%';
}

function validateService(obj: JsonObject, old: JsonObject | undefined, errs: FieldError[]): void {
  const spec = o(obj.spec);
  if (!spec) {
    errs.push(fieldErr.required('spec'));
    return;
  }
  const type = spec.type ?? 'ClusterIP';
  if (!['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'].includes(String(type))) errs.push(fieldErr.notSupported('spec.type', type, ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort']));
  const ports = Array.isArray(spec.ports) ? spec.ports : [];
  if (type !== 'ExternalName' && ports.length === 0 && spec.clusterIP !== 'None') errs.push(fieldErr.required('spec.ports'));
  const names = new Set<string>();
  ports.forEach((p, i) => {
    const port = o(p);
    if (!port) return;
    const n = port.port;
    if (typeof n !== 'number' || n < 1 || n > 65535) errs.push(fieldErr.invalid(`spec.ports[${i}].port`, n ?? 0, 'must be between 1 and 65535, inclusive'));
    if (ports.length > 1 && (typeof port.name !== 'string' || !port.name)) errs.push(fieldErr.required(`spec.ports[${i}].name`));
    if (typeof port.name === 'string') {
      if (names.has(port.name)) errs.push(fieldErr.duplicate(`spec.ports[${i}].name`, port.name));
      names.add(port.name);
    }
  });
  if (type === 'ExternalName' && (typeof spec.externalName !== 'string' || !spec.externalName)) errs.push(fieldErr.required('spec.externalName'));
  if (old) {
    const os = o(old.spec);
    if (os && os.clusterIP && spec.clusterIP !== undefined && os.clusterIP !== spec.clusterIP && type !== 'ExternalName' && os.type !== 'ExternalName')
      errs.push(fieldErr.invalid('spec.clusterIPs[0]', spec.clusterIP, 'may not change once set'));
  }
}

function validateData(field: string, data: unknown, errs: FieldError[]): void {
  if (data === undefined) return;
  if (!isObject(data)) {
    errs.push(fieldErr.typeInvalid(field, data, 'must be a map of strings'));
    return;
  }
  for (const [k, v] of Object.entries(data)) {
    if (!/^[-._a-zA-Z0-9]+$/.test(k) || k.length > 253)
      errs.push(fieldErr.invalid(field, k, "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"));
    if (typeof v !== 'string') errs.push(fieldErr.typeInvalid(`${field}.${k}`, v, 'must be a string'));
  }
}

/** Validation of one object of a type; `old` is the stored object on update. */
export function validateObject(t: ResourceType, obj: JsonObject, old: JsonObject | undefined, reg: TypeRegistry, schema: Schema | undefined): FieldError[] {
  const errs: FieldError[] = [];
  validateMeta(t, obj, errs);
  const key = `${t.group}/${t.kind}`;
  switch (key) {
    case 'apps/Deployment':
    case 'apps/ReplicaSet':
    case 'apps/StatefulSet':
    case 'apps/DaemonSet':
    case 'batch/Job':
      validateWorkload(t, obj, old, errs);
      break;
    case 'batch/CronJob': {
      const spec = o(obj.spec);
      if (!spec || typeof spec.schedule !== 'string' || !spec.schedule) errs.push(fieldErr.required('spec.schedule'));
      const jt = o(o(spec?.jobTemplate)?.spec);
      const ps = o(o(jt?.template)?.spec);
      if (!ps) errs.push(fieldErr.required('spec.jobTemplate.spec.template.spec'));
      else {
        validateContainers('spec.jobTemplate.spec.template.spec', ps, errs);
        if (!['OnFailure', 'Never'].includes(String(ps.restartPolicy)))
          errs.push(fieldErr.notSupported('spec.jobTemplate.spec.template.spec.restartPolicy', ps.restartPolicy ?? 'Always', ['OnFailure', 'Never']));
      }
      break;
    }
    case '/Pod': {
      const spec = o(obj.spec);
      if (!spec) errs.push(fieldErr.required('spec'));
      else validateContainers('spec', spec, errs);
      if (old && spec) {
        const os = o(old.spec) ?? {};
        const strip = (s: JsonObject) => {
          const c = { ...s } as JsonObject;
          delete c.activeDeadlineSeconds;
          delete c.tolerations;
          delete c.terminationGracePeriodSeconds;
          c.containers = Array.isArray(s.containers) ? s.containers.map((x) => (isObject(x) ? { ...x, image: '' } : x)) : s.containers;
          c.initContainers = Array.isArray(s.initContainers) ? s.initContainers.map((x) => (isObject(x) ? { ...x, image: '' } : x)) : s.initContainers;
          return c;
        };
        if (!deepEqual(strip(os), strip(spec)))
          errs.push(fieldErr.forbidden('spec', 'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)'));
      }
      break;
    }
    case '/Service':
      validateService(obj, old, errs);
      break;
    case '/ConfigMap':
      validateData('data', obj.data, errs);
      validateData('binaryData', obj.binaryData, errs);
      if (old && old.immutable === true && (!deepEqual(old.data, obj.data) || !deepEqual(old.binaryData, obj.binaryData)))
        errs.push(fieldErr.forbidden('data', 'field is immutable when `immutable` is set'));
      if (old && old.immutable === true && obj.immutable !== true) errs.push(fieldErr.forbidden('immutable', 'field is immutable when `immutable` is set'));
      break;
    case '/Secret':
      validateData('data', obj.data, errs);
      if (isObject(obj.data))
        for (const [k, v] of Object.entries(obj.data))
          if (typeof v === 'string' && !/^[A-Za-z0-9+/]*={0,2}$/.test(v.replace(/\s/g, '')))
            errs.push(fieldErr.invalid(`data[${k}]`, '<secret contents redacted>', 'illegal base64 data'));
      if (old && old.type !== undefined && obj.type !== old.type) errs.push(fieldErr.invalid('type', obj.type ?? '', 'field is immutable'));
      if (old && old.immutable === true && !deepEqual(old.data, obj.data)) errs.push(fieldErr.forbidden('data', 'field is immutable when `immutable` is set'));
      break;
    case '/PersistentVolumeClaim': {
      const spec = o(obj.spec);
      if (!spec) errs.push(fieldErr.required('spec'));
      else {
        if (!Array.isArray(spec.accessModes) || !spec.accessModes.length) errs.push(fieldErr.required('spec.accessModes', 'at least 1 access mode is required'));
        if (!o(o(spec.resources)?.requests)?.storage) errs.push(fieldErr.required('spec.resources[storage]'));
      }
      if (old && spec) {
        const strip = (s: unknown) => {
          const c = { ...(o(s) ?? {}) } as JsonObject;
          delete c.resources;
          delete c.volumeAttributesClassName;
          if (!o(old.spec)?.volumeName) delete c.volumeName;
          return c;
        };
        if (!deepEqual(strip(old.spec), strip(spec)))
          errs.push(fieldErr.forbidden('spec', 'spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims'));
      }
      break;
    }
    case 'rbac.authorization.k8s.io/RoleBinding':
    case 'rbac.authorization.k8s.io/ClusterRoleBinding':
      if (!o(obj.roleRef)) errs.push(fieldErr.required('roleRef'));
      if (old && !deepEqual(old.roleRef, obj.roleRef)) errs.push(fieldErr.invalid('roleRef', obj.roleRef ?? null, 'cannot change roleRef'));
      break;
    case 'apiextensions.k8s.io/CustomResourceDefinition':
      validateCRD(obj, old, errs);
      break;
    case 'networking.k8s.io/Ingress': {
      const rules = o(obj.spec)?.rules;
      if (Array.isArray(rules))
        rules.forEach((r, i) => {
          const paths = o(o(r)?.http)?.paths;
          if (Array.isArray(paths))
            paths.forEach((p, j) => {
              const pt = o(p)?.pathType;
              if (pt === undefined) errs.push(fieldErr.required(`spec.rules[${i}].http.paths[${j}].pathType`, 'pathType must be specified'));
              else if (!['Exact', 'Prefix', 'ImplementationSpecific'].includes(String(pt)))
                errs.push(fieldErr.notSupported(`spec.rules[${i}].http.paths[${j}].pathType`, pt, ['Exact', 'ImplementationSpecific', 'Prefix']));
            });
        });
      break;
    }
  }
  if (!t.builtin && schema) validateAgainstSchema(reg, schema, obj, '', errs, true);
  return errs;
}

function validateCRD(obj: JsonObject, old: JsonObject | undefined, errs: FieldError[]): void {
  const spec = o(obj.spec);
  if (!spec) {
    errs.push(fieldErr.required('spec'));
    return;
  }
  const names = o(spec.names);
  const group = spec.group;
  if (typeof group !== 'string' || !group) errs.push(fieldErr.required('spec.group'));
  else if (!group.includes('.')) errs.push(fieldErr.invalid('spec.group', group, 'should be a domain with at least one dot'));
  if (!names) errs.push(fieldErr.required('spec.names'));
  else {
    for (const f of ['plural', 'kind']) if (typeof names[f] !== 'string' || !names[f]) errs.push(fieldErr.required(`spec.names.${f}`));
    if (typeof names.plural === 'string' && dnsLabelError(names.plural)) errs.push(fieldErr.invalid('spec.names.plural', names.plural, dnsLabelError(names.plural)!));
  }
  const name = o(obj.metadata)?.name;
  if (names && typeof names.plural === 'string' && typeof group === 'string' && name !== `${names.plural}.${group}`)
    errs.push(fieldErr.invalid('metadata.name', name ?? '', 'must be spec.names.plural+"."+spec.group'));
  if (!['Namespaced', 'Cluster'].includes(String(spec.scope))) errs.push(fieldErr.notSupported('spec.scope', spec.scope ?? '', ['Cluster', 'Namespaced']));
  const versions = Array.isArray(spec.versions) ? spec.versions.filter(isObject) : [];
  if (!versions.length) errs.push(fieldErr.invalid('spec.versions', [], 'must have exactly one version marked as storage version'));
  else {
    const storage = versions.filter((v) => v.storage === true).length;
    if (storage !== 1) errs.push(fieldErr.invalid('spec.versions', spec.versions as Json, 'must have exactly one version marked as storage version'));
    versions.forEach((v, i) => {
      if (typeof v.served !== 'boolean') errs.push(fieldErr.required(`spec.versions[${i}].served`));
      if (typeof v.storage !== 'boolean') errs.push(fieldErr.required(`spec.versions[${i}].storage`));
      const s = o(o(v.schema)?.openAPIV3Schema);
      if (!s) errs.push(fieldErr.required(`spec.versions[${i}].schema.openAPIV3Schema`, 'schemas are required'));
      else if (s.type !== 'object') errs.push(fieldErr.required(`spec.versions[${i}].schema.openAPIV3Schema.type`, 'must not be empty at the root'));
    });
  }
  if (old) {
    const os = o(old.spec);
    if (os && os.group !== spec.group) errs.push(fieldErr.invalid('spec.group', spec.group ?? '', 'field is immutable'));
    if (os && o(os.names)?.plural !== names?.plural) errs.push(fieldErr.invalid('spec.names.plural', names?.plural ?? '', 'field is immutable'));
  }
}

/** Structural schema validation of a custom resource (types, required, enum, bounds); unknown fields are pruned elsewhere. */
export function validateAgainstSchema(reg: TypeRegistry, s: Schema, v: unknown, path: string, errs: FieldError[], top = false): void {
  const r = reg.resolve(s);
  const at = path || '<root>';
  if (v === null) {
    if (!r.nullable && !top) errs.push(fieldErr.typeInvalid(at, 'null', `must be of type ${r.kind === 'struct' || r.kind === 'map' ? 'object' : r.kind === 'list' ? 'array' : r.kind === 'scalar' ? scalarType(r.type) : 'object'}`));
    return;
  }
  switch (r.kind) {
    case 'struct': {
      if (!isObject(v)) {
        errs.push(fieldErr.typeInvalid(at, jsonTypeName(v), 'must be of type object'));
        return;
      }
      for (const req of r.required ?? []) if (v[req] === undefined) errs.push(fieldErr.required(path ? `${path}.${req}` : req));
      for (const [k, fs] of Object.entries(r.fields)) {
        if (top && (k === 'metadata' || k === 'apiVersion' || k === 'kind')) continue;
        if (v[k] !== undefined) validateAgainstSchema(reg, fs, v[k], path ? `${path}.${k}` : k, errs);
      }
      return;
    }
    case 'map':
      if (!isObject(v)) errs.push(fieldErr.typeInvalid(at, jsonTypeName(v), 'must be of type object'));
      else for (const k of Object.keys(v)) validateAgainstSchema(reg, r.values, v[k], path ? `${path}.${k}` : k, errs);
      return;
    case 'list':
      if (!Array.isArray(v)) errs.push(fieldErr.typeInvalid(at, jsonTypeName(v), 'must be of type array'));
      else v.forEach((it, i) => validateAgainstSchema(reg, r.items, it, `${at}[${i}]`, errs));
      return;
    case 'scalar': {
      const ok =
        r.type === 'string' ? typeof v === 'string' :
        r.type === 'integer' ? typeof v === 'number' && Number.isInteger(v) :
        r.type === 'number' ? typeof v === 'number' :
        r.type === 'boolean' ? typeof v === 'boolean' :
        r.type === 'int-or-string' ? typeof v === 'string' || (typeof v === 'number' && Number.isInteger(v)) :
        typeof v === 'string' || typeof v === 'number';
      if (!ok) {
        errs.push(fieldErr.typeInvalid(at, jsonTypeName(v), `must be of type ${scalarType(r.type)}`));
        return;
      }
      if (r.enum && !r.enum.includes(typeof v === 'string' ? v : JSON.stringify(v))) errs.push(fieldErr.notSupported(at, v, r.enum));
      if (typeof v === 'number') {
        if (r.minimum !== undefined && v < r.minimum) errs.push(fieldErr.invalid(at, v, `should be greater than or equal to ${r.minimum}`));
        if (r.maximum !== undefined && v > r.maximum) errs.push(fieldErr.invalid(at, v, `should be less than or equal to ${r.maximum}`));
      }
      if (typeof v === 'string') {
        if (r.maxLength !== undefined && v.length > r.maxLength) errs.push({ type: 'FieldValueTooLong', field: at, body: `Too long: may not be more than ${r.maxLength} bytes` });
        if (r.minLength !== undefined && v.length < r.minLength) errs.push(fieldErr.invalid(at, v, `should be at least ${r.minLength} chars long`));
        if (r.pattern !== undefined) {
          try {
            if (!new RegExp(r.pattern, 'u').test(v)) errs.push(fieldErr.invalid(at, v, `should match '${r.pattern}'`));
          } catch {
            /* a pattern JavaScript cannot compile is not ours to enforce */
          }
        }
      }
      return;
    }
  }
}

function scalarType(t: string): string {
  return t === 'int-or-string' ? 'integer or string' : t === 'quantity' ? 'string' : t;
}

/**
 * Removes fields a structural schema does not declare (what the API server does to custom resources), returning
 * the pruned paths so `fieldValidation=Strict` can refuse them and `Warn` can report them.
 */
export function pruneUnknown(reg: TypeRegistry, s: Schema, v: unknown, path: string, out: string[], top = false): void {
  const r = reg.resolve(s);
  if (r.kind === 'struct' && isObject(v)) {
    if (r.open) {
      for (const [k, fs] of Object.entries(r.fields)) if (v[k] !== undefined) pruneUnknown(reg, fs, v[k], path ? `${path}.${k}` : k, out);
      return;
    }
    for (const k of Object.keys(v)) {
      if (top && (k === 'apiVersion' || k === 'kind' || k === 'metadata')) continue;
      if (r.embedded && (k === 'apiVersion' || k === 'kind' || k === 'metadata')) continue;
      const fs = r.fields[k];
      if (!fs) {
        out.push(path ? `${path}.${k}` : k);
        delete v[k];
      } else pruneUnknown(reg, fs, v[k], path ? `${path}.${k}` : k, out);
    }
  } else if (r.kind === 'map' && isObject(v)) {
    for (const k of Object.keys(v)) pruneUnknown(reg, r.values, v[k], path ? `${path}.${k}` : k, out);
  } else if (r.kind === 'list' && Array.isArray(v)) {
    v.forEach((it, i) => pruneUnknown(reg, r.items, it, `${path}[${i}]`, out));
  }
}
