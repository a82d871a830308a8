/**
 * PostgreSQL reports every error with a five-character SQLSTATE: the first
 * two characters are the class, the last three the condition (Appendix A).
 * Code should branch on the code, never on the message text, which changes
 * between versions and is translated. This reads the code, and the names of
 * the constraint, column and table involved, from an error thrown by PGlite
 * or `pg`, and leaves out the message and detail: those quote the rejected
 * values ("Key (email)=(ann@example.com) already exists"), so they must not
 * reach a log line or a client.
 */

// #region sqlstate
/** Condition names from Appendix A for the codes these pages meet. */
export const CONDITIONS: Readonly<Record<string, string>> = {
  '22001': 'string_data_right_truncation',
  '22003': 'numeric_value_out_of_range',
  '22P02': 'invalid_text_representation',
  '23502': 'not_null_violation',
  '23503': 'foreign_key_violation',
  '23505': 'unique_violation',
  '23514': 'check_violation',
  '40001': 'serialization_failure',
  '42703': 'undefined_column',
  '55P03': 'lock_not_available',
};

const CLASSES: Readonly<Record<string, string>> = {
  '22': 'data_exception',
  '23': 'integrity_constraint_violation',
  '40': 'transaction_rollback',
  '42': 'syntax_error_or_access_rule_violation',
  '55': 'object_not_in_prerequisite_state',
};

export interface SqlState {
  code: string; // '23514'
  condition: string; // 'check_violation', or the class for other codes
  constraint?: string;
  column?: string;
  table?: string;
}

/** The SQLSTATE of a database error; undefined for any other error. */
export function sqlState(error: unknown): SqlState | undefined {
  const code = field(error, 'code');
  if (code === undefined || !/^[0-9A-Z]{5}$/.test(code)) return undefined;
  const cls = CLASSES[code.slice(0, 2)] ?? `class ${code.slice(0, 2)}`;
  const state: SqlState = { code, condition: CONDITIONS[code] ?? cls };
  for (const key of ['constraint', 'column', 'table'] as const) {
    const value = field(error, key);
    if (value !== undefined) state[key] = value;
  }
  return state;
}
// #endregion sqlstate

/**
 * A string property, or undefined; a throwing getter counts as absent.
 * PostgreSQL identifiers are at most 63 bytes (NAMEDATALEN - 1), so a
 * longer "name" is not one of its.
 */
function field(error: unknown, key: string): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  try {
    const value: unknown = (error as Record<string, unknown>)[key];
    return typeof value === 'string' && value.length <= 63 ? value : undefined;
  } catch {
    return undefined;
  }
}
