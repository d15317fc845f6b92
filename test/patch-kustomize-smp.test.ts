import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kubectlMissing, kubectlOutcome, ourOutcome } from './patch/harness.ts';
import { SMP_CASES, SMP_ERROR_CASES } from './patch/cases-smp.ts';

for (const [name, c] of Object.entries(SMP_CASES)) {
  test(`strategic merge as kubectl kustomize: ${name}`, (t) => {
    const missing = kubectlMissing();
    if (missing) return t.skip(missing);
    const expected = kubectlOutcome(c);
    const ours = ourOutcome(c);
    if (!expected.ok) assert.fail(`kubectl kustomize failed: ${expected.error}`);
    if (!ours.ok) assert.fail(`ours failed: ${ours.error}`);
    assert.deepEqual(Object.fromEntries(ours.objects), Object.fromEntries(expected.objects));
    // Recording provenance must not change the result.
    const quiet = ourOutcome(c, false);
    assert.deepEqual(quiet, ours);
  });
}

for (const [name, c] of Object.entries(SMP_ERROR_CASES)) {
  test(`strategic merge errors where kubectl kustomize does: ${name}`, (t) => {
    const missing = kubectlMissing();
    if (missing) return t.skip(missing);
    const expected = kubectlOutcome(c);
    const ours = ourOutcome(c);
    if (expected.ok) assert.fail('kubectl kustomize should fail');
    if (ours.ok) assert.fail(`ours should fail with: ${expected.error}`);
    assert.ok(ours.error.includes(expected.error), `ours: ${ours.error}\nkubectl: ${expected.error}`);
  });
}
