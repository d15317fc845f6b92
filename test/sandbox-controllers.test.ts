/**
 * The simulated controllers on the virtual clock. Health expectations cite the Argo CD rules (HLT-) the sandbox's
 * status fields must satisfy: the same answers as on real objects.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../src/engine/kube/index.ts';
import { FAIL_ANNOTATION, READY_AFTER_ANNOTATION, Sandbox } from '../src/engine/sandbox/index.ts';
import { deployment, health } from './sandbox/fixtures.ts';

const T0 = '2025-01-01T00:00:00Z';
const sandbox = (nodes = 1) => new Sandbox({ seed: 11, startTime: T0, simulation: { nodes } });
const dref = (name: string) => ({ apiVersion: 'apps/v1', kind: 'Deployment', name });
const pods = (sb: Sandbox, selector?: string) => sb.list({ apiVersion: 'v1', kind: 'Pod', namespace: 'default' }, { labelSelector: selector }).items;

test('HLT-3: a Deployment is Progressing until its pods are ready after the configured delay, then Healthy with the real status shape', () => {
  const sb = new Sandbox({ seed: 1, startTime: T0, simulation: { podReadyMs: 3000 } });
  sb.create(deployment('web', { replicas: 3 }));
  assert.equal(health(sb.get(dref('web'))), 'Progressing', 'generation not yet observed');
  sb.advance(0);
  const d0 = sb.get(dref('web')) as any;
  assert.equal(d0.status.observedGeneration, 1);
  assert.equal(health(d0), 'Progressing');
  assert.equal(pods(sb).length, 3);
  const rs = sb.list({ apiVersion: 'apps/v1', kind: 'ReplicaSet', namespace: 'default' }).items[0] as any;
  assert.match(rs.metadata.name, /^web-[bcdfghjklmnpqrstvwxz2456789]+$/);
  assert.equal(rs.metadata.labels['pod-template-hash'], rs.metadata.name.slice(4));
  assert.equal(rs.metadata.annotations['deployment.kubernetes.io/revision'], '1');
  assert.equal(rs.metadata.ownerReferences[0].kind, 'Deployment');
  sb.advance(2900);
  assert.equal(health(sb.get(dref('web'))), 'Progressing');
  sb.advance(200);
  const d = sb.get(dref('web')) as any;
  assert.equal(health(d), 'Healthy');
  assert.deepEqual(
    { r: d.status.replicas, u: d.status.updatedReplicas, rd: d.status.readyReplicas, a: d.status.availableReplicas, un: d.status.unavailableReplicas },
    { r: 3, u: 3, rd: 3, a: 3, un: undefined },
  );
  assert.deepEqual(d.status.conditions.map((c: any) => [c.type, c.status, c.reason]), [
    ['Available', 'True', 'MinimumReplicasAvailable'],
    ['Progressing', 'True', 'NewReplicaSetAvailable'],
  ]);
  const p = pods(sb)[0] as any;
  assert.equal(health(p), 'Healthy', 'HLT-8: a running ready pod');
  assert.equal(p.status.phase, 'Running');
  assert.deepEqual(p.status.conditions.map((c: any) => `${c.type}=${c.status}`), ['PodReadyToStartContainers=True', 'Initialized=True', 'Ready=True', 'ContainersReady=True', 'PodScheduled=True']);
  assert.equal(p.spec.nodeName, 'sandbox-node-1');
  assert.match(p.status.podIP, /^10\.244\./);
  assert.equal(p.spec.serviceAccountName, 'default');
  assert.equal(p.metadata.annotations, undefined);
});

test('HLT-3: a rolling update keeps within maxSurge and maxUnavailable at every step, old ReplicaSets scale to zero', () => {
  const sb = sandbox();
  sb.create(deployment('web', { replicas: 4, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 1 } } }));
  sb.advance(5000);
  assert.equal(health(sb.get(dref('web'))), 'Healthy');
  sb.patch(dref('web'), { spec: { template: { spec: { containers: [{ name: 'app', image: 'nginx:1.28' }] } } } }, 'strategic');
  assert.equal(health(sb.get(dref('web'))), 'Progressing');
  let maxPods = 0;
  let minAvailable = Infinity;
  for (let i = 0; i < 60; i++) {
    sb.advance(250);
    const active = pods(sb).filter((p) => !p.metadata.deletionTimestamp);
    maxPods = Math.max(maxPods, active.length);
    const ready = active.filter((p: any) => p.status?.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True')).length;
    minAvailable = Math.min(minAvailable, ready);
  }
  assert.ok(maxPods <= 5, `never more than replicas + maxSurge pods (saw ${maxPods})`);
  assert.ok(minAvailable >= 3, `never fewer than replicas - maxUnavailable available (saw ${minAvailable})`);
  const d = sb.get(dref('web')) as any;
  assert.equal(health(d), 'Healthy');
  assert.equal(d.metadata.annotations['deployment.kubernetes.io/revision'], '2');
  const rss = sb.list({ apiVersion: 'apps/v1', kind: 'ReplicaSet', namespace: 'default' }).items as any[];
  assert.deepEqual(rss.map((r) => r.spec.replicas).sort(), [0, 4]);
  assert.ok(pods(sb).every((p: any) => p.spec.containers[0].image === 'nginx:1.28'));
});

test('HLT-3: Recreate stops every old pod before starting new ones', () => {
  const sb = sandbox();
  sb.create(deployment('web', { replicas: 2, strategy: { type: 'Recreate' } }));
  sb.advance(5000);
  sb.patch(dref('web'), { spec: { template: { spec: { containers: [{ name: 'app', image: 'nginx:1.28' }] } } } }, 'strategic');
  let mixed = false;
  for (let i = 0; i < 40; i++) {
    sb.advance(200);
    const images = new Set(pods(sb).map((p: any) => p.spec.containers[0].image));
    if (images.size > 1) mixed = true;
  }
  assert.equal(mixed, false);
  assert.equal(health(sb.get(dref('web'))), 'Healthy');
});

test('HLT-3: an image that cannot be pulled exceeds the progress deadline: ProgressDeadlineExceeded, Degraded; HLT-8 the pod is Degraded', () => {
  const sb = sandbox();
  sb.create(deployment('web', { replicas: 1, progressDeadlineSeconds: 30, podAnnotations: { [FAIL_ANNOTATION]: 'ImagePullBackOff' } }));
  sb.advance(2000);
  const p = pods(sb)[0] as any;
  assert.equal(p.status.phase, 'Pending');
  assert.match(p.status.containerStatuses[0].state.waiting.reason, /^(ErrImagePull|ImagePullBackOff)$/);
  assert.equal(health(p), 'Degraded');
  assert.equal(health(sb.get(dref('web'))), 'Progressing');
  sb.advance(32000);
  const d = sb.get(dref('web')) as any;
  const prog = d.status.conditions.find((c: any) => c.type === 'Progressing');
  assert.deepEqual([prog.status, prog.reason], ['False', 'ProgressDeadlineExceeded']);
  assert.equal(prog.message, `ReplicaSet "${(sb.list({ apiVersion: 'apps/v1', kind: 'ReplicaSet', namespace: 'default' }).items[0] as any).metadata.name}" has timed out progressing.`);
  assert.equal(health(d), 'Degraded');
});

test('HLT-8: CrashLoopBackOff counts restarts with back-off; NeverReady stays Running and not Ready; the annotation on the Deployment works too', () => {
  const sb = sandbox();
  sb.create(deployment('crash', { replicas: 1, podAnnotations: { [FAIL_ANNOTATION]: 'CrashLoopBackOff' } }));
  sb.create(deployment('slow', { replicas: 1, annotations: { [FAIL_ANNOTATION]: 'NeverReady' } }));
  sb.advance(60000);
  const crash = pods(sb, 'app=crash')[0] as any;
  assert.equal(crash.status.phase, 'Running');
  assert.ok(crash.status.containerStatuses[0].restartCount >= 2, JSON.stringify(crash.status.containerStatuses[0]));
  assert.equal(crash.status.containerStatuses[0].lastState.terminated.exitCode, 1);
  assert.equal(health(crash), crash.status.containerStatuses[0].state.waiting ? 'Degraded' : 'Degraded');
  const slow = pods(sb, 'app=slow')[0] as any;
  assert.equal(slow.status.phase, 'Running');
  assert.equal(slow.status.conditions.find((c: any) => c.type === 'Ready').status, 'False');
  assert.equal(health(slow), 'Progressing');
  assert.equal(health(sb.get(dref('slow'))), 'Progressing');
});

test('failure rules match workloads by name, namespace or image without touching the manifests', () => {
  const sb = sandbox();
  sb.addFailureRule({ match: { image: 'registry.example.com/*' }, failure: 'ImagePullBackOff' });
  sb.create(deployment('private', { replicas: 1, image: 'registry.example.com/app:1' }));
  sb.create(deployment('public', { replicas: 1 }));
  sb.advance(5000);
  assert.equal(health(pods(sb, 'app=private')[0]), 'Degraded');
  assert.equal(health(pods(sb, 'app=public')[0]), 'Healthy');
});

test('a readiness probe delays Ready by its initialDelaySeconds; ready-after sets the delay; a deleted pod is Terminating for its (capped) grace period', () => {
  const probe = sandbox();
  probe.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'busybox', readinessProbe: { httpGet: { path: '/', port: 80 }, initialDelaySeconds: 5 } }] } });
  probe.advance(2000);
  const running = probe.get({ apiVersion: 'v1', kind: 'Pod', name: 'p' }) as any;
  assert.deepEqual([running.status.phase, health(running)], ['Running', 'Progressing']);
  probe.advance(4100);
  assert.equal(health(probe.get({ apiVersion: 'v1', kind: 'Pod', name: 'p' })), 'Healthy');
  const sb = sandbox();
  sb.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', annotations: { [READY_AFTER_ANNOTATION]: '10s' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } });
  sb.advance(9000);
  const ref = { apiVersion: 'v1', kind: 'Pod', name: 'p' };
  assert.equal(health(sb.get(ref)), 'Progressing');
  sb.advance(1100);
  assert.equal(health(sb.get(ref)), 'Healthy');
  sb.delete(ref);
  assert.ok(sb.get(ref).metadata.deletionTimestamp);
  sb.advance(1100);
  assert.equal(sb.tryGet(ref), undefined);
});

test('HLT-4: a StatefulSet creates pods in order, waits for each to be ready, and rolls back to front within the partition', () => {
  const sb = sandbox();
  const sts = {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'db' },
    spec: {
      replicas: 3,
      serviceName: 'db',
      selector: { matchLabels: { app: 'db' } },
      template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'db', image: 'postgres:16' }] } },
      volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
    },
  } as KubeObject;
  sb.create(sts);
  const ref = { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'db' };
  sb.advance(0);
  assert.deepEqual(pods(sb).map((p) => p.metadata.name), ['db-0'], 'OrderedReady: one pod at a time');
  sb.advance(1100);
  assert.deepEqual(pods(sb).map((p) => p.metadata.name), ['db-0', 'db-1'], 'db-1 only once db-0 is Running and Ready');
  sb.advance(10000);
  let s = sb.get(ref) as any;
  assert.equal(health(s), 'Healthy');
  assert.equal(s.status.currentRevision, s.status.updateRevision);
  const pvcs = sb.list({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace: 'default' }).items as any[];
  assert.deepEqual(pvcs.map((c) => c.metadata.name), ['data-db-0', 'data-db-1', 'data-db-2']);
  assert.ok(pvcs.every((c) => c.status.phase === 'Bound' && health(c) === 'Healthy'), 'HLT-9: claims bound by the default StorageClass');
  assert.ok((pods(sb)[0] as any).spec.volumes.some((v: any) => v.persistentVolumeClaim?.claimName === 'data-db-0'));
  sb.patch(ref, { spec: { updateStrategy: { rollingUpdate: { partition: 2 } }, template: { spec: { containers: [{ name: 'db', image: 'postgres:17' }] } } } }, 'strategic');
  sb.advance(20000);
  const images = Object.fromEntries(pods(sb).map((p: any) => [p.metadata.name, p.spec.containers[0].image]));
  assert.deepEqual(images, { 'db-0': 'postgres:16', 'db-1': 'postgres:16', 'db-2': 'postgres:17' });
  s = sb.get(ref) as any;
  assert.equal(s.status.updatedReplicas, 1);
  assert.equal(health(s), 'Healthy', 'HLT-4: partitioned roll out complete');
  assert.ok(sb.list({ apiVersion: 'apps/v1', kind: 'ControllerRevision', namespace: 'default' }).items.length >= 2);
});

test('HLT-4: an OnDelete StatefulSet changes a pod only when it is deleted', () => {
  const sb = sandbox();
  sb.create({
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'q' },
    spec: { replicas: 2, serviceName: 'q', updateStrategy: { type: 'OnDelete' }, podManagementPolicy: 'Parallel', selector: { matchLabels: { app: 'q' } }, template: { metadata: { labels: { app: 'q' } }, spec: { containers: [{ name: 'q', image: 'redis:7.2' }] } } },
  } as KubeObject);
  sb.advance(5000);
  sb.patch({ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'q' }, { spec: { template: { spec: { containers: [{ name: 'q', image: 'redis:7.4' }] } } } }, 'strategic');
  sb.advance(10000);
  assert.ok(pods(sb).every((p: any) => p.spec.containers[0].image === 'redis:7.2'));
  sb.delete({ apiVersion: 'v1', kind: 'Pod', name: 'q-1' });
  sb.advance(5000);
  const images = Object.fromEntries(pods(sb).map((p: any) => [p.metadata.name, p.spec.containers[0].image]));
  assert.deepEqual(images, { 'q-0': 'redis:7.2', 'q-1': 'redis:7.4' });
});

test('HLT-5: a DaemonSet runs one pod per node the node selector admits, pinned by node affinity', () => {
  const sb = sandbox(3);
  sb.create({
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'agent' },
    spec: { selector: { matchLabels: { app: 'agent' } }, template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'a', image: 'fluent-bit:3' }] } } },
  } as KubeObject);
  const ref = { apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'agent' };
  sb.advance(0);
  assert.equal(health(sb.get(ref)), 'Progressing');
  sb.advance(5000);
  const ds = sb.get(ref) as any;
  assert.deepEqual([ds.status.desiredNumberScheduled, ds.status.numberReady, ds.status.numberAvailable], [3, 3, 3]);
  assert.equal(health(ds), 'Healthy');
  assert.deepEqual(pods(sb).map((p: any) => p.spec.nodeName).sort(), ['sandbox-node-1', 'sandbox-node-2', 'sandbox-node-3']);
  assert.ok(pods(sb).every((p: any) => p.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchFields[0].values[0] === p.spec.nodeName));
});

test('HLT-7: a Job completes after its pod runs (Complete, with SuccessCriteriaMet); JobFailure exhausts backoffLimit (Failed, Degraded)', () => {
  const sb = new Sandbox({ seed: 2, startTime: T0, simulation: { jobRunMs: 4000 } });
  const job = (name: string, annotations?: Record<string, string>) =>
    ({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name }, spec: { backoffLimit: 1, template: { metadata: annotations ? { annotations } : {}, spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } } } }) as KubeObject;
  sb.create(job('ok'));
  sb.create(job('bad', { [FAIL_ANNOTATION]: 'JobFailure' }));
  sb.advance(1000);
  const ok0 = sb.get({ apiVersion: 'batch/v1', kind: 'Job', name: 'ok' }) as any;
  assert.equal(health(ok0), 'Progressing');
  assert.equal(ok0.status.active, 1);
  sb.advance(5000);
  const ok = sb.get({ apiVersion: 'batch/v1', kind: 'Job', name: 'ok' }) as any;
  assert.deepEqual(ok.status.conditions.map((c: any) => c.type), ['SuccessCriteriaMet', 'Complete']);
  assert.equal(ok.status.succeeded, 1);
  assert.ok(ok.status.completionTime);
  assert.equal(health(ok), 'Healthy');
  const okPod = pods(sb, 'job-name=ok')[0] as any;
  assert.equal(okPod.status.phase, 'Succeeded');
  assert.equal(health(okPod), 'Healthy');
  sb.advance(60000);
  const bad = sb.get({ apiVersion: 'batch/v1', kind: 'Job', name: 'bad' }) as any;
  const failed = bad.status.conditions.find((c: any) => c.type === 'Failed');
  assert.deepEqual([failed.status, failed.reason, failed.message], ['True', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit']);
  assert.equal(bad.status.failed, 2);
  assert.equal(health(bad), 'Degraded');
  assert.equal(health(pods(sb, 'job-name=bad')[0]), 'Degraded');
});

test('a Job with ttlSecondsAfterFinished is deleted after it finishes', () => {
  const sb = sandbox();
  sb.create({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'once' }, spec: { ttlSecondsAfterFinished: 30, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } } } } as KubeObject);
  sb.advance(10000);
  assert.ok(sb.tryGet({ apiVersion: 'batch/v1', kind: 'Job', name: 'once' }));
  sb.advance(40000);
  assert.equal(sb.tryGet({ apiVersion: 'batch/v1', kind: 'Job', name: 'once' }), undefined);
});

test('HLT-12: a CronJob creates a Job at each scheduled minute and records lastScheduleTime and lastSuccessfulTime', () => {
  const sb = sandbox();
  sb.create({ apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'tick' }, spec: { schedule: '*/5 * * * *', jobTemplate: { spec: { template: { spec: { restartPolicy: 'OnFailure', containers: [{ name: 'c', image: 'busybox' }] } } } } } } as KubeObject);
  sb.advance(4 * 60000);
  assert.equal(sb.list({ apiVersion: 'batch/v1', kind: 'Job', namespace: 'default' }).items.length, 0);
  sb.advance(61000);
  const jobs = sb.list({ apiVersion: 'batch/v1', kind: 'Job', namespace: 'default' }).items as any[];
  assert.deepEqual(jobs.map((j) => j.metadata.name), [`tick-${Date.parse('2025-01-01T00:05:00Z') / 60000}`]);
  assert.equal(jobs[0].metadata.annotations['batch.kubernetes.io/cronjob-scheduled-timestamp'], '2025-01-01T00:05:00Z');
  sb.advance(20000);
  const cj = sb.get({ apiVersion: 'batch/v1', kind: 'CronJob', name: 'tick' }) as any;
  assert.equal(cj.status.lastScheduleTime, '2025-01-01T00:05:00Z');
  assert.ok(cj.status.lastSuccessfulTime);
  sb.advance(30 * 60000);
  assert.ok(sb.list({ apiVersion: 'batch/v1', kind: 'Job', namespace: 'default' }).items.length <= 3, 'successfulJobsHistoryLimit');
});

