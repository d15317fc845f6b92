/**
 * The tag yaml.v3 gives a plain (unquoted) scalar. FIRST CUT: the yaml agent replaces this with the exact rules of
 * yaml.v3's resolve.go (timestamps, base prefixes, underscores, .inf/.nan, …).
 */
export function resolvePlainTag(value: string): string {
  if (value === '' || value === '~' || value === 'null' || value === 'Null' || value === 'NULL') return '!!null';
  if (/^(true|True|TRUE|false|False|FALSE)$/.test(value)) return '!!bool';
  if (/^[-+]?(0|[1-9][0-9_]*)$/.test(value) || /^0x[0-9a-fA-F_]+$/.test(value) || /^0o?[0-7_]+$/.test(value)) return '!!int';
  if (/^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/.test(value) || /^[-+]?\.(inf|Inf|INF)$/.test(value) || /^\.(nan|NaN|NAN)$/.test(value)) return '!!float';
  if (/^\d{4}-\d\d?-\d\d?([Tt ].*)?$/.test(value)) return '!!timestamp';
  return '!!str';
}
