/**
 * The one runner build: every snippet module with a demo, compiled and
 * bundled for the reader's browser in one esbuild call (plus one per vendor
 * script), or marked Node-only with the reason. For each runnable module M
 * it yields M compiled (compile-module.ts: the page sends it, or the
 * reader's edit compiled the same way, into the sandbox), M's source (for
 * the editor), and the scripts the worker loads before M: the prelude, the
 * vendor scripts M needs and M's deps script (run-entries.ts). Blockers
 * (a Node built-in without a shim, a server package, a name a shim lacks)
 * are recorded by importer; the metafile maps each deps script to its
 * inputs, so a blocker marks only the modules whose graph holds it.
 */
import * as esbuild from 'esbuild';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { BROWSER_EXCEPTIONS } from './browser-exceptions.ts';
import { compileModule, requiredSpecifiers } from './compile-module.ts';
import { pgliteTemplate, pgliteVersion, tarGz } from './pglite-data.ts';
import { type Blocker, reasonFor, serverPackage } from './node-only-reasons.ts';
import { asClassicScript, depsEntry, isPackage, isPglite, packageFamily, packageOf, packageStub, vendorEntry } from './run-entries.ts';
import { GLOBAL_SHIMS, globalsUsed, REPLACED, RUNNER, SHIMS, sourceBlockers } from './shims.ts';

/** What the build says of one module (keyed by its path under snippets/). */
export type RunModule =
  | {
      runnable: true;
      /** M compiled: the text of an async function (compile-module.ts). */
      main: string;
      /** What the worker loads first, in order: the prelude, vendor scripts, M's deps script. */
      scripts: string[];
      /** M's TypeScript as written, for the editor. */
      source: string;
      /** When M starts PGlite: the empty cluster's tar in `_run/` (pglite-data.ts); the page sends it with PGlite's files. */
      pglite?: string;
    }
  | { runnable: false; reason: string };

export interface RunManifest {
  modules: Record<string, RunModule>;
}

/** A build's result: the manifest and the files it names (all under `_run/`). */
export interface RunBuild {
  manifest: RunManifest;
  files: Map<string, string | Uint8Array>;
}

const OPTIONS = {
  bundle: true, platform: 'browser', format: 'esm', target: 'es2023', write: false, logLevel: 'silent',
  minify: true, legalComments: 'none', outdir: '/run',
  // A classic worker has no import.meta; PGlite reads its URL only to fetch files the page sends instead.
  // import.meta.main is false wherever the loader did not set it: only M runs its demo.
  define: { 'process.env.NODE_ENV': '"production"', 'import.meta.url': '"https://run.invalid/"', 'import.meta.main': 'false' },
} as const satisfies esbuild.BuildOptions;

/** A file's name in `_run/`: a hash of its text, so a changed file is a new name and may be cached forever. */
const named = (files: Map<string, string | Uint8Array>, text: string | Uint8Array, ext: string): string => {
  const name = `${createHash('sha256').update(text).digest('hex').slice(0, 16)}${ext}`;
  files.set(name, text);
  return name;
};

