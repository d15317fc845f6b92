import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HealthChecker, isWorse, HEALTH_ORDER, type HealthStatus } from '../src/engine/health/index.ts';
import type { KubeObject } from '../src/engine/kube/index.ts';

const checker = HealthChecker.builtin();

function obj(apiVersion: string, kind: string, rest: Record<string, unknown> = {}, meta: Record<string, unknown> = {}): KubeObject {
  return { apiVersion, kind, metadata: { name: 'x', namespace: 'ns', ...meta }, ...rest };
}

function h(o: KubeObject): HealthStatus | undefined {
  return checker.health(o);
}

function expectHealth(o: KubeObject, status: string, message?: string | RegExp): void {
  const got = h(o);
  assert.ok(got, `expected ${status}, got no health`);
  assert.equal(got.status, status, `message was: ${got.message}`);
  if (typeof message === 'string') assert.equal(got.message, message);
  else if (message) assert.match(got.message, message);
}

// --- HLT-1 -------------------------------------------------------------------------------------------------------

test('HLT-1 precedence: Healthy < Suspended < Progressing < Missing < Degraded < Unknown', () => {
  assert.deepEqual(HEALTH_ORDER, ['Healthy', 'Suspended', 'Progressing', 'Missing', 'Degraded', 'Unknown']);
  for (let i = 0; i < HEALTH_ORDER.length; i++) {
    for (let j = 0; j < HEALTH_ORDER.length; j++) assert.equal(isWorse(HEALTH_ORDER[i]!, HEALTH_ORDER[j]!), j > i);
  }
});

test('HLT-1 an unrecognised or empty code counts as Healthy', () => {
  assert.equal(isWorse('Healthy', ''), false);
  assert.equal(isWorse('', 'Suspended'), true);
  assert.equal(isWorse('Bogus', 'Healthy'), false);
  assert.equal(isWorse('Progressing', 'Bogus'), false);
});

// --- HLT-2 -------------------------------------------------------------------------------------------------------

const healthyDeploy = (): KubeObject =>
  obj('apps/v1', 'Deployment', { spec: { replicas: 1 }, status: { observedGeneration: 1, replicas: 1, updatedReplicas: 1, availableReplicas: 1 } }, { generation: 1 });

test('HLT-2 a deletionTimestamp without the hook finalizer is Progressing "Pending deletion", before any check', () => {
  const d = healthyDeploy();
  d.metadata.deletionTimestamp = '2024-01-01T00:00:00Z';
  expectHealth(d, 'Progressing', 'Pending deletion');
  const cm = obj('v1', 'ConfigMap', {}, { deletionTimestamp: '2024-01-01T00:00:00Z' });
  expectHealth(cm, 'Progressing', 'Pending deletion');
});

test('HLT-2 with the hook finalizer a deleting object is judged by its check', () => {
  const d = healthyDeploy();
  d.metadata.deletionTimestamp = '2024-01-01T00:00:00Z';
  d.metadata.finalizers = ['argocd.argoproj.io/hook-finalizer'];
  expectHealth(d, 'Healthy', '');
});

test('HLT-2 an unsupported version of a typed kind is Unknown "unsupported <Kind> GVK"', () => {
  const d = healthyDeploy();
  d.apiVersion = 'apps/v1beta2';
  expectHealth(d, 'Unknown', 'unsupported Deployment GVK: apps/v1beta2, Kind=Deployment');
  expectHealth(obj('v2', 'Pod'), 'Unknown', 'unsupported Pod GVK: /v2, Kind=Pod');
  expectHealth(obj('batch/v1beta1', 'Job'), 'Unknown', 'unsupported Job GVK: batch/v1beta1, Kind=Job');
});

test('HLT-2 a field of the wrong type fails the typed conversion: Unknown with the error', () => {
  const d = healthyDeploy();
  (d.spec as Record<string, unknown>).replicas = '3';
  expectHealth(d, 'Unknown', /^failed to convert unstructured Deployment to typed: spec\.replicas/);
});

