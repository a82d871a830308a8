import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { secret } from './secret.ts';
import { coerce, settings } from './settings.ts';

const Schema = z.object({
  server: z.object({
    port: z.number().default(3000),
    timeoutMs: z.number().optional(),
  }),
  session: z.object({
    secret: secret(z.string()),
    cookieSecure: z.boolean().default(true),
  }),
  smtp: secret(z.object({ user: z.string(), password: z.string() })),
});

describe('settings: one setting, three spellings', () => {
  it('derives variable and flag names from the schema', () => {
    const names = settings(Schema, 'APP_').map((s) => [s.path, s.env, s.flag]);
    expect(names).toEqual([
      ['server.port', 'APP_SERVER__PORT', '--server.port'],
      ['server.timeoutMs', 'APP_SERVER__TIMEOUT_MS', '--server.timeout-ms'],
      ['session.secret', 'APP_SESSION__SECRET', '--session.secret'],
      ['session.cookieSecure', 'APP_SESSION__COOKIE_SECURE',
        '--session.cookie-secure'],
      ['smtp.user', 'APP_SMTP__USER', '--smtp.user'],
      ['smtp.password', 'APP_SMTP__PASSWORD', '--smtp.password'],
    ]);
  });

  it('marks secret leaves, and every leaf of a secret section', () => {
    expect(settings(Schema, '').filter((s) => s.secret).map((s) => s.path))
      .toEqual(['session.secret', 'smtp.user', 'smtp.password']);
  });
});

describe('coerce', () => {
  const number = z.number().default(1);
  const flag = z.boolean().optional();

  it('turns digits into numbers and true/false into booleans', () => {
    expect(coerce('250', number)).toBe(250);
    expect(coerce('-1.5', number)).toBe(-1.5);
    expect(coerce('false', flag)).toBe(false);
    expect(coerce('true', flag)).toBe(true);
  });

  it('leaves anything else as text, for zod to reject with its name', () => {
    for (const raw of ['', ' 80', '8e3', '0x50', 'Infinity', '1_000']) {
      expect(coerce(raw, number)).toBe(raw);
    }
    for (const raw of ['yes', '1', 'TRUE', '']) expect(coerce(raw, flag)).toBe(raw);
    expect(coerce('80', z.string())).toBe('80');
  });
});
