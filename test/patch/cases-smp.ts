/**
 * Strategic merge cases, each run through `kubectl kustomize` and through our code. Written for this project:
 * every directive, the merge keys of the common kinds, kyaml's quirks, CRDs and custom OpenAPI schemas.
 */
import type { Case } from './harness.ts';
import { stringify } from 'yaml';
import { KustomizeSchema } from '../../src/engine/patch/index.ts';

const deploy = (spec: string, meta = '') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
${meta}spec:
${spec}`;

const podSpec = (body: string) =>
  deploy(`  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
${body}`);

const patchPod = (body: string, kind = 'Deployment', apiVersion = 'apps/v1', name = 'web') => `apiVersion: ${apiVersion}
kind: ${kind}
metadata:
  name: ${name}
spec:
  template:
    spec:
${body}`;

const containers = `      containers:
      - name: app
        image: app:1
        args: [--a, --b]
        env:
        - name: A
          value: "1"
        - name: B
          value: "2"
        ports:
        - containerPort: 8080
          name: http
        - containerPort: 9090
          protocol: TCP
        volumeMounts:
        - name: data
          mountPath: /data
      - name: sidecar
        image: side:1
      volumes:
      - name: data
        emptyDir: {}
      - name: cfg
        configMap:
          name: cfg
      tolerations:
      - key: a
        operator: Exists
      imagePullSecrets:
      - name: reg1
      initContainers:
      - name: init
        image: init:1
`;

export const SMP_CASES: Record<string, Case> = {
  'containers merge by name; new containers go first': {
    resources: podSpec(containers),
    patches: [{ smp: patchPod(`      containers:
      - name: sidecar
        image: side:2
      - name: new
        image: new:1
`) }],
  },
  'env merges by name, $patch: delete removes an element, new env goes first': {
    resources: podSpec(containers),
    patches: [{ smp: patchPod(`      containers:
      - name: app
        env:
        - name: B
          $patch: delete
        - name: C
          value: "3"
        - name: A
          valueFrom:
            fieldRef: {fieldPath: metadata.name}
`) }],
  },
  'container ports merge by containerPort and protocol': {
    resources: podSpec(containers),
    patches: [{ smp: patchPod(`      containers:
      - name: app
        ports:
        - containerPort: 8080
          hostPort: 80
        - containerPort: 9090
          protocol: UDP
        - containerPort: 7070
`) }],
  },
  'volumes by name, volumeMounts by mountPath, imagePullSecrets by name, initContainers by name': {
    resources: podSpec(containers),
    patches: [{ smp: patchPod(`      volumes:
      - name: cfg
        configMap:
          name: other
      - name: extra
        secret: {secretName: s}
      containers:
      - name: app
        volumeMounts:
        - mountPath: /data
          readOnly: true
        - name: extra
          mountPath: /extra
      imagePullSecrets:
      - name: reg2
      initContainers:
      - name: init
        image: init:2
      - name: init0
        image: init0:1
`) }],
  },
  'tolerations and args are replaced (no merge strategy)': {
    resources: podSpec(containers),
    patches: [{ smp: patchPod(`      tolerations:
      - key: b
        operator: Equal
        value: x
      containers:
      - name: app
        args: [--c]
`) }],
  },
  'list $patch: replace replaces containers': {
    resources: podSpec(containers),
    patches: [{ smp: patchPod(`      containers:
      - $patch: replace
      - name: only
        image: only:1
`) }],
  },
  'list $patch: delete removes the whole list': {
    resources: podSpec(containers),
    patches: [{ smp: patchPod(`      initContainers:
      - $patch: delete
`) }],
  },
  'element $patch: replace replaces one container': {
    resources: podSpec(containers),
    patches: [{ smp: patchPod(`      containers:
      - name: app
        image: app:9
        $patch: replace
`) }],
  },
  'map $patch: replace and $patch: delete': {
    resources: podSpec(`${containers}      securityContext:
        runAsUser: 1000
        fsGroup: 2000
      affinity:
        nodeAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
            nodeSelectorTerms:
            - matchExpressions:
              - {key: zone, operator: In, values: [a]}
`),
    patches: [{ smp: patchPod(`      securityContext:
        runAsNonRoot: true
        $patch: replace
      affinity:
        $patch: delete
