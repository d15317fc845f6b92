/**
 * Scheduler and kubelet, simulated: a new pod is bound to a node, its containers are created, start, and turn
 * Ready after the configured delays; run-to-completion pods finish; injected failures hold pods in
 * ImagePullBackOff, CrashLoopBackOff or not-Ready, or fail Job pods. A deleted pod lingers in Terminating for its
 * (capped) grace period. The statuses have the shape the real kubelet writes, so health checks read them alike.
 */
import { parseApiVersion } from '../../kube/index.ts';
import { isObject, type Json, type JsonObject } from '../json.ts';
import { metaOf } from '../store.ts';
import { rfc3339 } from '../time.ts';
import { FAIL_ANNOTATION, READY_AFTER_ANNOTATION, RUN_FOR_ANNOTATION, type PodTiming } from '../failures.ts';
import { matchRequirements, requirementsOf } from '../selectors.ts';
import { controllerRef, type Controller, type ControllerContext, type Key } from './runtime.ts';

interface PodState {
  /** When the pod was bound to a node (virtual ms). */
  at: number;
  node?: string;
  ip: string;
  deletingAt?: number;
  ids: string[];
}

const BACKOFF_CAP = 300000;

/** Nodes a pod may run on: its nodeSelector and the `metadata.name` field affinity DaemonSets use. */
function fits(pod: JsonObject, node: JsonObject): boolean {
  const spec = isObject(pod.spec) ? pod.spec : {};
  const nmd = metaOf(node);
  const labels = (isObject(nmd.labels) ? nmd.labels : {}) as Record<string, string>;
  if (isObject(spec.nodeSelector)) for (const [k, v] of Object.entries(spec.nodeSelector)) if (labels[k] !== v) return false;
  const terms = (spec.affinity as JsonObject | undefined)?.nodeAffinity as JsonObject | undefined;
  const req = terms?.requiredDuringSchedulingIgnoredDuringExecution as JsonObject | undefined;
  if (req && Array.isArray(req.nodeSelectorTerms)) {
    const ok = req.nodeSelectorTerms.some((term) => {
      if (!isObject(term)) return false;
      const fieldOk = !Array.isArray(term.matchFields) || term.matchFields.every((f) => isObject(f) && f.key === 'metadata.name' && f.operator === 'In' && Array.isArray(f.values) && f.values.includes(nmd.name as string));
      const exprs = Array.isArray(term.matchExpressions) ? term.matchExpressions : [];
      const exprOk = matchRequirements(requirementsOf({ matchExpressions: exprs }) ?? [], labels);
      return fieldOk && exprOk;
    });
    if (!ok) return false;
  }
  return true;
}

function hex(ctx: ControllerContext, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += ctx.random.int(16).toString(16);
  return s;
}

function imageRef(image: string): string {
  const base = image.split('@')[0];
  const slash = base.lastIndexOf('/');
  const colon = base.lastIndexOf(':');
  const repo = colon > slash ? base.slice(0, colon) : base;
  const full = repo.includes('/') ? (repo.split('/')[0].includes('.') ? repo : `docker.io/${repo}`) : `docker.io/library/${repo}`;
  return full;
}

function imageName(image: string): string {
  const ref = imageRef(image);
  const base = image.split('@')[0];
  const slash = base.lastIndexOf('/');
  const colon = base.lastIndexOf(':');
  return `${ref}:${colon > slash ? base.slice(colon + 1) : 'latest'}`;
}

/** The annotations and identity of a pod's top-level owner (following controller references). */
function topOwner(ctx: ControllerContext, pod: JsonObject): { kind: string; name: string; annotations: Record<string, string> } {
  let cur = pod;
  let kind = 'Pod';
  const annotations: Record<string, string> = {};
  for (let i = 0; i < 5; i++) {
    const ref = controllerRef(cur);
    if (!ref) break;
    const g = parseApiVersion(String(ref.apiVersion)).group;
    const next = ctx.get(`${g}/${String(ref.kind)}`, metaOf(cur).namespace as string | undefined, String(ref.name));
    if (!next) break;
    cur = next;
    kind = String(ref.kind);
    const ann = metaOf(cur).annotations;
    if (isObject(ann)) for (const k of [FAIL_ANNOTATION, READY_AFTER_ANNOTATION, RUN_FOR_ANNOTATION]) if (typeof ann[k] === 'string' && !(k in annotations)) annotations[k] = ann[k] as string;
  }
  return { kind, name: String(metaOf(cur).name), annotations };
}

