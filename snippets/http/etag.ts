/**
 * Entity tags and the two conditional headers built on them (RFC 9110
 * §8.8.3, §13.1.1–13.1.2): `If-None-Match` for cache revalidation (304)
 * and `If-Match` for lost-update protection (412). Shared by the REST and
 * PUT/PATCH answers.
 */
import { createHash } from 'node:crypto';

// #region etag
/** A strong ETag for a JSON representation: same bytes, same tag. */
export function etagOf(representation: unknown): string {
  const body = JSON.stringify(representation);
  if (body === undefined) throw new TypeError('etagOf needs a JSON value');
  const digest = createHash('sha256').update(body).digest('base64url');
  return `"${digest.slice(0, 27)}"`;
}

// Members end at commas outside quotes: etagc allows commas, so "a,b" is
// one member, and "a,"b" one malformed member, not a tag "b".
const MEMBERS = /(?:[^",]|"[^"]*"?)+/g;
// A whole member: optional W/ (case-sensitive), then a quoted run of etagc
// (%x21 / %x23-7E / obs-text), spaces or tabs around it.
const TAG = /^[ \t]*((?:W\/)?"[!#-~\x80-\xff]*")[ \t]*$/;

/** Splits a list of entity tags; `*` stays. Malformed members drop out. */
export function parseEtags(header: string | null | undefined): string[] {
  if (!header) return [];
  if (header.trim() === '*') return ['*'];
  return (header.match(MEMBERS) ?? [])
    .flatMap((member) => TAG.exec(member)?.[1] ?? []);
}

const opaque = (tag: string) => tag.replace(/^W\//, '');

/** `If-None-Match` matches (weak comparison, §13.1.2): answer 304. */
export function ifNoneMatchHits(
  header: string | null | undefined,
  current: string,
): boolean {
  const tags = parseEtags(header);
  return tags.includes('*') || tags.some((t) => opaque(t) === opaque(current));
}

/** `If-Match` holds (strong comparison, §13.1.1); no header holds. */
export function ifMatchHolds(
  header: string | null | undefined,
  current: string | undefined,
): boolean {
  if (header === null || header === undefined) return true;
  const tags = parseEtags(header);
  if (current === undefined) return false;
  if (tags.includes('*')) return true;
  return !current.startsWith('W/') && tags.includes(current);
}
// #endregion etag