test('HLT-2 kinds without any check have no health (nil)', () => {
  for (const o of [obj('v1', 'ConfigMap'), obj('v1', 'Secret'), obj('v1', 'ServiceAccount'), obj('rbac.authorization.k8s.io/v1', 'Role'), obj('example.com/v1', 'Widget')]) {
    assert.equal(h(o), undefined, o.kind);
  }
});

// --- HLT-3 Deployment ----------------------------------------------------------------------------------------------

test('HLT-3 a paused Deployment is Suspended, checked before the generation', () => {
  const d = healthyDeploy();
  (d.spec as Record<string, unknown>).paused = true;
  d.metadata.generation = 5;
  expectHealth(d, 'Suspended', 'Deployment is paused');
});

test('HLT-3 Deployment generation not yet observed is Progressing', () => {
  const d = healthyDeploy();
  d.metadata.generation = 2;
  expectHealth(d, 'Progressing', 'Waiting for rollout to finish: observed deployment generation less than desired generation');
});

test('HLT-3 Deployment ProgressDeadlineExceeded is Degraded', () => {
  const d = healthyDeploy();
  (d.status as Record<string, unknown>).conditions = [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }];
  expectHealth(d, 'Degraded', 'Deployment "x" exceeded its progress deadline');
});

test('HLT-3 Deployment rollout steps: updated < replicas, old replicas pending, unavailable', () => {
  const base = { observedGeneration: 1 };
  expectHealth(
    obj('apps/v1', 'Deployment', { spec: { replicas: 3 }, status: { ...base, replicas: 3, updatedReplicas: 1, availableReplicas: 3 } }, { generation: 1 }),
    'Progressing',
    'Waiting for rollout to finish: 1 out of 3 new replicas have been updated...',
  );
  expectHealth(
    obj('apps/v1', 'Deployment', { spec: { replicas: 2 }, status: { ...base, replicas: 3, updatedReplicas: 2, availableReplicas: 2 } }, { generation: 1 }),
    'Progressing',
    'Waiting for rollout to finish: 1 old replicas are pending termination...',
  );
  expectHealth(
    obj('apps/v1', 'Deployment', { spec: { replicas: 2 }, status: { ...base, replicas: 2, updatedReplicas: 2, availableReplicas: 1 } }, { generation: 1 }),
    'Progressing',
    'Waiting for rollout to finish: 1 of 2 updated replicas are available...',
  );
  // Without spec.replicas the first step is skipped.
  expectHealth(obj('apps/v1', 'Deployment', { spec: {}, status: { ...base, replicas: 0, updatedReplicas: 0 } }, { generation: 1 }), 'Healthy', '');
});

test('HLT-3 a rolled-out Deployment is Healthy with an empty message', () => {
  expectHealth(healthyDeploy(), 'Healthy', '');
});

// --- HLT-4 StatefulSet -----------------------------------------------------------------------------------------------

const sts = (spec: Record<string, unknown>, status: Record<string, unknown>, generation = 1): KubeObject =>
  obj('apps/v1', 'StatefulSet', { spec, status: { observedGeneration: 1, ...status } }, { generation });

test('HLT-4 StatefulSet with observedGeneration 0 or behind is Progressing', () => {
  expectHealth(sts({ replicas: 1 }, { observedGeneration: 0, readyReplicas: 1 }), 'Progressing', 'Waiting for statefulset spec update to be observed...');
  expectHealth(sts({ replicas: 1 }, { readyReplicas: 1 }, 2), 'Progressing', 'Waiting for statefulset spec update to be observed...');
});

test('HLT-4 StatefulSet waits for ready pods', () => {
  expectHealth(sts({ replicas: 3 }, { readyReplicas: 1 }), 'Progressing', 'Waiting for 2 pods to be ready...');
});

