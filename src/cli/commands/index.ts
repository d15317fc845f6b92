import type { Command } from '../io.ts';
import { affects } from './affects.ts';
import { apps } from './apps.ts';
import { demo } from './demo.ts';
import { diff } from './diff.ts';
import { explain } from './explain.ts';
import { plan } from './plan.ts';
import { render } from './render.ts';
import { sandbox } from './sandbox.ts';
import { sync } from './sync.ts';
import { k3s } from './k3s.ts';

/** Every subcommand of `gitops-sandbox`. Each lives in its own module; add one line here per command. */
export const commands: Command[] = [
  demo,
  render,
  diff,
  plan,
  sandbox,
  sync,
  k3s,
  apps,
  explain,
  affects,
];