/** Builds every module in `modules` (paths under snippets/) for the browser; `root` is the repository root. */
export async function buildRunFiles(root: string, modules: readonly string[]): Promise<RunBuild> {
  const files = new Map<string, string | Uint8Array>();
  const blockers = new Map<string, Blocker[]>();
  const block = (b: Blocker) => blockers.set(b.importer, [...(blockers.get(b.importer) ?? []), b]);
  const result: Record<string, RunModule> = {};
  const candidates = new Map<string, { source: string; compiled: string; specifiers: string[]; globals: [string, string][] }>();
  for (const module of modules) {
    const exception = BROWSER_EXCEPTIONS[module];
    if (exception) {
      result[module] = { runnable: false, reason: exception };
      continue;
    }
    const path = `snippets/${module}`;
    const source = readFileSync(join(root, path), 'utf8');
    const compiled = compileModule(source, path);
    const specifiers = requiredSpecifiers(compiled);
    for (const b of sourceBlockers(source, path)) block(b);
    for (const s of specifiers) if (isPackage(s) && serverPackage(s)) block({ need: s, importer: path });
    candidates.set(module, { source, compiled, specifiers, globals: globalsUsed(source) });
  }

  const loaded: esbuild.Plugin = {
    name: 'handbook-runner',
    setup(build) {
      build.onResolve({ filter: /^run-deps:/ }, (args) => ({ path: args.path.slice('run-deps:'.length), namespace: 'run-deps' }));
      build.onLoad({ filter: /.*/, namespace: 'run-deps' }, (args) => ({
        contents: depsEntry(candidates.get(args.path.slice('snippets/'.length))!.specifiers, candidates.get(args.path.slice('snippets/'.length))!.globals),
        loader: 'js', resolveDir: join(root, dirname(args.path)),
      }));
      build.onResolve({ filter: /.*/ }, (args) => {
        const inPackage = args.importer.includes('/node_modules/');
        if (isBuiltin(args.path)) {
          // A package's own browser field decides for bare names; a `node:` import left in a
          // package (PGlite's, for Node only) fails only if a browser reaches it, which the output test would see.
          if (inPackage) return args.path.startsWith('node:') ? { path: args.path, external: true } : undefined;
          const importer = relative(root, resolve(root, args.importer));
          const shim = SHIMS[args.path] ?? SHIMS[`node:${args.path}`];
          // A shim lacking a name the importer imports was recorded when the importer loaded; left external, it builds.
          const lacking = blockers.get(importer)?.some((b) => b.need.startsWith(`${args.path}#`));
          if (shim && !lacking) return { path: join(RUNNER, shim) };
          if (!shim) block({ need: args.path, importer });
          return { path: args.path, external: true };
        }
        if (inPackage || !isPackage(args.path)) return undefined;
        if (serverPackage(args.path)) {
          block({ need: args.path, importer: relative(root, resolve(root, args.importer)) });
          return { path: args.path, external: true };
        }
        return { path: args.path, namespace: 'run-package' };
      });
      build.onLoad({ filter: /.*/, namespace: 'run-package' }, (args) => ({ contents: packageStub(args.path), loader: 'js' }));
      build.onLoad({ filter: /\.ts$/, namespace: 'file' }, (args) => {
        const path = relative(root, args.path);
        const replacement = REPLACED[path];
        if (replacement) return { contents: readFileSync(join(RUNNER, replacement), 'utf8'), loader: 'ts', resolveDir: dirname(join(RUNNER, replacement)) };
        if (!path.startsWith('snippets/')) return undefined;
        const source = readFileSync(args.path, 'utf8');
        for (const b of sourceBlockers(source, path)) block(b);
        return { contents: source.replaceAll('import.meta.main', 'false'), loader: 'ts' };
      });
    },
  };

  const entries = [...candidates.keys()].map((module) => ({ in: `run-deps:snippets/${module}`, out: `deps/${module.replace(/\.ts$/, '')}` }));
  const deps = await esbuild.build({
    ...OPTIONS, absWorkingDir: root, metafile: true, plugins: [loaded],
    // The snippet modules a deps script bundles get a shimmed Node global where they use it.
    inject: Object.values(GLOBAL_SHIMS).map((file) => join(RUNNER, file)),
    entryPoints: [...entries, { in: join(RUNNER, 'worker-prelude.ts'), out: 'prelude' }, { in: join(RUNNER, 'sandbox.ts'), out: 'sandbox' }],
  });
  const output = (out: string) => asClassicScript(deps.outputFiles.find((f) => f.path === `/run/${out}.js`)!.text);
  const prelude = named(files, output('prelude'), '.js');
  files.set('sandbox.js', output('sandbox'));

  // Each module's graph, from the metafile: what it bundled and the packages it reads.
  const graphs = new Map<string, { inputs: string[]; packages: string[] }>();
  for (const [out, meta] of Object.entries(deps.metafile.outputs)) {
    const module = meta.entryPoint?.startsWith('run-deps:') ? meta.entryPoint.slice('run-deps:snippets/'.length) : undefined;
    if (!module || !out.endsWith('.js')) continue;
    const inputs = Object.keys(meta.inputs).map((i) => i.replace(/^run-deps:/, ''));
    const packages = [...new Set([...inputs.filter((i) => i.startsWith('run-package:')).map((i) => i.slice('run-package:'.length)), ...candidates.get(module)!.specifiers.filter(isPackage)])];
    graphs.set(module, { inputs, packages });
  }

  // Modules whose graph holds no blocker need their packages in a vendor script; a package
  // that fails to bundle for the browser becomes a blocker of its own, and the vendor scripts are made again.
  let vendors: Vendors;
  const made = new Map<string, ReturnType<typeof vendorScript>>();
  for (;;) {
    const needed = new Set<string>();
    for (const [module, { inputs, packages }] of graphs) {
      const found = [...inputs, ...packages.map((p) => `run-package:${p}`)].flatMap((input) => blockers.get(input) ?? []);
      if (found.length) result[module] = { runnable: false, reason: reasonFor(found) };
      else packages.forEach((p) => needed.add(p));
    }
    const built = await vendorScripts(root, [...needed].sort(), made);
    if (!Array.isArray(built)) {
      vendors = built;
      break;
    }
    for (const b of packageBlockers(built, [...needed])) block(b);
  }
  const vendorNames = new Map([...vendors.scripts].map(([family, text]) => [family, named(files, text, '.js')]));
  const anyPglite = [...graphs].some(([module, { packages }]) => !result[module] && packages.some(isPglite));
  const cluster = anyPglite ? named(files, await tarGz(await pgliteTemplate(root, pgliteVersion(root))), '.tar.gz') : undefined;

  for (const [module, { packages }] of graphs) {
    if (result[module]) continue;
    const { source, compiled } = candidates.get(module)!;
    const usesPglite = packages.some(isPglite);
    const scripts = [prelude, ...vendorOrder(vendors, packages.map(packageFamily)).map((family) => vendorNames.get(family)!)];
    scripts.push(named(files, output(`deps/${module.replace(/\.ts$/, '')}`), '.js'));
    result[module] = { runnable: true, main: named(files, compiled, '.js'), scripts, source: named(files, source, '.ts.txt'), pglite: usesPglite ? cluster : undefined };
  }
  return { manifest: { modules: Object.fromEntries(Object.entries(result).sort(([a], [b]) => a.localeCompare(b))) }, files };
}

