/**
 * Held-back data stays held back: a model knows the seeded split it was trained on (SplitRecord), so
 * evaluation on the same source scores its test part by default, makes the same split again to find
 * it (and checks that it is the same), and warns when asked to score examples the model trained on.
 * Browser-safe.
 */
import { DataError } from '../core/errors.js';
import { printable } from '../core/text.js';
import { inFileOrder, takeExamples, type Dataset } from '../data/dataset.js';
import { labelsHash, splitParts, type SplitRecord } from '../data/prepare/split-record.js';
import { UsageError, type Io, type Options } from './parse.js';
import type { Model } from '../train/model.js';

export const SUBSETS = ['train', 'dev', 'test', 'all'] as const;
/** The part of the model's source to score: its split's train, dev or test part, or every example. */
export type Subset = (typeof SUBSETS)[number];

/** The examples to score, which part they are, and what the user should hear about them. */
export interface SubsetChoice {
  data: Dataset;
  subset: Subset;
  /** The part was chosen by the model's split, not asked for: a note says which examples. */
  note?: string;
  /** Examples the model trained on are among them. */
  warning?: string;
}

/** Why `data` is not the data the split was made of; undefined when it is (same m, same labels in order). */
function otherData(split: SplitRecord, data: Dataset): string | undefined {
  if (data.X.cols !== split.m) return `m = ${data.X.cols}, not ${split.m}`;
  if (labelsHash(data) !== split.labels) return 'the same m but other labels';
  return undefined;
}

/** '(builtin:iris, --seed 1, --split auto)': the split in the words of the options that made it. */
function splitWords(split: SplitRecord): string {
  const ratios =
    typeof split.ratios === 'string' ? split.ratios : split.ratios.map((r) => +(100 * r).toFixed(4)).join(',');
  return `${printable(split.source)}, --seed ${split.seed}, --split ${ratios}`;
}

/** Why the split has no `part` in this source. */
function noPart(split: SplitRecord, part: 'dev' | 'test'): string {
  const file = part === 'dev' ? split.devFile : split.testFile;
  if (file !== undefined) return `its ${part} set was its own file, ${printable(file)}: evaluate on that file`;
  if (split.ratios === 'none') return 'it trained on all of it (--split none)';
  return `its split gave the ${part} part no examples`;
}

/** The warning for scoring all of the source: how many of its examples the model trained on. */
function mixedWarning(split: SplitRecord, owner: string): string {
  const rest = split.test > 0 ? `; --subset test scores the ${split.test} it never saw` : '';
  return `${trainedOn(split)} of these ${split.m} examples are ones ${owner} trained on (${splitWords(split)}${split.refit ? ', refit on train + dev' : ''}): the figure is not an estimate for new data${rest}`;
}

/** How many examples of the source the model trained on: train, and dev too after a refit. */
function trainedOn(split: SplitRecord): number {
  return split.train + (split.refit ? split.dev : 0);
}

/**
 * The examples of `data` to score for `asked` (undefined: the default). On the model's own source (same
 * m, same labels) the default is its test part; on other data, everything. `owner` names the model.
 * @throws UsageError for a part the model's split does not have or cannot tell (no split recorded),
 *   DataError for other data than the split's, or a split that does not come out the same again.
 */
export function heldBackSubset(
  split: SplitRecord | undefined,
  data: Dataset,
  asked: Subset | undefined,
  owner: string,
): SubsetChoice {
  const other = split ? otherData(split, data) : 'no split recorded';
  if (asked === undefined || asked === 'all') {
    if (!split || other) return { data, subset: 'all' };
    if (asked === undefined && split.test > 0 && split.testFile === undefined) {
      const note = `scoring the test part of ${printable(data.source)}: the ${split.test} of ${split.m} examples ${owner} held back (${splitWords(split)}); --subset all scores every example`;
      return { ...partOf(split, data, 'test', owner), note };
    }
    return trainedOn(split) > 0
      ? { data, subset: 'all', warning: mixedWarning(split, owner) }
      : { data, subset: 'all' };
  }
  if (!split)
    throw new UsageError(
      `--subset ${asked} needs the split ${owner} was trained on, and it records none (saved before lnn recorded splits); score every example with --subset all`,
    );
  if (other)
    throw new DataError(
      `--subset ${asked} takes part of the data ${owner} was split from (${splitWords(split)}, m = ${split.m}), and ${printable(data.source)} is other data (${other}); score it whole with --subset all`,
    );
  if (asked !== 'train' && split[asked] === 0)
    throw new UsageError(
      `--subset ${asked}: ${owner} has no ${asked} part in ${printable(data.source)}: ${noPart(split, asked)}`,
    );
  const choice = partOf(split, data, asked, owner);
  if (asked === 'train') {
    const warning = `these are the ${split.train} examples ${owner} trained on: their error is its training error, not an estimate for new data`;
    return { ...choice, warning };
  }
  if (asked === 'dev' && split.refit) {
    const warning = `these are the ${split.dev} dev examples ${owner} was refit on (train + dev): their error is a training error, not an estimate for new data`;
    return { ...choice, warning };
  }
  return choice;
}

/** The `part` of the split made again, in file order; refused when it does not come out as recorded. */
function partOf(split: SplitRecord, data: Dataset, part: 'train' | 'dev' | 'test', owner: string): SubsetChoice {
  const parts = splitParts(data, split);
  if (parts.order !== split.order)
    throw new DataError(
      `${printable(data.source)}: the split made again (${splitWords(split)}) does not give the example order ${owner} recorded, so which examples it trained on cannot be told; score every example with --subset all`,
    );
  return { data: inFileOrder(takeExamples(data, parts[part], `${data.source} (${part})`)), subset: part };
}

/** --subset, for the commands that score a saved model on data (`lnn eval`). */
export const subsetOption: Options = {
  subset: {
    type: 'string',
    value: 'PART',
    description:
      "which examples to score: 'test' (the model's held-back part of the source it was split from; the default on that source), 'dev', 'train' (with a warning: it trained on them) or 'all' (the default on other data)",
  },
};

/** heldBackSubset for a command (`asked` its --subset, `owner` the model's name in words): its note and warning on stderr. */
export function chooseSubset(
  model: Model,
  data: Dataset,
  { asked, owner }: { asked: Subset | undefined; owner: string },
  io: Io,
): { data: Dataset; subset: Subset } {
  const chosen = heldBackSubset(model.split, data, asked, owner);
  if (chosen.note) io.err(`note: ${chosen.note}\n`);
  if (chosen.warning) io.err(`warning: ${chosen.warning}\n`);
  return chosen;
}
