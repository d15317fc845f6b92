/**
 * The Go text/template engine behind ApplicationSet goTemplate mode (SET-1): Go's semantics for actions, pipelines,
 * control structures, variables, trim markers and printing, the builtins, the Sprig functions ApplicationSets use,
 * and the exact error texts Argo CD shows. Expected outputs are what Go 1.2x with Sprig v3 produce.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { executeGoTemplate, fromJSON, parseGoTemplateOptions, type GoTemplateOptions } from '../src/engine/apps/gotemplate/index.ts';

const DATA = fromJSON({
  name: 'web',
  n: 3,
  big: 1000000,
  half: 0.5,
  flag: true,
  empty: '',
  nul: null,
  list: ['a', 'b', 'c'],
  nums: [1, 2, 3],
  none: [],
  m: { k: 'v', 'a.b/c': 'dotted', z: 1, a: 2 },
  path: { path: 'apps/web/overlays/prod', basename: 'prod', segments: ['apps', 'web', 'overlays', 'prod'] },
});

function run(tmpl: string, opts: GoTemplateOptions = {}): string {
  return executeGoTemplate(tmpl, DATA, opts);
}

/** Rows of [template, expected output]. */
function table(name: string, rows: [string, string][], opts: GoTemplateOptions = {}): void {
  test(name, () => {
    for (const [t, want] of rows) assert.equal(run(t, opts), want, `template ${JSON.stringify(t)}`);
  });
}

/** Rows of [template, error pattern]. */
function errors(name: string, rows: [string, RegExp | string][], opts: GoTemplateOptions = {}): void {
  test(name, () => {
    for (const [t, want] of rows) {
      assert.throws(
        () => run(t, opts),
        (e: Error) => (typeof want === 'string' ? e.message === want : want.test(e.message)),
        `template ${JSON.stringify(t)}`,
      );
    }
  });
}

