import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import type { ErrorLogEntry } from '../http/error-middleware.ts';
import {
  createEventApp, createEventSchema, handle, lengths, text, type NewEvent,
} from './input-schema.ts';

const NOW = new Date('2026-12-01T00:00:00Z');
const good = {
  organizer: 'ann_k', title: 'Meetup', visibility: 'public',
  venueId: '9007199254740993', capacity: 40,
  startsAt: '2027-01-15T18:00:00+01:00', endsAt: '2027-01-15T21:00:00+01:00',
};

function setup() {
  const saved: NewEvent[] = [];
  const logs: ErrorLogEntry[] = [];
  const app = createEventApp({
    log: (e) => logs.push(e), now: () => NOW,
    save: (event) => { saved.push(event); return `ev_${saved.length}`; },
  });
  const post = async (body: unknown) => {
    const res = await app.request('/events', {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    const raw = await res.text();
    return { res, raw, json: JSON.parse(raw) as Record<string, unknown> };
  };
  return { post, saved, logs };
}

type Issue = { pointer: string; code: string };
const errorsOf = (json: Record<string, unknown>) =>
  (json.errors as Issue[]).map((e) => `${e.pointer} ${e.code}`);
const schema = createEventSchema(() => NOW);
const codesFor = (input: unknown) => {
  const r = schema.safeParse(input);
  expect(r.success).toBe(false);
  return r.error!.issues.map((i) =>
    (i.code === 'custom' ? i.params?.code : i.code) as string);
};

describe('POST /events', () => {
  it('hands the handler parsed values, not the raw input', async () => {
    const { post, saved } = setup();
    const { res, json } = await post({ ...good, organizer: 'ＡＮＮ_ｋ',
      title: '  Cafe\u0301 meetup  ' });
    expect(res.status).toBe(201);
    expect(res.headers.get('Location')).toBe('/events/ev_1');
    const event = saved[0]!;
    expect(event.organizer).toBe('ann_k');
    expect(event.title).toBe('Caf\u00e9 meetup'); // NFC and trimmed
    expect(event.venueId).toBe(9007199254740993n); // exact, past 2^53
    expect(event.startsAt).toEqual(new Date('2027-01-15T17:00:00Z'));
    expect(event.tags).toEqual([]);
    expect(json.venueId).toBe('9007199254740993');
  });

  it('refuses an unknown key instead of dropping it', async () => {
    const { post, saved } = setup();
    const { res, json } = await post({ ...good, role: 'admin' });
    expect(res.status).toBe(422);
    expect(errorsOf(json)).toEqual(['#/role unknown_field']);
    expect(saved).toEqual([]);
  });

  it('refuses __proto__ and constructor keys; no prototype changes', async () => {
    const { post, saved } = setup();
    const body = JSON.stringify(good).replace('{',
      '{"__proto__":{"isAdmin":true},"constructor":{"prototype":{"x":1}},');
    const { res, json } = await post(body);
    expect(res.status).toBe(422);
    expect(errorsOf(json)).toEqual(
      ['#/__proto__ unknown_field', '#/constructor unknown_field']);
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    expect(saved).toEqual([]);
  });

  it('sends a 64-bit id as a JSON number to 400, not a rounded value', async () => {
    const { post, saved } = setup();
    const { res } = await post(JSON.stringify(good)
      .replace('"9007199254740993"', '9007199254740993'));
    expect(res.status).toBe(400);
    expect(saved).toEqual([]);
  });

  it('does not echo rejected values or log the body', async () => {
    const { post, logs } = setup();
    const title = 'secret\u202Etxt.exe';
    const { res, raw } = await post({ ...good, title });
    expect(res.status).toBe(422);
    expect(raw).not.toContain('secret');
    expect(JSON.stringify(logs)).not.toContain('secret');
  });

  it('accepts markup: validation is not output encoding', async () => {
    const { post, saved } = setup();
    const title = `<script>alert(1)</script> O'Brien`;
    const { res } = await post({ ...good, title });
    expect(res.status).toBe(201);
    expect(saved[0]!.title).toBe(title);
  });

  it('caps the body before parsing it', async () => {
    const { post, saved } = setup();
    const { res } = await post({ ...good, description: 'x'.repeat(70_000) });
    expect(res.status).toBe(413);
    expect(saved).toEqual([]);
  });
});

describe('text', () => {
  const title = text(80);
  it.each([
    ['a bidi override', 'abc\u202Eexe'],
    ['a zero-width space', 'pay\u200Bpal'],
    ['a NUL byte', 'a\u0000b'],
    ['a newline', 'two\nlines'],
    ['a lone surrogate', 'a\uD800b'],
    ['a private-use character', 'a\uE000'],
    ['an unassigned code point', 'a\u{E0080}'],
  ])('refuses %s', (_, value) => {
    const r = title.safeParse(value);
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]).toMatchObject(
      { code: 'custom', params: { code: 'forbidden_character' } });
  });

  it.each([
    ['accents in any script', 'Zoë, Łódź, 東京, كتاب, हिन्दी'],
    ['an emoji ZWJ sequence', 'family 👨‍👩‍👧 👍🏽'],
    ['punctuation and symbols', `O'Brien & co. — 100% €5`],
  ])('accepts %s', (_, value) => {
    expect(title.parse(value)).toBe(value.normalize('NFC'));
  });

  it('still passes blank-looking letters; handles stay ASCII', () => {
    expect(title.safeParse('a\u3164b').success).toBe(true); // Lo
    expect(handle.safeParse('ann\u3164k').success).toBe(false);
  });

  it('counts code points, after NFC', () => {
    expect(title.parse('🙂'.repeat(80))).toHaveLength(160);
    expect(title.safeParse('🙂'.repeat(81)).success).toBe(false);
    // 160 code points decomposed, 80 once composed: NFC runs first.
    expect(title.parse('e\u0301'.repeat(80))).toBe('\u00e9'.repeat(80));
  });

  it('trims before the minimum, so blank is too short', () => {
    const r = title.safeParse(' \u3000\t ');
    expect(r.error!.issues[0]).toMatchObject({ code: 'too_small' });
  });

  it('pins zod: .max() measures code points, not UTF-16 units', () => {
    expect(z.string().max(1).safeParse('🙂').success).toBe(true);
    expect(z.string().max(1).safeParse('ab').success).toBe(false);
  });
});

