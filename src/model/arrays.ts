/**
 * Appends every item of `items` to `into`. `into.push(...items)` passes each item as an argument
 * and throws a RangeError past about 120,000 of them (a large dump, a cluster's pods).
 */
export function appendAll<T>(into: T[], items: Iterable<T>): void {
  for (const item of items) into.push(item);
}
