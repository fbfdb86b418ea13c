import { parentPort, workerData } from 'node:worker_threads';
import { runTaskForWire, type ParseTask } from './parse-tasks.js';

/* A parse worker (parallel.ts): takes the next task from the shared counter until none is left. */

const { tasks, counter } = workerData as { tasks: readonly ParseTask[]; counter: Int32Array };
for (let index = Atomics.add(counter, 0, 1); index < tasks.length; index = Atomics.add(counter, 0, 1)) {
  parentPort!.postMessage({ index, wire: runTaskForWire(tasks[index]!) });
}
