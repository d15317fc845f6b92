/**
 * Where kustomize's builtin transformers look in each kind of object: the field specs behind namePrefix, namespace,
 * labels, annotations, images, replicas, vars and name references. Kustomize keeps these as YAML tables; here they
 * are generated from a few facts (which kinds hold a pod template and where), which is both shorter and easier to
 * check. The result must match kustomize v5.5.0 entry for entry, including its quirks (group-less kinds, the
 * IngressClass back-reference that can never match), because parity depends on it.
 *
 * A TransformerConfig can be extended per kustomization (`configurations:` files, `crds:`) and is merged upward from
 * bases, with kustomize's merge rules (a spec equal to an existing one is dropped; a conflicting `create` is an error).
 */
import { GitOpsError } from '../errors/index.ts';
import type { Loc } from '../yaml/index.ts';
import { gvkLess, gvkSelected, type Gvk } from './resid.ts';

export interface FieldSpec extends Gvk {
  path: string;
  create: boolean;
  /** Where a user-supplied spec was written (configurations file, labels.fields entry). */
  at?: Loc;
}

export interface NameBackRef extends Gvk {
  referrers: FieldSpec[];
}

export type FsKey =
  | 'namePrefix'
  | 'nameSuffix'
  | 'namespace'
  | 'commonLabels'
  | 'labels'
  | 'templateLabels'
  | 'commonAnnotations'
  | 'varReference'
  | 'images'
  | 'replicas';

export const FS_KEYS: FsKey[] = ['namePrefix', 'nameSuffix', 'namespace', 'commonLabels', 'labels', 'templateLabels', 'commonAnnotations', 'varReference', 'images', 'replicas'];

function fs(path: string, kind = '', opts: { group?: string; version?: string; create?: boolean } = {}): FieldSpec {
  return { group: opts.group ?? '', version: opts.version ?? '', kind, path, create: opts.create ?? false };
}

/** Kinds with a pod template, where it sits, and the group/version kustomize's tables name them with. */
interface PodHolder {
  kind: string;
  group?: string;
  version?: string;
  /** Path to the pod spec's parent (the template's `spec` is `${template}/spec`). */
  template: string;
}

// ---- labels and annotations -------------------------------------------------------------------------------------

function metadataLabelSpecs(): FieldSpec[] {
  const c = { create: true };
  return [
    fs('metadata/labels', '', c),
    fs('spec/template/metadata/labels', 'ReplicationController', { ...c, version: 'v1' }),
    fs('spec/template/metadata/labels', 'Deployment', c),
    fs('spec/template/metadata/labels', 'ReplicaSet', c),
    fs('spec/template/metadata/labels', 'DaemonSet', c),
    fs('spec/template/metadata/labels', 'StatefulSet', { ...c, group: 'apps' }),
    fs('spec/volumeClaimTemplates[]/metadata/labels', 'StatefulSet', { ...c, group: 'apps' }),
    fs('spec/template/metadata/labels', 'Job', { ...c, group: 'batch' }),
    fs('spec/jobTemplate/metadata/labels', 'CronJob', { ...c, group: 'batch' }),
    fs('spec/jobTemplate/spec/template/metadata/labels', 'CronJob', { ...c, group: 'batch' }),
  ];
}

function affinitySpecs(kind: string): FieldSpec[] {
  const tail = ['podAffinity', 'podAntiAffinity'].flatMap((a) => [
    `spec/template/spec/affinity/${a}/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels`,
    `spec/template/spec/affinity/${a}/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels`,
  ]);
  tail.push('spec/template/spec/topologySpreadConstraints/labelSelector/matchLabels');
  return tail.map((p) => fs(p, kind, { group: 'apps' }));
}

