import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kubectlMissing, kubectlOutcome, ourOutcome } from './patch/harness.ts';
import { JSON6902_CASES, JSON6902_ERROR_CASES } from './patch/cases-json6902.ts';

for (const [name, c] of Object.entries(JSON6902_CASES)) {
  test(`JSON 6902 as kubectl kustomize: ${name}`, (t) => {
    const missing = kubectlMissing();
    if (missing) return t.skip(missing);
    const expected = kubectlOutcome(c);
    const ours = ourOutcome(c);
    if (!expected.ok) assert.fail(`kubectl kustomize failed: ${expected.error}`);
    if (!ours.ok) assert.fail(`ours failed: ${ours.error}`);
    assert.deepEqual(Object.fromEntries(ours.objects), Object.fromEntries(expected.objects));
  });
}

for (const [name, c] of Object.entries(JSON6902_ERROR_CASES)) {
  test(`JSON 6902 fails with kustomize's message: ${name}`, (t) => {
    const missing = kubectlMissing();
    if (missing) return t.skip(missing);
    const expected = kubectlOutcome(c);
    const ours = ourOutcome(c);
    if (expected.ok) assert.fail('kubectl kustomize should fail');
    if (ours.ok) assert.fail(`ours should fail with: ${expected.error}`);
    assert.equal(ours.error, expected.error);
  });
}
