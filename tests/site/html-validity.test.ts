// Every built page through html-validate, with the repo's .htmlvalidate.mjs
// (html-validate:recommended; each tuned rule says why there).
import { join } from 'node:path';
import { FileSystemConfigLoader, HtmlValidate, type Message } from 'html-validate';
import { describe, expect, it } from 'vitest';
import { builtPages, DIST } from './dist.ts';

const validator = new HtmlValidate(new FileSystemConfigLoader());
const describeMessage = (file: string, m: Message) => `dist/${file}:${m.line}:${m.column}  ${m.ruleId}  ${m.message}  (${m.ruleUrl ?? 'html-validate.org/rules'})`;

describe('HTML validity', () => {
  it.each(builtPages().map((p) => [p.file, p.html]))('%s passes html-validate', async (file, html) => {
    // Validating the text under its dist/ path finds the config the CLI finds.
    const report = await validator.validateString(html, join(DIST, file));
    const problems = report.results.flatMap((r) => r.messages.map((m) => describeMessage(file, m)));
    expect(problems, problems.join('\n')).toEqual([]);
  });

  it('reports a real mistake with its line and rule', async () => {
    const broken = '<!DOCTYPE html><html lang="en"><head><title>x</title></head><body>\n<p><div>no</div></p></body></html>';
    const report = await validator.validateString(broken, join(DIST, 'broken.html'));
    const problems = report.results.flatMap((r) => r.messages.map((m) => describeMessage('broken.html', m)));
    expect(problems[0]).toMatch(/^dist\/broken\.html:2:2  no-implicit-close  /);
  });
});