function selectorLabelSpecs(): FieldSpec[] {
  const c = { create: true };
  return [
    fs('spec/selector', 'Service', { ...c, version: 'v1' }),
    fs('spec/selector', 'ReplicationController', { ...c, version: 'v1' }),
    fs('spec/selector/matchLabels', 'Deployment', c),
    ...affinitySpecs('Deployment'),
    fs('spec/selector/matchLabels', 'ReplicaSet', c),
    fs('spec/selector/matchLabels', 'DaemonSet', c),
    fs('spec/selector/matchLabels', 'StatefulSet', { ...c, group: 'apps' }),
    ...affinitySpecs('StatefulSet'),
    fs('spec/selector/matchLabels', 'Job', { group: 'batch' }),
    fs('spec/jobTemplate/spec/selector/matchLabels', 'CronJob', { group: 'batch' }),
    fs('spec/selector/matchLabels', 'PodDisruptionBudget', { group: 'policy' }),
    fs('spec/podSelector/matchLabels', 'NetworkPolicy', { group: 'networking.k8s.io' }),
    fs('spec/ingress/from/podSelector/matchLabels', 'NetworkPolicy', { group: 'networking.k8s.io' }),
    fs('spec/egress/to/podSelector/matchLabels', 'NetworkPolicy', { group: 'networking.k8s.io' }),
  ];
}

function annotationSpecs(): FieldSpec[] {
  const c = { create: true };
  return [
    fs('metadata/annotations', '', c),
    fs('spec/template/metadata/annotations', 'ReplicationController', { ...c, version: 'v1' }),
    ...['Deployment', 'ReplicaSet', 'DaemonSet', 'StatefulSet'].map((k) => fs('spec/template/metadata/annotations', k, c)),
    fs('spec/template/metadata/annotations', 'Job', { ...c, group: 'batch' }),
    fs('spec/jobTemplate/metadata/annotations', 'CronJob', { ...c, group: 'batch' }),
    fs('spec/jobTemplate/spec/template/metadata/annotations', 'CronJob', { ...c, group: 'batch' }),
  ];
}

// ---- name references ----------------------------------------------------------------------------------------------

/** Pod-spec holders as the ConfigMap/Secret back-references list them (Pod itself is pinned to version v1). */
const CONFIG_HOLDERS: PodHolder[] = [
  { kind: 'Pod', version: 'v1', template: '' },
  { kind: 'PodTemplate', template: 'template' },
  { kind: 'Deployment', template: 'spec/template' },
  { kind: 'ReplicaSet', template: 'spec/template' },
  { kind: 'DaemonSet', template: 'spec/template' },
  { kind: 'StatefulSet', template: 'spec/template' },
  { kind: 'Job', template: 'spec/template' },
  { kind: 'CronJob', template: 'spec/jobTemplate/spec/template' },
];

function podSpec(h: PodHolder): string {
  return h.template ? `${h.template}/spec` : 'spec';
}

function configMapReferrers(): FieldSpec[] {
  const out: FieldSpec[] = [];
  for (const h of CONFIG_HOLDERS) {
    const s = podSpec(h);
    const o = { version: h.version };
    const paths =
      h.kind === 'CronJob'
        ? [`${s}/volumes/configMap/name`, `${s}/volumes/projected/sources/configMap/name`, ...containerPaths(s, 'env/valueFrom/configMapKeyRef/name', 'envFrom/configMapRef/name')]
        : [`${s}/volumes/configMap/name`, ...containerPaths(s, 'env/valueFrom/configMapKeyRef/name', 'envFrom/configMapRef/name'), `${s}/volumes/projected/sources/configMap/name`];
    for (const p of paths) out.push(fs(p, h.kind, o));
  }
  out.push(fs('spec/configSource/configMap', 'Node'));
  out.push(fs('rules/resourceNames', 'Role'));
  out.push(fs('rules/resourceNames', 'ClusterRole'));
  out.push(fs('metadata/annotations/nginx.ingress.kubernetes.io\\/fastcgi-params-configmap', 'Ingress'));
  return out;
}

/** For each container list (containers, then initContainers) the given per-container paths, env before envFrom. */
function containerPaths(spec: string, env: string, envFrom: string): string[] {
  return [`${spec}/containers/${env}`, `${spec}/initContainers/${env}`, `${spec}/containers/${envFrom}`, `${spec}/initContainers/${envFrom}`];
}

