/**
 * The sync preview webview: the plan grouped by phase and wave, drawn with @vscode-elements/elements (which take
 * VS Code's theme colours), each row opening the object's source line. It receives a PlanView (plain data, no
 * Secret values) from the extension and posts back only `open` requests.
 */
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-collapsible/index.js';
import '@vscode-elements/elements/dist/vscode-divider/index.js';
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import '@vscode-elements/elements/dist/vscode-table/index.js';
import '@vscode-elements/elements/dist/vscode-table-body/index.js';
import '@vscode-elements/elements/dist/vscode-table-cell/index.js';
import '@vscode-elements/elements/dist/vscode-table-header/index.js';
import '@vscode-elements/elements/dist/vscode-table-header-cell/index.js';
import '@vscode-elements/elements/dist/vscode-table-row/index.js';
import type { PlanView, PlanViewRow, PlanViewWave, RowOutcome, SourceLink, SyncSummary } from '../../src/extension/engine/plan-view.ts';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

type Incoming =
  | { type: 'plan'; view: PlanView }
  | { type: 'busy'; busy: boolean }
  | { type: 'outcome'; task: number; outcome: RowOutcome }
  | { type: 'status'; sync: SyncSummary };

/** The view on screen, kept so that outcomes arriving one by one survive a reload of the webview. */
let current: PlanView | undefined;

const vscode = acquireVsCodeApi();
const root = document.getElementById('root')!;

function el<K extends string>(tag: K, attrs: Record<string, string | boolean | undefined> = {}, ...children: (Node | string | undefined)[]): HTMLElement {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (k === 'class') e.className = String(v);
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) if (c !== undefined) e.append(c);
  return e;
}

const ACTION_LABEL: Record<string, string> = {
  create: 'create',
  update: 'update',
  unchanged: 'unchanged',
  skip: 'skipped (in sync)',
  prune: 'prune',
  'prune-skipped': 'prune skipped',
  'needs-confirmation': 'prune: needs confirmation',
  hook: 'run hook',
  'hook-recreate': 'recreate hook',
};

function openLink(source: SourceLink | undefined): void {
  if (source) vscode.postMessage({ type: 'open', file: source.file, line: source.line });
}

function sourceLabel(s: SourceLink): string {
  const parts = s.file.split('/');
  return `${parts.slice(-2).join('/')}:${s.line}`;
}

function rowDetails(r: PlanViewRow): HTMLElement {
  const d = el('div', { class: 'details' });
  if (r.hook) {
    d.append(el('div', {}, `${r.hook.types.join(', ')} hook · ${r.hook.deletePolicies.length ? r.hook.deletePolicies.join(', ') : 'no delete policy'}`));
    if (r.hook.deleteWhen) d.append(el('div', { class: 'muted' }, `deleted ${r.hook.deleteWhen}`));
    if (r.hook.generatedName) d.append(el('div', { class: 'muted' }, 'name generated (generateName)'));
  }
  if (r.actionDetail) d.append(el('div', { class: 'muted' }, r.actionDetail));
  if (r.waveNote) d.append(el('div', { class: 'muted' }, `declared wave ${r.declaredWave}: ${r.waveNote}`));
  if (r.options.length) d.append(el('div', { class: 'muted' }, r.options.join(', ')));
  return d;
}

/** A task's outcome in a sync: Argo CD's result code and operation phase, then its message. */
function outcomeContent(o: RowOutcome | undefined): HTMLElement {
  if (!o) return el('span', { class: 'muted' }, 'pending');
  const state = o.phase === 'Running' ? 'running' : o.phase === 'Failed' || o.phase === 'Error' || o.status === 'SyncFailed' ? 'failed' : 'ok';
  return el(
    'div',
    { class: `outcome outcome-${state}`, 'data-status': o.status ?? '', 'data-phase': o.phase },
    el('span', { class: 'outcome-code' }, [o.status, o.phase].filter(Boolean).join(' · ') || '…'),
    o.message ? el('div', { class: 'muted' }, o.message) : undefined,
  );
}

function waveTable(w: PlanViewWave, syncing: boolean): HTMLElement {
  const header = el(
    'vscode-table-header',
    { slot: 'header' },
    el('vscode-table-header-cell', {}, 'Action'),
    el('vscode-table-header-cell', {}, 'Object'),
    el('vscode-table-header-cell', {}, 'Details'),
    syncing ? el('vscode-table-header-cell', {}, 'Outcome') : undefined,
    el('vscode-table-header-cell', {}, 'Source'),
  );
  const body = el('vscode-table-body', { slot: 'body' });
  for (const r of w.rows) {
    const object = el('span', { class: 'object' }, el('span', { class: 'kind' }, r.kind), ' ', r.namespace ? `${r.namespace}/${r.name}` : r.name);
    const src = r.source
      ? el('a', { href: '#', class: 'source', title: `Open ${r.source.file}:${r.source.line}` }, sourceLabel(r.source))
      : el('span', { class: 'muted' }, '—');
    const tr = el(
      'vscode-table-row',
      { 'data-kind': r.kind, 'data-name': r.name, 'data-action': r.action, 'data-task': String(r.task), class: r.source ? 'linked' : undefined },
      el('vscode-table-cell', {}, el('span', { class: `action action-${r.action}` }, ACTION_LABEL[r.action] ?? r.action)),
      el('vscode-table-cell', {}, object),
      el('vscode-table-cell', {}, rowDetails(r)),
      syncing ? el('vscode-table-cell', { class: 'outcome-cell', 'data-task': String(r.task) }, outcomeContent(r.outcome)) : undefined,
      el('vscode-table-cell', {}, src),
    );
    tr.addEventListener('click', (e) => {
      e.preventDefault();
      openLink(r.source);
    });
    body.append(tr);
  }
  const columns = syncing ? ['14%', '26%', '24%', '24%', '12%'] : ['18%', '32%', '35%', '15%'];
  return el('vscode-table', { zebra: true, 'bordered-rows': true, resizable: true, columns: JSON.stringify(columns) }, header, body);
}

