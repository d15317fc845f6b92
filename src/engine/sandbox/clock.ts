/**
 * The sandbox's virtual clock. Nothing in the sandbox sleeps: controllers ask to be called again at a virtual
 * time, and `advance(ms)` runs everything due, in time order, until the clock reaches the target. The HTTP server
 * drives it from wall time (optionally faster); tests and simulations drive it directly.
 */
interface Timer {
  at: number;
  seq: number;
  fn: () => void;
  cancelled?: boolean;
}

export class VirtualClock {
  private t: number;
  private heap: Timer[] = [];
  private seq = 0;

  constructor(startMs: number) {
    this.t = startMs;
  }

  now(): number {
    return this.t;
  }

  /** Moves the clock (only forward); used by `advance` between due timers. */
  set(ms: number): void {
    if (ms > this.t) this.t = ms;
  }

  /** Sets the time outright and drops every timer (restoring a snapshot). */
  reset(ms: number): void {
    this.t = ms;
    this.heap = [];
  }

  schedule(at: number, fn: () => void): Timer {
    const timer: Timer = { at: Math.max(at, this.t), seq: this.seq++, fn };
    this.push(timer);
    return timer;
  }

  cancel(timer: Timer): void {
    timer.cancelled = true;
  }

  /** The time of the earliest pending timer. */
  nextAt(): number | undefined {
    while (this.heap.length && this.heap[0].cancelled) this.pop();
    return this.heap.length ? this.heap[0].at : undefined;
  }

  /** Takes every timer due at or before the current time, earliest first. */
  takeDue(): (() => void)[] {
    const out: (() => void)[] = [];
    while (this.heap.length && this.heap[0].at <= this.t) {
      const x = this.pop()!;
      if (!x.cancelled) out.push(x.fn);
    }
    return out;
  }

  pending(): number {
    return this.heap.filter((x) => !x.cancelled).length;
  }

  clearTimers(): void {
    this.heap = [];
  }

  private less(a: Timer, b: Timer): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  private push(x: Timer): void {
    const h = this.heap;
    h.push(x);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i], h[p])) break;
      [h[i], h[p]] = [h[p], h[i]];
      i = p;
    }
  }

  private pop(): Timer | undefined {
    const h = this.heap;
    if (!h.length) return undefined;
    const top = h[0];
    const last = h.pop()!;
    if (h.length) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.less(h[l], h[m])) m = l;
        if (r < h.length && this.less(h[r], h[m])) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m], h[i]];
        i = m;
      }
    }
    return top;
  }
}

/** Parses `30s`, `2m`, `1h30m`, `500ms` or a bare number of seconds into milliseconds; undefined when invalid. */
export function parseDuration(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v) && v >= 0) return v * 1000;
  if (typeof v !== 'string') return undefined;
  const s = v.trim();
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s) * 1000;
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
  let total = 0;
  let consumed = 0;
  for (const m of s.matchAll(re)) {
    const n = Number(m[1]);
    total += m[2] === 'ms' ? n : m[2] === 's' ? n * 1000 : m[2] === 'm' ? n * 60000 : n * 3600000;
    consumed += m[0].length;
  }
  return consumed === s.length && consumed > 0 ? total : undefined;
}