test('HLT-4 StatefulSet partitioned rolling update: progressing, then complete without comparing revisions', () => {
  const spec = { replicas: 4, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 2 } } };
  expectHealth(sts(spec, { readyReplicas: 4, updatedReplicas: 1 }), 'Progressing', 'Waiting for partitioned roll out to finish: 1 out of 2 new pods have been updated...');
  expectHealth(
    sts(spec, { readyReplicas: 4, updatedReplicas: 2, currentRevision: 'a', updateRevision: 'b' }),
    'Healthy',
    'partitioned roll out complete: 2 new pods have been updated...',
  );
  // A rollingUpdate block without a partition goes straight to "complete", revisions still not compared.
  expectHealth(
    sts({ replicas: 1, updateStrategy: { type: 'RollingUpdate', rollingUpdate: {} } }, { readyReplicas: 1, updatedReplicas: 0, currentRevision: 'a', updateRevision: 'b' }),
    'Healthy',
    'partitioned roll out complete: 0 new pods have been updated...',
  );
});

test('HLT-4 StatefulSet OnDelete is Healthy with the ready count', () => {
  expectHealth(sts({ replicas: 2, updateStrategy: { type: 'OnDelete' } }, { readyReplicas: 2, currentRevision: 'a', updateRevision: 'b' }), 'Healthy', 'statefulset has 2 ready pods');
});

test('HLT-4 StatefulSet default strategy compares revisions (also with an empty strategy type)', () => {
  expectHealth(
    sts({ replicas: 2, updateStrategy: { type: 'RollingUpdate' } }, { readyReplicas: 2, updatedReplicas: 1, currentRevision: 'a', updateRevision: 'b' }),
    'Progressing',
    'waiting for statefulset rolling update to complete 1 pods at revision b...',
  );
  expectHealth(
    sts({ replicas: 2 }, { readyReplicas: 2, currentReplicas: 2, currentRevision: 'a', updateRevision: 'a' }),
    'Healthy',
    'statefulset rolling update complete 2 pods at revision a...',
  );
});

// --- HLT-5 DaemonSet -------------------------------------------------------------------------------------------------

const ds = (spec: Record<string, unknown>, status: Record<string, unknown>, generation = 1): KubeObject =>
  obj('apps/v1', 'DaemonSet', { spec, status: { observedGeneration: 1, ...status } }, { name: 'agent', generation });

test('HLT-5 DaemonSet: generation, OnDelete, updated and available pods', () => {
  expectHealth(ds({}, {}, 2), 'Progressing', 'Waiting for rollout to finish: observed daemon set generation less than desired generation');
  expectHealth(ds({ updateStrategy: { type: 'OnDelete' } }, { updatedNumberScheduled: 1, desiredNumberScheduled: 3 }), 'Healthy', 'daemon set 1 out of 3 new pods have been updated');
  expectHealth(
    ds({}, { updatedNumberScheduled: 1, desiredNumberScheduled: 3, numberAvailable: 3 }),
    'Progressing',
    'Waiting for daemon set "agent" rollout to finish: 1 out of 3 new pods have been updated...',
  );
  expectHealth(
    ds({}, { updatedNumberScheduled: 3, desiredNumberScheduled: 3, numberAvailable: 2 }),
    'Progressing',
    'Waiting for daemon set "agent" rollout to finish: 2 of 3 updated pods are available...',
  );
  expectHealth(ds({}, { updatedNumberScheduled: 3, desiredNumberScheduled: 3, numberAvailable: 3 }), 'Healthy', '');
});

// --- HLT-6 ReplicaSet ------------------------------------------------------------------------------------------------

test('HLT-6 ReplicaSet: ReplicaFailure True is Degraded; False is ignored', () => {
  const rs = (conditions: unknown[], available: number) =>
    obj('apps/v1', 'ReplicaSet', { spec: { replicas: 2 }, status: { observedGeneration: 1, availableReplicas: available, conditions } }, { generation: 1 });
  expectHealth(rs([{ type: 'ReplicaFailure', status: 'True', message: 'quota exceeded' }], 0), 'Degraded', 'quota exceeded');
  expectHealth(rs([{ type: 'ReplicaFailure', status: 'False', message: 'fine' }], 2), 'Healthy', '');
  expectHealth(rs([], 1), 'Progressing', 'Waiting for rollout to finish: 1 out of 2 new replicas are available...');
});

