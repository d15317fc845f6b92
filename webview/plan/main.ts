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
import type { PlanView, PlanViewRow, PlanViewWave, SourceLink } from '../../src/extension/engine/plan-view.ts';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

type Incoming = { type: 'plan'; view: PlanView } | { type: 'busy'; busy: boolean };

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

function waveTable(w: PlanViewWave): HTMLElement {
  const header = el(
    'vscode-table-header',
    { slot: 'header' },
    el('vscode-table-header-cell', {}, 'Action'),
    el('vscode-table-header-cell', {}, 'Object'),
    el('vscode-table-header-cell', {}, 'Details'),
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
      { 'data-kind': r.kind, 'data-name': r.name, 'data-action': r.action, class: r.source ? 'linked' : undefined },
      el('vscode-table-cell', {}, el('span', { class: `action action-${r.action}` }, ACTION_LABEL[r.action] ?? r.action)),
      el('vscode-table-cell', {}, object),
      el('vscode-table-cell', {}, rowDetails(r)),
      el('vscode-table-cell', {}, src),
    );
    tr.addEventListener('click', (e) => {
      e.preventDefault();
      openLink(r.source);
    });
    body.append(tr);
  }
  return el('vscode-table', { zebra: true, 'bordered-rows': true, resizable: true, columns: JSON.stringify(['18%', '32%', '35%', '15%']) }, header, body);
}

function waveTitle(w: PlanViewWave): { title: string; description: string } {
  const notes: string[] = [`${w.rows.length} task${w.rows.length === 1 ? '' : 's'}`];
  if (w.final) notes.push(w.healthGated ? 'last wave: its hooks are waited for' : 'last wave: not waited for (ORD-12)');
  else if (w.healthGated) notes.push('health-gated: the next wave waits for it');
  if (w.waitsForDeletion) notes.push('waits for deletions');
  if (w.delayAfter) notes.push('2 s pause after');
  return { title: `Wave ${w.wave}`, description: notes.join(' · ') };
}

function render(view: PlanView): void {
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
        el('vscode-collapsible', { title, description, open: true, 'data-wave': String(w.wave), 'data-phase': p.phase }, waveTable(w)),
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
});

const saved = vscode.getState() as PlanView | undefined;
if (saved?.phases) render(saved);
vscode.postMessage({ type: 'ready' });
