/**
 * `generators:` and `transformers:` entries: kustomize plugin configurations. `kubectl kustomize` runs only its
 * builtin plugins (apiVersion `builtin`), configured from these files; external plugins are refused, as there.
 */
import { GitOpsError } from '../errors/index.ts';
import type { Located } from './decode.ts';
import type { Accumulator, Target } from './build.ts';

export async function runPluginGenerators(t: Target, _ra: Accumulator, entries: Located<string>[]): Promise<void> {
  throw new GitOpsError(`generators: plugin configurations are not supported yet (${t.kust.file})`, entries[0]!.at, 'unsupported');
}

export async function runPluginTransformers(t: Target, _ra: Accumulator, entries: Located<string>[]): Promise<void> {
  throw new GitOpsError(`transformers: plugin configurations are not supported yet (${t.kust.file})`, entries[0]!.at, 'unsupported');
}
