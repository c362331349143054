/**
 * The checks a prebuilt addon passes before it is loaded. A package made by `npm pack` carries one
 * binary per platform and CPU, `prebuilds/<platform>-<arch>/lnn_native.node` (the prebuildify layout,
 * built by scripts/prebuild.mjs), and `prebuilds/SHA256SUMS`, which lists the SHA-256 of each binary
 * and of each source it was built from (`../binding.gyp`, `../native/...`; `sha256sum -c` reads it).
 * A binary is loaded only when it is listed with the SHA-256 it has (not damaged), is an ELF object for
 * this CPU (not foreign), and the sources beside it are those it was built from (not stale: a clone whose
 * native/ moved on builds its own). The checks catch accidents (a truncated copy, a binary in the wrong
 * folder, sources edited after `npm pack`), not an attacker who can write the package's files: such a
 * one could rewrite SHA256SUMS too. Node's file and hash functions come in as `io`: this file is
 * reachable from the browser bundle, which must not import Node modules.
 */

/** What the checks need from Node: file bytes and SHA-256. */
export interface PrebuildIO {
  /** The file's bytes, or undefined when there is no such file. */
  read(path: string): Uint8Array | undefined;
  /** The SHA-256 of the bytes, as 64 lowercase hex digits. */
  sha256(bytes: Uint8Array): string;
}

export type PrebuildCheck = { file: string } | { reason: string };

/** The file a package's prebuild for `platform`-`arch` would be, under the package root `root`. */
export function prebuildFile(root: string, platform: string, arch: string): string {
  return `${root}/prebuilds/${platform}-${arch}/lnn_native.node`;
}

/**
 * The prebuild for this platform and CPU if it passes every check, else why not (one line, naming the
 * file): missing, unchecked (no SHA256SUMS) or unlisted, foreign (an ELF object for another CPU, or
 * not an ELF object where Linux needs one), damaged (another SHA-256 than listed), or stale (a listed
 * source beside it has other bytes; a listed source that is absent is not held against it, as a package
 * pruned of sources can still run the binary).
 */
export function checkPrebuild(root: string, platform: string, arch: string, io: PrebuildIO): PrebuildCheck {
  const file = prebuildFile(root, platform, arch);
  const sumsFile = `${root}/prebuilds/SHA256SUMS`;
  const bytes = io.read(file);
  if (!bytes) return { reason: `no prebuild for ${platform}-${arch} (${file} is missing)` };
  const sumsBytes = io.read(sumsFile);
  if (!sumsBytes) return { reason: `${file} cannot be checked: ${sumsFile} is missing` };
  const sums = parseSums(new TextDecoder().decode(sumsBytes));
  const want = sums.get(`${platform}-${arch}/lnn_native.node`);
  if (!want) return { reason: `${file} is not listed in ${sumsFile}` };
  const foreign = foreignReason(bytes, platform, arch);
  if (foreign) return { reason: `${file} ${foreign}` };
  const got = io.sha256(bytes);
  if (got !== want)
    return {
      reason: `${file} is damaged: its SHA-256 is ${got.slice(0, 16)}…, ${sumsFile} lists ${want.slice(0, 16)}…`,
    };
  for (const [name, hash] of sums) {
    if (!name.startsWith('../')) continue;
    const source = io.read(`${root}/${name.slice(3)}`);
    if (source && io.sha256(source) !== hash)
      return { reason: `${file} was built from other sources: ${name.slice(3)} has changed since` };
  }
  return { file };
}

/** `sha256sum` lines ("HEX  NAME", or "HEX *NAME" for binary mode) as NAME → HEX; other lines are ignored. */
export function parseSums(text: string): Map<string, string> {
  const sums = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^([0-9a-f]{64}) [ *](.+)$/.exec(line.trimEnd());
    if (m) sums.set(m[2]!, m[1]!);
  }
  return sums;
}

/** The ELF e_machine of each CPU architecture Node names (process.arch). */
const ELF_MACHINES: Record<string, number> = {
  ia32: 3,
  arm: 40,
  x64: 62,
  arm64: 183,
  ppc64: 21,
  s390x: 22,
  riscv64: 243,
  loong64: 258,
};

/** The platforms whose addons are ELF shared objects. */
const ELF_PLATFORMS = new Set(['linux', 'freebsd', 'openbsd', 'netbsd', 'sunos', 'android']);

/**
 * Why the bytes cannot be an addon for `arch` (read from the ELF header: the magic, then e_machine, a
 * 16-bit field at offset 18 in the byte order EI_DATA names), or undefined. Only ELF platforms are checked.
 */
export function foreignReason(bytes: Uint8Array, platform: string, arch: string): string | undefined {
  if (!ELF_PLATFORMS.has(platform)) return undefined;
  const elf = bytes.length >= 20 && bytes[0] === 0x7f && bytes[1] === 0x45 && bytes[2] === 0x4c && bytes[3] === 0x46;
  if (!elf) return 'is not an ELF shared object';
  const machine = bytes[5] === 2 ? bytes[18]! * 256 + bytes[19]! : bytes[18]! + bytes[19]! * 256;
  const want = ELF_MACHINES[arch];
  if (want === undefined || machine === want) return undefined;
  const built = Object.entries(ELF_MACHINES).find(([, m]) => m === machine)?.[0] ?? `ELF machine ${machine}`;
  return `is built for ${built}, not ${arch}`;
}
