/**
 * Services and Ingresses: a LoadBalancer Service gets an ingress IP, and an Ingress an address, after a short
 * delay, as a cloud load balancer or an ingress controller would set them (Argo CD keeps both Progressing until
 * then).
 */
import { isObject, type Json, type JsonObject } from '../json.ts';
import { metaOf } from '../store.ts';
import { nodeIP } from './kubelet.ts';
import type { Controller, ControllerContext, Key } from './runtime.ts';

export class LoadBalancerController implements Controller {
  name = 'load-balancer';
  kinds = ['/Service', 'networking.k8s.io/Ingress'];
  private firstSeen = new Map<string, number>();
  private nextIp = 240;

  saveState(): Json {
    return { seen: Object.fromEntries(this.firstSeen), ip: this.nextIp };
  }

  loadState(s: Json): void {
    this.firstSeen.clear();
    if (!isObject(s)) return;
    if (isObject(s.seen)) for (const [k, v] of Object.entries(s.seen)) if (typeof v === 'number') this.firstSeen.set(k, v);
    if (typeof s.ip === 'number') this.nextIp = s.ip;
  }

  reconcile(ctx: ControllerContext, key: Key): void {
    const obj = ctx.get(key.kind, key.namespace, key.name);
    if (!obj || metaOf(obj).deletionTimestamp) return;
    const uid = String(metaOf(obj).uid);
    const status = isObject(obj.status) ? obj.status : {};
    const lb = isObject(status.loadBalancer) ? status.loadBalancer : {};
    const has = Array.isArray(lb.ingress) && lb.ingress.length > 0;
    const isService = key.kind === '/Service';
    const wants = isService ? isObject(obj.spec) && obj.spec.type === 'LoadBalancer' : true;
    if (!wants) {
      if (has) ctx.setStatus(key.kind, obj, { ...status, loadBalancer: {} });
      this.firstSeen.delete(uid);
      return;
    }
    if (has) return;
    const seen = this.firstSeen.get(uid) ?? ctx.now();
    this.firstSeen.set(uid, seen);
    const due = seen + ctx.config.loadBalancerMs;
    if (ctx.now() < due) {
      ctx.requeue(this, key, due - ctx.now());
      return;
    }
    let ingress: JsonObject;
    if (isService) {
      ingress = { ip: `172.18.255.${this.nextIp++ % 250}`, ipMode: 'VIP' };
    } else {
      ingress = { ip: nodeIP(ctx.list('/Node')[0]) };
    }
    ctx.setStatus(key.kind, obj, { ...status, loadBalancer: { ingress: [ingress] } }, isService ? 'cloud-controller-manager' : 'ingress-controller');
    this.firstSeen.delete(uid);
  }
}
