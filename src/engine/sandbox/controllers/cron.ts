/**
 * Cron schedules as CronJobs accept them: five fields (minute hour day-of-month month day-of-week) with lists,
 * ranges, steps and names, the `@hourly`-style macros and `@every <duration>`, in UTC or an IANA time zone.
 */
import { parseDuration } from '../clock.ts';

export interface Schedule {
  next(afterMs: number): number | undefined;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const MACROS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

function field(text: string, min: number, max: number, names?: string[]): Set<number> {
  const out = new Set<number>();
  for (const part of text.split(',')) {
    const [range, stepText] = part.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) throw new Error(`invalid step "${stepText}"`);
    let lo: number;
    let hi: number;
    const val = (s: string) => {
      const i = names ? names.indexOf(s.toLowerCase()) : -1;
      const n = i >= 0 ? i + (min === 1 ? 1 : 0) : Number(s);
      if (!Number.isInteger(n)) throw new Error(`invalid value "${s}"`);
      return n;
    };
    if (range === '*' || range === '?') {
      lo = min;
      hi = max;
    } else if (range.includes('-')) {
      const [a, b] = range.split('-');
      lo = val(a);
      hi = val(b);
    } else {
      lo = val(range);
      hi = stepText === undefined ? lo : max;
    }
    if (lo < min || hi > max || lo > hi) throw new Error(`value out of range in "${part}"`);
    for (let v = lo; v <= hi; v += step) out.add(v);
  }
  return out;
}

function zoned(ms: number, tz: string): { minute: number; hour: number; day: number; month: number; dow: number } {
  if (tz === 'UTC' || tz === 'Etc/UTC') {
    const d = new Date(ms);
    return { minute: d.getUTCMinutes(), hour: d.getUTCHours(), day: d.getUTCDate(), month: d.getUTCMonth() + 1, dow: d.getUTCDay() };
  }
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: tz, hour12: false, minute: 'numeric', hour: 'numeric', day: 'numeric', month: 'numeric', weekday: 'short' }).formatToParts(new Date(ms));
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '0';
  return { minute: Number(get('minute')), hour: Number(get('hour')) % 24, day: Number(get('day')), month: Number(get('month')), dow: DAYS.indexOf(get('weekday').toLowerCase().slice(0, 3)) };
}

/** Parses a schedule; throws an Error whose message says what is wrong. */
export function parseSchedule(text: string, timeZone?: string): Schedule {
  let s = text.trim();
  let tz = timeZone || 'UTC';
  const m = /^(?:CRON_TZ|TZ)=(\S+)\s+(.*)$/.exec(s);
  if (m) {
    tz = m[1];
    s = m[2];
  }
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
  } catch {
    throw new Error(`unknown time zone ${tz}`);
  }
  if (s.startsWith('@every ')) {
    const d = parseDuration(s.slice(7));
    if (!d) throw new Error(`failed to parse duration ${s.slice(7)}`);
    return { next: (after) => Math.floor(after / 1000) * 1000 + d };
  }
  s = MACROS[s] ?? s;
  const parts = s.split(/\s+/);
  if (parts.length !== 5) throw new Error(`expected exactly 5 fields, found ${parts.length}: [${parts.join(' ')}]`);
  const minutes = field(parts[0], 0, 59);
  const hours = field(parts[1], 0, 23);
  const days = field(parts[2], 1, 31);
  const months = field(parts[3], 1, 12, MONTHS);
  const dows = field(parts[4].replace(/\b7\b/g, '0'), 0, 6, DAYS);
  const domStar = parts[2] === '*' || parts[2] === '?';
  const dowStar = parts[4] === '*' || parts[4] === '?';
  return {
    next(after: number): number | undefined {
      let t = Math.floor(after / 60000) * 60000 + 60000;
      const limit = after + 5 * 366 * 86400000;
      // Zones off UTC by a fraction of an hour change hour at :15, :30 or :45 UTC.
      const hourStep = tz === 'UTC' || tz === 'Etc/UTC' ? 3600000 : 900000;
      while (t <= limit) {
        const z = zoned(t, tz);
        if (!months.has(z.month)) {
          t = Math.floor(t / hourStep) * hourStep + hourStep;
          continue;
        }
        const dayOk = domStar && dowStar ? true : domStar ? dows.has(z.dow) : dowStar ? days.has(z.day) : days.has(z.day) || dows.has(z.dow);
        if (!dayOk || !hours.has(z.hour)) {
          t = Math.floor(t / hourStep) * hourStep + hourStep;
          continue;
        }
        if (minutes.has(z.minute)) return t;
        t += 60000;
      }
      return undefined;
    },
  };
}