function waveTitle(w: PlanViewWave): { title: string; description: string } {
  const notes: string[] = [`${w.rows.length} task${w.rows.length === 1 ? '' : 's'}`];
  if (w.final) notes.push(w.healthGated ? 'last wave: its hooks are waited for' : 'last wave: not waited for (ORD-12)');
  else if (w.healthGated) notes.push('health-gated: the next wave waits for it');
  if (w.waitsForDeletion) notes.push('waits for deletions');
  if (w.delayAfter) notes.push('2 s pause after');
  return { title: `Wave ${w.wave}`, description: notes.join(' · ') };
}

function syncStatus(sync: SyncSummary): HTMLElement {
  const state = sync.phase === 'Running' ? 'running' : sync.phase === 'Succeeded' ? 'ok' : 'failed';
  const counts = [`${sync.applied} applied`, `${sync.pruned} pruned`, `${sync.hooksDeleted} hooks deleted`, `${sync.pending} pending`];
  const time = sync.phase === 'Running' ? '' : ` · ${sync.durationMs} ms wall, ${(sync.clockMs / 1000).toFixed(1)} s on the target's clock`;
  return el(
    'div',
    { id: 'sync-status', class: `sync-status outcome-${state}`, 'data-phase': sync.phase },
    el('div', {}, el('span', { class: 'outcome-code' }, `${sync.dryRun ? 'Dry run' : 'Sync'} to ${sync.target}: ${sync.phase}${sync.cancelled ? ' (cancelled)' : ''}`), ' ', sync.message),
    sync.phase === 'Running' ? undefined : el('div', { class: 'muted' }, `${counts.join(' · ')}${time}`),
    sync.waitingFor ? el('div', { class: 'muted' }, `was waiting for ${sync.waitingFor}`) : undefined,
    sync.pruneConfirmationNeeded?.length ? el('div', { class: 'muted' }, `prune needs confirmation: ${sync.pruneConfirmationNeeded.join(', ')}`) : undefined,
  );
}

function render(view: PlanView): void {
  current = view;
  root.replaceChildren();
  const summary = Object.entries(view.counts)
    .map(([action, n]) => `${n} ${ACTION_LABEL[action] ?? action}`)
    .join(' · ');
  root.append(
    el(
      'header',
      {},
      el('h1', {}, view.title),
      el(
        'div',
        { class: 'badges' },
        el('vscode-badge', { variant: 'counter' }, view.syncStatus),
        ...view.options.map((o) => el('vscode-badge', {}, o)),
        view.prune ? el('vscode-badge', {}, 'prune') : undefined,
      ),
      el('p', { class: 'muted' }, `Planned against ${view.against}. ${summary}`),
    ),
  );
  if (view.sync) root.append(syncStatus(view.sync));
  if (view.error) {
    const msg = el('div', { class: 'error' }, view.error.message);
    if (view.error.source) {
      const link = el('a', { href: '#' }, sourceLabel(view.error.source));
      link.addEventListener('click', () => openLink(view.error!.source));
      msg.append(' ', link);
    }
    root.append(msg);
  }
  if (view.failure) root.append(el('div', { class: 'error' }, `Argo CD would refuse this sync: ${view.failure}`));
  if (view.warnings.length) {
    const list = el('ul', { class: 'warnings' });
    for (const w of view.warnings) {
      const li = el('li', { 'data-code': w.code }, el('span', { class: 'code' }, w.code), ' ', w.message);
      if (w.source) {
        const link = el('a', { href: '#' }, sourceLabel(w.source));
        link.addEventListener('click', () => openLink(w.source));
        li.append(' ', link);
      }
      list.append(li);
    }
    root.append(el('vscode-collapsible', { title: `Warnings (${view.warnings.length})`, open: true, class: 'warnings-box' }, list));
  }
  for (const p of view.phases) {
    const section = el('section', { 'data-phase': p.phase }, el('h2', {}, p.phase));
    for (const w of p.waves) {
      const { title, description } = waveTitle(w);
      section.append(
        el('vscode-collapsible', { title, description, open: true, 'data-wave': String(w.wave), 'data-phase': p.phase }, waveTable(w, !!view.sync)),
      );
    }
    root.append(section);
  }
  if (!view.phases.length && !view.error) root.append(el('p', { class: 'muted' }, 'Nothing to sync.'));
}

function setBusy(busy: boolean): void {
  document.body.classList.toggle('busy', busy);
}

window.addEventListener('message', (e: MessageEvent<Incoming>) => {
  const m = e.data;
  if (m.type === 'plan') {
    vscode.setState(m.view);
    render(m.view);
    setBusy(false);
  } else if (m.type === 'busy') setBusy(m.busy);
  else if (m.type === 'outcome') {
    const row = current?.phases.flatMap((p) => p.waves.flatMap((w) => w.rows)).find((r) => r.task === m.task);
    if (row) row.outcome = m.outcome;
    document.querySelectorAll(`.outcome-cell[data-task="${m.task}"]`).forEach((cell) => cell.replaceChildren(outcomeContent(m.outcome)));
    if (current) vscode.setState(current);
  } else if (m.type === 'status') {
    if (current) {
      current.sync = m.sync;
      vscode.setState(current);
    }
    document.getElementById('sync-status')?.replaceWith(syncStatus(m.sync));
  }
});

const saved = vscode.getState() as PlanView | undefined;
if (saved?.phases) render(saved);
vscode.postMessage({ type: 'ready' });
