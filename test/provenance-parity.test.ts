/**
 * Provenance never changes the rendered bytes, across the renderer's whole parity suite (test-fixtures/parity, each
 * case checked against `kubectl kustomize` by render-parity.test.ts): each case is rendered without and with
 * provenance, then every provenance answer is computed (every field explained, the text map, the reverse index),
 * and the output must still be byte-identical, before and after. Along the way, every field of every case must
 * be located (written at a file:line:column, or made by a transformation whose line is known), and every printed
 * line must map to a field.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isGitOpsError } from '../src/engine/errors/index.ts';
import { explainAll, ProvenanceIndex, renderedTextMap } from '../src/engine/provenance/index.ts';
import { Renderer, type RenderResult } from '../src/engine/render/index.ts';
import { WorktreeView } from '../src/engine/source/index.ts';
import { emitDocuments } from '../src/engine/yaml/index.ts';

const ROOT = join(import.meta.dirname, '..', 'test-fixtures', 'parity');
const cases = readdirSync(ROOT)
  .filter((c) => statSync(join(ROOT, c)).isDirectory())
  .sort();
const view = new WorktreeView(ROOT);
const plain = new Renderer();
const withProv = new Renderer();

async function attempt(r: Renderer, dir: string, provenance: boolean): Promise<{ ok: true; result: RenderResult } | { ok: false; message: string }> {
  try {
    return { ok: true, result: await r.render(view, dir, { provenance }) };
  } catch (e) {
    if (!isGitOpsError(e)) throw e;
    return { ok: false, message: e.toString() };
  }
}

test('the parity suite is there', () => {
  assert.ok(cases.length >= 80, `only ${cases.length} cases`);
});

for (const c of cases) {
  test(`provenance keeps the bytes: ${c}`, async () => {
    const a = await attempt(plain, c, false);
    const b = await attempt(withProv, c, true);
    assert.equal(b.ok, a.ok, 'provenance changed the outcome');
    if (!a.ok || !b.ok) {
      assert.equal((b as { message: string }).message, (a as { message: string }).message);
      return;
    }
    const text = a.result.text;
    assert.equal(b.result.text, text, 'provenance changed the output bytes');

    const docs = explainAll(b.result.resources);
    const map = renderedTextMap(b.result);
    new ProvenanceIndex([{ dir: c, result: b.result }]);
    assert.equal(map.text, text, 'the text map is over the very text printed');
    assert.equal(b.result.resources.length ? emitDocuments(b.result.resources.map((r) => r.node)) : '', text, 'computing provenance changed the trees');

    // Every field is located: written somewhere, or made by a transformation whose line is known.
    for (const d of docs) {
      for (const f of d.fields) {
        assert.ok(f.origin, `${d.object.kind}/${d.object.name} ${f.path} has no location (${JSON.stringify(f.history)})`);
      }
    }
    for (let i = 1; i <= map.lineCount; i++) {
      const l = map.at(i)!;
      if (l.separator) continue;
      assert.ok(l.field, `line ${i} maps to no field`);
    }
  });
}