/** The vendor scripts by package family, and the families each reads from (loaded before it). */
interface Vendors {
  scripts: Map<string, string>;
  reads: Map<string, string[]>;
}

/**
 * The vendor scripts for `specifiers`, one per package family
 * (run-entries.ts); or the errors of the families that failed. Each family
 * is its own esbuild call, run at once, so a package that cannot bundle
 * fails only its family. A family reads another's package (drizzle-orm's
 * PGlite driver reads PGlite) from that one's script rather than bundling
 * it again.
 */
async function vendorScripts(root: string, specifiers: string[], made: Map<string, ReturnType<typeof vendorScript>>): Promise<Vendors | esbuild.Message[]> {
  const families = [...Map.groupBy(specifiers, packageFamily)];
  const built = await Promise.all(families.map(([family, own]) => {
    // A family already built with the same packages (before another failed) is not built again.
    const key = JSON.stringify(own);
    if (!made.has(key)) made.set(key, vendorScript(root, family, own, specifiers));
    return made.get(key)!;
  }));
  const errors = built.flatMap((b) => (Array.isArray(b) ? b : []));
  if (errors.length) return errors;
  const vendors: Vendors = { scripts: new Map(), reads: new Map() };
  built.forEach((b, i) => {
    if (Array.isArray(b)) return;
    vendors.scripts.set(families[i]![0], b.text);
    vendors.reads.set(families[i]![0], b.reads);
  });
  return vendors;
}

/** One family's vendor script and the families it reads, or the build's errors. */
async function vendorScript(root: string, family: string, own: string[], registered: string[]): Promise<{ text: string; reads: string[] } | esbuild.Message[]> {
  const reads = new Set<string>();
  const plugin: esbuild.Plugin = {
    name: 'handbook-vendor',
    setup(build) {
      build.onResolve({ filter: /^node:/ }, (args) => ({ path: args.path, external: true }));
      build.onResolve({ filter: /.*/ }, (args) => {
        if (!registered.includes(args.path) || packageFamily(args.path) === family) return undefined;
        reads.add(packageFamily(args.path));
        return { path: args.path, namespace: 'run-package' };
      });
      build.onLoad({ filter: /.*/, namespace: 'run-package' }, (args) => ({ contents: packageStub(args.path), loader: 'js' }));
    },
  };
  try {
    const result = await esbuild.build({
      // PGlite ships minified: minifying it again took ~1 s of CPU to save 15 KB (gzip) of a 3 MB download.
      ...OPTIONS, absWorkingDir: root, plugins: [plugin], minify: !own.some(isPglite),
      stdin: { contents: vendorEntry(own), resolveDir: root, loader: 'js', sourcefile: `vendor-${family}.js` },
    });
    return { text: asClassicScript(result.outputFiles[0]!.text), reads: [...reads] };
  } catch (error) {
    const errors = (error as esbuild.BuildFailure).errors;
    if (!errors?.length) throw error;
    return errors;
  }
}

/** The vendor scripts a module with packages of `families` loads, each after the ones it reads. */
function vendorOrder(vendors: Vendors, families: string[]): string[] {
  const order: string[] = [];
  const visit = (family: string) => {
    if (order.includes(family)) return;
    for (const read of vendors.reads.get(family) ?? []) visit(read);
    order.push(family);
  };
  [...new Set(families)].sort().forEach(visit);
  return order;
}

/**
 * A vendor build's errors as blockers of the packages they came from (a
 * package that needs a Node built-in the browser lacks), keyed
 * `run-package:<specifier>` like the modules' graphs. An error in a package
 * no module names (one a package depends on) fails the build, naming it.
 */
export function packageBlockers(errors: readonly esbuild.Message[], specifiers: readonly string[]): Blocker[] {
  return errors.flatMap((error) => {
    const file = error.location?.file ?? '';
    const pkg = /.*node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(file)?.[1];
    const users = specifiers.filter((s) => pkg !== undefined && packageOf(s) === pkg);
    if (!users.length) throw new Error(`the runner's vendor script failed to build: ${file}: ${error.text}`);
    const need = /Could not resolve "([^"]+)"/.exec(error.text)?.[1] ?? error.text;
    return users.map((s) => ({ need, importer: `run-package:${s}` }));
  });
}