test('HLT-6 ReplicaSet whose generation is not observed is Progressing', () => {
  expectHealth(
    obj('apps/v1', 'ReplicaSet', { spec: { replicas: 1 }, status: { observedGeneration: 1, availableReplicas: 1 } }, { generation: 2 }),
    'Progressing',
    'Waiting for rollout to finish: observed replica set generation less than desired generation',
  );
});

// --- HLT-7 Job -------------------------------------------------------------------------------------------------------

const job = (conditions?: unknown[]): KubeObject => obj('batch/v1', 'Job', { status: conditions ? { conditions } : {} });

test('HLT-7 a Job without completion conditions is Progressing', () => {
  expectHealth(job(), 'Progressing', '');
  expectHealth(job([{ type: 'FailureTarget', status: 'True', message: 'x' }]), 'Progressing', '');
});

test('HLT-7 Job conditions are read by type: Failed is Degraded whatever its status', () => {
  expectHealth(job([{ type: 'Failed', status: 'True', message: 'BackoffLimitExceeded' }]), 'Degraded', 'BackoffLimitExceeded');
  expectHealth(job([{ type: 'Failed', status: 'False', message: 'stale' }]), 'Degraded', 'stale');
});

test('HLT-7 Job Complete is Healthy with its message', () => {
  expectHealth(job([{ type: 'Complete', status: 'True', message: 'done' }]), 'Healthy', 'done');
});

test('HLT-7 Job Suspended=True is Suspended with the condition message [master]', () => {
  expectHealth(job([{ type: 'Suspended', status: 'True', message: 'Job suspended' }]), 'Suspended', 'Job suspended');
});

test('HLT-7 quirk: a resumed Job with only Suspended=False is Healthy while it runs', () => {
  expectHealth(job([{ type: 'Suspended', status: 'False', message: 'Job resumed' }]), 'Healthy', 'Job resumed');
});

// --- HLT-8 Pod -------------------------------------------------------------------------------------------------------

const pod = (spec: Record<string, unknown>, status: Record<string, unknown>, annotations?: Record<string, string>): KubeObject =>
  obj('v1', 'Pod', { spec, status }, annotations ? { annotations } : {});

