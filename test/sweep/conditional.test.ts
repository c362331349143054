/** A space that varies the optimizer: each trial keeps only the hyperparameters its optimizer takes. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { applicableArgs, conditionalPlan } from '../../src/sweep/conditional.js';
import { trialArgs } from '../../src/sweep/scheduler.js';
import { parseAxis, type SweepKey } from '../../src/sweep/space.js';
import { gridPlan, oneAtATimePlan, type Plan } from '../../src/sweep/strategies.js';
import { loadBuiltin, sweep, ValueError } from '../../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'lnn-conditional-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const proposals = (p: Plan) => (p as Extract<Plan, { kind: 'all' }>).proposals.map((q) => q.values);
const axes = (spec: Record<string, string[]>) => Object.entries(spec).map(([k, v]) => parseAxis(k as SweepKey, v));

test('a grid over momentum and adam: β for momentum only, adam once, and a note that says so', () => {
  const plan = conditionalPlan(gridPlan(axes({ optimizer: ['momentum', 'adam'], beta: ['0.8', '0.95'] })));
  assert.deepEqual(proposals(plan), [
    { optimizer: 'momentum', beta: '0.8' },
    { optimizer: 'momentum', beta: '0.95' },
    { optimizer: 'adam' },
  ]);
  assert.equal(
    (plan as { note?: string }).note,
    '1 of the 4 combinations repeated another once each kept only the hyperparameters its optimizer takes: 3 trials',
  );
});

test("gd takes none of them; adam keeps β1, β2 and ε; one-at-a-time's baseline stays first", () => {
  const grid = conditionalPlan(gridPlan(axes({ optimizer: ['gd', 'adam'], beta1: ['0.9'], epsilon: ['1e-7'] })));
  assert.deepEqual(proposals(grid), [{ optimizer: 'gd' }, { optimizer: 'adam', beta1: '0.9', epsilon: '1e-7' }]);
  const oaat = conditionalPlan(oneAtATimePlan(axes({ optimizer: ['momentum', 'gd'], beta: ['0.9', '0.5'] })));
  assert.deepEqual(proposals(oaat), [
    { optimizer: 'momentum', beta: '0.9' },
    { optimizer: 'gd' },
    { optimizer: 'momentum', beta: '0.5' },
  ]);
});

test("a fixed flag is cut only from trials that chose an optimizer that does not take it; train's rule stands otherwise", () => {
  const base = { beta: '0.9', lr: '0.01' };
  assert.deepEqual(trialArgs(base, { values: { optimizer: 'adam' } }), { lr: '0.01', optimizer: 'adam' });
  assert.deepEqual(trialArgs(base, { values: { optimizer: 'momentum' } }), { ...base, optimizer: 'momentum' });
  // The optimizer not chosen by the trial: nothing is cut, and the settings refuse --beta for adam.
  assert.deepEqual(applicableArgs({ optimizer: 'adam', beta: '0.9' }, false), { optimizer: 'adam', beta: '0.9' });
  // An unknown optimizer is left for the settings to refuse in their words.
  assert.deepEqual(applicableArgs({ optimizer: 'adamw', beta: '0.9' }, true), { optimizer: 'adamw', beta: '0.9' });
});

test('sweep() over optimizers with β fixed runs every optimizer; with the optimizer fixed, β for adam is refused', async () => {
  const d = loadBuiltin('iris');
  const out = await sweep({
    data: d,
    space: { optimizer: ['momentum', 'adam'] },
    beta: 0.9,
    iterations: 30,
    parallel: 1,
    dir: join(dir, 'optimizers'),
  });
  try {
    const values = out.trials.map((t) => t.values).sort((a, b) => String(a.optimizer).localeCompare(b.optimizer!));
    assert.deepEqual(values, [{ optimizer: 'adam' }, { optimizer: 'momentum' }]);
    assert.ok(out.trials.every((t) => t.status === 'ok'));
  } finally {
    out.model?.dispose();
  }
  await assert.rejects(
    sweep({
      data: d,
      space: { lr: [0.1, 0.01] },
      optimizer: 'adam',
      beta: 0.9,
      iterations: 30,
      dir: join(dir, 'fixed'),
    }),
    (e: unknown) =>
      e instanceof ValueError &&
      /beta does not apply to optimizer adam; adam takes beta1, beta2, epsilon/.test((e as Error).message),
  );
});
