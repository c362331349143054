// A page's view of the workflow without Node (bundled by example.test.ts): a file path is refused in one
// line, the memory check takes what the browser tells, and rows and labels train on the wasm kernels.
import { defaultBackend, train } from '../../src/browser.js';
import { machineMemory } from '../../src/workflow/machine.js';

async function message(p: Promise<unknown>): Promise<string> {
  return p.then(
    () => 'no error',
    (e: Error) => `${e.name}: ${e.message}`,
  );
}

async function run(): Promise<unknown> {
  const rows = [
    [0, 0],
    [0, 1],
    [1, 0],
    [1, 1],
  ];
  const data = { rows, labels: ['a', 'b', 'b', 'a'] };
  const trained = await train({ data, hidden: [4], epochs: 2, split: 'none' });
  return {
    path: await message(train({ data: 'flowers.csv' })),
    init: await message(train({ data, init: 'params.json' })),
    huge: await message(train({ data, hidden: [100_000, 100_000], split: 'none' })),
    memory: machineMemory(),
    deviceMemory: (navigator as { deviceMemory?: number }).deviceMemory ?? null,
    backend: defaultBackend().name,
    trainedOn: trained.model.backend.name,
  };
}

(globalThis as { lnnChecks?: Promise<unknown> }).lnnChecks = run();