test('HLT-8 a long-running Pod with a waiting error reason is Degraded with the messages joined', () => {
  const statuses = [
    { name: 'a', state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off restarting' } } },
    { name: 'b', state: { waiting: { reason: 'ErrImagePull', message: 'pull failed' } } },
    { name: 'c', state: { waiting: { reason: 'CreateContainerConfigError', message: 'bad config' } } },
    { name: 'd', state: { waiting: { reason: 'ContainerCreating', message: 'ignored' } } },
  ];
  expectHealth(pod({ restartPolicy: 'Always' }, { phase: 'Running', containerStatuses: statuses }), 'Degraded', 'back-off restarting, pull failed, bad config');
});

test('HLT-8 init containers are not checked for waiting errors', () => {
  expectHealth(
    pod({ restartPolicy: 'Always' }, { phase: 'Pending', initContainerStatuses: [{ name: 'i', state: { waiting: { reason: 'CrashLoopBackOff', message: 'x' } } }] }),
    'Progressing',
  );
});

test('HLT-8 a Never Pod is not judged by waiting reasons (it is expected to finish)', () => {
  expectHealth(
    pod({ restartPolicy: 'Never' }, { phase: 'Pending', containerStatuses: [{ name: 'a', state: { waiting: { reason: 'ImagePullBackOff', message: 'x' } } }] }),
    'Progressing',
  );
});

test('HLT-8 Pod phases Pending, Succeeded, Failed and unknown', () => {
  expectHealth(pod({ restartPolicy: 'Always' }, { phase: 'Pending', message: 'scheduling' }), 'Progressing', 'scheduling');
  expectHealth(pod({ restartPolicy: 'Never' }, { phase: 'Succeeded' }), 'Healthy', '');
  expectHealth(pod({ restartPolicy: 'Never' }, { phase: 'Failed', message: 'evicted' }), 'Degraded', 'evicted');
  expectHealth(pod({ restartPolicy: 'Never' }, { phase: 'Weird', message: 'm' }), 'Unknown', 'm');
});

test('HLT-8 a Failed Pod without a message takes the first terminated container message, init containers first', () => {
  const status = {
    phase: 'Failed',
    initContainerStatuses: [{ name: 'init', state: { terminated: { exitCode: 0 } } }, { name: 'init2', state: { terminated: { reason: 'OOMKilled', exitCode: 137 } } }],
    containerStatuses: [{ name: 'main', state: { terminated: { message: 'later', exitCode: 1 } } }],
  };
  expectHealth(pod({ restartPolicy: 'Never' }, status), 'Degraded', 'OOMKilled');
  expectHealth(pod({ restartPolicy: 'Never' }, { phase: 'Failed', containerStatuses: [{ name: 'main', state: { terminated: { exitCode: 3 } } }] }), 'Degraded', 'container "main" failed with exit code 3');
  expectHealth(pod({ restartPolicy: 'Never' }, { phase: 'Failed', containerStatuses: [{ name: 'main', state: { terminated: { message: 'boom', exitCode: 3 } } }] }), 'Degraded', 'boom');
  expectHealth(pod({ restartPolicy: 'Never' }, { phase: 'Failed' }), 'Degraded', '');
});

test('HLT-8 a Running long-running Pod: ready is Healthy, restarted is Degraded, else Progressing', () => {
  const ready = [{ type: 'Ready', status: 'True' }];
  expectHealth(pod({ restartPolicy: 'Always' }, { phase: 'Running', conditions: ready }), 'Healthy');
  expectHealth(
    pod({ restartPolicy: 'Always' }, { phase: 'Running', message: 'm', containerStatuses: [{ name: 'a', lastState: { terminated: { exitCode: 1 } } }] }),
    'Degraded',
    'm',
  );
  expectHealth(pod({ restartPolicy: 'Always' }, { phase: 'Running', conditions: [{ type: 'Ready', status: 'False' }] }), 'Progressing');
});

test('HLT-8 a Running OnFailure or Never Pod is Progressing for as long as it runs', () => {
  expectHealth(pod({ restartPolicy: 'OnFailure' }, { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] }), 'Progressing');
  expectHealth(pod({ restartPolicy: 'Never' }, { phase: 'Running' }), 'Progressing');
});

test('HLT-8 ignore-restart-policy makes a non-hook Pod long-running, but not a hook [master]', () => {
  const ann = { 'argocd.argoproj.io/ignore-restart-policy': 'true' };
  const status = { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] };
  expectHealth(pod({ restartPolicy: 'Never' }, status, ann), 'Healthy');
  expectHealth(pod({ restartPolicy: 'Never' }, status, { ...ann, 'argocd.argoproj.io/hook': 'PreSync' }), 'Progressing');
  expectHealth(
    pod({ restartPolicy: 'Never' }, { phase: 'Running', containerStatuses: [{ name: 'a', state: { waiting: { reason: 'CrashLoopBackOff', message: 'crash' } } }] }, ann),
    'Degraded',
    'crash',
  );
});

// --- HLT-9 PVC, Service, Ingress, APIService -------------------------------------------------------------------------

test('HLT-9 PVC phases: Bound, Pending, Lost and anything else, always without a message', () => {
  const pvc = (phase?: string) => obj('v1', 'PersistentVolumeClaim', { status: phase ? { phase } : {} });
  expectHealth(pvc('Bound'), 'Healthy', '');
  expectHealth(pvc('Pending'), 'Progressing', '');
  expectHealth(pvc('Lost'), 'Degraded', '');
  expectHealth(pvc(), 'Unknown', '');
});

test('HLT-9 Service is Healthy except a LoadBalancer without ingress', () => {
  expectHealth(obj('v1', 'Service', { spec: { type: 'ClusterIP' } }), 'Healthy', '');
  expectHealth(obj('v1', 'Service', { spec: { type: 'LoadBalancer' }, status: { loadBalancer: {} } }), 'Progressing', '');
  expectHealth(obj('v1', 'Service', { spec: { type: 'LoadBalancer' }, status: { loadBalancer: { ingress: [{ ip: '1.2.3.4' }] } } }), 'Healthy', '');
});

