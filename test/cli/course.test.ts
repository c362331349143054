// The course's published runs on the cat / non-cat data, reproduced through `lnn train` and `lnn eval`
// exactly as a user would: .npy files written from the raw data, the course's initial parameters,
// float64, X/255, no split, batch gradient descent, α = 0.0075, 2500 iterations. Every published cost
// (every 100 iterations and at 2499) must match to 1e-8 relative, and the accuracies exactly.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { encodeNpy } from '../../src/data/read/npy.js';
import { lnn } from './run.js';
import { sharedData } from '../helpers/util.js';

const data = sharedData();
const cat = data && join(data, 'catvnoncat');

describe(
  'reproduces the course (deeplearning.ai C1W4 application)',
  { skip: cat ? false : 'needs ../shared/data/catvnoncat (absent in a user clone)', concurrency: true },
  () => {
    let dir = '';
    let published: {
      llayer: { costs_every_100: number[]; cost_2499: number };
      twolayer: { costs_every_100: number[]; cost_2499: number };
    };
    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'lnn-course-'));
      for (const s of ['train', 'test']) {
        const x = readFileSync(join(cat!, `${s}_x.u8`));
        const y = JSON.parse(readFileSync(join(cat!, `${s}_y.json`), 'utf8')) as number[];
        writeFileSync(join(dir, `${s}_x.npy`), encodeNpy([y.length, 64, 64, 3], x, '|u1'));
        writeFileSync(join(dir, `${s}_y.npy`), encodeNpy([y.length], y, '<i8'));
      }
      published = JSON.parse(readFileSync(join(cat!, 'course/published.json'), 'utf8'));
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    const cases = [
      {
        name: 'L-layer [12288, 20, 7, 5, 1]',
        key: 'llayer',
        dims: '12288,20,7,5,1',
        init: 'llayer_init_params.json',
        train: 206,
        test: 40,
      },
      {
        name: '2-layer [12288, 7, 1]',
        key: 'twolayer',
        dims: '12288,7,1',
        init: 'twolayer_init_params.json',
        train: 209,
        test: 36,
      },
    ] as const;
    for (const c of cases)
      test(`${c.name}: every published cost to 1e-8, train ${c.train}/209, test ${c.test}/50`, async () => {
        const model = join(dir, `${c.key}.json`);
        const t = await lnn([
          'train',
          '--x',
          join(dir, 'train_x.npy'),
          '--y',
          join(dir, 'train_y.npy'),
          '--dims',
          c.dims,
          '--init',
          join(cat!, 'course', c.init),
          '--dtype',
          'float64',
          '--normalize',
          'scale:255',
          '--split',
          'none',
          '--optimizer',
          'gd',
          '--lr',
          '0.0075',
          '--iterations',
          '2500',
          '--save',
          model,
          '--json',
          '--quiet',
        ]);
        assert.equal(t.code, 0, t.stderr);
        const out = JSON.parse(t.stdout) as { costs: { iteration: number; cost: number }[]; trainAccuracy: number };
        const pub = published[c.key];
        const expected = [
          ...pub.costs_every_100.map((cost, k) => ({ iteration: 100 * k, cost })),
          { iteration: 2499, cost: pub.cost_2499 },
        ];
        assert.deepEqual(
          out.costs.map((p) => p.iteration),
          expected.map((p) => p.iteration),
        );
        for (let k = 0; k < expected.length; k++) {
          const rel = Math.abs(out.costs[k]!.cost - expected[k]!.cost) / expected[k]!.cost;
          assert.ok(
            rel < 1e-8,
            `cost after iteration ${expected[k]!.iteration}: ${out.costs[k]!.cost} vs published ${expected[k]!.cost} (relative ${rel})`,
          );
        }
        assert.equal(Math.round(out.trainAccuracy * 209), c.train);
        const e = await lnn([
          'eval',
          '--model',
          model,
          '--x',
          join(dir, 'test_x.npy'),
          '--y',
          join(dir, 'test_y.npy'),
          '--json',
        ]);
        assert.equal(e.code, 0, e.stderr);
        const ev = JSON.parse(e.stdout) as { accuracy: number; correct: number; m: number };
        assert.equal(ev.m, 50);
        assert.equal(ev.correct, c.test);
        const tr = await lnn([
          'eval',
          '--model',
          model,
          '--x',
          join(dir, 'train_x.npy'),
          '--y',
          join(dir, 'train_y.npy'),
          '--json',
        ]);
        assert.equal(JSON.parse(tr.stdout).correct, c.train);
      });

    test("the course's HDF5 files directly: --init course --seed 1, and --test with its own (guessed) dataset names", async () => {
      const r = await lnn([
        'train',
        '--data',
        join(cat!, 'train_catvnoncat.h5'),
        '--test',
        join(cat!, 'test_catvnoncat.h5'),
        '--evaluate-test',
        '--hidden',
        '20,7,5',
        '--init',
        'course',
        '--seed',
        '1',
        '--dtype',
        'float64',
        '--normalize',
        'scale:255',
        '--split',
        'none',
        '--optimizer',
        'gd',
        '--lr',
        '0.0075',
        '--iterations',
        '101',
        '--json',
        '--quiet',
      ]);
      assert.equal(r.code, 0, r.stderr);
      const out = JSON.parse(r.stdout);
      assert.deepEqual(out.sizes, { train: 209, test: 50 });
      for (const k of [0, 1]) {
        const rel =
          Math.abs(out.costs[k].cost - published.llayer.costs_every_100[k]!) / published.llayer.costs_every_100[k]!;
        assert.ok(rel < 1e-8, `iteration ${out.costs[k].iteration}: ${out.costs[k].cost}`);
      }
      assert.equal(typeof out.testAccuracy, 'number');
    });

    test("--init course --seed 1 rebuilds the course's initial parameters (to the last bit libm allows)", async () => {
      const { initializeParametersDeep } = await import('../../src/nn/initializers.js');
      const ref = JSON.parse(readFileSync(join(cat!, 'course/llayer_init_params.json'), 'utf8')) as Record<
        string,
        number[][]
      >;
      const p = initializeParametersDeep([12288, 20, 7, 5, 1], { init: 'course', seed: 1 });
      let worst = 0;
      for (const [k, rows] of Object.entries(ref))
        rows.forEach((r, i) =>
          r.forEach((v, j) => (worst = Math.max(worst, Math.abs(v - p[k]!.get(i, j)) / (Math.abs(v) || 1)))),
        );
      // numpy's randn goes through the C library's log; V8's log may differ in the last bit.
      assert.ok(worst < 1e-14, `largest relative difference ${worst}`);
    });
  },
);
