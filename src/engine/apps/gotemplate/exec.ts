/**
 * Executes a parsed template with Go's text/template semantics: how fields resolve on maps (and what a missing key
 * gives under each `missingkey` option), truthiness, range over slices, maps (sorted keys) and ints, variable
 * scoping, and the exact error texts ("map has no entry for key", "wrong type for value", …) users see in Argo CD.
 */
import { argString, type ArgNode, type CommandNode, type Node, type Parsed, type PipeNode } from './parse.ts';
import { formatValue, isMap, typeName, type GoValue } from './values.ts';

/** Parameter types of template functions: how Go converts (or refuses) each argument. */
export type ParamType = 'any' | 'string' | 'int' | 'float' | 'bool' | 'map' | 'slice' | 'value';

export interface GoFunc {
  params: ParamType[];
  variadic?: ParamType;
  fn: (...args: GoValue[]) => GoValue;
  /** and/or: arguments are evaluated one by one and the deciding one is returned. */
  lazy?: 'and' | 'or';
}

/** A function's own error return ("error calling X: <message>"). */
export class FuncError extends Error {}

export class TemplateExecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateExecError';
  }
}

export type MissingKey = 'invalid' | 'zero' | 'error';

class Break {}
class Continue {}

const ACTION_CONTEXT = 20;

function position(text: string, pos: number): { line: number; col: number } {
  let line = 1;
  let last = -1;
  for (let i = 0; i < pos && i < text.length; i++) {
    if (text[i] === '\n') {
      line++;
      last = i;
    }
  }
  return { line, col: pos - last - 1 };
}

/** Go's truth: false for invalid, nil, zero numbers, empty strings/collections. Undefined "ok" never happens here. */
export function isTrue(v: GoValue): boolean {
  if (v === undefined || v === null) return false;
  if (typeof v === 'string') return v.length > 0;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'bigint') return v !== 0n;
  if (typeof v === 'number') return v !== 0;
  if (Array.isArray(v)) return v.length > 0;
  return Object.keys(v).length > 0;
}

interface Var {
  name: string;
  value: GoValue;
}

export class Executor {
  private vars: Var[] = [];
  private node: { pos: number; ctx: string } | undefined;
  private out = '';
  private depth = 0;

  constructor(
    private readonly tmpl: Parsed,
    private readonly funcs: Map<string, GoFunc>,
    private readonly missingKey: MissingKey,
  ) {}

  errorf(msg: string): never {
    const name = this.tmpl.name;
    if (!this.node) throw new TemplateExecError(`template: ${name}: ${msg}`);
    const { line, col } = position(this.tmpl.text, this.node.pos);
    let ctx = this.node.ctx;
    if (ctx.length > ACTION_CONTEXT) ctx = ctx.slice(0, ACTION_CONTEXT) + '...';
    throw new TemplateExecError(`template: ${name}:${line}:${col}: executing "${name}" at <${ctx}>: ${msg}`);
  }

  private at(pos: number, ctx: string): void {
    this.node = { pos, ctx };
  }

  run(data: GoValue): string {
    this.vars = [{ name: '$', value: data }];
    this.walkList(data, this.tmpl.root);
    return this.out;
  }

  private walkList(dot: GoValue, list: Node[]): void {
    for (const n of list) this.walk(dot, n);
  }

  private walk(dot: GoValue, n: Node): void {
    switch (n.type) {
      case 'text':
        this.out += n.text;
        return;
      case 'action': {
        const v = this.evalPipeline(dot, n.pipe);
        if (!n.pipe.decl.length) this.out += v === undefined ? '<no value>' : formatValue(v);
        return;
      }
      case 'if':
      case 'with': {
        const mark = this.vars.length;
        const v = this.evalPipeline(dot, n.pipe);
        if (isTrue(v)) this.walkList(n.type === 'with' ? v : dot, n.list);
        else if (n.elseList) this.walkList(dot, n.elseList);
        this.vars.length = mark;
        return;
      }
      case 'range':
        this.walkRange(dot, n);
        return;
      case 'template': {
        this.at(n.pos, `template "${n.name}"`);
        const body = this.tmpl.defs.get(n.name);
        if (!body) this.errorf(`template "${n.name}" not defined`);
        if (this.depth >= 10000) this.errorf(`exceeded maximum template depth (100000)`);
        const newDot = n.pipe ? this.evalPipeline(dot, n.pipe) : undefined;
        const saved = this.vars;
        this.vars = [{ name: '$', value: newDot }];
        this.depth++;
        try {
          this.walkList(newDot, body);
        } finally {
          this.depth--;
          this.vars = saved;
        }
        return;
      }
      case 'break':
        throw new Break();
      case 'continue':
        throw new Continue();
    }
  }

