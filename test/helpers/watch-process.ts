import { spawn, type ChildProcess } from 'node:child_process';
import { BIN, REPO_ROOT } from './paths.js';

export type WatchEvent = { apiVersion: string; kind: string; type: string; time: string; workload: string; config: string; key: string | null; pods: number; protectedBy: string | null; precision?: string; changedAt?: string };
type Event = WatchEvent;

/** `kstale watch` as a user runs it: a separate process, JSON lines on stdout, SIGTERM to stop. */
export class WatchProcess {
  readonly child: ChildProcess;
  stdout = '';
  stderr = '';
  exit: Promise<number | null>;
  constructor(args: string[]) {
    this.child = spawn(process.execPath, [BIN, 'watch', ...args], { cwd: REPO_ROOT, env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', HOME: '/nonexistent-home' }, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout!.on('data', (chunk) => (this.stdout += chunk));
    this.child.stderr!.on('data', (chunk) => (this.stderr += chunk));
    this.exit = new Promise((resolve) => this.child.on('close', resolve));
  }
  events(): Event[] {
    return this.stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Event);
  }
  async until<T>(what: string, check: () => T | undefined | false, timeoutMs = 8000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = check();
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\nstdout:\n${this.stdout}\nstderr:\n${this.stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
  metricsUrl(): Promise<string> {
    return this.until('the metrics address', () => /serving metrics on (\S+)\/metrics/.exec(this.stderr)?.[1]);
  }
}

