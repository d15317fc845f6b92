import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { maskSecretPair, maskSecrets } from '../../src/extension/engine/mask.ts';

const secret = (name: string, data: string) =>
  `apiVersion: v1\ndata:\n${data}kind: Secret\nmetadata:\n  name: ${name}\n  namespace: shop\ntype: Opaque\n`;
const configMap = 'apiVersion: v1\ndata:\n  LOG_LEVEL: info\nkind: ConfigMap\nmetadata:\n  name: cfg\n';

test('DIF-9: every Secret data value is masked, other kinds and fields are left alone, the line count is kept', () => {
  const text = `${configMap}---\n${secret('creds', '  PASSWORD: Y2FuYXJ5LTEyMzQ=\n  TOKEN: Y2FuYXJ5LTEyMzQ=\n')}`;
  const masked = maskSecrets(text);
  assert.ok(!masked.includes('Y2FuYXJ5LTEyMzQ='));
  assert.match(masked, /^ {2}PASSWORD: \+{8}$/m);
  assert.match(masked, /^ {2}TOKEN: \+{8}$/m);
  assert.match(masked, /^ {2}LOG_LEVEL: info$/m);
  assert.match(masked, /^ {2}name: creds$/m);
  assert.equal(masked.split('\n').length, text.split('\n').length);
});

test('DIF-9: stringData and multi-line values are masked line by line', () => {
  const text = `apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData:\n  config.yaml: |\n    user: admin\n    password: canary-multi\n  plain: canary-plain\n`;
  const masked = maskSecrets(text);
  assert.ok(!masked.includes('canary'), masked);
  assert.ok(!masked.includes('admin'), masked);
  assert.equal(masked.split('\n').length, text.split('\n').length);
});

test('DIF-9: a pair shares masks for equal values and gives a changed value a longer mask', () => {
  const left = secret('creds', '  A: b2xk\n  B: c2FtZQ==\n');
  const right = secret('creds', '  A: bmV3\n  B: c2FtZQ==\n');
  const [l, r] = maskSecretPair(left, right);
  assert.match(l, /^ {2}A: \+{8}$/m);
  assert.match(r, /^ {2}A: \+{12}$/m);
  assert.match(l, /^ {2}B: \+{8}$/m);
  assert.match(r, /^ {2}B: \+{8}$/m);
});

test('DIF-9: a generated Secret renamed by its hash suffix is paired with its old self', () => {
  const [l, r] = maskSecretPair(secret('creds-5f9h8m2k4t', '  A: b2xk\n'), secret('creds-b7g6d2c9kh', '  A: bmV3\n'));
  assert.match(l, /^ {2}A: \+{8}$/m);
  assert.match(r, /^ {2}A: \+{12}$/m);
});

test('a Secret of another group is not a core Secret and a stream without Secrets is returned as is', () => {
  const sealed = 'apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata:\n  name: x\nspec:\n  encryptedData:\n    A: AgB\n';
  assert.equal(maskSecrets(sealed), sealed);
  assert.equal(maskSecrets(configMap), configMap);
});

test('the canary of the e2e fixture never survives masking of what kubectl kustomize prints', (t) => {
  const dir = fileURLToPath(new URL('../e2e/fixture-repo/apps/shop/overlays/prod', import.meta.url));
  const r = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return t.skip(`kubectl kustomize not available: ${r.error?.message ?? r.stderr}`);
  const canary = Buffer.from('e2e-canary-prod-51d2e8').toString('base64');
  assert.ok(r.stdout.includes(canary));
  const masked = maskSecrets(r.stdout);
  assert.ok(!masked.includes(canary));
  assert.match(masked, /^ {2}DB_PASSWORD: \+{8}$/m);
  assert.equal(masked.replace(/^( {2}DB_PASSWORD: ).*$/m, ''), r.stdout.replace(/^( {2}DB_PASSWORD: ).*$/m, ''));
});