describe('handle', () => {
  it.each([
    ['full-width letters', 'ｐａｙ_ｔｅａｍ', 'pay_team'],
    ['a ligature', 'ﬁx_it', 'fix_it'],
    ['capitals', 'Ann_K', 'ann_k'],
    ['circled digits', 'team①', 'team1'],
  ])('folds %s with NFKC', (_, input, out) => {
    expect(handle.parse(input)).toBe(out);
  });

  it.each([
    ['a Cyrillic look-alike', 'pаypal'],
    ['a Greek look-alike', 'ραypal'],
    ['a path', '../admin'],
    ['a space', 'ann k'],
    ['two characters', 'ab'],
    ['31 characters', 'a'.repeat(31)],
    ['a huge string', 'a'.repeat(100_000)],
  ])('refuses %s', (_, input) => {
    expect(handle.safeParse(input).success).toBe(false);
  });

  it('stops at the raw cap: a long input is never normalized', () => {
    const normalize = vi.spyOn(String.prototype, 'normalize');
    try {
      const r = handle.safeParse('\uFDFA'.repeat(65)); // NFKC: 18 each
      expect(r.error!.issues.map((i) => i.code)).toEqual(['too_big']);
      expect(normalize).not.toHaveBeenCalled();
    } finally {
      normalize.mockRestore();
    }
  });
});

describe('createEventSchema', () => {
  it.each<[string, Record<string, unknown>, string[]]>([
    ['a missing field', { organizer: undefined }, ['invalid_type']],
    ['an option outside the allow-list', { visibility: 'PUBLIC' },
      ['invalid_value']],
    ['a string number', { capacity: '40' }, ['invalid_type']],
    ['a fractional capacity', { capacity: 1.5 }, ['invalid_type']],
    ['zero capacity', { capacity: 0 }, ['too_small']],
    ['an id with a leading zero', { venueId: '0123' }, ['invalid_format']],
    ['an id past 2^63 - 1', { venueId: '9223372036854775808' },
      ['out_of_range']],
    ['a date without an offset', { startsAt: '2027-01-15T18:00:00' },
      ['invalid_format']],
    ['February 30', { startsAt: '2027-02-30T18:00:00Z' },
      ['invalid_format']],
    ['the end before the start', { endsAt: '2027-01-15T17:00:00+01:00' },
      ['ends_before_start']],
    ['14 days and a second', { endsAt: '2027-01-29T18:00:01+01:00' },
      ['too_long_event']],
    ['tags equal once normalized', { tags: ['rust', 'ＲＵＳＴ'] },
      ['duplicate_tags']],
    ['11 tags', { tags: Array.from({ length: 11 }, (_, i) => `tag${i}`) },
      ['too_big']],
  ])('refuses %s', (_, change, codes) => {
    expect(codesFor({ ...good, ...change })).toEqual(codes);
  });

  it('runs cross-field rules only on fields that parsed', () => {
    // Both dates fail their format; the rules comparing them stay silent
    // instead of comparing strings, and other fields do not block them.
    expect(codesFor({ ...good, startsAt: 'soon', endsAt: 'later' }))
      .toEqual(['invalid_format', 'invalid_format']);
    expect(codesFor({ ...good, title: '',
      endsAt: '2027-01-15T17:00:00+01:00' }))
      .toEqual(['too_small', 'ends_before_start']);
  });

  it('accepts exactly 14 days', () => {
    expect(schema.safeParse({ ...good,
      endsAt: '2027-01-29T18:00:00+01:00' }).success).toBe(true);
  });

  it('uses the injected clock: now itself is already the past', () => {
    const at = (iso: string) => createEventSchema(() => new Date(iso))
      .safeParse(good);
    expect(at('2027-01-15T16:59:59.999Z').success).toBe(true);
    const r = at('2027-01-15T17:00:00Z');
    expect(r.error!.issues.map((i) => i.path.join('/'))).toEqual(['startsAt']);
  });
});

it('lengths measures four different things', () => {
  expect(lengths('👨‍👩‍👧')).toEqual(
    { utf16Units: 8, codePoints: 5, graphemes: 1, utf8Bytes: 18 });
  expect(lengths('e\u0301')).toEqual(
    { utf16Units: 2, codePoints: 2, graphemes: 1, utf8Bytes: 3 });
});
