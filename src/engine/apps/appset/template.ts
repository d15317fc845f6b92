/**
 * ApplicationSet templating (SET-1): fasttemplate mode (the default) and goTemplate mode, applied to every string
 * (and every map key) of an Application template, as the controller's Render.Replace and RenderTemplateParams do.
 */
import { executeGoTemplate, fromJSON, isTemplateError, type GoTemplateOptions, type GoValue } from '../gotemplate/index.ts';
import { isObj } from '../application.ts';

export type Params = Record<string, unknown>;

export interface RenderMode {
  goTemplate: boolean;
  options: GoTemplateOptions;
}

/** A templating failure, with the template text and where in the template it was. */
export class TemplateFailure extends Error {
  readonly path: (string | number)[];
  constructor(message: string, path: (string | number)[]) {
    super(message);
    this.name = 'TemplateFailure';
    this.path = path;
  }
}

/** Go's `.*{{.*}}.*` test: `.` never crosses a newline, so a tag split over lines is not a template. */
const TEMPLATED = /\{\{[^\n]*\}\}/;

/**
 * valyala/fasttemplate with Argo CD's tag function: the tag is trimmed, only string params are substituted, and
 * anything else (unknown tags, non-string values, empty tags) is written back verbatim with its original spacing.
 */
export function fastTemplate(tmpl: string, params: Params): string {
  if (!TEMPLATED.test(tmpl)) return tmpl;
  let out = '';
  let i = 0;
  for (;;) {
    const start = tmpl.indexOf('{{', i);
    if (start < 0) {
      out += tmpl.slice(i);
      return out;
    }
    out += tmpl.slice(i, start);
    const end = tmpl.indexOf('}}', start + 2);
    if (end < 0) {
      throw new Error(`invalid template: Cannot find end tag="}}" in the template=${JSON.stringify(tmpl)} starting from ${JSON.stringify(tmpl.slice(start + 2))}`);
    }
    const tag = tmpl.slice(start + 2, end);
    const trimmed = tag.trim();
    const v = params[trimmed];
    out += trimmed !== '' && typeof v === 'string' ? v : `{{${tag}}}`;
    i = end + 2;
  }
}

/** Render.Replace: one string through the mode's engine. Errors carry Argo CD's wording. */
export function replaceString(tmpl: string, params: Params | GoValue, mode: RenderMode): string {
  if (!mode.goTemplate) return fastTemplate(tmpl, params as Params);
  try {
    return executeGoTemplate(tmpl, params as GoValue, { ...mode.options, name: 'base' });
  } catch (err) {
    if (isTemplateError(err)) {
      const parse = err.name === 'TemplateParseError';
      throw new Error(parse ? `failed to parse template ${tmpl}: ${err.message}` : `failed to execute go template ${tmpl}: ${err.message}`);
    }
    throw err;
  }
}

/** Templating every string and key of a JSON value (nil map values are dropped, as the reflection walk skips them). */
export function replaceDeep(value: unknown, params: Params, mode: RenderMode, path: (string | number)[] = []): unknown {
  const goParams = mode.goTemplate ? fromJSON(params) : params;
  const walk = (v: unknown, p: (string | number)[]): unknown => {
    if (typeof v === 'string') {
      try {
        return replaceString(v, goParams, mode);
      } catch (err) {
        throw new TemplateFailure((err as Error).message, p);
      }
    }
    if (Array.isArray(v)) return v.map((x, i) => walk(x, [...p, i]));
    if (isObj(v)) {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) {
        if (x === null || x === undefined) continue;
        let key = k;
        try {
          key = replaceString(k, goParams, mode);
        } catch (err) {
          throw new TemplateFailure((err as Error).message, [...p, k]);
        }
        out[key] = walk(x, [...p, k]);
      }
      return out;
    }
    return v;
  };
  return walk(value, path);
}