`) }],
  },
  'map $patch: merge is a plain merge': {
    resources: podSpec(containers),
    patches: [{ smp: patchPod(`      containers:
      - name: app
        resources:
          $patch: merge
          limits: {cpu: "1"}
`) }],
  },
  'null removes fields, also missing ones': {
    resources: podSpec(containers, ),
    patches: [{ smp: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    gone: null
spec:
  selector: null
  revisionHistoryLimit: null
  template:
    spec:
      tolerations: null
      imagePullSecrets: ~
`}],
  },
  'top-level $patch: delete deletes the resource': {
    resources: podSpec(containers) + `---
apiVersion: v1
kind: ConfigMap
metadata:
  name: keep
data: {a: b}
`,
    patches: [{ smp: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
$patch: delete
` }],
  },
  'top-level $patch: replace leaves the resource as it was': {
    resources: podSpec(containers),
    patches: [{ smp: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
$patch: replace
spec:
  replicas: 5
` }],
  },
  'apimachinery-only directives are copied as fields': {
    resources: podSpec(containers),
    patches: [{ smp: patchPod(`      $setElementOrder/containers:
      - name: sidecar
      - name: app
      $retainKeys: [containers]
      containers:
      - name: app
        $deleteFromPrimitiveList/args: [--a]
        $setElementOrder/env: [{name: B}, {name: A}]
`) }],
  },
  'finalizers and other primitive merge lists are unions, patch values first': {
    resources: deploy('  replicas: 1\n', '  finalizers: [a, b]\n'),
    patches: [{ smp: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  finalizers: [c, a]
` }],
  },
  'a set scalar takes the quoting style of the value it replaces': {
    resources: deploy('  replicas: "2"\n  minReadySeconds: 5\n', '  annotations:\n    n: "5"\n    plain: x\n'),
    patches: [{ smp: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  annotations:
    n: 6
    plain: "007"
spec:
  replicas: 3
  minReadySeconds: "10"
` }],
  },
  'a list element without its merge key makes kyaml drop the keyed ones': {
    resources: podSpec(`      containers:
      - name: a
        image: a:1
      - image: noname:1
      - name: c
        image: c:1
`),
    patches: [{ smp: patchPod(`      containers:
      - name: c
        image: c:2
`) }],
  },
  'a patch element without the merge key': {
    resources: podSpec(containers),
    patches: [{ smp: patchPod(`      containers:
      - image: anonymous:1
`) }],
  },
  'duplicate merge keys in the resource collapse': {
    resources: podSpec(`      containers:
      - name: a
        image: a:1
      - name: a
        image: a:2
        command: [x]
`),
    patches: [{ smp: patchPod(`      containers:
      - name: a
        args: [y]
`) }],
  },
  'empty list and empty map in a patch': {
    resources: podSpec(containers),
    patches: [{ smp: patchPod(`      containers: []
      tolerations: []
      nodeSelector: {}
      volumes:
      - name: data
        emptyDir: {}
`) }],
  },
  'explicit nulls in the resource: `null` survives a patch, an empty value does not': {
    resources: deploy('  replicas: 1\n  paused: null\n  progressDeadlineSeconds:\n  minReadySeconds: ~\n'),
    patches: [{ smp: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
` }],
  },
  'an added map is cleaned: its nulls and deleted parts go': {
    resources: podSpec(containers),
    patches: [{ smp: patchPod(`      dnsConfig:
        nameservers: [1.1.1.1]
        searches: null
        options:
        - name: ndots
          value: "2"
      securityContext:
        runAsUser: 1
        seLinuxOptions:
          $patch: delete
          level: s0
`) }],
  },
  'an unknown $patch on a map the resource lacks is kept as a field': {
    resources: podSpec(containers),
    patches: [{ smp: patchPod(`      securityContext:\n        $patch: frob\n        runAsUser: 1\n`) }],
  },
  'Service ports merge by port (and protocol)': {
    resources: `apiVersion: v1
kind: Service
metadata:
  name: svc
spec:
  selector: {app: web}
  ports:
  - name: http
    port: 80
    targetPort: 8080
  - name: https
    port: 443
    protocol: TCP
  - name: dns
    port: 53
    protocol: UDP
`,
    patches: [{ smp: `apiVersion: v1
kind: Service
metadata:
  name: svc
spec:
  ports:
  - port: 80
    targetPort: 9090
  - port: 53
    protocol: TCP
    name: dns-tcp
  - port: 443
    $patch: delete
` }],
  },
  'multi-key lists: a port without protocol matches the one with it, a UDP port stays apart': {
    resources: `apiVersion: v1
kind: Service
metadata:
  name: svc
spec:
  ports:
  - {name: dns, port: 53, protocol: UDP}
  - {name: web, port: 80}
  - {name: tls, port: 443, protocol: TCP}
`,
    patches: [{ smp: `apiVersion: v1
kind: Service
metadata:
  name: svc
spec:
  ports:
  - {port: 53, protocol: TCP, name: dns-tcp}
  - {port: 80, protocol: TCP, targetPort: 8080}
  - {port: 443, name: https}
` }],
  },
  'deleting an element that is not there, and a patch element carrying only its key': {
    resources: podSpec(containers),
    patches: [{ smp: patchPod(`      containers:
      - name: ghost
        $patch: delete
      - name: sidecar
`) }],
  },
  'allowKindChange lets a targeted patch change the kind': {
    resources: deploy('  replicas: 1\n'),
    patches: [{ smp: `apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: web\nspec:\n  serviceName: web\n`, target: { kind: 'Deployment' }, options: { allowKindChange: true } }],
  },
  'labels and annotations merge; a targeted patch cannot change the namespace': {
    resources: deploy('  replicas: 1\n', '  namespace: prod\n  labels: {a: "1"}\n'),
    patches: [{ smp: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: other
  labels: {b: "2"}
  annotations: {note: hi}
`, target: { kind: 'Deployment', name: 'web' } }],
  },
  'a targeted patch with another name keeps the resource name; allowNameChange lets it change': {
    resources: deploy('  replicas: 1\n') + `---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  replicas: 1
`,
    patches: [
      { smp: `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: whatever\nspec:\n  replicas: 4\n`, target: { kind: 'Deployment', name: 'web' } },
      { smp: `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api2\n`, target: { kind: 'Deployment', name: 'api' }, options: { allowNameChange: true } },
    ],
  },
  'a patch cannot add a namespace': {
    resources: deploy('  replicas: 1\n'),
    patches: [{ smp: `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: x\n`, target: { kind: 'Deployment' } }],
  },
  'patchesStrategicMerge applies like patches': {
    resources: podSpec(containers),
    patches: [{ smp: patchPod(`      containers:
      - name: app
        image: app:2
`), legacy: true }],
  },
  'several patches apply in order': {
    resources: podSpec(containers),
    patches: [
      { smp: patchPod(`      containers:\n      - name: app\n        image: app:2\n`) },
      { smp: patchPod(`      containers:\n      - name: app\n        image: app:3\n      - name: late\n        image: late:1\n`) },
    ],
  },
  'workload kinds all merge their pod template containers': {
    resources: ['StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job']
      .map((kind) => `apiVersion: ${kind === 'Job' ? 'batch/v1' : 'apps/v1'}
kind: ${kind}
metadata:
  name: w
spec:
  template:
    spec:
      containers:
      - name: a
        image: a:1
      - name: b
        image: b:1
`)
      .join('---\n') + `---
apiVersion: v1
kind: ReplicationController
metadata:
  name: w
spec:
  template:
    spec:
      containers:
      - {name: a, image: a:1}
---
apiVersion: v1
kind: PodTemplate
metadata:
  name: w
template:
  spec:
    containers:
    - {name: a, image: a:1}
---
apiVersion: v1
kind: Pod
metadata:
  name: w
spec:
  containers:
  - {name: a, image: a:1}
`,
    patches: [
      ...['StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job'].map((kind) => ({
        smp: patchPod(`      containers:\n      - name: b\n        image: b:2\n`, kind, kind === 'Job' ? 'batch/v1' : 'apps/v1', 'w'),
      })),
      { smp: patchPod(`      containers:\n      - name: z\n        image: z:1\n`, 'ReplicationController', 'v1', 'w') },
      { smp: `apiVersion: v1\nkind: PodTemplate\nmetadata:\n  name: w\ntemplate:\n  spec:\n    containers:\n    - {name: z, image: z:1}\n` },
      { smp: `apiVersion: v1\nkind: Pod\nmetadata:\n  name: w\nspec:\n  containers:\n  - {name: z, image: z:1}\n` },
    ],
  },
  'CronJob jobTemplate containers merge (batch/v1 and v1beta1), StatefulSet volumeClaimTemplates replace': {
    resources: `apiVersion: batch/v1
kind: CronJob
metadata:
  name: cj
spec:
  schedule: "* * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          containers:
          - {name: a, image: a:1}
          - {name: b, image: b:1}
---
apiVersion: batch/v1beta1
kind: CronJob
metadata:
  name: old
spec:
  jobTemplate:
    spec:
      template:
        spec:
          containers:
          - {name: a, image: a:1}
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
spec:
  volumeClaimTemplates:
  - metadata: {name: data}
    spec: {accessModes: [ReadWriteOnce]}
  - metadata: {name: logs}
`,
    patches: [
      { smp: `apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: cj\nspec:\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers:\n          - {name: b, image: b:2}\n` },
      { smp: `apiVersion: batch/v1beta1\nkind: CronJob\nmetadata:\n  name: old\nspec:\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers:\n          - {name: c, image: c:1}\n` },
      { smp: `apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: db\nspec:\n  volumeClaimTemplates:\n  - metadata: {name: data}\n    spec: {storageClassName: fast}\n` },
    ],
  },
  'ownerReferences by uid, webhooks by name, topologySpreadConstraints and hostAliases, RBAC lists replaced': {
    resources: `apiVersion: admissionregistration.k8s.io/v1
kind: MutatingWebhookConfiguration
metadata:
  name: hooks
  ownerReferences:
  - {apiVersion: v1, kind: X, name: a, uid: "1"}
  - {apiVersion: v1, kind: X, name: b, uid: "2"}
webhooks:
- name: a.example.com
  sideEffects: None
  rules: [{operations: [CREATE], apiGroups: [""], apiVersions: [v1], resources: [pods]}]
- name: b.example.com
  sideEffects: None
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: r
rules:
- {apiGroups: [""], resources: [pods], verbs: [get]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: rb
subjects:
- {kind: User, name: a}
roleRef: {kind: Role, name: r, apiGroup: rbac.authorization.k8s.io}
---
${podSpec(`      topologySpreadConstraints:
      - {topologyKey: zone, whenUnsatisfiable: DoNotSchedule, maxSkew: 1}
      - {topologyKey: zone, whenUnsatisfiable: ScheduleAnyway, maxSkew: 2}
      hostAliases:
      - {ip: 10.0.0.1, hostnames: [a]}
      containers:
      - {name: app, image: app:1}
`)}`,
    patches: [
      { smp: `apiVersion: admissionregistration.k8s.io/v1
kind: MutatingWebhookConfiguration
metadata:
  name: hooks
  ownerReferences:
  - {apiVersion: v1, kind: X, name: b2, uid: "2"}
  - {apiVersion: v1, kind: X, name: c, uid: "3"}
webhooks:
- name: b.example.com
  timeoutSeconds: 5
- name: c.example.com
  sideEffects: None
` },
      { smp: `apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: r\nrules:\n- {apiGroups: [apps], resources: [deployments], verbs: [list]}\n` },
      { smp: `apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: rb\nsubjects:\n- {kind: User, name: b}\n` },
      { smp: patchPod(`      topologySpreadConstraints:
      - {topologyKey: zone, whenUnsatisfiable: ScheduleAnyway, maxSkew: 5}
      - {topologyKey: host, whenUnsatisfiable: DoNotSchedule, maxSkew: 1}
      hostAliases:
      - {ip: 10.0.0.1, hostnames: [b]}
      - {ip: 10.0.0.2, hostnames: [c]}
`) },
    ],
  },
  'a kind kustomize does not know replaces its lists, even metadata.finalizers': {
    resources: `apiVersion: example.com/v1
kind: Widget
metadata:
  name: w
  finalizers: [a]
spec:
  items:
  - {name: a, v: 1}
  - {name: b, v: 2}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: h
  finalizers: [a]
spec:
  maxReplicas: 3
`,
    patches: [
      { smp: `apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n  finalizers: [b]\nspec:\n  items:\n  - {name: b, v: 3}\n` },
      { smp: `apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: h\n  finalizers: [b]\n` },
    ],
  },
  'crds: does not give a custom resource merge keys': {
    resources: `apiVersion: example.com/v1
kind: Widget
metadata:
  name: w
spec:
  items:
  - {name: a, v: 1}
  - {name: b, v: 2}
`,
    files: {
      'crd.json': JSON.stringify({
        'example.com/v1.Widget': {
          Schema: {
            properties: {
              apiVersion: { type: 'string' },
              kind: { type: 'string' },
              metadata: { $ref: 'k8s.io/apimachinery/pkg/apis/meta/v1.ObjectMeta' },
              spec: { $ref: 'example.com/v1.WidgetSpec' },
            },
          },
        },
        'example.com/v1.WidgetSpec': {
          Schema: {
            properties: {
              items: { type: 'array', 'x-kubernetes-patch-merge-key': 'name', 'x-kubernetes-patch-strategy': 'merge', items: { type: 'object' } },
            },
          },
        },
      }),
    },
    extra: 'crds:\n- crd.json\n',
    patches: [{ smp: `apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\nspec:\n  items:\n  - {name: b, v: 3}\n` }],
  },
};