describe('Go text/template semantics (SET-1)', () => {
  table('text, fields and printing of Go values', [
    ['plain text', 'plain text'],
    ['{{.name}}-{{ .path.basename }}', 'web-prod'],
    ['{{ .n }} {{ .big }} {{ .half }} {{ .flag }}', '3 1e+06 0.5 true'],
    ['{{ .list }} {{ .none }}', '[a b c] []'],
    ['{{ .m }}', 'map[a:2 a.b/c:dotted k:v z:1]'],
    ['{{ .path }}', 'map[basename:prod path:apps/web/overlays/prod segments:[apps web overlays prod]]'],
    ['{{ .nul }}|{{ .missing }}|{{ .missing.deeper }}', '<no value>|<no value>|<no value>'],
    ['{{ 3 }} {{ -2 }} {{ 1.0 }} {{ 1e3 }} {{ 0x10 }} {{ 0o17 }} {{ 1_000 }} {{ \'a\' }}', '3 -2 1 1000 16 15 1000 97'],
    ['{{ "quoted\\t" }}{{ `raw\\t` }}', 'quoted\traw\\t'],
    ['{{ true }} {{ false }}', 'true false'],
    ['{{ . | len }}', '12'],
  ]);

  table('whitespace trim markers and comments', [
    ['a  {{- .name -}}  b', 'awebb'],
    ['a \n\t {{- .name }} \n b', 'aweb \n b'],
    ['a {{ .name -}} \n\n b', 'a webb'],
    ['a{{/* comment */}}b', 'ab'],
    ['a {{- /* comment */ -}} b', 'ab'],
    ['{{- .name -}}', 'web'],
    ['{{-3}}', '-3'],
    ['{{ 3 -}}\n', '3'],
  ]);

  table('variables, assignment and scope', [
    ['{{ $x := .name }}{{ $x }}', 'web'],
    ['{{ $x := 1 }}{{ if true }}{{ $x = 2 }}{{ end }}{{ $x }}', '2'],
    ['{{ $x := 1 }}{{ if true }}{{ $x := 5 }}{{ $x }}{{ end }}{{ $x }}', '51'],
    ['{{ $.name }}{{ with .path }}{{ $.name }}/{{ .basename }}{{ end }}', 'webweb/prod'],
    ['{{ $p := .path }}{{ $p.basename }}', 'prod'],
  ]);

  table('if, else if, with, else with', [
    ['{{ if .flag }}yes{{ end }}', 'yes'],
    ['{{ if .empty }}a{{ else if .n }}b{{ else }}c{{ end }}', 'b'],
    ['{{ if .nul }}a{{ else }}c{{ end }}', 'c'],
    ['{{ if .none }}a{{ else }}empty list is false{{ end }}', 'empty list is false'],
    ['{{ with .path.basename }}{{ . }}{{ end }}', 'prod'],
    ['{{ with .missing }}x{{ else }}y{{ end }}', 'y'],
    ['{{ with .missing }}x{{ else with .name }}{{ . }}{{ end }}', 'web'],
    ['{{ with $x := .n }}{{ $x }}{{ end }}', '3'],
    ['{{ if and .flag .n }}both{{ end }}', 'both'],
  ]);

  table('range over slices, maps and ints, with else, break and continue', [
    ['{{ range .list }}{{ . }},{{ end }}', 'a,b,c,'],
    ['{{ range $i, $e := .list }}{{ $i }}={{ $e }} {{ end }}', '0=a 1=b 2=c '],
    ['{{ range $k, $v := .m }}{{ $k }}:{{ $v }} {{ end }}', 'a:2 a.b/c:dotted k:v z:1 '],
    ['{{ range .none }}x{{ else }}none{{ end }}', 'none'],
    ['{{ range .missing }}x{{ else }}missing{{ end }}', 'missing'],
    ['{{ range 3 }}{{ . }}{{ end }}', '012'],
    ['{{ range .list }}{{ if eq . "b" }}{{ break }}{{ end }}{{ . }}{{ end }}', 'a'],
    ['{{ range .list }}{{ if eq . "b" }}{{ continue }}{{ end }}{{ . }}{{ end }}', 'ac'],
    ['{{ range $e := .list }}{{ $e }}{{ end }}', 'abc'],
  ]);

  table('define, template and block', [
    ['{{ define "t" }}[{{ . }}]{{ end }}{{ template "t" .name }}{{ template "t" "x" }}', '[web][x]'],
    ['{{ block "b" .n }}default {{ . }}{{ end }}', 'default 3'],
    ['{{ define "p" }}{{ .basename }}{{ end }}{{ template "p" .path }}', 'prod'],
  ]);

  table('pipelines, parentheses and chained fields', [
    ['{{ .name | printf "%s-%s" "x" }}', 'x-web'],
    ['{{ printf "%s-%d" (.name | upper) 5 }}', 'WEB-5'],
    ['{{ (dict "a" (dict "b" "deep")).a.b }}', 'deep'],
    ['{{ .name | upper | lower }}', 'web'],
  ]);

  table('builtins: and, or, not, len, index, print, printf, println, html, js, urlquery', [
    ['{{ and 1 0 }} {{ and 1 2 }} {{ or 0 "" "x" }} {{ or 0 "" }}|{{ not 0 }} {{ not .name }}', '0 2 x |true false'],
    ['{{ or .missing "fallback" }}', 'fallback'],
    ['{{ len .list }} {{ len .m }} {{ len "héllo" }}', '3 4 6'],
    ['{{ index .m "a.b/c" }} {{ index .list 1 }} {{ index .path.segments 0 }} {{ index .m "nope" }}', 'dotted b apps <no value>'],
    ['{{ print 1 2 }} {{ print "a" "b" }} {{ print "a" 1 }}', '1 2 ab a1'],
    ['{{ println "a" 1 }}', 'a 1\n'],
    ['{{ printf "%v %s %d %05d %x %q %.2f %t %5s|%-5s|" .n "s" 42 42 255 "q" 3.14159 true "r" "l" }}', '3 s 42 00042 ff "q" 3.14 true     r|l    |'],
    ['{{ printf "%d" "s" }} {{ printf "%s" 3 }} {{ printf "%d" }} {{ printf "x" 1 }}', '%!d(string=s) %!s(int=3) %!d(MISSING) x%!(EXTRA int=1)'],
    ['{{ printf "%v" .nul }} {{ printf "%v" .missing }} {{ printf "%T %T %T" 1 1.5 .m }}', '<nil> <nil> int float64 map[string]interface {}'],
    ['{{ html "<a href=\'x\'>&</a>" }}', '&lt;a href=&#39;x&#39;&gt;&amp;&lt;/a&gt;'],
    ['{{ js "it\'s <b>" }}', "it\\'s \\u003Cb\\u003E"],
    ['{{ urlquery "a b&c" }}', 'a+b%26c'],
    ['{{ eq "a" "b" "a" }} {{ ne 1 2 }} {{ lt "a" "b" }} {{ le 2 2 }} {{ gt 2.5 1.5 }} {{ ge 1 2 }}', 'true true true true true false'],
    ['{{ eq .nul .missing }} {{ eq .missing "x" }}', 'true false'],
  ]);

  table('missingkey=zero still prints <no value> for map[string]interface{} data', [['{{ .missing }}', '<no value>']], { missingKey: 'zero' });

  errors('missingkey=error: a missing key fails; index and nil data behave as in Go', [
    ['{{ .missing }}', 'template: base:1:3: executing "base" at <.missing>: map has no entry for key "missing"'],
    ['{{.path.nope}}', 'template: base:1:2: executing "base" at <.path.nope>: map has no entry for key "nope"'],
    ['line1\n  {{ .a.b }}', 'template: base:2:5: executing "base" at <.a.b>: map has no entry for key "a"'],
  ], { missingKey: 'error' });

  table('missingkey=error does not apply to index', [['{{ index .m "nope" }}', '<no value>']], { missingKey: 'error' });

  errors('execution errors carry Go\'s wording', [
    ['{{ .nul.x }}', 'template: base:1:3: executing "base" at <.nul.x>: nil pointer evaluating interface {}.x'],
    ['{{ .name.x }}', 'template: base:1:3: executing "base" at <.name.x>: can\'t evaluate field x in type string'],
    ['{{ eq .n 3 }}', 'template: base:1:3: executing "base" at <eq .n 3>: error calling eq: incompatible types for comparison'],
    ['{{ lt 1 "a" }}', /error calling lt: incompatible types for comparison/],
    ['{{ upper .n }}', 'template: base:1:9: executing "base" at <.n>: wrong type for value; expected string; got float64'],
    ['{{ .missing | upper }}', /invalid value; expected string/],
    ['{{ index .list 5 }}', /error calling index: index out of range: 5/],
    ['{{ 3 4 }}', /can't give argument to non-function 3/],
    ['{{ nil }}', /nil is not a command/],
    ['{{ range .n }}{{ end }}', /range can't iterate over 3/],
    ['{{ template "nope" }}', /template "nope" not defined/],
    ['{{ fail "boom" }}', 'template: base:1:3: executing "base" at <fail "boom">: error calling fail: boom'],
    ['{{ now }}', /now is not supported by gitops-sandbox/],
    ['{{ len 3 }}', /error calling len: len of type int/],
    ['{{ .m.k 1 }}', /k is not a method but has arguments/],
  ]);

  errors('parse errors name the line', [
    ['{{ .name ', /^template: base:1: unclosed action/],
    ['a\n{{ nope .x }}', 'template: base:2: function "nope" not defined'],
    ['{{ env "HOME" }}', 'template: base:1: function "env" not defined'],
    ['{{ if true }}x', /^template: base:1: unexpected EOF/],
    ['{{ end }}', /unexpected \{\{end\}\}/],
    ['{{ if true }}{{ $y := 1 }}{{ end }}{{ $y }}', 'template: base:1: undefined variable "$y"'],
    ['{{ break }}', /\{\{break\}\} outside \{\{range\}\}/],
    ['{{ .a | 3 }}', /non executable command in pipeline stage 2/],
    ['{{ "unterminated }}', /unterminated quoted string/],
    ['{{ /* x */ }}', /unrecognized character in action: U\+002F/],
  ]);

  test('goTemplateOptions are read as Go reads them', () => {
    assert.deepEqual(parseGoTemplateOptions(['missingkey=error']), { missingKey: 'error' });
    assert.deepEqual(parseGoTemplateOptions(['missingkey=default']), { missingKey: 'invalid' });
    assert.throws(() => parseGoTemplateOptions(['missingkey=maybe']), /unrecognized option: missingkey=maybe/);
    assert.throws(() => parseGoTemplateOptions(['strict']), /unrecognized option/);
  });
});

describe('Sprig and Argo CD template functions', () => {
  table('defaults and emptiness', [
    ['{{ default "d" "" }} {{ default "d" 0 }} {{ default "d" "x" }} {{ .missing | default "d" }} {{ default "d" .none }}', 'd d x d d'],
    ['{{ empty (list) }} {{ empty "a" }} {{ coalesce "" 0 "x" }} {{ ternary "a" "b" true }} {{ ternary "a" "b" false }}', 'true false x a b'],
    ['{{ all 1 "a" }} {{ any 0 "" }} {{ compact (list 1 "" 2) }}', 'true false [1 2]'],
  ]);

  table('strings', [
    ['{{ upper "a" }} {{ lower "B" }} {{ title "hello world-foo" }} {{ untitle "Hello World" }}', 'A b Hello World-Foo hello world'],
    ['{{ trim "  x " }}|{{ trimAll "-" "--a--" }}|{{ trimPrefix "a-" "a-b" }}|{{ trimSuffix "-b" "a-b" }}', 'x|a|b|a'],
    ['{{ trunc 3 "abcdef" }} {{ trunc -3 "abcdef" }} {{ trunc 10 "abc" }} {{ substr 1 3 "abcdef" }}', 'abc def abc bc'],
    ['{{ repeat 3 "ab" }} {{ replace "-" "_" "a-b-c" }} {{ nospace "a b c" }} {{ initials "First Try" }}', 'ababab a_b_c abc FT'],
    ['{{ contains "ell" "hello" }} {{ hasPrefix "he" "hello" }} {{ hasSuffix "lo" "hello" }}', 'true true true'],
    ['{{ quote "a" 1 }} {{ squote "b" }} {{ cat "a" 1 nil "b" }}', '"a" "1" \'b\' a 1 b'],
    ['{{ indent 2 "a\\nb" }}|{{ nindent 2 "a" }}', '  a\n  b|\n  a'],
    ['{{ snakecase "FirstName" }} {{ camelcase "http_server" }} {{ kebabcase "FirstName" }} {{ swapcase "Aa" }}', 'first_name HttpServer first-name aA'],
    ['{{ plural "one" "many" 1 }} {{ plural "one" "many" 2 }} {{ abbrev 5 "hello world" }} {{ wrap 5 "aa bb cc" }}', 'one many he... aa bb\ncc'],
    ['{{ toString 3 }} {{ toString .half }} {{ toStrings (list 1 "a") }}', '3 0.5 [1 a]'],
  ]);

  table('split and join', [
    ['{{ splitList "," "a,b" | join "-" }} {{ (split "$" "foo$bar")._1 }} {{ (splitn "-" 2 "a-b-c")._1 }}', 'a-b bar b-c'],
    ['{{ join "/" .path.segments }} {{ join "," (list 1 nil 2) }}', 'apps/web/overlays/prod 1,2'],
  ]);

  table('lists', [
    ['{{ list 1 2 3 | first }} {{ list 1 2 3 | last }} {{ list 1 2 3 | rest }} {{ list 1 2 3 | initial }}', '1 3 [2 3] [1 2]'],
    ['{{ append (list 1) 2 }} {{ prepend (list 1) 0 }} {{ concat (list 1) (list 2 3) }} {{ reverse (list 1 2) }}', '[1 2] [0 1] [1 2 3] [2 1]'],
    ['{{ uniq (list 1 1 2) }} {{ without (list 1 2 3) 2 }} {{ has 2 (list 1 2) }} {{ sortAlpha (list "b" "a") }}', '[1 2] [1 3] true [a b]'],
    ['{{ slice (list 1 2 3 4) 1 3 }} {{ until 3 }} {{ untilStep 0 10 3 }} {{ seq 3 }} {{ seq 2 5 }}', '[2 3] [0 1 2] [0 3 6 9] 1 2 3 2 3 4 5'],
    ['{{ chunk 2 (list 1 2 3) }}', '[[1 2] [3]]'],
  ]);

  // Sprig's keys and values follow Go's random map order; we sort them so that renders are repeatable.
  table('dicts', [
    ['{{ $d := dict "a" 1 "b" "x" }}{{ get $d "a" }} [{{ get $d "zz" }}] {{ hasKey $d "b" }} {{ keys $d }}', '1 [] true [a b]'],
    ['{{ $d := dict "a" 1 }}{{ $_ := set $d "c" 3 }}{{ toJson $d }} {{ unset $d "a" | toJson }}', '{"a":1,"c":3} {"c":3}'],
    ['{{ pick (dict "a" 1 "b" 2) "a" | toJson }} {{ omit (dict "a" 1 "b" 2) "a" | toJson }}', '{"a":1} {"b":2}'],
    ['{{ merge (dict "a" 1) (dict "a" 2 "b" 3) | toJson }} {{ mergeOverwrite (dict "a" 1) (dict "a" 2 "b" 3) | toJson }}', '{"a":1,"b":3} {"a":2,"b":3}'],
    ['{{ merge (dict "a" "") (dict "a" "filled") | toJson }}', '{"a":"filled"}'],
    ['{{ dig "a" "b" "def" (dict "a" (dict "b" "v")) }} {{ dig "a" "x" "def" (dict "a" (dict "b" "v")) }}', 'v def'],
    ['{{ pluck "a" (dict "a" 1) (dict "b" 2) (dict "a" 3) }} {{ values (dict "a" 1) }}', '[1 3] [1]'],
  ]);

  table('JSON and YAML', [
    ['{{ dict "b" 1 "a" "<x>" | toJson }} {{ dict "a" "<x>" | toRawJson }}', '{"a":"\\u003cx\\u003e","b":1} {"a":"<x>"}'],
    ['{{ dict "a" (list 1 2) | toPrettyJson }}', '{\n  "a": [\n    1,\n    2\n  ]\n}'],
    ['{{ .m | toJson }} {{ .big | toJson }}', '{"a":2,"a.b/c":"dotted","k":"v","z":1} 1000000'],
    ['{{ (fromJson "{\\"a\\":[1,2]}").a }} {{ fromJson "not json" }}', '[1 2] <no value>'],
    ['{{ dict "a" (list 1 "x" "yes") "b" (dict "c" "") | toYaml }}', 'a:\n- 1\n- x\n- "yes"\nb:\n  c: ""'],
    ['{{ (fromYaml "a: b\\nx: 2").a }} {{ (fromYaml "a: b\\nx: 2").x }} {{ fromYamlArray "- 1\\n- two" }}', 'b 2 [1 two]'],
    // YAML 1.1 as sigs.k8s.io/yaml reads it: the key `n` is the boolean false.
    ['{{ index (fromYaml "n: 2") "false" }}', '2'],
  ]);

  table('encodings, hashes and paths', [
    ['{{ b64enc "hello" }} {{ b64dec "aGVsbG8=" }} {{ b32enc "hello" }} {{ b32dec "NBSWY3DP" }}', 'aGVsbG8= hello NBSWY3DP hello'],
    ['{{ sha256sum "hello" }}', '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824'],
    ['{{ sha1sum "hello" }} {{ adler32sum "hello" }}', 'aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d 103547413'],
    ['{{ base "a/b.txt" }} {{ dir "a/b.txt" }} {{ ext "a/b.txt" }} {{ clean "a//b/../c" }} {{ isAbs "/x" }}', 'b.txt a .txt a/c true'],
    ['{{ $u := urlParse "https://u@h:8080/p?q=1#f" }}{{ $u.scheme }} {{ $u.host }} {{ $u.path }} {{ $u.query }} {{ $u.fragment }} {{ $u.userinfo }}', 'https h:8080 /p q=1 f u'],
    ['{{ urlJoin (dict "scheme" "https" "host" "h" "path" "/p" "query" "x=1") }}', 'https://h/p?x=1'],
  ]);

  table('regular expressions (RE2 syntax and Go replacement templates)', [
    ['{{ regexMatch "^a.c$" "abc" }} {{ regexFind "[0-9]+" "ab123cd45" }} {{ regexFindAll "[0-9]+" "a1b22c333" -1 }} {{ regexFindAll "[0-9]+" "a1b22c333" 2 }}', 'true 123 [1 22 333] [1 22]'],
    ['{{ regexReplaceAll "a(x*)b" "-ab-axxb-" "${1}W" }} {{ regexReplaceAllLiteral "a(x*)b" "-ab-axxb-" "${1}" }}', '-W-xxW- -${1}-${1}-'],
    ['{{ regexReplaceAll "(?P<first>\\\\w+) (?P<last>\\\\w+)" "Jane Doe" "${last}, ${first}" }}', 'Doe, Jane'],
    ['{{ regexSplit "z+" "pizza" -1 }} {{ regexQuoteMeta "1.2+" }} {{ regexMatch "(?i)^WEB$" .name }}', '[pi a] 1\\.2\\+ true'],
  ]);

  table('math and conversions (ints are int64, floats float64)', [
    ['{{ add 1 2 3 }} {{ sub 5 3 }} {{ mul 2 3 4 }} {{ div 7 2 }} {{ mod 7 2 }} {{ add1 1 }} {{ max 1 5 3 }} {{ min 4 2 }}', '6 2 24 3 1 2 5 2'],
    ['{{ add .n 1 }} {{ add "1" 2 }} {{ add .half 1 }}', '4 3 1'],
    ['{{ floor 1.5 }} {{ ceil 1.2 }} {{ round 3.14159 2 }} {{ addf 1.5 2 }} {{ mulf 1.5 2 }} {{ divf 1 4 }}', '1 2 3.14 3.5 3 0.25'],
    ['{{ atoi "42" }} {{ int "7" }} {{ int64 2.9 }} {{ float64 "1.5" }} {{ atoi "x" }}', '42 7 2 1.5 0'],
    ['{{ typeOf "a" }} {{ typeOf 1 }} {{ typeOf 1.5 }} {{ typeOf .list }} {{ kindOf (list) }} {{ kindIs "map" (dict) }} {{ deepEqual (list 1) (list 1) }}', 'string int float64 []interface {} slice true true'],
  ]);

  table('semver', [
    ['{{ semverCompare "^1.2.0" "1.4.5" }} {{ semverCompare "~1.2.0" "1.3.0" }} {{ semverCompare ">=1.0, <2.0" "1.5.0" }} {{ semverCompare "1.x" "1.9.1" }}', 'true false true true'],
    ['{{ semverCompare ">1.0.0" "1.0.1-beta" }} {{ semverCompare "1.2.3 - 1.4" "1.3.9" }} {{ semverCompare "<1 || >=3" "3.1.0" }}', 'false true true'],
    ['{{ (semver "v1.2.3-rc.1").Major }} {{ (semver "1.2.3-rc.1").Prerelease }}', '1 rc.1'],
  ]);

  table('Argo CD additions: normalize, slugify', [
    ['{{ normalize "Hello_World.Com" }} {{ normalize "--A--" }} {{ slugify "Hello World" }} {{ slugify "Feature/ABC_123 Fix!" }}', 'hello-world.com a hello-world feature-abc-123-fix'],
    ['{{ slugify 5 "Hello World" }} {{ slugify 7 false "Hello World" }} {{ slugify 3 "Hello" }}', 'hello hello-w hel'],
  ]);
});
