/**
 * Patch speed: a strategic merge patch on a Deployment (kustomize flavour on YAML nodes, with and without
 * provenance; API flavour on plain JSON), a JSON 6902 patch, and a three-way patch, each as a ratio to
 * structuredClone of the same object measured in the same run (these machines are noisy).
 * Run: npx node --import tsx bench/patch.ts
 */
import { parseYamlDocuments, toPlain, type MapNode } from '../src/engine/yaml/index.ts';
import {
  applyJson6902,
  applyStrategicMergePatch,
  createThreeWayMergePatch,
  parseJson6902,
  strategicMergePatch,
} from '../src/engine/patch/index.ts';

const deploymentYaml = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: prod
  labels: {app: web, tier: frontend, team: payments}
  annotations: {owner: team-payments, note: bench}
spec:
  replicas: 3
  selector:
    matchLabels: {app: web}
  strategy:
    type: RollingUpdate
    rollingUpdate: {maxSurge: 1, maxUnavailable: 0}
  template:
    metadata:
      labels: {app: web, tier: frontend}
    spec:
      serviceAccountName: web
      securityContext: {runAsNonRoot: true, fsGroup: 2000}
      initContainers:
      - name: migrate
        image: registry.example.com/web-migrate:1.2.3
        args: [--up]
      containers:
${['web', 'sidecar', 'metrics']
  .map(
    (n) => `      - name: ${n}
        image: registry.example.com/${n}:1.2.3
        args: [--port=8080, --log=json]
        ports:
        - {containerPort: 8080, name: http}
        - {containerPort: 9090, name: metrics}
        env:
${Array.from({ length: 8 }, (_, i) => `        - {name: VAR_${i}, value: "value-${i}"}`).join('\n')}
        resources:
          requests: {cpu: 100m, memory: 128Mi}
          limits: {cpu: "1", memory: 512Mi}
        volumeMounts:
        - {name: config, mountPath: /etc/config}
        - {name: data, mountPath: /data}
        readinessProbe:
          httpGet: {path: /ready, port: http}`,
  )
  .join('\n')}
      volumes:
      - name: config
        configMap: {name: web-config}
      - name: data
        emptyDir: {}
      tolerations:
      - {key: dedicated, operator: Equal, value: web, effect: NoSchedule}
`;

const patchYaml = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {env: prod}
spec:
  replicas: 5
  template:
    spec:
      containers:
      - name: web
        image: registry.example.com/web:1.3.0
        env:
        - {name: VAR_3, value: changed}
        - {name: NEW, value: added}
        - {name: VAR_5, $patch: delete}
        resources:
          limits: {memory: 1Gi}
      - name: extra
        image: registry.example.com/extra:1
      volumes:
      - name: cache
        emptyDir: {medium: Memory}
`;

const json6902 = `[
  {"op": "replace", "path": "/spec/replicas", "value": 7},
  {"op": "add", "path": "/spec/template/spec/containers/0/env/-", "value": {"name": "X", "value": "y"}},
  {"op": "remove", "path": "/metadata/annotations/note"}
]`;

const parseOne = (text: string, file: string) => parseYamlDocuments(text, file)[0]!.node as MapNode;

function timeIt(fn: () => void, minMs = 400): number {
  for (let i = 0; i < 20; i++) fn();
  let n = 0;
  const start = performance.now();
  let now = start;
  while (now - start < minMs) {
    for (let i = 0; i < 20; i++) fn();
    n += 20;
    now = performance.now();
  }
  return ((now - start) * 1000) / n;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const resource = parseOne(deploymentYaml, 'base/deploy.yaml');
const patch = parseOne(patchYaml, 'overlay/patch.yaml');
const ops = parseJson6902(json6902, { file: 'overlay/kustomization.yaml' });
const plain = toPlain(resource) as Record<string, unknown>;
const plainPatch = toPlain(patch) as Record<string, unknown>;
const live = structuredClone(plain);
(live as { status?: unknown }).status = { replicas: 3, readyReplicas: 3 };

const rows: [string, () => void, () => void][] = [
  ['SMP, kustomize flavour (nodes, provenance on)', () => void structuredClone(resource), () => void applyStrategicMergePatch(structuredClone(resource), patch, { ctx: { patchFile: 'p.yaml' } })],
  ['SMP, kustomize flavour (nodes, provenance off)', () => void structuredClone(resource), () => void applyStrategicMergePatch(structuredClone(resource), patch, { ctx: { patchFile: 'p.yaml', record: false } })],
  ['JSON 6902, kustomize flavour (nodes)', () => void structuredClone(resource), () => void applyJson6902(structuredClone(resource), ops, { patchFile: 'k.yaml' })],
  ['SMP, API flavour (plain JSON)', () => void structuredClone(plain), () => void strategicMergePatch(plain, plainPatch, { apiVersion: 'apps/v1', kind: 'Deployment' })],
  ['three-way SMP (plain JSON)', () => void structuredClone(plain), () => void createThreeWayMergePatch(plain, plainPatch, live, { apiVersion: 'apps/v1', kind: 'Deployment' })],
];

console.log('patch benchmark: µs per operation (median of 5 rounds); ratio = patch (including its own clone) / structuredClone');
for (const [name, base, op] of rows) {
  const b: number[] = [];
  const o: number[] = [];
  for (let round = 0; round < 5; round++) {
    b.push(timeIt(base));
    o.push(timeIt(op));
  }
  const mb = median(b);
  const mo = median(o);
  console.log(`${name.padEnd(48)} clone ${mb.toFixed(1).padStart(7)} µs   patch ${mo.toFixed(1).padStart(7)} µs   ratio ${(mo / mb).toFixed(2)}×`);
}