const customDoc = {
  definitions: {
    'com.example.v1.Widget': {
      type: 'object',
      properties: { apiVersion: { type: 'string' }, kind: { type: 'string' }, spec: { $ref: '#/definitions/com.example.v1.WidgetSpec' } },
      'x-kubernetes-group-version-kind': [{ group: 'example.com', kind: 'Widget', version: 'v1' }],
    },
    'com.example.v1.WidgetSpec': {
      type: 'object',
      properties: {
        items: { type: 'array', items: { type: 'object' }, 'x-kubernetes-patch-merge-key': 'name', 'x-kubernetes-patch-strategy': 'merge' },
        ports: {
          type: 'array',
          items: { type: 'object' },
          'x-kubernetes-patch-merge-key': 'port',
          'x-kubernetes-patch-strategy': 'merge',
          'x-kubernetes-list-map-keys': ['port', 'protocol'],
        },
        tags: { type: 'array', items: { type: 'string' }, 'x-kubernetes-patch-strategy': 'merge' },
      },
    },
  },
};

SMP_CASES['openapi: a custom schema gives a custom resource merge keys and replaces the built-in schema'] = {
  resources: `apiVersion: example.com/v1
kind: Widget
metadata:
  name: w
spec:
  items:
  - {name: a, v: 1}
  - {name: b, v: 2}
  ports:
  - {port: 80, protocol: TCP, x: 1}
  - {port: 80, protocol: UDP, x: 2}
  tags: [x, y]
---
${podSpec(containers)}`,
  files: { 'schema.json': JSON.stringify(customDoc) },
  extra: 'openapi:\n  path: schema.json\n',
  schema: KustomizeSchema.custom(customDoc),
  patches: [
    { smp: `apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\nspec:\n  items:\n  - {name: b, v: 3}\n  - {name: c, v: 4}\n  ports:\n  - {port: 80, protocol: UDP, x: 9}\n  tags: [z, x]\n` },
    { smp: patchPod(`      containers:\n      - name: sidecar\n        image: side:2\n`) },
  ],
};

SMP_CASES['openapi: a YAML custom schema works the same'] = {
  resources: SMP_CASES['openapi: a custom schema gives a custom resource merge keys and replaces the built-in schema']!.resources,
  files: { 'schema.yaml': stringify(customDoc) },
  extra: 'openapi:\n  path: schema.yaml\n',
  schema: KustomizeSchema.custom(customDoc),
  patches: [{ smp: `apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\nspec:\n  items:\n  - {name: a, v: 0}\n` }],
};

export const SMP_ERROR_CASES: Record<string, Case> = {
  'an unknown $patch value is an error': {
    resources: podSpec(containers),
    patches: [{ smp: patchPod(`      $patch: frob\n      hostNetwork: true\n`) }],
  },
  'an unknown list $patch value is an error': {
    resources: podSpec(containers),
    patches: [{ smp: patchPod(`      containers:\n      - $patch: frob\n`) }],
  },
  'a map where the resource has a scalar is an error': {
    resources: deploy('  replicas: 1\n'),
    patches: [{ smp: `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: {a: 1}\n` }],
  },
  'a scalar where the resource has a list is an error': {
    resources: podSpec(containers),
    patches: [{ smp: patchPod(`      containers: nope\n`) }],
  },
};