  private walkRange(dot: GoValue, r: Extract<Node, { type: 'range' }>): void {
    this.at(r.pos, 'range');
    const mark = this.vars.length;
    const val = this.evalPipeline(dot, r.pipe);
    const inner = this.vars.length;
    const one = (index: GoValue, elem: GoValue): boolean => {
      if (r.pipe.decl.length) {
        if (r.pipe.isAssign) {
          if (r.pipe.decl.length > 1) this.setVar(r.pipe.decl[0]!, index);
          else this.setVar(r.pipe.decl[0]!, elem);
        } else this.vars[this.vars.length - 1]!.value = elem;
      }
      if (r.pipe.decl.length > 1) {
        if (r.pipe.isAssign) this.setVar(r.pipe.decl[1]!, elem);
        else this.vars[this.vars.length - 2]!.value = index;
      }
      try {
        this.walkList(elem, r.list);
      } catch (e) {
        if (e instanceof Break) return false;
        if (!(e instanceof Continue)) throw e;
      } finally {
        this.vars.length = inner;
      }
      return true;
    };
    let ran = false;
    try {
      if (Array.isArray(val)) {
        for (let i = 0; i < val.length; i++) {
          ran = true;
          if (!one(BigInt(i), val[i])) break;
        }
      } else if (isMap(val)) {
        const keys = Object.keys(val).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
        for (const k of keys) {
          ran = true;
          if (!one(k, val[k])) break;
        }
      } else if (typeof val === 'bigint') {
        if (r.pipe.decl.length > 1) this.errorf(`can't use ${val} to iterate over more than one variable`);
        for (let i = 0n; i < val; i++) {
          ran = true;
          // Ranging over an int binds the single variable to the index.
          if (!one(i, i)) break;
        }
      } else if (val !== undefined && val !== null) {
        this.at(r.pos, 'range');
        this.errorf(`range can't iterate over ${formatValue(val)}`);
      }
      if (!ran && r.elseList) {
        this.vars.length = inner;
        this.walkList(dot, r.elseList);
      }
    } finally {
      this.vars.length = mark;
    }
  }