function secretReferrers(): FieldSpec[] {
  const out: FieldSpec[] = [];
  for (const h of CONFIG_HOLDERS) {
    const s = podSpec(h);
    const o = { version: h.version };
    const paths =
      h.kind === 'CronJob'
        ? [
            `${s}/volumes/secret/secretName`,
            `${s}/volumes/projected/sources/secret/name`,
            ...containerPaths(s, 'env/valueFrom/secretKeyRef/name', 'envFrom/secretRef/name'),
            `${s}/imagePullSecrets/name`,
          ]
        : [
            `${s}/volumes/secret/secretName`,
            ...containerPaths(s, 'env/valueFrom/secretKeyRef/name', 'envFrom/secretRef/name'),
            `${s}/imagePullSecrets/name`,
            `${s}/volumes/projected/sources/secret/name`,
          ];
    for (const p of paths) out.push(fs(p, h.kind, o));
  }
  out.push(
    fs('spec/tls/secretName', 'Ingress'),
    fs('metadata/annotations/ingress.kubernetes.io\\/auth-secret', 'Ingress'),
    fs('metadata/annotations/nginx.ingress.kubernetes.io\\/auth-secret', 'Ingress'),
    fs('metadata/annotations/nginx.ingress.kubernetes.io\\/auth-tls-secret', 'Ingress'),
    fs('imagePullSecrets/name', 'ServiceAccount'),
    fs('parameters/secretName', 'StorageClass'),
    fs('parameters/adminSecretName', 'StorageClass'),
    fs('parameters/userSecretName', 'StorageClass'),
    fs('parameters/secretRef', 'StorageClass'),
    fs('rules/resourceNames', 'Role'),
    fs('rules/resourceNames', 'ClusterRole'),
    fs('spec/template/spec/containers/env/valueFrom/secretKeyRef/name', 'Service', { group: 'serving.knative.dev', version: 'v1' }),
    fs('spec/azureFile/secretName', 'PersistentVolume'),
  );
  return out;
}

/** Workload kinds in the order kustomize lists them for service accounts, PVCs and priority classes. */
const WORKLOADS: PodHolder[] = [
  { kind: 'Pod', template: '' },
  { kind: 'StatefulSet', template: 'spec/template' },
  { kind: 'Deployment', template: 'spec/template' },
  { kind: 'ReplicationController', template: 'spec/template' },
  { kind: 'CronJob', template: 'spec/jobTemplate/spec/template' },
  { kind: 'Job', template: 'spec/template' },
  { kind: 'DaemonSet', template: 'spec/template' },
];

function workloadRefs(field: string, withPod = true): FieldSpec[] {
  return WORKLOADS.filter((w) => withPod || w.kind !== 'Pod').map((w) => fs(`${podSpec(w)}/${field}`, w.kind));
}

function nameReferences(): NameBackRef[] {
  const ref = (kind: string, referrers: FieldSpec[], group = '', version = ''): NameBackRef => ({ group, version, kind, referrers });
  const scale = (kind: string) => ref(kind, [fs('spec/scaleTargetRef/name', 'HorizontalPodAutoscaler')]);
  const rbac = 'rbac.authorization.k8s.io';
  return [
    scale('Deployment'),
    scale('ReplicationController'),
    scale('ReplicaSet'),
    scale('StatefulSet'),
    ref('ConfigMap', configMapReferrers(), '', 'v1'),
    ref('Secret', secretReferrers(), '', 'v1'),
    ref(
      'Service',
      [
        fs('spec/serviceName', 'StatefulSet', { group: 'apps' }),
        fs('spec/rules/http/paths/backend/serviceName', 'Ingress'),
        fs('spec/backend/serviceName', 'Ingress'),
        fs('spec/rules/http/paths/backend/service/name', 'Ingress'),
        fs('spec/defaultBackend/service/name', 'Ingress'),
        fs('spec/service/name', 'APIService', { group: 'apiregistration.k8s.io' }),
        fs('webhooks/clientConfig/service', 'ValidatingWebhookConfiguration', { group: 'admissionregistration.k8s.io' }),
        fs('webhooks/clientConfig/service', 'MutatingWebhookConfiguration', { group: 'admissionregistration.k8s.io' }),
      ],
      '',
      'v1',
    ),
    ref('Role', [fs('roleRef/name', 'RoleBinding', { group: rbac })], rbac),
    ref('ClusterRole', [fs('roleRef/name', 'RoleBinding', { group: rbac }), fs('roleRef/name', 'ClusterRoleBinding', { group: rbac })], rbac),
    ref(
      'ServiceAccount',
      [fs('subjects', 'RoleBinding', { group: rbac }), fs('subjects', 'ClusterRoleBinding', { group: rbac }), ...workloadRefs('serviceAccountName')],
      '',
      'v1',
    ),
    ref('PersistentVolumeClaim', workloadRefs('volumes/persistentVolumeClaim/claimName'), '', 'v1'),
    ref('PersistentVolume', [fs('spec/volumeName', 'PersistentVolumeClaim'), fs('rules/resourceNames', 'ClusterRole')], '', 'v1'),
    ref(
      'StorageClass',
      [fs('spec/storageClassName', 'PersistentVolume'), fs('spec/storageClassName', 'PersistentVolumeClaim'), fs('spec/volumeClaimTemplates/spec/storageClassName', 'StatefulSet')],
      'storage.k8s.io',
      'v1',
    ),
    ref('PriorityClass', workloadRefs('priorityClassName'), 'scheduling.k8s.io', 'v1'),
    // kustomize writes this group as "networking.k8s.io/v1", so the reference never matches anything; kept as is.
    ref('IngressClass', [fs('spec/ingressClassName', 'Ingress')], 'networking.k8s.io/v1', 'v1'),
    ref('ValidatingAdmissionPolicy', [fs('spec/policyName', 'ValidatingAdmissionPolicyBinding', { group: 'admissionregistration.k8s.io' })], 'admissionregistration.k8s.io'),
  ];
}