export class KubeletController implements Controller {
  name = 'kubelet';
  kinds = ['/Pod'];
  watches = [{ kind: '/Node', map: (_n: JsonObject, ctx: ControllerContext): Key[] => ctx.list('/Pod').filter((p) => !(isObject(p.spec) && p.spec.nodeName)).map((p) => ({ kind: '/Pod', namespace: metaOf(p).namespace as string, name: String(metaOf(p).name) })) }];
  private state = new Map<string, PodState>();
  private ipCounter = 10;
  /** Pods bound per node, for spreading. */
  private readonly perNode = new Map<string, number>();

  saveState(): Json {
    return { pods: Object.fromEntries([...this.state].map(([k, v]) => [k, { ...v } as unknown as Json])), ip: this.ipCounter };
  }

  loadState(s: Json): void {
    this.state.clear();
    if (!isObject(s)) return;
    if (isObject(s.pods)) for (const [k, v] of Object.entries(s.pods)) if (isObject(v)) this.state.set(k, v as unknown as PodState);
    this.perNode.clear();
    for (const st of this.state.values()) if (st.node) this.perNode.set(st.node, (this.perNode.get(st.node) ?? 0) + 1);
    if (typeof s.ip === 'number') this.ipCounter = s.ip;
  }

  reconcile(ctx: ControllerContext, key: Key): void {
    const pod = ctx.get('/Pod', key.namespace, key.name);
    if (!pod) {
      return;
    }
    const md = metaOf(pod);
    const uid = String(md.uid);
    const spec = isObject(pod.spec) ? pod.spec : {};
    const st = this.state.get(uid);
    if (md.deletionTimestamp) return this.terminate(ctx, key, pod, st);
    if (!spec.nodeName || !st) {
      if (!this.schedule(ctx, key, pod)) return;
      return this.reconcile(ctx, key);
    }
    const owner = topOwner(ctx, pod);
    const podForTiming: JsonObject = { ...pod, metadata: { ...md, annotations: { ...owner.annotations, ...(isObject(md.annotations) ? md.annotations : {}) } } };
    const timing = ctx.failures.timingFor(podForTiming, owner);
    const { status, next } = this.statusAt(ctx, pod, st, timing);
    ctx.setStatus('/Pod', pod, status, 'kubelet');
    if (next !== undefined) ctx.requeue(this, key, next - ctx.now());
  }

  private schedule(ctx: ControllerContext, key: Key, pod: JsonObject): boolean {
    const md = metaOf(pod);
    const spec = isObject(pod.spec) ? pod.spec : {};
    let nodeName = typeof spec.nodeName === 'string' ? spec.nodeName : undefined;
    const nodes = ctx.list('/Node');
    if (!nodeName) {
      const fitting = nodes.filter((n) => fits(pod, n));
      if (!fitting.length) {
        const status = isObject(pod.status) ? { ...pod.status } : {};
        status.phase = 'Pending';
        status.conditions = [{ type: 'PodScheduled', status: 'False', lastProbeTime: null, lastTransitionTime: ctx.nowString(), reason: 'Unschedulable', message: `0/${nodes.length} nodes are available: ${nodes.length} node(s) didn't match Pod's node affinity/selector. preemption: 0/${nodes.length} nodes are available: ${nodes.length} Preemption is not helpful for scheduling.` }];
        ctx.setStatus('/Pod', pod, status, 'kube-scheduler');
        return false;
      }
      // Spread like the default scheduler's balancing: the node with the fewest pods bound so far.
      const counts = this.perNode;
      fitting.sort((a, b) => (counts.get(String(metaOf(a).name)) ?? 0) - (counts.get(String(metaOf(b).name)) ?? 0));
      nodeName = String(metaOf(fitting[0]).name);
      const bound = ctx.update('/Pod', { ...pod, spec: { ...spec, nodeName } }, 'kube-scheduler');
      if (!bound) return false;
      pod = bound;
    }
    const ip = `10.244.${Math.floor(this.ipCounter / 250) % 250}.${(this.ipCounter % 250) + 2}`;
    this.ipCounter++;
    const containers = [...(Array.isArray(spec.initContainers) ? spec.initContainers : []), ...(Array.isArray(spec.containers) ? spec.containers : [])];
    this.state.set(String(md.uid), { at: ctx.now(), ip, ids: containers.map(() => hex(ctx, 64)), node: nodeName });
    this.perNode.set(nodeName, (this.perNode.get(nodeName) ?? 0) + 1);
    return true;
  }

