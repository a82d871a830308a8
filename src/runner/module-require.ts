/**
 * The `require` a compiled module runs with in the worker: each specifier
 * the original module imports, as it writes it, from the table its deps
 * script registered (`self.__deps`, run-entries.ts). An edit that imports
 * anything else is refused with the list of what it may import: the page
 * bundled only what the original needs.
 */
export function moduleRequire(table: Readonly<Record<string, unknown>>): (specifier: string) => unknown {
  return (specifier) => {
    if (Object.hasOwn(table, specifier) && table[specifier] !== undefined) return table[specifier];
    const known = Object.keys(table);
    throw new Error(`Cannot import "${specifier}": the page can run only what the original module imports: ${known.join(', ') || 'nothing'}`);
  };
}
