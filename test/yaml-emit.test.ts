/**
 * Printing as `kubectl kustomize` prints, the JSON value the printed text stands for, and the line map that tells
 * an editor which node each printed line shows. (Byte parity with the real kustomize is in yaml-parity.test.ts.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GitOpsError } from '../src/engine/errors/index.ts';
import {
  emitDocuments,
  emitDocumentsWithMap,
  parseYamlDocuments,
  readResources,
  toPlain,
  v2KeyLess,
  v2KeyOrder,
  type ScalarNode,
  type YNode,
} from '../src/engine/yaml/index.ts';

const nodes = (text: string): YNode[] => parseYamlDocuments(text, 'in.yaml').map((d) => d.node!);
const print = (text: string): string => emitDocuments(nodes(text));

test('values print as kustomize prints them after its JSON round trip', () => {
  assert.equal(
    print('d: 2020-01-01\ne: 1e3\nf: 0755\ng: 0x1F\nh: 1_000\ni: 1234567.5\nj: 0.00001\nk: -0.0\nl: 18446744073709551616\nm: 1.10\n'),
    'd: "2020-01-01T00:00:00Z"\ne: 1000\nf: 493\ng: 31\nh: 1000\ni: 1.2345675e+06\nj: 1e-05\nk: 0\nl: 1.8446744073709552e+19\nm: 1.1\n',
  );
});

test('strings that yaml.v2 would read as something else are quoted, others stay plain', () => {
  assert.equal(
    print('a: "yes"\nb: "80"\nc: "null"\nd: ""\ne: "1:20"\nf: "a: b"\ng: "a\\tb"\nh: plain words\ni: "-x"\nj: "~"\nk: "2020-01-01"\nl: "😀"\n'),
    'a: "yes"\nb: "80"\nc: "null"\nd: ""\ne: "1:20"\nf: \'a: b\'\ng: "a\\tb"\nh: plain words\ni: -x\nj: "~"\nk: "2020-01-01"\nl: "\\U0001F600"\n',
  );
  assert.equal(print('"y": 1\nn: 2\n"on": 3\n'), '"n": 2\n"on": 3\n"y": 1\n', 'keys are quoted by the same rule');
});

test('multi-line strings print as literal blocks with the right chomping and indentation hints', () => {
  assert.equal(print('a: "x\\ny"\nb: "x\\n"\nc: "x\\n\\n"\nd: " x\\ny"\n'), 'a: |-\n  x\n  y\nb: |\n  x\nc: |+\n  x\n\nd: |2-\n   x\n  y\n');
  assert.equal(print('a: "x \\ny"\n'), 'a: "x \\ny"\n', 'a space before a line break forces double quotes');
});

test('long plain strings fold after column 80 with the continuation indented', () => {
  const words = Array.from({ length: 20 }, (_, i) => `word${i}`).join(' ');
  const out = print(`spec:\n  text: ${words}\n`);
  const lines = out.split('\n');
  assert.equal(lines[1], '  text: word0 word1 word2 word3 word4 word5 word6 word7 word8 word9 word10 word11');
  assert.equal(lines[2], '    word12 word13 word14 word15 word16 word17 word18 word19');
});

test('keys sort the way yaml.v2 sorts them: digit runs by number, non-letters before letters', () => {
  const keys = ['a10', 'a9', 'b', 'B', 'a-b', 'ab', '_z', '10', '9'];
  // Checked against kubectl kustomize: '_' is a non-digit, so its number (0) is smaller than 9.
  assert.deepEqual(v2KeyOrder(keys).map((i) => keys[i]), ['_z', '9', '10', 'B', 'a-b', 'a9', 'a10', 'ab', 'b']);
  assert.ok(v2KeyLess('x-2', 'x-10'));
  assert.ok(!v2KeyLess('a10', 'a9'));
});

test('toPlain is the JSON value of the printed text', () => {
  const [doc] = readResources(
    'base: &b {x: 1}\nm:\n  <<: *b\n  y: true\nt: 2021-06-01T12:00:00.5+02:00\nn: ~\nf: {e: }\nq: "1"\nlist: [1, two, 3.5]\n',
    'in.yaml',
  );
  assert.deepEqual(toPlain(doc!.node!), {
    base: { x: 1 },
    f: { e: '' },
    list: [1, 'two', 3.5],
    m: { x: 1, y: true },
    n: null,
    q: '1',
    t: '2021-06-01T12:00:00.5+02:00',
  });
  const [withMerge] = nodes('a: {<<: [{p: 1, q: 1}, {q: 2, r: 2}], r: 3}\n');
  assert.deepEqual(toPlain(withMerge!), { a: { p: 1, q: 1, r: 3 } }, "yaml.v3's merge precedence: own keys, then earlier maps");
});

function errorOf(f: () => unknown): GitOpsError {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof GitOpsError, `expected a GitOpsError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected an error');
}

test('what kustomize cannot print is a located error, not a crash', () => {
  assert.match(errorOf(() => print('a:\n  b: .nan\n')).toString(), /^in\.yaml:2:6: .*NaN/);
  assert.match(errorOf(() => print('a:\n  1: x\n')).toString(), /^in\.yaml:2:3: .*string keys/);
  assert.match(errorOf(() => print('a: 1\nb: 2\na: 3\n')).toString(), /^in\.yaml:3:1: mapping key "a" already defined at line 1/);
  assert.match(errorOf(() => print('a: "\\x7f"\n')).toString(), /^in\.yaml:1:4: .*control character/);
  assert.match(errorOf(() => print('a: !!int abc\n')).toString(), /cannot decode !!str `abc` as a !!int/);
  assert.match(errorOf(() => emitDocuments(readResources('m:\n  ~: x\n', 'in.yaml').map((d) => d.node!))).message, /already defined/);
});

test('the line map names the document, path, key and node of every printed line, folded and block scalars included', () => {
  const text = [
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata:',
    '  name: app',
    'data:',
    `  long: ${'word '.repeat(30)}end`,
    '  script: |',
    '    line one',
    '    line two',
    '---',
    'kind: List',
    'items:',
    '- name: a',
    '  v: 1',
    '- - x',
    '  - y',
    '',
  ].join('\n');
  const docs = nodes(text);
  const { text: out, lines } = emitDocumentsWithMap(docs);
  assert.equal(out, emitDocuments(docs), 'the map changes nothing in the text');
  const printed = out.split('\n').slice(0, -1);
  assert.equal(lines.length, printed.length, 'one entry per printed line');
  const row = (s: string): number => printed.findIndex((l) => l.startsWith(s));

  const key = (i: number): string | undefined => lines[i]!.key?.value;
  const value = (i: number): string | undefined => (lines[i]!.node as ScalarNode | undefined)?.value;
  assert.deepEqual(lines[row('apiVersion')]!.path, ['apiVersion']);
  assert.equal(key(row('apiVersion')), 'apiVersion');
  assert.equal(value(row('apiVersion')), 'v1');
  assert.equal(lines[row('apiVersion')]!.node?.origin?.line, 1);

  const long = row('  long:');
  assert.ok(printed[long + 1]!.startsWith('    word'), 'the long value folds onto the next line');
  assert.deepEqual(lines[long + 1]!.path, ['data', 'long'], 'the folded line belongs to the same field');
  assert.equal(lines[long + 1]!.key, undefined, 'a continuation line does not start with a key');
  assert.equal(lines[long + 1]!.node, lines[long]!.node);

  const script = row('  script:');
  for (const i of [script, script + 1, script + 2]) {
    assert.deepEqual(lines[i]!.path, ['data', 'script']);
    assert.equal(lines[i]!.node?.origin?.line, 7);
  }

  const sep = row('---');
  assert.equal(lines[sep]!.separator, true);
  assert.equal(lines[sep]!.doc, 1);
  assert.equal(lines[sep - 1]!.doc, 0);
  assert.deepEqual(lines[row('- name: a')]!.path, ['items', 0, 'name'], 'a line starting an item with a key shows the key');
  assert.equal(key(row('- name: a')), 'name');
  assert.deepEqual(lines[row('  v: 1')]!.path, ['items', 0, 'v']);
  assert.deepEqual(lines[row('- - x')]!.path, ['items', 1, 0]);
  assert.deepEqual(lines[row('  - "y"')]!.path, ['items', 1, 1]);
  for (const l of lines) assert.equal(l.doc, l.separator || lines.indexOf(l) > sep ? 1 : 0);
});

test('the line map follows merged maps too (their fields point at the merged-in source)', () => {
  const [doc] = readResources('base: &b\n  image: nginx\napp:\n  <<: *b\n  name: web\n', 'in.yaml');
  const { text, lines } = emitDocumentsWithMap([doc!.node!]);
  const printed = text.split('\n');
  const image = printed.findIndex((l) => l === '  image: nginx' ) ;
  assert.ok(image > 0);
  assert.deepEqual(lines[image]!.path, ['app', 'image']);
  assert.equal(lines[image]!.node?.origin?.line, 2, 'the value came from the anchored map');
});

test('toPlainV2 reads like sigs.k8s.io/yaml (kustomization files): YAML 1.1 booleans, keys as strings, last duplicate wins', async () => {
  const { toPlainV2 } = await import('../src/engine/yaml/index.ts');
  const [n] = nodes('a: yes\nb: "yes"\nc: 2020-01-01\n1: x\ntrue: z\ne: 0x10\ng: {<<: [{p: 1, q: 1}, {q: 2, r: 2}], r: 3}\nh: 1\nh: 2\n');
  assert.deepEqual(toPlainV2(n!), { a: true, b: 'yes', c: '2020-01-01', 1: 'x', true: 'z', e: 16, g: { p: 1, q: 1, r: 3 }, h: 2 });
});

test('scalars built in code without a tag resolve as yaml.v3 resolves untagged text', () => {
  const s = (value: string, style: ScalarNode['style'] = 'plain'): ScalarNode => ({ kind: 'scalar', value, tag: '', style });
  const m: YNode = { kind: 'map', entries: [{ key: s('a'), value: s('1') }, { key: s('b'), value: s('yes') }, { key: s('c'), value: s('1', 'double') }, { key: s('d'), value: s('') }] };
  assert.equal(emitDocuments([m]), 'a: 1\nb: "yes"\nc: "1"\nd: null\n');
});

test('single-quoted strings fold after column 80 counting their doubled quotes (checked against kubectl)', () => {
  assert.equal(
    print(`d:\n  list:\n  - "delta #h gamma #h 's' x:y q gamma #h 's' x:y alpha x:y gamma gamma b b b b"\n`),
    "d:\n  list:\n  - 'delta #h gamma #h ''s'' x:y q gamma #h ''s'' x:y alpha x:y gamma gamma b b b\n    b'\n",
  );
});