  private terminate(ctx: ControllerContext, key: Key, pod: JsonObject, st: PodState | undefined): void {
    const md = metaOf(pod);
    const grace = Number(md.deletionGracePeriodSeconds ?? 0) * 1000;
    if (st && st.deletingAt === undefined) st.deletingAt = ctx.now();
    const started = st?.deletingAt ?? ctx.now();
    const due = started + Math.min(grace, ctx.config.podTerminationMs);
    if (ctx.now() < due && grace > 0) {
      ctx.requeue(this, key, due - ctx.now());
      return;
    }
    if (st?.node) this.perNode.set(st.node, Math.max(0, (this.perNode.get(st.node) ?? 1) - 1));
    this.state.delete(String(md.uid));
    const fin = Array.isArray(md.finalizers) ? md.finalizers : [];
    if (fin.length) {
      if (grace > 0) ctx.update('/Pod', { ...pod, metadata: { ...md, deletionGracePeriodSeconds: 0 } }, 'kubelet');
      return;
    }
    ctx.remove('/Pod', key.namespace, key.name);
  }

  /** The status a pod has `now`, and when it next changes. */
  private statusAt(ctx: ControllerContext, pod: JsonObject, st: PodState, timing: PodTiming): { status: JsonObject; next?: number } {
    const spec = isObject(pod.spec) ? pod.spec : {};
    const md = metaOf(pod);
    const now = ctx.now();
    const cfg = ctx.config;
    const node = ctx.get('/Node', undefined, String(spec.nodeName));
    const hostIP = nodeIP(node);
    const initContainers = (Array.isArray(spec.initContainers) ? spec.initContainers : []).filter(isObject);
    const containers = (Array.isArray(spec.containers) ? spec.containers : []).filter(isObject);
    const restartPolicy = String(spec.restartPolicy ?? 'Always');
    const runToCompletion = restartPolicy !== 'Always';
    const startAt = st.at + cfg.podStartMs;
    const probeDelay = Math.max(0, ...containers.map((c) => Number((isObject(c.readinessProbe) ? c.readinessProbe.initialDelaySeconds : 0) ?? 0) * 1000));
    const readyAt = Math.max(startAt, st.at + (timing.readyAfterMs ?? cfg.podReadyMs), startAt + probeDelay);
    const runFor = timing.runForMs ?? cfg.jobRunMs;
    const endAt = startAt + runFor;
    const failure = timing.failure;
    const iso = (ms: number) => rfc3339(ms);
    const prevConds = isObject(pod.status) && Array.isArray(pod.status.conditions) ? pod.status.conditions.filter(isObject) : [];
    const cond = (type: string, status: boolean, reason?: string, message?: string): JsonObject => {
      const prev = prevConds.find((c) => c.type === type);
      const s = status ? 'True' : 'False';
      const c: JsonObject = { type, status: s, lastProbeTime: null, lastTransitionTime: prev && prev.status === s ? (prev.lastTransitionTime as Json) : iso(now) };
      if (reason) c.reason = reason;
      if (message) c.message = message;
      return c;
    };
    const ids = st.ids;
    const cid = (i: number) => `containerd://${ids[i] ?? ids[0] ?? '0'}`;
    const initDone = initContainers.map((c, i) => ({
      name: c.name as string,
      image: imageName(String(c.image ?? '')),
      imageID: `${imageRef(String(c.image ?? ''))}@sha256:${ids[i]?.slice(0, 64) ?? ''}`,
      containerID: cid(i),
      lastState: {},
      ready: true,
      restartCount: 0,
      started: false,
      state: { terminated: { containerID: cid(i), exitCode: 0, finishedAt: iso(startAt), reason: 'Completed', startedAt: iso(st.at) } },
    }));
    const base = (c: JsonObject, i: number): JsonObject => ({
      name: c.name as string,
      image: imageName(String(c.image ?? '')),
      imageID: '',
      lastState: {},
      ready: false,
      restartCount: 0,
      started: false,
      state: {},
    });
    const status: JsonObject = { phase: 'Pending', hostIP, hostIPs: [{ ip: hostIP }], startTime: iso(st.at), qosClass: String((pod.status as JsonObject | undefined)?.qosClass ?? 'BestEffort') };
    let next: number | undefined;
    const names = containers.map((c) => String(c.name));
    const notReady = (reason: string, list = names) => ({ ready: cond('Ready', false, reason, reason === 'PodCompleted' ? undefined : `containers with unready status: [${list.join(' ')}]`), cr: cond('ContainersReady', false, reason, reason === 'PodCompleted' ? undefined : `containers with unready status: [${list.join(' ')}]`) });
    const n0 = initContainers.length;
    let statuses: JsonObject[];
    let conds: JsonObject[];
    const sandboxReady = now >= st.at;
    if (now < startAt) {
      statuses = containers.map((c, i) => ({ ...base(c, i), state: { waiting: { reason: 'ContainerCreating' } } }));
      const nr = notReady('ContainersNotReady');
      conds = [cond('PodReadyToStartContainers', sandboxReady), cond('Initialized', n0 === 0, n0 ? 'ContainersNotInitialized' : undefined, n0 ? `containers with incomplete status: [${initContainers.map((c) => c.name).join(' ')}]` : undefined), nr.ready, nr.cr, cond('PodScheduled', true)];
      next = startAt;
    } else if (failure === 'ImagePullBackOff') {
      const phaseAlt = Math.floor((now - startAt) / 10000) % 2 === 0;
      statuses = containers.map((c, i) => ({
        ...base(c, i),
        state: { waiting: phaseAlt ? { reason: 'ErrImagePull', message: `failed to pull and unpack image "${imageName(String(c.image))}": failed to resolve reference "${imageName(String(c.image))}": ${imageName(String(c.image))}: not found` } : { reason: 'ImagePullBackOff', message: `Back-off pulling image "${String(c.image)}"` } },
      }));
      const nr = notReady('ContainersNotReady');
      conds = [cond('PodReadyToStartContainers', true), cond('Initialized', true), nr.ready, nr.cr, cond('PodScheduled', true)];
      status.podIP = st.ip;
      status.podIPs = [{ ip: st.ip }];
      next = startAt + (Math.floor((now - startAt) / 10000) + 1) * 10000;
    } else if (failure === 'CrashLoopBackOff' || (failure === 'JobFailure' && restartPolicy !== 'Never')) {
      // Runs 1 s, exits 1, waits out the back-off (10 s doubling to 5 min), runs again.
      let t = startAt;
      let restarts = 0;
      let backoff = 10000;
      let running = true;
      let runStart = startAt;
      let lastEnd = 0;
      for (;;) {
        const end = t + 1000;
        if (now < end) {
          running = true;
          runStart = t;
          next = end;
          break;
        }
        lastEnd = end;
        const restartAt = end + backoff;
        if (now < restartAt) {
          running = false;
          next = restartAt;
          break;
        }
        restarts++;
        t = restartAt;
        backoff = Math.min(backoff * 2, BACKOFF_CAP);
      }
      statuses = containers.map((c, i) => {
        const s = base(c, i + n0);
        s.imageID = `${imageRef(String(c.image ?? ''))}@sha256:${ids[i + n0] ?? ''}`;
        s.containerID = cid(i + n0);
        if (lastEnd) s.lastState = { terminated: { containerID: cid(i + n0), exitCode: 1, finishedAt: iso(lastEnd), reason: 'Error', startedAt: iso(lastEnd - 1000) } };
        s.restartCount = restarts;
        if (running) {
          s.state = { running: { startedAt: iso(runStart) } };
          s.started = true;
        } else s.state = { waiting: { reason: 'CrashLoopBackOff', message: `back-off ${Math.round(Math.min(backoff, BACKOFF_CAP) / 1000)}s restarting failed container=${String(c.name)} pod=${String(md.name)}_${String(md.namespace)}(${String(md.uid)})` } };
        return s;
      });
      const nr = notReady('ContainersNotReady');
      conds = [cond('PodReadyToStartContainers', true), cond('Initialized', true), nr.ready, nr.cr, cond('PodScheduled', true)];
      status.phase = 'Running';
      status.podIP = st.ip;
      status.podIPs = [{ ip: st.ip }];
    } else if (runToCompletion && now >= endAt) {
      const failed = failure === 'JobFailure';
      statuses = containers.map((c, i) => ({
        ...base(c, i + n0),
        imageID: `${imageRef(String(c.image ?? ''))}@sha256:${ids[i + n0] ?? ''}`,
        containerID: cid(i + n0),
        state: { terminated: { containerID: cid(i + n0), exitCode: failed ? 1 : 0, finishedAt: iso(endAt), reason: failed ? 'Error' : 'Completed', startedAt: iso(startAt) } },
      }));
      const nr = notReady('PodCompleted');
      conds = [cond('PodReadyToStartContainers', false), cond('Initialized', true, 'PodCompleted'), nr.ready, nr.cr, cond('PodScheduled', true)];
      status.phase = failed ? 'Failed' : 'Succeeded';
      status.podIP = st.ip;
      status.podIPs = [{ ip: st.ip }];
    } else {
      const ready = failure !== 'NeverReady' && now >= readyAt;
      statuses = containers.map((c, i) => ({
        ...base(c, i + n0),
        imageID: `${imageRef(String(c.image ?? ''))}@sha256:${ids[i + n0] ?? ''}`,
        containerID: cid(i + n0),
        ready,
        started: true,
        state: { running: { startedAt: iso(startAt) } },
      }));
      const nr = notReady('ContainersNotReady');
      conds = [cond('PodReadyToStartContainers', true), cond('Initialized', true), ready ? cond('Ready', true) : nr.ready, ready ? cond('ContainersReady', true) : nr.cr, cond('PodScheduled', true)];
      status.phase = 'Running';
      status.podIP = st.ip;
      status.podIPs = [{ ip: st.ip }];
      if (!ready && failure !== 'NeverReady') next = readyAt;
      if (runToCompletion) next = next === undefined ? endAt : Math.min(next, endAt);
    }
    status.conditions = conds;
    status.containerStatuses = statuses;
    if (initContainers.length) status.initContainerStatuses = now >= startAt ? initDone : initContainers.map((c, i) => ({ ...base(c, i), state: { waiting: { reason: 'PodInitializing' } } }));
    return { status, next };
  }
}

export function nodeIP(node: JsonObject | undefined): string {
  const addrs = node && isObject(node.status) && Array.isArray(node.status.addresses) ? node.status.addresses : [];
  const a = addrs.find((x) => isObject(x) && x.type === 'InternalIP');
  return isObject(a) ? String(a.address) : '172.18.0.2';
}

/** Whether a pod counts as Ready, and since when (for minReadySeconds). */
export function podReadySince(pod: JsonObject): number | undefined {
  const conds = isObject(pod.status) && Array.isArray(pod.status.conditions) ? pod.status.conditions : [];
  const c = conds.find((x) => isObject(x) && x.type === 'Ready');
  if (!isObject(c) || c.status !== 'True') return undefined;
  const t = Date.parse(String(c.lastTransitionTime));
  return Number.isFinite(t) ? t : 0;
}

export function podPhase(pod: JsonObject): string {
  return String((isObject(pod.status) ? pod.status.phase : undefined) ?? 'Pending');
}

export function isTerminating(obj: JsonObject): boolean {
  return Boolean(metaOf(obj).deletionTimestamp);
}
