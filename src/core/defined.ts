/**
 * An object without its undefined members. Under `exactOptionalPropertyTypes` a member that is
 * undefined does not fit an optional one (`{ epoch: undefined }` is not a `{ epoch?: number }`), which
 * `...(epoch !== undefined ? { epoch } : {})` said member by member; `defined({ iteration, epoch })` says
 * it once. Members keep their order, so JSON written from the result is what the spreads gave, byte for
 * byte. Browser-safe.
 */

/** T with each member that may be undefined made optional and never undefined. */
export type Defined<T> = {
  [K in keyof T as undefined extends T[K] ? never : K]: T[K];
} & {
  [K in keyof T as undefined extends T[K] ? K : never]?: Exclude<T[K], undefined>;
};

/**
 * `fields` without the members whose value is undefined (null, 0, '' and false stay).
 * @example defined({ iteration: 3, epoch: undefined, cost: 0 }) // => { iteration: 3, cost: 0 }
 */
export function defined<T extends object>(fields: T): Defined<T> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) out[key] = value;
  return out as Defined<T>;
}
