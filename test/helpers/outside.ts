/**
 * HDF5 files whose data lives outside them, for the tests of a confined read (a worker's --data-root):
 * one with external links, one with external storage, and a probe that tells whether a file was read.
 */
import { copyFileSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import h5wasm from 'h5wasm/node';

/** 10 examples of 4 float32 features (0, 1, ..., 39 row by row) and labels 0, 1, 0, 1, ... */
const X = Float32Array.from({ length: 40 }, (_, i) => i);
const Y = BigInt64Array.from({ length: 10 }, (_, i) => BigInt(i % 2));

/**
 * `inside/links.h5`, whose datasets x and y are external links to `outside/secret.h5` (written too).
 * Returns both paths.
 */
export async function externalLinks(inside: string, outside: string): Promise<{ file: string; target: string }> {
  await h5wasm.ready;
  const target = join(outside, 'secret.h5');
  let f = new h5wasm.File(target, 'w');
  f.create_dataset({ name: 'x', data: X, shape: [10, 4] });
  f.create_dataset({ name: 'y', data: Y, shape: [10] });
  f.close();
  const file = join(inside, 'links.h5');
  f = new h5wasm.File(file, 'w');
  f.create_external_link(target, '/x', 'x');
  f.create_external_link(target, '/y', 'y');
  f.close();
  return { file, target };
}

/**
 * `inside/storage.h5`, whose dataset x keeps its values in `outside/secret.bin` (HDF5 external storage;
 * y is in the file). h5wasm cannot write external storage, so the file is test/fixtures/data/
 * external-storage.h5, made by h5py:
 *
 *     name = 'EXTERNAL-STORAGE-' + 'X' * 223
 *     with h5py.File('external-storage.h5', 'w', libver='earliest') as f:
 *         f.create_dataset('x', shape=(10, 4), dtype='<f4', external=[(name, 0, 160)])
 *         f.create_dataset('y', data=(np.arange(10) % 2).astype('<i8'))
 *
 * with the placeholder name (in the file's local heap, which has no checksum) written over here by the
 * path of the values, padded with NULs.
 */
export function externalStorage(inside: string, outside: string): { file: string; target: string } {
  const target = join(outside, 'secret.bin');
  writeFileSync(target, new Uint8Array(X.buffer));
  const bytes = readFileSync(new URL('../fixtures/data/external-storage.h5', import.meta.url));
  const placeholder = Buffer.from('EXTERNAL-STORAGE-' + 'X'.repeat(223));
  const at = bytes.indexOf(placeholder);
  if (at < 0 || Buffer.byteLength(target) >= placeholder.length) throw new Error('cannot place the external file name');
  bytes.fill(0, at, at + placeholder.length);
  bytes.write(target, at);
  const file = join(inside, 'storage.h5');
  writeFileSync(file, bytes);
  return { file, target };
}

/** A long time ago, as seconds since the epoch: access times are set to it, modification times after it. */
const PAST = 1_000_000_000;

/**
 * Marks files so that a read of any of them shows: their access time goes back before their modification
 * time, which relatime (Linux's default) then updates at the next read. Returns whether they are all
 * still unread, or undefined where this file system does not record reads (noatime), found by reading
 * a marked copy of the first file.
 */
export function readProbe(files: string[]): () => boolean | undefined {
  const control = `${files[0]!}.probe`;
  copyFileSync(files[0]!, control);
  for (const f of [...files, control]) utimesSync(f, PAST, PAST + 1000);
  readFileSync(control);
  const recorded = statSync(control).atimeMs !== PAST * 1000;
  return () => (recorded ? files.every((f) => statSync(f).atimeMs === PAST * 1000) : undefined);
}
