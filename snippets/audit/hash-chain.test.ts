import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  canonicalJson, checkCheckpoint, demoKeys, GENESIS, hashRecord, link,
  signCheckpoint, verifyChain, type Chained,
} from './hash-chain.ts';

type Ev = { actor: string; action: string; n?: number };
function chainOf(count: number): Chained<Ev>[] {
  const out: Chained<Ev>[] = [];
  for (let i = 0; i < count; i++) {
    out.push(link(out.at(-1) ?? null, { actor: 'user:1', action: `a.${i}` }));
  }
  return out;
}
const copy = <T>(xs: T[]): T[] => xs.map((x) => ({ ...x }));

describe('canonicalJson', () => {
  it('gives the same bytes whatever the key order, at every depth', () => {
    const a = { b: 1, a: { d: [1, { z: null, y: true }], c: 'x' } };
    const b = JSON.parse('{"a":{"c":"x","d":[1,{"y":true,"z":null}]},"b":1}');
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(canonicalJson(a)).toBe('{"a":{"c":"x","d":[1,{"y":true,"z":null}]},"b":1}');
    // Which is exactly what JSON.stringify does not promise:
    expect(JSON.stringify(a)).not.toBe(JSON.stringify(b));
  });

  it('sorts keys by UTF-16 code unit and prints numbers as JavaScript does', () => {
    expect(canonicalJson({ é: 1, Z: 2, a: 3, '10': 4, '9': 5 }))
      .toBe('{"10":4,"9":5,"Z":2,"a":3,"é":1}');
    expect(canonicalJson([1e21, 0.1, -0, 1.0, 5e-324]))
      .toBe('[1e+21,0.1,0,1,5e-324]');
  });

  it('does not normalize Unicode, as RFC 8785 does not: store text as received', () => {
    const nfc = { name: 'Jos\u00e9' };
    const nfd = { name: 'Jose\u0301' };
    expect(nfc.name.normalize('NFC')).toBe(nfd.name.normalize('NFC'));
    expect(canonicalJson(nfc)).not.toBe(canonicalJson(nfd));
    expect(Buffer.byteLength(canonicalJson(nfd))).toBe(Buffer.byteLength(canonicalJson(nfc)) + 1);
  });

  it('refuses what JSON cannot carry exactly, naming where it is', () => {
    const cases: [unknown, RegExp][] = [
      [{ n: NaN }, /\$\.n: NaN is not a JSON number/],
      [{ n: Infinity }, /Infinity/],
      [{ big: 10n }, /\$\.big: bigint is not JSON \(send a bigint as a string\)/],
      [{ u: undefined }, /\$\.u: undefined is not JSON/],
      [[1, , 3], /\$\[1\]: undefined/], // eslint-disable-line no-sparse-arrays
      [{ f: () => 1 }, /function is not JSON/],
      [{ s: Symbol('x') }, /symbol is not JSON/],
      [{ when: new Date(0) }, /\$\.when: only plain objects \(found Date/],
      [{ m: new Map() }, /found Map/],
      [{ s: 'a\u0000b' }, /NUL/],
      [{ s: 'a\ud800b' }, /lone surrogate/],
    ];
    for (const [value, message] of cases) {
      expect(() => canonicalJson(value), String(message)).toThrow(message);
    }
  });

  it('refuses a cycle, and allows the same object twice', () => {
    const loop: Record<string, unknown> = { a: 1 };
    loop.self = { back: loop };
    expect(() => canonicalJson(loop)).toThrow(/\$\.self\.back: a cycle/);
    const shared = { x: 1 };
    expect(canonicalJson({ p: shared, q: shared })).toBe('{"p":{"x":1},"q":{"x":1}}');
  });

  it('refuses nesting deeper than 32 levels instead of overflowing the stack', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 32; i++) deep = [deep];
    expect(() => canonicalJson(deep)).not.toThrow();
    let deeper: unknown = 1;
    for (let i = 0; i < 100_000; i++) deeper = [deeper];
    expect(() => canonicalJson(deeper)).toThrow(/nested more than 32 deep/);
  });
});

