/**
 * YAML parse + print cost on a realistic stream (3,000 resources: Deployments, Services, ConfigMaps), as a ratio
 * against JSON.parse + JSON.stringify of the same data measured in the same run (these machines are noisy, so
 * only ratios are meaningful). Run: npx node --import tsx bench/yaml.ts
 */
import { performance } from 'node:perf_hooks';
import { emitDocuments, emitDocumentsWithMap, parseYamlDocuments, readResources, toPlain, type YNode } from '../src/engine/yaml/index.ts';

function deployment(i: number): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-${i}
  namespace: team-${i % 7}
  labels:
    app.kubernetes.io/name: app-${i}
    app.kubernetes.io/part-of: shop
  annotations:
    description: "Serves the ${i}th part of the shop; owned by team ${i % 7}, see the runbook for the on-call rotation and escalation"
spec:
  replicas: ${1 + (i % 3)}
  selector:
    matchLabels:
      app.kubernetes.io/name: app-${i}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: app-${i}
    spec:
      containers:
      - name: app
        image: registry.example.com/shop/app-${i}:1.${i % 40}.0
        args: ["--port=8080", "--verbose", "--config=/etc/app/config.yaml"]
        ports:
        - containerPort: 8080
          name: http
        env:
        - name: LOG_LEVEL
          value: info
        - name: FEATURE_FLAG
          value: "true"
        resources:
          limits: {cpu: 500m, memory: 256Mi}
          requests:
            cpu: 100m
            memory: 128Mi
        readinessProbe:
          httpGet:
            path: /healthz
            port: http
          periodSeconds: 10
`;
}

function service(i: number): string {
  return `apiVersion: v1
kind: Service
metadata:
  name: app-${i}
  namespace: team-${i % 7}
spec:
  selector:
    app.kubernetes.io/name: app-${i}
  ports:
  - port: 80
    targetPort: http
    protocol: TCP
`;
}

function configMap(i: number): string {
  return `apiVersion: v1
kind: ConfigMap
metadata:
  name: app-${i}-config
data:
  config.yaml: |
    server:
      port: 8080
      timeout: 30s
    features:
      - search
      - checkout
  ENABLED: "yes"
  RETRIES: "3"
`;
}

const parts: string[] = [];
for (let i = 0; i < 1000; i++) parts.push(deployment(i), service(i), configMap(i));
const text = parts.join('---\n');
const plain = parseYamlDocuments(text, 'bench.yaml').map((d) => toPlain(d.node!));
const json = JSON.stringify(plain);

/** CPU time of this process (all threads) in ms: steadier than wall time on a shared machine. */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Median wall and CPU time of `f` over `runs` runs. */
function median(f: () => void, runs: number): { wall: number; cpu: number } {
  const walls: number[] = [];
  const cpus: number[] = [];
  for (let r = 0; r < runs; r++) {
    const c0 = cpuMs();
    const t0 = performance.now();
    f();
    walls.push(performance.now() - t0);
    cpus.push(cpuMs() - c0);
  }
  walls.sort((a, b) => a - b);
  cpus.sort((a, b) => a - b);
  return { wall: walls[Math.floor(runs / 2)]!, cpu: cpus[Math.floor(runs / 2)]! };
}

let nodes: YNode[] = [];
const runs = Number(process.env.RUNS ?? 9);
// Warm up.
for (let i = 0; i < 2; i++) {
  nodes = readResources(text, 'bench.yaml').map((d) => d.node!);
  emitDocuments(nodes);
  JSON.stringify(JSON.parse(json));
}
const parseMs = median(() => {
  nodes = readResources(text, 'bench.yaml').map((d) => d.node!);
}, runs);
const emitMs = median(() => emitDocuments(nodes), runs);
const mapMs = median(() => emitDocumentsWithMap(nodes), runs);
const jsonMs = median(() => JSON.stringify(JSON.parse(json)), runs);
const mb = (text.length / 1e6).toFixed(1);
const fmt = (m: { wall: number; cpu: number }): string => `${m.wall.toFixed(0)} ms wall / ${m.cpu.toFixed(0)} ms cpu`;
console.log(`yaml bench: ${nodes.length} resources, ${mb} MB of YAML, ${(json.length / 1e6).toFixed(1)} MB as JSON, median of ${runs}`);
console.log(`  parse as kustomize reads (readResources): ${fmt(parseMs)}`);
console.log(`  print (emitDocuments):                   ${fmt(emitMs)}`);
console.log(`  print with line map:                     ${fmt(mapMs)}`);
console.log(`  JSON.parse + JSON.stringify, same data:  ${fmt(jsonMs)}`);
console.log(
  `ratio (parse + print) / (JSON.parse + JSON.stringify): ${((parseMs.wall + emitMs.wall) / jsonMs.wall).toFixed(1)}x wall, ${((parseMs.cpu + emitMs.cpu) / jsonMs.cpu).toFixed(1)}x cpu`,
);
