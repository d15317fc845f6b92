import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** A scratch git repository for a test, made with the real git CLI (the engine itself never runs git). */
export class ScratchRepo {
  readonly dir: string;
  constructor(prefix = 'gs-repo-') {
    this.dir = mkdtempSync(join(tmpdir(), prefix));
    this.git('init', '-q', '-b', 'main');
    this.git('config', 'user.email', 'test@example.com');
    this.git('config', 'user.name', 'Test');
    this.git('config', 'commit.gpgsign', 'false');
  }
  git(...args: string[]): string {
    return execFileSync('git', args, { cwd: this.dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  }
  write(files: Record<string, string>): void {
    for (const [p, text] of Object.entries(files)) {
      const abs = join(this.dir, p);
      mkdirSync(dirname(abs), { recursive: true });
      writeFileSync(abs, text);
    }
  }
  remove(path: string): void {
    rmSync(join(this.dir, path), { recursive: true, force: true });
  }
  commit(message: string): string {
    this.git('add', '-A');
    this.git('commit', '-q', '-m', message);
    return this.git('rev-parse', 'HEAD').trim();
  }
  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
