/**
 * A snippet module's TypeScript as a script the browser runner can run, by
 * Sucrase (types stripped, `import`/`export` turned into `require` and
 * `exports`): the text of an async function taking `(require, exports,
 * __meta)`, where `__meta` stands for `import.meta` (`main`, `url`). The
 * build compiles every runnable module with it for Run, and the page
 * compiles the reader's edited text with the same function for Edit and
 * run, so the two take one road. Sucrase strips types and does not check
 * them: an edit with a type error still runs, as `node file.ts` runs it.
 */
import { transform } from 'sucrase';

/** The name `import.meta` is read from in compiled code. */
export const META = '__meta';

/** An edit Sucrase cannot parse, with the line and column it stopped at (1-based). */
export class CompileError extends Error {
  readonly line?: number;
  readonly column?: number;
  constructor(message: string, line?: number, column?: number) {
    super(message);
    this.name = 'CompileError';
    this.line = line;
    this.column = column;
  }
}

/** `source` compiled to a function expression's text; `file` names it in errors. */
export function compileModule(source: string, file: string): string {
  let code: string;
  try {
    // Dynamic import() becomes a require too, so it finds the module's dependencies the same way.
    code = transform(source, { transforms: ['typescript', 'imports'], filePath: file, production: true, disableESTransforms: true }).code;
  } catch (error) {
    const loc = (error as { loc?: { line: number; column: number } }).loc;
    // Sucrase says "Error transforming x.ts: Unexpected token (2:11)", its column 1-based.
    const message = (error as Error).message.replace(/^Error transforming [^:]*: /, '').replace(/\s*\(\d+:\d+\)$/, '');
    throw new CompileError(loc ? `${file}:${loc.line}:${loc.column}: ${message}` : `${file}: ${message}`, loc?.line, loc?.column);
  }
  // Sucrase leaves import.meta; a function cannot hold it, so it reads a variable instead.
  code = code.replace(/\bimport\s*\.\s*meta\b/g, META);
  // An async function: a module's top-level await stays legal. The body starts on the
  // function's first line, so a stack trace's line numbers are the source's.
  return `(async function (require, exports, ${META}) {${code}\n})`;
}

/** The specifiers a compiled module requires, in order, once each: what its dependencies bundle must provide. */
export function requiredSpecifiers(compiled: string): string[] {
  const found = new Set<string>();
  for (const match of compiled.matchAll(/\brequire\((['"])([^'"]+)\1\)/g)) found.add(match[2]!);
  return [...found];
}
