import { describe, expect, it } from 'vitest';
import { CONDITIONS, sqlState } from './sqlstate.ts';
import { useDatabase } from './use-database.ts';

describe('sqlState', () => {
  it('names the conditions the pages meet, as in Appendix A', () => {
    expect(sqlState({ code: '23505', constraint: 'users_email_key' }))
      .toEqual({ code: '23505', condition: 'unique_violation',
        constraint: 'users_email_key' });
    expect(sqlState({ code: '23502', column: 'name', table: 'products' }))
      .toEqual({ code: '23502', condition: 'not_null_violation',
        column: 'name', table: 'products' });
    expect(CONDITIONS['23514']).toBe('check_violation');
    expect(CONDITIONS['22P02']).toBe('invalid_text_representation');
    expect(CONDITIONS['22001']).toBe('string_data_right_truncation');
  });

  it('falls back to the class for a code it has no name for', () => {
    expect(sqlState({ code: '23P01' })?.condition)
      .toBe('integrity_constraint_violation');
    expect(sqlState({ code: '22012' })?.condition).toBe('data_exception');
    expect(sqlState({ code: 'XX000' })?.condition).toBe('class XX');
  });

  it('is undefined for anything that is not a database error', () => {
    for (const value of [undefined, null, 'boom', 42, new Error('boom'),
      { code: 'ECONNREFUSED' }, { code: '2350' }, { code: '23505 ' },
      { code: '23p02' }, { code: 23505 }]) {
      expect(sqlState(value)).toBeUndefined();
    }
  });

  it('never copies the message or detail, which quote the rejected values',
    () => {
      const state = sqlState({
        code: '23505', constraint: 'users_email_key', table: 'users',
        message: 'duplicate key value violates unique constraint',
        detail: 'Key (email)=(ann@example.com) already exists.',
      });
      expect(Object.keys(state!).sort())
        .toEqual(['code', 'condition', 'constraint', 'table']);
      expect(JSON.stringify(state)).not.toContain('ann@example.com');
    });

  it('survives hostile error objects', () => {
    const hostile = {
      code: '23514',
      get constraint(): string { throw new Error('getter'); },
      column: 'x'.repeat(64), // longer than any PostgreSQL identifier
      table: { toString: () => 'products' },
    };
    expect(sqlState(hostile)).toEqual({ code: '23514',
      condition: 'check_violation' });
    const trap = new Proxy({}, { get() { throw new Error('trap'); } });
    expect(sqlState(trap)).toBeUndefined();
  });
});

describe('sqlState on a real PostgreSQL error', () => {
  const db = useDatabase(
    'CREATE TABLE users (email text NOT NULL UNIQUE)',
    { reset: 'TRUNCATE users' });

  it('reads the code and constraint and leaves the email out', async () => {
    await db().query(`INSERT INTO users VALUES ('ann@example.com')`);
    const error = await db().query(
      `INSERT INTO users VALUES ('ann@example.com')`).catch((e: unknown) => e);
    expect((error as { detail: string }).detail).toContain('ann@example.com');
    expect(sqlState(error)).toEqual({ code: '23505',
      condition: 'unique_violation', constraint: 'users_email_key',
      table: 'users' });
  });
});
