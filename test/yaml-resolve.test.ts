/**
 * Which plain scalars are what: yaml.v3's rules (what kustomize reads) and yaml.v2's (what decides quoting when
 * it prints). Each expectation here was checked against `kubectl kustomize` output.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolvePlainTag, resolveV3, v2CanBePlain } from '../src/engine/yaml/index.ts';

test('yaml.v3 resolves plain scalars: YAML 1.2 booleans, Go number syntax, timestamps', () => {
  const cases: Record<string, string> = {
    '': '!!null', '~': '!!null', null: '!!null', Null: '!!null', NULL: '!!null', nULL: '!!str',
    true: '!!bool', False: '!!bool', TRUE: '!!bool', yes: '!!str', on: '!!str', y: '!!str', n: '!!str',
    '0': '!!int', '-0': '!!int', '+12': '!!int', '0755': '!!int', '0o17': '!!int', '0x1F': '!!int', '0b101': '!!int',
    '1_000': '!!int', '08': '!!float', '9223372036854775808': '!!int', '18446744073709551616': '!!float',
    '1.5': '!!float', '.5': '!!float', '1.': '!!float', '1e3': '!!float', '.inf': '!!float', '-.INF': '!!float',
    '.nan': '!!float', '1e999': '!!str', '.5_5': '!!float', '1.2.3': '!!str', '0x': '!!str', '+': '!!str',
    '2020-01-01': '!!timestamp', '2020-1-2': '!!timestamp', '2001-12-14t21:59:43.10-05:00': '!!timestamp',
    '2001-12-14 21:59:43.10': '!!timestamp', '2020-13-01': '!!str', '2021-02-29': '!!str', '2021-06-01T12:00Z': '!!str',
    '12:30': '!!str', '<<': '!!str', hello: '!!str', '-x': '!!str',
  };
  for (const [text, tag] of Object.entries(cases)) assert.equal(resolvePlainTag(text), tag, JSON.stringify(text));
});

test('resolved values follow Go: ints exact beyond 2^53, octal and binary, uint64', () => {
  assert.deepEqual(resolveV3('', '9223372036854775807'), { tag: '!!int', value: 9223372036854775807n });
  assert.deepEqual(resolveV3('', '18446744073709551615'), { tag: '!!int', value: 18446744073709551615n });
  assert.deepEqual(resolveV3('', '0755'), { tag: '!!int', value: 493n });
  assert.deepEqual(resolveV3('', '0b-101'), { tag: '!!int', value: -5n }, "yaml's base-2 retry accepts a sign after 0b");
  assert.equal(resolveV3('!!str', '123').tag, '!!str');
  assert.equal(resolveV3('!custom', '123').tag, '!custom');
});

test('yaml.v2 (printing) quotes YAML 1.1 booleans, numbers, timestamps and base-60 numbers', () => {
  for (const s of ['yes', 'No', 'on', 'OFF', 'y', 'N', 'true', 'null', '~', '', '1', '0x1F', '1e3', '.5', '1:20', '190:20:30', '2020-01-01', '2021-06-01T12:00:00Z']) {
    assert.equal(v2CanBePlain(s), false, JSON.stringify(s));
  }
  for (const s of ['hello', 'yEs', '1.2.3', '8080:80', 'a:b', '-x', 'é', '1:2:3x']) assert.equal(v2CanBePlain(s), true, JSON.stringify(s));
});
