/** The items before and after the first one matching `isCurrent`. */
export function neighbors<T>(sorted: readonly T[], isCurrent: (item: T) => boolean): { prev?: T; next?: T } {
  const index = sorted.findIndex(isCurrent);
  if (index === -1) throw new Error('neighbors: the current item is not in the list');
  return { prev: sorted[index - 1], next: sorted[index + 1] };
}
