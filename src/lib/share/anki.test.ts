import { describe, expect, it } from 'vitest';
import { type AnkiCard, ankiDeck, ankiField, ankiGuid, escapeHtml } from './anki.ts';

const card: AnkiCard = {
  id: 42,
  title: 'How do you securely store passwords?',
  summary: 'Hash them with Argon2id.',
  url: 'https://example.org/handbook/questions/password-storage/',
  difficulty: 'medium',
  topics: ['security', 'auth'],
};

/**
 * Reads the file back the way Anki's reader does (RFC 4180 quoting with a
 * tab separator), so the tests check a round trip rather than a spelling.
 */
function parse(text: string): { headers: string[]; rows: string[][] } {
  const lines = text.split('\n');
  const headers = lines.filter((l) => l.startsWith('#'));
  const body = lines.slice(headers.length).join('\n');
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (quoted) {
      if (c === '"' && body[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === '\t') row.push(field), (field = '');
    else if (c === '\n') row.push(field), rows.push(row), (row = []), (field = '');
    else field += c;
  }
  return { headers, rows };
}

describe('ankiDeck', () => {
  it('starts with the headers Anki reads: separator, HTML, note type, deck, columns, GUID and tags', () => {
    expect(parse(ankiDeck([card], 'Backend Interview Handbook')).headers).toEqual([
      '#separator:tab',
      '#html:true',
      '#notetype:Basic',
      '#deck:Backend Interview Handbook',
      '#columns:GUID\tFront\tBack\tTags',
      '#guid column:1',
      '#tags column:4',
    ]);
  });

  it('writes one note per card: stable GUID, "Q42 · title", answer with a link back, tags', () => {
    const { rows } = parse(ankiDeck([card, { ...card, id: 4, difficulty: 'easy', topics: ['http'] }], 'Deck'));
    expect(rows).toEqual([
      [
        'backend-interview-handbook-q42',
        'Q42 · How do you securely store passwords?',
        'Hash them with Argon2id.<br><br><a href="https://example.org/handbook/questions/password-storage/">Read the full answer</a>',
        'difficulty::medium topic::security topic::auth',
      ],
      expect.arrayContaining(['backend-interview-handbook-q4', 'difficulty::easy topic::http']),
    ]);
  });

  it('survives commas, quotes, tabs, newlines, HTML and non-ASCII in the text', () => {
    const tricky = { ...card, title: 'A, "B"\tand <C> & D?', summary: 'Line one, "quoted";\nline two\ttabbed <b>not bold</b> & Grüße → 東京 🚀' };
    const { rows } = parse(ankiDeck([tricky], 'Deck'));
    expect(rows).toHaveLength(1);
    const [guid, front, back, tags] = rows[0]!;
    expect(guid).toBe('backend-interview-handbook-q42');
    expect(front).toBe('Q42 · A, &quot;B&quot;\tand &lt;C&gt; &amp; D?');
    expect(back).toContain('Line one, &quot;quoted&quot;;<br>line two\ttabbed &lt;b&gt;not bold&lt;/b&gt; &amp; Grüße → 東京 🚀<br><br>');
    expect(tags).toBe('difficulty::medium topic::security topic::auth');
  });

  it('gives the same GUID for a question on every build, so re-importing updates notes', () => {
    expect(ankiGuid(42)).toBe(ankiGuid(42));
    expect(ankiGuid(42)).not.toBe(ankiGuid(4));
    expect(ankiGuid(1)).not.toMatch(/^#/);
  });

  it('refuses a relative link and a tag with a space, naming the question or tag', () => {
    expect(() => ankiDeck([{ ...card, url: '/questions/password-storage/' }], 'Deck')).toThrow('Q42: the Anki card links back to its page, so url must be absolute; got "/questions/password-storage/"');
    expect(() => ankiDeck([{ ...card, topics: ['api design'] }], 'Deck')).toThrow('Anki tag topic::api design must be lowercase');
  });
});

describe('ankiField', () => {
  it('leaves plain fields alone and quotes fields with a tab, quote or line break', () => {
    expect(ankiField('plain, with a comma; and semicolon')).toBe('plain, with a comma; and semicolon');
    expect(ankiField('a\tb')).toBe('"a\tb"');
    expect(ankiField('say "hi"')).toBe('"say ""hi"""');
    expect(ankiField('one\ntwo')).toBe('"one\ntwo"');
    expect(ankiField('one\r\ntwo')).toBe('"one\r\ntwo"');
  });
});

describe('escapeHtml', () => {
  it('escapes markup and turns line breaks into <br>', () => {
    expect(escapeHtml('<script>alert("x")</script> & co\r\nnext\rlast')).toBe('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co<br>next<br>last');
  });

  it('escapes an ampersand once, before the entities it writes', () => {
    expect(escapeHtml('&lt;')).toBe('&amp;lt;');
  });
});