// ---- vars ---------------------------------------------------------------------------------------------------------

function varReferences(): FieldSpec[] {
  const containerFields = (spec: string) =>
    ['containers', 'initContainers'].flatMap((c) => ['args', 'command', 'env/value', 'volumeMounts/mountPath'].map((f) => `${spec}/${c}/${f}`));
  const out: FieldSpec[] = [];
  // kustomize's CronJob entry misses the `spec/` before `volumes` of the pod template; reproduced on purpose.
  for (const p of [...containerFields('spec/jobTemplate/spec/template/spec'), 'spec/jobTemplate/spec/template/volumes/nfs/server']) out.push(fs(p, 'CronJob'));
  for (const p of [...containerFields('spec/template/spec'), 'spec/template/spec/volumes/nfs/server']) out.push(fs(p, 'DaemonSet'));
  for (const p of [...containerFields('spec/template/spec'), 'spec/template/spec/volumes/nfs/server', 'spec/template/metadata/annotations']) out.push(fs(p, 'Deployment'));
  out.push(fs('spec/rules/host', 'Ingress'), fs('spec/tls/hosts', 'Ingress'), fs('spec/tls/secretName', 'Ingress'));
  for (const p of [...containerFields('spec/template/spec'), 'spec/template/spec/volumes/nfs/server']) out.push(fs(p, 'Job'));
  for (const p of [...containerFields('spec'), 'spec/volumes/nfs/server']) out.push(fs(p, 'Pod'));
  for (const p of [...containerFields('spec/template/spec'), 'spec/template/spec/volumes/nfs/server']) out.push(fs(p, 'ReplicaSet'));
  out.push(fs('spec/ports/port', 'Service'), fs('spec/ports/targetPort', 'Service'));
  for (const p of [...containerFields('spec/template/spec'), 'spec/volumeClaimTemplates/spec/nfs/server']) out.push(fs(p, 'StatefulSet'));
  out.push(fs('spec/nfs/server', 'PersistentVolume'), fs('metadata/labels'), fs('metadata/annotations'));
  return out;
}

// ---- the config -------------------------------------------------------------------------------------------------

function effectivelyEqual(existing: FieldSpec, incoming: FieldSpec): boolean {
  return gvkSelected(existing, incoming) && existing.path === incoming.path;
}

function mergeOne(list: FieldSpec[], x: FieldSpec): FieldSpec[] {
  for (const e of list) {
    if (effectivelyEqual(e, x)) {
      if (e.create !== x.create) {
        throw new GitOpsError(`conflicting fieldspecs for path ${x.path}: one creates the field, the other does not`, x.at, 'kustomization');
      }
      return list;
    }
  }
  list.push(x);
  return list;
}