test('HLT-9 Ingress in either group and any version: Healthy only with a load balancer ingress', () => {
  for (const av of ['networking.k8s.io/v1', 'networking.k8s.io/v1beta1', 'extensions/v1beta1']) {
    expectHealth(obj(av, 'Ingress', { status: { loadBalancer: { ingress: [{ hostname: 'lb' }] } } }), 'Healthy', '');
    expectHealth(obj(av, 'Ingress', { status: { loadBalancer: { ingress: [] } } }), 'Progressing', '');
  }
});

test('HLT-9 APIService: Available True, not True, absent; v1 and v1beta1 only', () => {
  const api = (av: string, conditions: unknown[]) => obj(av, 'APIService', { status: { conditions } });
  for (const av of ['apiregistration.k8s.io/v1', 'apiregistration.k8s.io/v1beta1']) {
    expectHealth(api(av, [{ type: 'Available', status: 'True', reason: 'Passed', message: 'all checks passed' }]), 'Healthy', 'Passed: all checks passed');
    expectHealth(api(av, [{ type: 'Available', status: 'False', reason: 'FailedDiscoveryCheck', message: 'no route' }]), 'Progressing', 'FailedDiscoveryCheck: no route');
    expectHealth(api(av, []), 'Progressing', 'Waiting to be processed');
  }
  expectHealth(api('apiregistration.k8s.io/v2', []), 'Unknown', 'unsupported APIService GVK: apiregistration.k8s.io/v2, Kind=APIService');
});

// --- HLT-10 HPA ------------------------------------------------------------------------------------------------------

const V1_ANN = 'autoscaling.alpha.kubernetes.io/conditions';

test('HLT-10 HPA v1 reads the conditions annotation; missing or empty is "Waiting to Autoscale"', () => {
  expectHealth(obj('autoscaling/v1', 'HorizontalPodAutoscaler'), 'Progressing', 'Waiting to Autoscale');
  expectHealth(obj('autoscaling/v1', 'HorizontalPodAutoscaler', {}, { annotations: { [V1_ANN]: '[]' } }), 'Progressing', 'Waiting to Autoscale');
  expectHealth(obj('autoscaling/v1', 'HorizontalPodAutoscaler', {}, { annotations: { [V1_ANN]: '{not json' } }), 'Unknown', /^failed to convert conditions annotation to typed/);
  const degraded = JSON.stringify([{ type: 'AbleToScale', status: 'False', reason: 'FailedGetScale', message: 'no scale' }]);
  expectHealth(obj('autoscaling/v1', 'HorizontalPodAutoscaler', {}, { annotations: { [V1_ANN]: degraded } }), 'Degraded', 'no scale');
  const healthy = JSON.stringify([{ type: 'AbleToScale', status: 'True', reason: 'SucceededRescale', message: 'ok' }]);
  expectHealth(obj('autoscaling/v1', 'HorizontalPodAutoscaler', {}, { annotations: { [V1_ANN]: healthy } }), 'Healthy', 'ok');
});

test('HLT-10 HPA v2: all degraded matches are checked before healthy ones', () => {
  const conditions = [
    { type: 'AbleToScale', status: 'True', reason: 'ReadyForNewScale', message: 'ready' },
    { type: 'ScalingActive', status: 'False', reason: 'FailedGetObjectMetric', message: 'metric missing' },
  ];
  expectHealth(obj('autoscaling/v2', 'HorizontalPodAutoscaler', { status: { conditions } }), 'Degraded', 'metric missing');
  for (const reason of ['FailedUpdateScale', 'FailedGetResourceMetric', 'FailedGetPodsMetric', 'FailedGetExternalMetric', 'FailedComputeMetricsReplicas', 'InvalidSelector']) {
    const type = reason === 'FailedUpdateScale' ? 'AbleToScale' : 'ScalingActive';
    expectHealth(obj('autoscaling/v2', 'HorizontalPodAutoscaler', { status: { conditions: [{ type, status: 'False', reason, message: reason }] } }), 'Degraded', reason);
  }
  expectHealth(
    obj('autoscaling/v2', 'HorizontalPodAutoscaler', { status: { conditions: [{ type: 'ScalingLimited', status: 'True', reason: 'TooFewReplicas', message: 'limited' }] } }),
    'Healthy',
    'limited',
  );
  expectHealth(
    obj('autoscaling/v2', 'HorizontalPodAutoscaler', { status: { conditions: [{ type: 'ScalingActive', status: 'True', reason: 'ValidMetricFound', message: 'x' }] } }),
    'Progressing',
    'Waiting to Autoscale',
  );
});