describe('link', () => {
  it('starts at 1 from the genesis hash and chains each hash into the next', () => {
    const [a, b] = chainOf(2);
    expect(a).toMatchObject({ seq: 1, prevHash: GENESIS });
    expect(a!.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(b).toMatchObject({ seq: 2, prevHash: a!.hash });
    expect(b!.hash).toBe(hashRecord({ actor: 'user:1', action: 'a.1' }, 2, a!.hash));
  });

  it('covers the sequence number and the previous hash, not only the fields', () => {
    const fields = { actor: 'user:1', action: 'a.0' };
    const h = hashRecord(fields, 1, GENESIS);
    expect(hashRecord(fields, 2, GENESIS)).not.toBe(h);
    expect(hashRecord(fields, 1, 'f'.repeat(64))).not.toBe(h);
  });

  it('will not let the fields set the chain\'s own columns', () => {
    expect(() => link(null, { hash: 'x' })).toThrow(/hash is set by the chain/);
    expect(() => link(null, { seq: 9 })).toThrow(/seq is set by the chain/);
  });
});

describe('verifyChain', () => {
  it('accepts an intact chain and an empty one', () => {
    const chain = chainOf(5);
    expect(verifyChain(chain)).toEqual({ ok: true, count: 5, head: {
      seq: 5, hash: chain[4]!.hash } });
    expect(verifyChain([])).toEqual({ ok: true, count: 0, head: null });
  });

  it('finds an edited field at the record that was edited', () => {
    const chain = copy(chainOf(5));
    chain[2]!.action = 'role.revoke';
    expect(verifyChain(chain)).toMatchObject({ ok: false, seq: 3, problem: 'altered' });
  });

  it('finds a field added afterwards', () => {
    const chain = copy(chainOf(3));
    chain[1]!.n = 1;
    expect(verifyChain(chain)).toMatchObject({ ok: false, seq: 2, problem: 'altered' });
  });

  it('finds an edit whose hash was recomputed, at the next record', () => {
    const chain = copy(chainOf(5));
    const { seq, prevHash, hash, ...fields } = chain[2]!;
    chain[2] = link(chain[1]!, { ...fields, action: 'role.revoke' });
    expect(verifyChain(chain)).toMatchObject({ ok: false, seq: 4, problem: 'relinked' });
  });

  it('finds a deleted record, a deleted first record and a swap', () => {
    const chain = chainOf(5);
    expect(verifyChain([...chain.slice(0, 2), ...chain.slice(3)]))
      .toMatchObject({ ok: false, seq: 4, problem: 'gap', detail: 'expected record 3, found 4' });
    expect(verifyChain(chain.slice(1))).toMatchObject({ ok: false, seq: 2, problem: 'gap' });
    expect(verifyChain([chain[0]!, chain[2]!, chain[1]!]))
      .toMatchObject({ ok: false, seq: 3, problem: 'gap' });
  });

  it('finds a record renumbered to hide a deletion', () => {
    const chain = copy(chainOf(4));
    chain.splice(1, 1);
    chain[1]!.seq = 2;
    chain[2]!.seq = 3;
    expect(verifyChain(chain)).toMatchObject({ ok: false, seq: 2, problem: 'relinked' });
  });

  it('reports the first break when there are several', () => {
    const chain = copy(chainOf(6));
    chain[4]!.action = 'later';
    chain[1]!.action = 'earlier';
    expect(verifyChain(chain)).toMatchObject({ ok: false, seq: 2 });
  });

  it('continues from a trusted head, as verification a page at a time does', () => {
    const chain = chainOf(6);
    expect(verifyChain(chain.slice(3), chain[2]!)).toMatchObject({ ok: true, count: 3 });
    expect(verifyChain(chain.slice(3), chain[1]!)).toMatchObject({ ok: false, problem: 'gap' });
    const other = chainOf(3).map((r, i) => ({ ...r, action: `x.${i}` }));
    expect(verifyChain(chain.slice(3), { ...other[2]!, hash: 'f'.repeat(64) }))
      .toMatchObject({ ok: false, seq: 4, problem: 'relinked' });
  });

  it('continues from a signed checkpoint, which carries no prevHash', () => {
    const chain = chainOf(6);
    const { privateKey } = demoKeys();
    const cp = signCheckpoint(chain[2]!, '2026-12-02T10:00:00.000Z', privateKey);
    expect(verifyChain(chain.slice(3), cp)).toMatchObject({ ok: true, count: 3 });
    expect(verifyChain(chain.slice(3), { ...cp, hash: chain[1]!.hash }))
      .toMatchObject({ ok: false, seq: 4, problem: 'relinked' });
  });

  it('still verifies records whose fields come back in another key order', () => {
    const chain = chainOf(2).map((r) => ({ ...r, details: { b: 1, a: [2, { d: 3, c: 4 }] } }))
      .reduce<Chained<object>[]>((out, { seq, prevHash, hash, ...fields }) =>
        [...out, link(out.at(-1) ?? null, fields)], []);
    const reordered = chain.map((r) => JSON.parse(JSON.stringify(r,
      (_k, v: unknown) => (v && typeof v === 'object' && !Array.isArray(v)
        ? Object.fromEntries(Object.entries(v).reverse()) : v))) as Chained<object>);
    expect(JSON.stringify(reordered[0])).not.toBe(JSON.stringify(chain[0]));
    expect(verifyChain(reordered)).toMatchObject({ ok: true, count: 2 });
  });
});

describe('signed checkpoints', () => {
  const { privateKey, publicKey } = demoKeys();
  const AT = '2026-12-02T10:00:00.000Z';

  it('accepts the chain it was signed over, and records added since', () => {
    const chain = chainOf(4);
    const cp = signCheckpoint(chain[2]!, AT, privateKey);
    expect(cp).toMatchObject({ seq: 3, hash: chain[2]!.hash, at: AT });
    expect(checkCheckpoint(chain, cp, publicKey)).toBeNull();
  });

  it('catches a chain rebuilt from scratch, which verifies on its own', () => {
    const chain = chainOf(4);
    const cp = signCheckpoint(chain[3]!, AT, privateKey);
    const rebuilt: Chained<Ev>[] = [];
    for (const { seq, prevHash, hash, ...f } of chain) {
      rebuilt.push(link(rebuilt.at(-1) ?? null, seq === 2 ? { ...f, action: 'edited' } : f));
    }
    expect(verifyChain(rebuilt).ok).toBe(true);
    expect(checkCheckpoint(rebuilt, cp, publicKey)).toMatch(/record 4 differs .* chain rebuilt/);
  });

  it('catches the newest records dropped, which a chain alone cannot', () => {
    const chain = chainOf(5);
    const cp = signCheckpoint(chain[4]!, AT, privateKey);
    expect(verifyChain(chain.slice(0, 3)).ok).toBe(true);
    expect(checkCheckpoint(chain.slice(0, 3), cp, publicKey)).toMatch(/record 5 is missing/);
  });

  it('needs the newest checkpoint: an older one, replayed, vouches for a cut chain', () => {
    const chain = chainOf(5);
    const older = signCheckpoint(chain[2]!, AT, privateKey);
    const newest = signCheckpoint(chain[4]!, '2026-12-02T10:05:00.000Z', privateKey);
    // Records 4 and 5 dropped, and a new record 4 written after record 3.
    const cut: Chained<Ev>[] = [...chain.slice(0, 3)];
    cut.push(link(cut.at(-1)!, { actor: 'user:1', action: 'a.quiet' }));
    expect(verifyChain(cut).ok).toBe(true);
    expect(checkCheckpoint(cut, older, publicKey)).toBeNull(); // still genuine
    expect(checkCheckpoint(cut, newest, publicKey)).toMatch(/record 5 is missing/);
  });

  it('refuses a checkpoint that was edited or signed with another key', () => {
    const chain = chainOf(5);
    const cp = signCheckpoint(chain[4]!, AT, privateKey);
    // Moving the checkpoint back to hide the last records breaks the signature.
    expect(checkCheckpoint(chain, { ...cp, seq: 3, hash: chain[2]!.hash }, publicKey))
      .toBe('checkpoint signature does not verify');
    const other = generateKeyPairSync('ed25519');
    const forged = signCheckpoint(chain[2]!, AT, other.privateKey);
    expect(checkCheckpoint(chain, forged, publicKey)).toBe('checkpoint signature does not verify');
    expect(checkCheckpoint(chain, { ...cp, signature: 'AAAA' }, publicKey))
      .toBe('checkpoint signature does not verify');
  });
});