function sortByGvk<T extends Gvk>(list: T[]): T[] {
  return list.sort((a, b) => (gvkLess(a, b) ? -1 : gvkLess(b, a) ? 1 : 0));
}

export class TransformerConfig {
  fs: Record<FsKey, FieldSpec[]>;
  nameReference: NameBackRef[];

  constructor(fsByKey?: Partial<Record<FsKey, FieldSpec[]>>, nameReference: NameBackRef[] = []) {
    this.fs = Object.fromEntries(FS_KEYS.map((k) => [k, fsByKey?.[k] ?? []])) as Record<FsKey, FieldSpec[]>;
    this.nameReference = nameReference;
  }

  static empty(): TransformerConfig {
    return new TransformerConfig();
  }

  /** kustomize's built-in configuration. */
  static defaults(): TransformerConfig {
    return DEFAULTS;
  }

  /** A new config holding this one's specs and `other`'s, by kustomize's merge rules (both are left unchanged). */
  merge(other: TransformerConfig): TransformerConfig {
    if (other === this || (other === DEFAULTS && this.hasDefaults)) return this;
    // Merging into an empty config is not a copy: kustomize folds the (sorted) specs one by one, so a kind-specific
    // spec that sorts first swallows a generic one with the same path (a custom `namePrefix: [{kind: Foo, path:
    // metadata/name}]` replaces the default for every kind). The defaults survive this unchanged, so that case is
    // remembered.
    if (this.isEmpty() && other === DEFAULTS) return (defaultsRefolded ??= foldDefaults());
    const out = new TransformerConfig();
    for (const k of FS_KEYS) {
      let list = this.fs[k].slice();
      for (const x of other.fs[k]) list = mergeOne(list, x);
      out.fs[k] = sortByGvk(list);
    }
    let refs = this.nameReference.map((r) => ({ ...r, referrers: r.referrers.slice() }));
    for (const o of other.nameReference) {
      const same = refs.find((r) => r.group === o.group && r.version === o.version && r.kind === o.kind);
      if (same) for (const x of o.referrers) same.referrers = mergeOne(same.referrers, x);
      else refs.push({ ...o, referrers: o.referrers.slice() });
    }
    out.nameReference = sortByGvk(refs);
    out.hasDefaults = this.hasDefaults || other.hasDefaults;
    return out;
  }

  isEmpty(): boolean {
    return this.nameReference.length === 0 && FS_KEYS.every((k) => this.fs[k].length === 0);
  }

  /** Whether kustomize's defaults are already merged in (merging them again changes nothing). */
  hasDefaults = false;
}

function buildDefaults(): TransformerConfig {
  const c = new TransformerConfig({
    namePrefix: [fs('metadata/name')],
    nameSuffix: [fs('metadata/name')],
    namespace: [
      fs('metadata/name', 'Namespace', { create: true }),
      fs('spec/service/namespace', 'APIService', { group: 'apiregistration.k8s.io', create: true }),
      fs('spec/conversion/webhook/clientConfig/service/namespace', 'CustomResourceDefinition', { group: 'apiextensions.k8s.io' }),
    ],
    commonLabels: [...selectorLabelSpecs(), ...metadataLabelSpecs()],
    templateLabels: metadataLabelSpecs(),
    commonAnnotations: annotationSpecs(),
    varReference: varReferences(),
    images: ['spec/containers[]/image', 'spec/initContainers[]/image', 'spec/template/spec/containers[]/image', 'spec/template/spec/initContainers[]/image'].map((p) =>
      fs(p, '', { create: true }),
    ),
    replicas: ['Deployment', 'ReplicationController', 'ReplicaSet', 'StatefulSet'].map((k) => fs('spec/replicas', k, { create: true })),
  }, nameReferences());
  // Built the way kustomize builds its own: each list sorted by kind order.
  for (const k of FS_KEYS) sortByGvk(c.fs[k]);
  sortByGvk(c.nameReference);
  c.hasDefaults = true;
  return c;
}

const DEFAULTS = buildDefaults();
let defaultsRefolded: TransformerConfig | undefined;
function foldDefaults(): TransformerConfig {
  const out = new TransformerConfig();
  const folded = out.merge(new TransformerConfig(DEFAULTS.fs, DEFAULTS.nameReference));
  folded.hasDefaults = true;
  return folded;
}