test('HLT-10 HPA v2beta1 and v2beta2 are unsupported since v3.5.0', () => {
  expectHealth(obj('autoscaling/v2beta2', 'HorizontalPodAutoscaler'), 'Unknown', 'unsupported HPA GVK: autoscaling/v2beta2, Kind=HorizontalPodAutoscaler');
  expectHealth(obj('autoscaling/v2beta1', 'HorizontalPodAutoscaler'), 'Unknown', /unsupported HPA GVK/);
});

// --- HLT-11 Workflow -------------------------------------------------------------------------------------------------

test('HLT-11 Argo Workflow phases (any version)', () => {
  const wf = (phase?: string, av = 'argoproj.io/v1alpha1') => obj(av, 'Workflow', { status: { ...(phase !== undefined ? { phase } : {}), message: 'm' } });
  expectHealth(wf(), 'Progressing', 'm');
  expectHealth(wf('Pending'), 'Progressing', 'm');
  expectHealth(wf('Running', 'argoproj.io/v2'), 'Progressing', 'm');
  expectHealth(wf('Succeeded'), 'Healthy', 'm');
  expectHealth(wf('Failed'), 'Degraded', 'm');
  expectHealth(wf('Error'), 'Degraded', 'm');
  expectHealth(wf('Skipped'), 'Unknown', 'm');
});

// --- HLT-12 Lua built-ins --------------------------------------------------------------------------------------------

const cron = (spec: Record<string, unknown>, status?: Record<string, unknown>) => obj('batch/v1', 'CronJob', { spec, ...(status ? { status } : {}) });

test('HLT-12 CronJob: a suspended CronJob is Healthy on purpose, not Suspended', () => {
  expectHealth(cron({ suspend: true }), 'Healthy', 'CronJob is Suspended');
});

test('HLT-12 CronJob: no status, never scheduled, never succeeded, running', () => {
  expectHealth(cron({}), 'Progressing', 'Waiting for CronJob');
  expectHealth(cron({}, {}), 'Healthy', 'CronJob has not been scheduled yet');
  expectHealth(cron({}, { lastScheduleTime: '2024-01-01T10:00:00Z' }), 'Healthy', 'The CronJob never completed successfully. It may not be healthy');
  expectHealth(
    cron({}, { lastScheduleTime: '2024-01-01T10:00:00Z', lastSuccessfulTime: '2024-01-01T09:00:00Z', active: [{ name: 'j' }] }),
    'Healthy',
    'The job is running. Its last execution may not have been successful',
  );
});

test('HLT-12 CronJob: last success before last schedule is Degraded, else Healthy', () => {
  expectHealth(
    cron({}, { lastScheduleTime: '2024-01-01T10:00:00Z', lastSuccessfulTime: '2024-01-01T09:00:00Z' }),
    'Degraded',
    'CronJob has not completed its last execution successfully',
  );
  expectHealth(
    cron({}, { lastScheduleTime: '2024-01-01T10:00:00Z', lastSuccessfulTime: '2024-01-01T10:00:05Z', active: [] }),
    'Healthy',
    'CronJob has completed its last execution successfully',
  );
});

test('HLT-12 CronJob: timestamps are compared as strings (a later fractional time can compare lower)', () => {
  // '.' sorts before 'Z', so the later success compares lower than the schedule.
  expectHealth(cron({}, { lastScheduleTime: '2024-01-01T10:00:00Z', lastSuccessfulTime: '2024-01-01T10:00:00.5Z' }), 'Degraded');
});