test('HLT-9: a LoadBalancer Service gets an ingress IP and an Ingress an address after a short delay', () => {
  const sb = sandbox();
  sb.create({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'lb' }, spec: { type: 'LoadBalancer', selector: { app: 'x' }, ports: [{ port: 80 }] } } as KubeObject);
  sb.create({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'ing' }, spec: { rules: [{ host: 'a.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'lb', port: { number: 80 } } } }] } }] } } as KubeObject);
  sb.advance(500);
  const svc0 = sb.get({ apiVersion: 'v1', kind: 'Service', name: 'lb' }) as any;
  assert.equal(health(svc0), 'Progressing');
  assert.ok(svc0.spec.ports[0].nodePort >= 30000);
  assert.equal(health(sb.get({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', name: 'ing' })), 'Progressing');
  sb.advance(3000);
  const svc = sb.get({ apiVersion: 'v1', kind: 'Service', name: 'lb' }) as any;
  assert.match(svc.status.loadBalancer.ingress[0].ip, /^172\.18\.255\.\d+$/);
  assert.equal(health(svc), 'Healthy');
  assert.equal(health(sb.get({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', name: 'ing' })), 'Healthy');
});

test('HLT-10: an HPA scales its target within min and max through the scale subresource, a drift from git', () => {
  const sb = sandbox();
  sb.create(deployment('web', { replicas: 1 }));
  sb.create({
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: 'web', annotations: { 'sandbox.gitops-sandbox.dev/cpu-utilization': '160' } },
    spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 2, maxReplicas: 5, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }] },
  } as KubeObject);
  sb.advance(0);
  assert.equal((sb.get(dref('web')).spec as any).replicas, 2, 'raised to minReplicas, then doubled next sync');
  sb.advance(15000);
  assert.equal((sb.get(dref('web')).spec as any).replicas, 4);
  sb.advance(15000);
  const d = sb.get(dref('web')) as any;
  assert.equal(d.spec.replicas, 5, 'capped at maxReplicas');
  const hpa = sb.get({ apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', name: 'web' }) as any;
  assert.equal(hpa.status.desiredReplicas, 5);
  assert.ok(hpa.status.conditions.some((c: any) => c.type === 'ScalingLimited' && c.status === 'True' && c.reason === 'TooManyReplicas'));
  assert.equal(health(hpa), 'Healthy');
  const owner = (d.metadata.managedFields as any[]).find((m) => m.fieldsV1?.['f:spec']?.['f:replicas']);
  assert.deepEqual([owner.manager, owner.subresource], ['kube-controller-manager', 'scale']);
});

test('the virtual clock never sleeps: an hour of controllers runs in a blink, and advanceUntil stops as soon as the condition holds', () => {
  const sb = sandbox();
  sb.create(deployment('web', { replicas: 2 }));
  const took = sb.advanceUntil(() => health(sb.get(dref('web'))) === 'Healthy', { timeoutMs: 60000 });
  assert.ok(took !== undefined && took >= 1000 && took <= 1600, `pods without a readiness probe are ready once started (took ${took} ms)`);
  sb.advance(3600000);
  assert.equal(sb.now(), Date.parse(T0) + (took ?? 0) + 3600000);
  assert.equal(sb.advanceUntil(() => false, { timeoutMs: 1000 }), undefined);
});
