/**
 * A Go text/template engine with the Sprig subset Argo CD's ApplicationSet controller offers, for goTemplate mode.
 * Templates are parsed once per text and cached; execution is pure.
 */
import { Executor, type MissingKey, TemplateExecError } from './exec.ts';
import { templateFuncs } from './funcs.ts';
import { parseTemplate, TemplateParseError, type Parsed } from './parse.ts';
import type { GoValue } from './values.ts';

export { TemplateExecError } from './exec.ts';
export { TemplateParseError } from './parse.ts';
export type { GoValue, GoMap } from './values.ts';
export { fromJSON, toJSON, formatValue, formatFloat, sprintf } from './values.ts';
export { marshalJSON, marshalYAML } from './serialize.ts';
export { mergoMerge, deepCopy } from './funcs.ts';

const funcs = templateFuncs();
const cache = new Map<string, Parsed>();

export interface GoTemplateOptions {
  /** Go's `missingkey` option: `invalid`/`default` print "<no value>", `zero` gives the zero value, `error` fails. */
  missingKey?: MissingKey;
  /** The template's name in messages; Argo CD's is "base". */
  name?: string;
}

/** Reads `goTemplateOptions` (e.g. ["missingkey=error"]); an unknown option is an error, as Go panics on it. */
export function parseGoTemplateOptions(options: string[]): GoTemplateOptions {
  const out: GoTemplateOptions = {};
  for (const o of options) {
    const m = /^missingkey=(.*)$/.exec(o);
    if (!m) throw new TemplateParseError(`unrecognized option: ${o}`);
    const v = m[1];
    if (v === 'invalid' || v === 'default') out.missingKey = 'invalid';
    else if (v === 'zero' || v === 'error') out.missingKey = v;
    else throw new TemplateParseError(`unrecognized option: ${o}`);
  }
  return out;
}

export function parseGoTemplate(text: string, name = 'base'): Parsed {
  const key = `${name}\0${text}`;
  let p = cache.get(key);
  if (!p) {
    p = parseTemplate(text, name, (f) => funcs.has(f));
    if (cache.size > 5000) cache.clear();
    cache.set(key, p);
  }
  return p;
}

/** Parses (cached) and executes `text` with `data` as dot. Throws TemplateParseError or TemplateExecError. */
export function executeGoTemplate(text: string, data: GoValue, opts: GoTemplateOptions = {}): string {
  const parsed = parseGoTemplate(text, opts.name ?? 'base');
  return new Executor(parsed, funcs, opts.missingKey ?? 'invalid').run(data);
}

export function isTemplateError(err: unknown): err is TemplateExecError | TemplateParseError {
  return err instanceof TemplateExecError || err instanceof TemplateParseError;
}