test('HLT-12 CronJob without a spec fails like the Lua script: Unknown with the error', () => {
  expectHealth(obj('batch/v1', 'CronJob'), 'Unknown', /attempt to index a non-table object\(nil\) with key 'suspend'/);
});

const crd = (conditions?: unknown[], meta: Record<string, unknown> = {}) =>
  obj('apiextensions.k8s.io/v1', 'CustomResourceDefinition', { spec: { group: 'example.com', names: { kind: 'Widget' } }, status: conditions ? { conditions } : {} }, meta);

test('HLT-12 CRD: no or empty conditions is Progressing', () => {
  expectHealth(crd(), 'Progressing', 'Status conditions not found');
  expectHealth(crd([]), 'Progressing', 'Status conditions not found');
});

test('HLT-12 CRD: Terminating, NamesAccepted=False, NonStructuralSchema, Installing, not established, healthy', () => {
  expectHealth(crd([{ type: 'Terminating', status: 'True', message: 'instances remain' }]), 'Progressing', 'CRD is terminating: instances remain');
  expectHealth(crd([{ type: 'NamesAccepted', status: 'False', message: 'conflict' }]), 'Degraded', 'CRD names have not been accepted: conflict');
  expectHealth(crd([{ type: 'NonStructuralSchema', status: 'True', message: 'bad schema' }]), 'Degraded', 'Schema violations found: bad schema');
  expectHealth(crd([{ type: 'Established', status: 'False', reason: 'Installing' }]), 'Progressing', 'CRD is being installed');
  expectHealth(crd([{ type: 'NamesAccepted', status: 'True' }]), 'Degraded', 'CRD is not established');
  expectHealth(crd([{ type: 'NamesAccepted', status: 'True' }, { type: 'Established', status: 'True' }]), 'Healthy', 'CRD is healthy');
});

test('HLT-12 CRD with a deletionTimestamp: HLT-2 "Pending deletion" comes first; with the hook finalizer the script says terminating', () => {
  expectHealth(crd([{ type: 'Established', status: 'True' }], { deletionTimestamp: '2024-01-01T00:00:00Z' }), 'Progressing', 'Pending deletion');
  expectHealth(
    crd([{ type: 'Established', status: 'True' }], { deletionTimestamp: '2024-01-01T00:00:00Z', finalizers: ['argocd.argoproj.io/hook-finalizer'] }),
    'Progressing',
    'CRD is terminating',
  );
});

test('HLT-12 CRD without status fails like the Lua script', () => {
  expectHealth(obj('apiextensions.k8s.io/v1', 'CustomResourceDefinition'), 'Unknown', /attempt to index a non-table object\(nil\) with key 'conditions'/);
});

const pdb = (status?: Record<string, unknown>) => obj('policy/v1', 'PodDisruptionBudget', status ? { status } : {});

test('HLT-12 PDB: no status or conditions is "Waiting for status"', () => {
  expectHealth(pdb(), 'Progressing', 'Waiting for status');
  expectHealth(pdb({}), 'Progressing', 'Waiting for status');
});

test('HLT-12 PDB: a False condition is Degraded unless the reason is InsufficientPods', () => {
  expectHealth(pdb({ conditions: [{ type: 'DisruptionAllowed', status: 'False', reason: 'SyncFailed' }] }), 'Degraded', 'PodDisruptionBudget has SyncFailed');
  expectHealth(pdb({ conditions: [{ type: 'DisruptionAllowed', status: 'False', reason: 'InsufficientPods' }] }), 'Healthy', 'PodDisruptionBudget has InsufficientPods');
  expectHealth(pdb({ conditions: [{ type: 'DisruptionAllowed', status: 'True', reason: 'SufficientPods' }] }), 'Healthy', 'PodDisruptionBudget has SufficientPods');
});

test('HLT-12 argoproj.io Application has no health check by default (APP-1)', () => {
  assert.equal(h(obj('argoproj.io/v1alpha1', 'Application', { status: { health: { status: 'Degraded' } } })), undefined);
});