  private setVar(name: string, value: GoValue): void {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      if (this.vars[i]!.name === name) {
        this.vars[i]!.value = value;
        return;
      }
    }
    this.errorf(`undefined variable: ${name}`);
  }

  private varValue(name: string): GoValue {
    for (let i = this.vars.length - 1; i >= 0; i--) if (this.vars[i]!.name === name) return this.vars[i]!.value;
    this.errorf(`undefined variable: ${name}`);
  }

  private evalPipeline(dot: GoValue, pipe: PipeNode): GoValue {
    let value: GoValue | typeof MISSING = MISSING;
    for (const cmd of pipe.cmds) {
      value = this.evalCommand(dot, cmd, value);
      // An interface{} holding nil digs down to "no value".
      if (value === null) value = undefined;
    }
    const v = value === MISSING ? undefined : value;
    for (const name of pipe.decl) {
      if (pipe.isAssign) this.setVar(name, v);
      else this.vars.push({ name, value: v });
    }
    return v;
  }

  private notAFunction(args: ArgNode[], final: GoValue | typeof MISSING): void {
    if (args.length > 1 || final !== MISSING) this.errorf(`can't give argument to non-function ${argString(args[0]!)}`);
  }

  private evalCommand(dot: GoValue, cmd: CommandNode, final: GoValue | typeof MISSING): GoValue {
    const first = cmd.args[0]!;
    switch (first.type) {
      case 'field':
        this.at(first.pos, argString(first));
        return this.evalFieldChain(dot, dot, first, first.idents, cmd.args, final);
      case 'chain': {
        this.at(first.pos, argString(first));
        const recv = this.evalArg(dot, 'value', first.node);
        return this.evalFieldChain(dot, recv, first, first.fields, cmd.args, final);
      }
      case 'identifier':
        return this.evalFunction(dot, first.name, first, cmd, cmd.args, final);
      case 'pipe':
        this.notAFunction(cmd.args, final);
        return this.evalPipeline(dot, first.pipe);
      case 'variable': {
        this.at(first.pos, argString(first));
        const v = this.varValue(first.idents[0]!);
        if (first.idents.length === 1) {
          this.notAFunction(cmd.args, final);
          return v;
        }
        return this.evalFieldChain(dot, v, first, first.idents.slice(1), cmd.args, final);
      }
    }
    this.at(first.pos, argString(first));
    this.notAFunction(cmd.args, final);
    switch (first.type) {
      case 'bool':
        return first.value;
      case 'dot':
        return dot;
      case 'nil':
        this.errorf('nil is not a command');
      // eslint-disable-next-line no-fallthrough
      case 'number':
        return this.idealConstant(first);
      case 'string':
        return first.value;
    }
  }

  private idealConstant(n: Extract<ArgNode, { type: 'number' }>): GoValue {
    const v = n.value;
    if (v.isFloat && !/^[+-]?0[xX]/.test(v.text) && !v.text.startsWith("'") && /[.eEpP]/.test(v.text)) return v.float!;
    if (v.isInt) return v.int!;
    this.errorf(`${v.text} overflows int`);
  }

  private evalFieldChain(dot: GoValue, receiver: GoValue, node: ArgNode, idents: string[], args: ArgNode[], final: GoValue | typeof MISSING): GoValue {
    const n = idents.length;
    let r = receiver;
    for (let i = 0; i < n - 1; i++) r = this.evalField(idents[i]!, [], MISSING, r);
    return this.evalField(idents[n - 1]!, args, final, r);
  }

  private evalField(name: string, args: ArgNode[], final: GoValue | typeof MISSING, receiver: GoValue): GoValue {
    if (receiver === undefined) {
      if (this.missingKey === 'error') this.errorf(`nil data; no entry for key "${name}"`);
      return undefined;
    }
    if (receiver === null) this.errorf(`nil pointer evaluating interface {}.${name}`);
    const hasArgs = args.length > 1 || final !== MISSING;
    if (isMap(receiver)) {
      if (hasArgs) this.errorf(`${name} is not a method but has arguments`);
      if (Object.prototype.hasOwnProperty.call(receiver, name)) return receiver[name];
      if (this.missingKey === 'zero') return null;
      if (this.missingKey === 'error') this.errorf(`map has no entry for key "${name}"`);
      return undefined;
    }
    this.errorf(`can't evaluate field ${name} in type ${typeName(receiver)}`);
  }

  private evalFunction(dot: GoValue, name: string, node: ArgNode, cmd: CommandNode, args: ArgNode[], final: GoValue | typeof MISSING): GoValue {
    this.at(node.pos, name);
    const f = this.funcs.get(name);
    if (!f) this.errorf(`"${name}" is not a defined function`);
    const callCtx = cmd.args.map(argString).join(' ');
    return this.evalCall(dot, f, cmd.pos, callCtx, name, args, final);
  }

  private evalCall(dot: GoValue, f: GoFunc, pos: number, ctx: string, name: string, argNodes: ArgNode[], final: GoValue | typeof MISSING): GoValue {
    const args = argNodes.slice(1);
    let numIn = args.length;
    if (final !== MISSING) numIn++;
    const numFixed = f.variadic ? f.params.length : args.length;
    if (f.variadic) {
      if (numIn < numFixed) this.errorf(`wrong number of args for ${name}: want at least ${f.params.length} got ${args.length}`);
    } else if (numIn !== f.params.length) {
      this.errorf(`wrong number of args for ${name}: want ${f.params.length} got ${numIn}`);
    }
    if (f.lazy) {
      // and/or evaluate lazily and return the deciding argument itself.
      const all: (ArgNode | { final: GoValue })[] = [...args, ...(final !== MISSING ? [{ final }] : [])];
      let v: GoValue = undefined;
      for (const a of all) {
        v = 'final' in a ? a.final : this.evalArg(dot, 'value', a);
        if (isTrue(v) === (f.lazy === 'or')) return v;
      }
      return v;
    }
    const argv: GoValue[] = [];
    let i = 0;
    for (; i < numFixed && i < args.length; i++) argv.push(this.evalArg(dot, f.params[i]!, args[i]!));
    if (f.variadic) for (; i < args.length; i++) argv.push(this.evalArg(dot, f.variadic, args[i]!));
    if (final !== MISSING) {
      let t: ParamType;
      if (f.variadic) t = numIn - 1 < numFixed ? f.params[numIn - 1]! : f.variadic;
      else t = f.params[f.params.length - 1]!;
      argv.push(this.validateType(final, t));
    }
    try {
      return f.fn(...argv);
    } catch (err) {
      if (err instanceof FuncError) {
        this.at(pos, ctx);
        this.errorf(`error calling ${name}: ${err.message}`);
      }
      if (err instanceof TemplateExecError) throw err;
      this.at(pos, ctx);
      this.errorf(`error calling ${name}: ${(err as Error)?.message ?? String(err)}`);
    }
  }

  /** Go's validateType: is the value assignable to the parameter, converting nothing. */
  private validateType(v: GoValue, t: ParamType): GoValue {
    if (t === 'value') return v;
    if (v === undefined) {
      if (t === 'any' || t === 'map' || t === 'slice') return null;
      this.errorf(`invalid value; expected ${goType(t)}`);
    }
    switch (t) {
      case 'any':
        return v;
      case 'string':
        if (typeof v === 'string') return v;
        break;
      case 'int':
        if (typeof v === 'bigint') return v;
        break;
      case 'float':
        if (typeof v === 'number') return v;
        break;
      case 'bool':
        if (typeof v === 'boolean') return v;
        break;
      case 'map':
        if (isMap(v)) return v;
        break;
      case 'slice':
        if (Array.isArray(v)) return v;
        break;
    }
    this.errorf(`wrong type for value; expected ${goType(t)}; got ${typeName(v)}`);
  }

  private evalArg(dot: GoValue, t: ParamType, n: ArgNode): GoValue {
    this.at(n.pos, argString(n));
    switch (n.type) {
      case 'dot':
        return this.validateType(dot, t);
      case 'nil':
        if (t === 'any' || t === 'map' || t === 'slice' || t === 'value') return null;
        this.errorf(`cannot assign nil to ${goType(t)}`);
      // eslint-disable-next-line no-fallthrough
      case 'field':
        return this.validateType(this.evalFieldChain(dot, dot, n, n.idents, [n], MISSING), t);
      case 'variable': {
        const v = this.varValue(n.idents[0]!);
        return this.validateType(n.idents.length === 1 ? v : this.evalFieldChain(dot, v, n, n.idents.slice(1), [n], MISSING), t);
      }
      case 'pipe':
        return this.validateType(this.evalPipeline(dot, n.pipe), t);
      case 'identifier': {
        const f = this.funcs.get(n.name);
        if (!f) this.errorf(`"${n.name}" is not a defined function`);
        return this.validateType(this.evalCall(dot, f, n.pos, n.name, n.name, [n], MISSING), t);
      }
      case 'chain': {
        const recv = this.evalArg(dot, 'value', n.node);
        this.at(n.pos, argString(n));
        return this.validateType(this.evalFieldChain(dot, recv, n, n.fields, [n], MISSING), t);
      }
    }
    switch (t) {
      case 'bool':
        if (n.type === 'bool') return n.value;
        this.errorf(`expected bool; found ${argString(n)}`);
      // eslint-disable-next-line no-fallthrough
      case 'string':
        if (n.type === 'string') return n.value;
        this.errorf(`expected string; found ${argString(n)}`);
      // eslint-disable-next-line no-fallthrough
      case 'int':
        if (n.type === 'number' && n.value.isInt) return n.value.int!;
        this.errorf(`expected integer; found ${argString(n)}`);
      // eslint-disable-next-line no-fallthrough
      case 'float':
        if (n.type === 'number' && n.value.isFloat) return n.value.float!;
        this.errorf(`expected float; found ${argString(n)}`);
      // eslint-disable-next-line no-fallthrough
      case 'any':
      case 'value':
        if (n.type === 'bool') return n.value;
        if (n.type === 'number') return this.idealConstant(n);
        if (n.type === 'string') return n.value;
        break;
    }
    this.errorf(`can't handle ${argString(n)} for arg of type ${goType(t)}`);
  }
}

const MISSING = Symbol('missing');

function goType(t: ParamType): string {
  switch (t) {
    case 'any':
    case 'value':
      return 'interface {}';
    case 'string':
      return 'string';
    case 'int':
      return 'int';
    case 'float':
      return 'float64';
    case 'bool':
      return 'bool';
    case 'map':
      return 'map[string]interface {}';
    case 'slice':
      return '[]interface {}';
  }
}
