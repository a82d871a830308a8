/**
 * JSON Merge Patch (RFC 7396): a patch that looks like the document it
 * changes. Members in the patch replace the target's, objects merge
 * member by member, `null` deletes, and anything that is not an object
 * (arrays included) replaces the target whole.
 * @see https://www.rfc-editor.org/rfc/rfc7396#section-2
 */

/** The media type a PATCH body must carry to mean "merge" (RFC 7396 §4). */
export const MERGE_PATCH_JSON = 'application/merge-patch+json';

/** Any value `JSON.parse` can return. */
export type JsonValue =
  | null | boolean | number | string | JsonValue[] | { [name: string]: JsonValue };

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

// #region merge-patch
/**
 * Applies `patch` to `target` as RFC 7396 §2 defines. Neither argument
 * is changed; the result shares the members the patch did not touch.
 * `target` is the stored document, `patch` a parsed request body.
 */
export function mergePatch(target: unknown, patch: JsonValue): unknown {
  // Arrays and scalars are not merged: they become the new value.
  if (!isObject(patch)) return patch;
  // A patch object applied to a non-object starts from {}.
  const result = new Map(Object.entries(isObject(target) ? target : {}));
  for (const [name, value] of Object.entries(patch)) {
    if (value === null) result.delete(name); // null means "remove"
    else result.set(name, mergePatch(result.get(name), value));
  }
  // fromEntries defines own properties, so a "__proto__" member in the
  // patch stays a plain member and never becomes the prototype.
  return Object.fromEntries(result);
}
// #endregion merge-patch

if (import.meta.main) {
  // RFC 7396 §3, abridged: change one member, delete one, replace an array.
  const target = {
    title: 'Goodbye!',
    author: { givenName: 'John', familyName: 'Doe' },
    tags: ['example', 'sample'],
  };
  const patch: JsonValue = {
    title: 'Hello!', author: { familyName: null }, tags: ['example'],
  };
  console.log(JSON.stringify(mergePatch(target, patch)));
}
