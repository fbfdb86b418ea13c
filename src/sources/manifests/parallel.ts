import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { resultFromWire, runTaskHere, type ParseTask, type TaskResult, type WireResult } from './parse-tasks.js';

/*
 * Parsing on every core. The main thread and the workers take tasks from one shared counter, so
 * a slow file or a busy core never leaves the others idle, and the main thread never waits for a
 * worker to start: with no worker at all it simply does every task. Answers are put back in task
 * order, so the result is the one a single thread gives.
 */

/** A cap, so that a large machine does not start dozens of threads (a V8 isolate each) for one command. */
export const MAX_JOBS = 8;

/*
 * Below this many cores the default is this thread alone. Measured on 2 vCPUs (issue 21): a
 * worker saved at most 5% on 173 YAML files (17 MB) and cost 10–20% on the corpus and on a 171 MB
 * dump. Its answer must be rebuilt here (JSON.parse of what it kept: about half the cost of the
 * parse it saved, for a dump's slimmed items), it starts with cold code (js-yaml runs slowly
 * until V8 has compiled it, again in every isolate), and V8's garbage collector already uses the
 * second core. `--jobs N` still asks for N threads.
 */
const MIN_CORES_FOR_WORKERS = 4;

/** --jobs by default: the cores this process may use, at most MAX_JOBS; 1 below MIN_CORES_FOR_WORKERS. */
export function defaultJobs(cores = availableParallelism()): number {
  return cores < MIN_CORES_FOR_WORKERS ? 1 : Math.min(MAX_JOBS, cores);
}

/**
 * Each task's answer, in task order, done by this thread and `jobs - 1` workers; undefined where
 * it must be done the usual way (a file that cannot be read, a worker that failed).
 */
export async function runParseTasks(tasks: readonly ParseTask[], jobs: number): Promise<TaskResult[]> {
  const results: TaskResult[] = new Array(tasks.length).fill(undefined);
  const counter = new Int32Array(new SharedArrayBuffer(4));
  const workers = Array.from({ length: Math.max(0, Math.min(jobs - 1, tasks.length - 1)) }, () => new Worker(new URL('./parse-worker.js', import.meta.url), { workerData: { tasks, counter } }));
  const finished = workers.map(
    (worker) =>
      new Promise<void>((resolve) => {
        worker.on('message', ({ index, wire }: { index: number; wire: WireResult }) => {
          results[index] = resultFromWire(wire);
        });
        // A worker that fails (it cannot start, it runs out of memory) only leaves its tasks to the usual way.
        worker.on('error', () => undefined);
        worker.on('exit', () => resolve());
      }),
  );
  for (let index = Atomics.add(counter, 0, 1); index < tasks.length; index = Atomics.add(counter, 0, 1)) {
    try {
      results[index] = runTaskHere(tasks[index]!);
    } catch {
      results[index] = undefined;
    }
  }
  await Promise.all(finished);
  return results;
}
