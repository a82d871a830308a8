// Writes src/styles/code-tokens.css: a class for every colour of the two
// Shiki themes (src/lib/markdown/code-tokens.ts). Run after changing themes or
// upgrading Shiki; a unit test fails while the file is out of date.
// Usage: npm run gen:code-tokens
import { writeFileSync } from 'node:fs';
import { codeTokenCss, loadPalettes } from '../src/lib/markdown/code-tokens.ts';

const path = 'src/styles/code-tokens.css';
writeFileSync(path, codeTokenCss(await loadPalettes()));
console.log(`wrote ${path}`);
