// Every activation's values at sample points, computed by the TypeScript reference in float64, as a C++
// header for native/check/portable_check.cc: the check program holds the portable kernels to the
// reference for each member of ACTIVATION_CODES, so a new activation is checked there the moment it has
// a code (native-arm.test.ts writes the header beside the program it builds).
import { ACTIVATION_CODES } from '../../src/backend/kernel-spec.js';
import { ReferenceBackend } from '../../src/backend/reference.js';
import { zeros } from '../../src/core/matrix.js';

const ROWS = 5,
  COLS = 5;
/** Leaky ReLU's slope: exact in float32 too. */
const ALPHA = 0.125;

const list = (values: ArrayLike<number>) => Array.from(values, (v) => v.toPrecision(17)).join(', ');

/** The header: Z and dA (exact in float32), then A = g(Z) and dZ = dA·g'(Z) of each activation by code. */
export function activationSamplesHeader(): string {
  const be = new ReferenceBackend();
  const Z = zeros(ROWS, COLS, 'float64'),
    dA = zeros(ROWS, COLS, 'float64');
  for (let x = 0; x < Z.size; x++) {
    Z.data[x] = (x - 12) / 4; // -3 to 3
    dA.data[x] = (((x * 7) % 11) - 5) / 8;
  }
  const cases = Object.entries(ACTIVATION_CODES)
    .sort((a, b) => a[1] - b[1])
    .map(([kind, code]) => {
      const A = zeros(ROWS, COLS, 'float64'),
        dZ = zeros(ROWS, COLS, 'float64');
      be.activationForward(kind as keyof typeof ACTIVATION_CODES, Z, A, ALPHA);
      be.activationBackward(kind as keyof typeof ACTIVATION_CODES, dA, Z, A, dZ, ALPHA);
      return `    {${code}, "${kind}", {${list(A.data)}}, {${list(dZ.data)}}},`;
    });
  return [
    '// Written by test/backend/activation-samples.ts from the TypeScript reference (float64).',
    '#pragma once',
    'namespace samples {',
    `constexpr int kRows = ${ROWS}, kCols = ${COLS};`,
    `constexpr double kAlpha = ${ALPHA};`,
    `const double kZ[] = {${list(Z.data)}};`,
    `const double kdA[] = {${list(dA.data)}};`,
    'struct Case {',
    '  int code;',
    '  const char* name;',
    `  double A[${ROWS * COLS}], dZ[${ROWS * COLS}];`,
    '};',
    'const Case kCases[] = {',
    ...cases,
    '};',
    '}  // namespace samples',
    '',
  ].join('\n');
}
