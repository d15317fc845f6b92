/**
 * Parsing as kustomize's yaml.v3 reader does: where nodes are (1-based lines and columns, as editors show them),
 * what their tags are, and that syntax errors name the file, line and column.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GitOpsError } from '../src/engine/errors/index.ts';
import { parseYamlDocuments, readResources, type MapNode, type ScalarNode, type SeqNode, type YNode } from '../src/engine/yaml/index.ts';

const one = (text: string): YNode => parseYamlDocuments(text, 'app/x.yaml')[0]!.node!;
const at = (n: { origin?: { line: number; column: number } }): string => `${n.origin?.line}:${n.origin?.column}`;
const get = (m: YNode, key: string): { key: ScalarNode; value: YNode } => {
  assert.equal(m.kind, 'map');
  const e = (m as MapNode).entries.find((x) => x.key.value === key);
  assert.ok(e, `key ${key}`);
  return e!;
};

test('keys, values, nested maps and list items carry the line and column they were written at', () => {
  const doc = one('apiVersion: v1\nspec:\n  replicas: 3\n  containers:\n  - name: app\n    image: nginx\n  -   name: sidecar\n');
  assert.equal(at(get(doc, 'apiVersion').key), '1:1');
  assert.equal(at(get(doc, 'apiVersion').value), '1:13');
  const spec = get(doc, 'spec').value;
  assert.equal(at(spec), '3:3', 'a block map starts at its first key');
  assert.equal(at(get(spec, 'replicas').value), '3:13');
  const containers = get(spec, 'containers').value as SeqNode;
  assert.equal(at(containers), '5:3', 'an indentless list starts at its first dash');
  assert.equal(at(containers.items[0]!), '5:5', 'a map in a list item starts at its first key');
  assert.equal(at(get(containers.items[0]!, 'image').value), '6:12');
  assert.equal(at(containers.items[1]!), '7:7');
});

test('quoted, block and flow scalars start at their first character; the file is the one given', () => {
  const doc = one('a: "x"\nb: |\n  text\nc: [1, {d: e}]\nd: >-\n  folded\n');
  const a = get(doc, 'a').value;
  assert.equal(at(a), '1:4');
  assert.equal(a.origin?.file, 'app/x.yaml');
  assert.equal(at(get(doc, 'b').value), '2:4');
  const c = get(doc, 'c').value as SeqNode;
  assert.equal(at(c), '4:4');
  assert.equal(c.flow, true);
  assert.equal(at(c.items[0]!), '4:5');
  assert.equal(at(get(c.items[1]!, 'd').value), '4:12');
});

test('an alias becomes a copy of its anchor: origin in the anchor, alias at the *name', () => {
  const doc = one('base: &b\n  image: nginx\ncopy: *b\nlist:\n- &s hello\n- *s\n');
  const copy = get(doc, 'copy').value;
  assert.equal(at(copy), '1:7', 'the copy points at the anchored map, which starts at its anchor');
  assert.equal(copy.alias ? `${copy.alias.line}:${copy.alias.column}` : undefined, '3:7');
  assert.equal(at(get(copy, 'image').value), '2:10');
  assert.notEqual(copy, get(doc, 'base').value, 'each alias is its own copy');
  const items = (get(doc, 'list').value as SeqNode).items;
  assert.equal((items[1] as ScalarNode).value, 'hello');
  assert.equal(at(items[0]!), '5:3', 'an anchored scalar starts at its anchor');
  assert.equal(items[1]!.alias?.line, 6);
});

test('tags resolve as yaml.v3 resolves them (quoted strings, YAML 1.2 booleans, merge keys, explicit tags)', () => {
  const doc = one('a: yes\nb: true\nc: "1"\nd: 1\ne: 0x1F\nf: 1e3\ng: ~\nh: 2020-01-01\ni: !!str 12\nj: <<\nk:\n  <<: {x: 1}\nl: ! 12\nm: !custom 5\n');
  const tag = (k: string): string => (get(doc, k).value as ScalarNode).tag;
  assert.equal(tag('a'), '!!str', 'yaml.v3 reads yes as a string');
  assert.equal(tag('b'), '!!bool');
  assert.equal(tag('c'), '!!str');
  assert.equal(tag('d'), '!!int');
  assert.equal(tag('e'), '!!int');
  assert.equal(tag('f'), '!!float');
  assert.equal(tag('g'), '!!null');
  assert.equal(tag('h'), '!!timestamp');
  assert.equal(tag('i'), '!!str');
  assert.equal((get(doc, 'i').value as ScalarNode).tagged, true);
  assert.equal(tag('j'), '!!merge', 'yaml.v3 tags every plain << as a merge key, even a value (it prints as a string)');
  assert.equal((get(doc, 'k').value as MapNode).entries[0]!.key.tag, '!!merge');
  assert.equal(tag('l'), '!!int', "yaml.v3 resolves a value with the bare '!' tag like an untagged one");
  assert.equal(tag('m'), '!custom');
});

test('CRLF, a byte order mark, tabs inside values and documents markers are read as kustomize reads them', () => {
  const doc = one('\ufeffa: 1\r\nb: "x\r\n  y"\r\nc: t\tu\r\n');
  assert.equal(at(get(doc, 'a').key), '1:1', 'the BOM is not a column');
  assert.equal((get(doc, 'b').value as ScalarNode).value, 'x y');
  assert.equal(at(get(doc, 'c').value), '4:4', 'the quoted scalar above spans two lines');
  assert.equal((get(doc, 'c').value as ScalarNode).value, 't\tu');
  const docs = parseYamlDocuments('---\na: 1\n...\n---\n---\nb: 2\n', 'f');
  assert.deepEqual(docs.map((d) => (d.node ? 'node' : 'empty')), ['node', 'empty', 'node']);
  assert.equal(docs[2]!.start.line, 5);
});

test('readResources cuts the file like kustomize: lines stay file lines, empty and null documents are dropped', () => {
  const docs = readResources('a: 1\n---\n\n---\n~\n--- # comment\nb: &x 2\nc: *x\n', 'app/r.yaml');
  assert.equal(docs.length, 2);
  const second = docs[1]!.node!;
  assert.equal(at(get(second, 'b').key), '7:1');
  assert.equal(at(get(second, 'c').value), '7:4', 'after kustomize expands the alias it is a copy of the anchored value');
  assert.equal(get(second, 'c').value.alias?.line, 8);
});

test('readResources applies merge keys in place, as kustomize does when it reads', () => {
  const [d] = readResources('base: &b {a: 1, b: 2}\nx:\n  <<: *b\n  b: 3\n', 'f');
  const x = get(d!.node!, 'x').value as MapNode;
  assert.deepEqual(
    x.entries.map((e) => `${e.key.value}=${(e.value as ScalarNode).value}`),
    ['b=3', 'a=1'],
  );
  assert.equal(at(get(x, 'a').value), '1:14', 'a merged entry keeps the line it came from');
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

test('syntax errors name file:line:column and say what is wrong', () => {
  const cases: [string, string, string][] = [
    ['a: b: c\n', 'app/x.yaml:1:5', 'mapping values are not allowed in this context'],
    ['a:\n\tb: 1\n', 'app/x.yaml:2:1', 'found character that cannot start any token'],
    ['a: "open\n', 'app/x.yaml:2:1', 'found unexpected end of stream'],
    ['a: *nope\n', 'app/x.yaml:1:4', "unknown anchor 'nope' referenced"],
    ['a:\n  - b\n c: d\n', 'app/x.yaml:3:2', 'did not find expected key'],
    ['a: [1, 2\n', 'app/x.yaml:2:1', "did not find expected ',' or ']'"],
    ['a: !x!y z\n', 'app/x.yaml:1:4', 'found undefined tag handle'],
    ['a: "\\q"\n', 'app/x.yaml:1:5', 'found unknown escape character'],
    ['a: b\x07c\n', 'app/x.yaml:1:5', 'control characters are not allowed'],
    ['%YAML 1.2\n---\na: 1\n', 'app/x.yaml:1:1', 'found incompatible YAML document'],
    ['a: |0\n  x\n', 'app/x.yaml:1:5', 'found an indentation indicator equal to 0'],
  ];
  for (const [text, where, what] of cases) {
    const e = errorOf(() => parseYamlDocuments(text, 'app/x.yaml'));
    assert.ok(e.toString().startsWith(where + ': '), `${JSON.stringify(text)} → ${e.toString()}`);
    assert.ok(e.message.includes(what), `${JSON.stringify(text)} → ${e.message}`);
  }
});

test('an invalid document separator is refused where kustomize refuses it', () => {
  const e = errorOf(() => readResources('a: 1\n--- b: 2\n', 'app/x.yaml'));
  assert.equal(e.toString(), 'app/x.yaml:2:1: invalid document separator: --- b: 2');
});

test('a map or list used as a key is refused with its position', () => {
  const e = errorOf(() => parseYamlDocuments('? [a]\n: b\n', 'k.yaml'));
  assert.equal(e.location?.line, 1);
  assert.match(e.message, /key must be a scalar/);
});
