import { createHmac, timingSafeEqual } from 'node:crypto';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import {
  DEFAULT_TOLERANCE_SECONDS, secretKey, signWebhook, verifyWebhook,
  type VerifyInput,
} from './webhook-signature.ts';

// Wrap the real compare so tests can see how it is called.
vi.mock('node:crypto', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:crypto')>();
  return { ...real, timingSafeEqual: vi.fn(real.timingSafeEqual) };
});

const NOW = 1_750_000_000;
const SECRET = 'whsec_' + Buffer.alloc(32, 0xa5).toString('base64');
const OLD_SECRET = 'whsec_' + Buffer.alloc(32, 0x3c).toString('base64');
const BODY = '{"type":"invoice.paid","data":{"invoice":"in_42","amount":1200}}';

interface Delivery {
  id?: string;
  timestamp?: number;
  body?: string | Uint8Array;
  signWith?: string[];
}

/** Headers a sender would attach, signed with every secret in `signWith`. */
function headersFor({ id = 'msg_1', timestamp = NOW, body = BODY,
  signWith = [SECRET] }: Delivery = {}): Record<string, string> {
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signWith
      .map((secret) => signWebhook({ id, timestamp, body, secret }))
      .join(' '),
  };
}

let clock: number;
beforeEach(() => {
  clock = NOW;
  vi.mocked(timingSafeEqual).mockClear();
});

function verify(headers: Record<string, string>, over: Partial<VerifyInput> = {}) {
  return verifyWebhook({
    headers: new Headers(headers), rawBody: BODY, secrets: [SECRET],
    now: () => clock, ...over,
  });
}

function reason(headers: Record<string, string>, over: Partial<VerifyInput> = {}) {
  const result = verify(headers, over);
  return result.ok ? 'ok' : result.reason;
}

describe('signWebhook', () => {
  it('matches the Standard Webhooks reference test vector', () => {
    expect(signWebhook({
      id: 'msg_p5jXN8AQM9LWM0D4loKWxJek', timestamp: 1614265330,
      body: '{"test": 2432232314}', secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    })).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('signs bytes and the same text identically', () => {
    const asText = signWebhook({ id: 'msg_1', timestamp: NOW, body: BODY, secret: SECRET });
    const asBytes = signWebhook({
      id: 'msg_1', timestamp: NOW, body: new TextEncoder().encode(BODY), secret: SECRET,
    });
    expect(asBytes).toBe(asText);
  });

  it('refuses ids that could shift the id.timestamp.body boundaries', () => {
    for (const id of ['a.1', '', 'x'.repeat(256), 'msg 1', 'msg\n1']) {
      expect(() => signWebhook({ id, timestamp: NOW, body: BODY, secret: SECRET }))
        .toThrow(TypeError);
    }
  });

  it('refuses timestamps that are not Unix seconds', () => {
    for (const timestamp of [-1, 1.5, Number.NaN, Number.MAX_VALUE]) {
      expect(() => signWebhook({ id: 'msg_1', timestamp, body: BODY, secret: SECRET }))
        .toThrow(RangeError);
    }
  });
});

describe('secretKey', () => {
  it('base64-decodes whsec_ secrets and uses other strings as UTF-8', () => {
    expect(secretKey(SECRET)).toEqual(Buffer.alloc(32, 0xa5));
    const plain = 'a plain secret of 30 characters';
    expect(secretKey(plain)).toEqual(Buffer.from(plain, 'utf8'));
  });

  it('rejects short keys and broken base64 with errors that say what is wrong', () => {
    expect(() => secretKey('short')).toThrow(/24\+ bytes of key, got 5/);
    expect(() => secretKey('whsec_')).toThrow(RangeError);
    expect(() => secretKey('whsec_' + Buffer.alloc(16).toString('base64'))).toThrow(RangeError);
    expect(() => secretKey('whsec_not base64!')).toThrow(TypeError);
  });
});

describe('verifyWebhook: authenticity', () => {
  it('accepts a valid delivery and returns its id, timestamp and freshness limit', () => {
    expect(verify(headersFor())).toEqual({
      ok: true, id: 'msg_1', timestamp: NOW, freshUntil: NOW + 300,
    });
  });

  it('verifies raw bytes as well as text', () => {
    const bytes = new TextEncoder().encode(BODY);
    expect(reason(headersFor({ body: bytes }), { rawBody: bytes })).toBe('ok');
  });

  it('rejects a body changed by a single byte', () => {
    const bytes = new TextEncoder().encode(BODY);
    const tampered = bytes.slice();
    const last = tampered.length - 2; // the final digit: 1200 -> 1201
    tampered[last] = tampered[last]! ^ 0x01;
    expect(reason(headersFor({ body: bytes }), { rawBody: tampered })).toBe('bad-signature');
  });

  it('rejects JSON that was parsed and re-serialized, even though it is equal', () => {
    const reserialized = JSON.stringify(JSON.parse(BODY), null, 2);
    expect(JSON.parse(reserialized)).toEqual(JSON.parse(BODY));
    expect(reason(headersFor(), { rawBody: reserialized })).toBe('bad-signature');
  });

  it('rejects a changed timestamp or id, because both are signed', () => {
    const headers = headersFor();
    expect(reason({ ...headers, 'webhook-timestamp': String(NOW - 1) })).toBe('bad-signature');
    expect(reason({ ...headers, 'webhook-id': 'msg_2' })).toBe('bad-signature');
  });

  it('rejects a signature made with another secret', () => {
    expect(reason(headersFor({ signWith: [OLD_SECRET] }))).toBe('bad-signature');
  });

  it('does not treat the text of a whsec_ secret as the key', () => {
    // Stripe keys its HMAC with the whole "whsec_..." string; this scheme does not.
    const mac = createHmac('sha256', SECRET).update(`msg_1.${NOW}.${BODY}`).digest('base64');
    expect(reason({ ...headersFor(), 'webhook-signature': `v1,${mac}` })).toBe('bad-signature');
  });

  it('accepts plain-string secrets when both sides use them', () => {
    const plain = 'correct horse battery staple, 36 ch';
    expect(reason(headersFor({ signWith: [plain] }), { secrets: [plain] })).toBe('ok');
  });
});

describe('verifyWebhook: constant-time comparison', () => {
  it('compares with timingSafeEqual, only ever on equal-length buffers', () => {
    expect(reason(headersFor())).toBe('ok');
    const calls = vi.mocked(timingSafeEqual).mock.calls;
    expect(calls.length).toBeGreaterThan(0);
    for (const [a, b] of calls) expect(a.byteLength).toBe(b.byteLength);
  });

  it('returns bad-signature, without throwing, for signatures of another length', () => {
    const valid = headersFor()['webhook-signature']!;
    const short = `v1,${Buffer.alloc(16, 1).toString('base64')}`;
    const long = `v1,${Buffer.alloc(64, 1).toString('base64')}`;
    const truncated = `v1,${Buffer.from(valid.slice(3), 'base64').subarray(0, 31).toString('base64')}`;
    for (const signature of [short, long, truncated]) {
      expect(reason({ ...headersFor(), 'webhook-signature': signature })).toBe('bad-signature');
    }
    expect(timingSafeEqual).not.toHaveBeenCalled();
  });
});

describe('verifyWebhook: freshness', () => {
  const at = (offset: number) => reason(
    headersFor({ id: `msg_${offset + 1000}`, timestamp: NOW + offset }));

  it('accepts timestamps exactly at the tolerance in both directions', () => {
    expect(DEFAULT_TOLERANCE_SECONDS).toBe(300);
    expect(at(-300)).toBe('ok');
    expect(at(300)).toBe('ok');
  });

  it('rejects one second past the tolerance as stale or future', () => {
    expect(at(-301)).toBe('stale');
    expect(at(301)).toBe('future');
    expect(at(-86_400)).toBe('stale');
  });

  it('honors a custom tolerance and rejects nonsense ones', () => {
    const headers = headersFor({ timestamp: NOW - 61 });
    expect(reason(headers, { toleranceSeconds: 60 })).toBe('stale');
    for (const toleranceSeconds of [0, -1, 1.5, Number.POSITIVE_INFINITY]) {
      expect(() => verify(headersFor(), { toleranceSeconds })).toThrow(RangeError);
    }
  });
});

describe('verifyWebhook: copies', () => {
  it('verifies a copy again: a signature says authentic and fresh, not new', () => {
    const headers = headersFor();
    expect(reason(headers)).toBe('ok');
    clock = NOW + 300;
    expect(reason(headers)).toBe('ok');
    clock = NOW + 301; // from here on, the window rejects it
    expect(reason(headers)).toBe('stale');
  });

  it('says how long a copy stays fresh: its timestamp plus the tolerance', () => {
    const result = verify(headersFor({ timestamp: NOW + 300 }));
    expect(result.ok && result.freshUntil).toBe(NOW + 600);
    const custom = verify(headersFor({ timestamp: NOW - 10 }), { toleranceSeconds: 60 });
    expect(custom.ok && custom.freshUntil).toBe(NOW + 50);
  });
});

describe('verifyWebhook: secret rotation', () => {
  it('accepts the previous secret while it is listed and rejects it once removed', () => {
    const signedWithOld = headersFor({ signWith: [OLD_SECRET] });
    expect(reason(signedWithOld, { secrets: [SECRET, OLD_SECRET] })).toBe('ok');
    expect(reason(signedWithOld, { secrets: [SECRET] })).toBe('bad-signature');
  });

  it('accepts a header with several signatures when any one is valid', () => {
    const junk = `v1,${Buffer.alloc(32, 9).toString('base64')}`;
    const both = headersFor({ id: 'msg_a', signWith: [OLD_SECRET, SECRET] });
    expect(reason(both)).toBe('ok');
    const mixed = headersFor({ id: 'msg_b' });
    mixed['webhook-signature'] = `${junk} v1a,ZWQyNTUxOQ== ${mixed['webhook-signature']}`;
    expect(reason(mixed)).toBe('ok');
    const validFirst = headersFor({ id: 'msg_c' });
    validFirst['webhook-signature'] = `${validFirst['webhook-signature']} ${junk}`;
    expect(reason(validFirst)).toBe('ok');
  });

  it('rejects an empty secret list as a configuration error', () => {
    expect(() => verify(headersFor(), { secrets: [] })).toThrow(RangeError);
  });
});

describe('verifyWebhook: malformed input never throws', () => {
  const valid = headersFor();

  it('reports missing or empty headers', () => {
    for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) {
      const { [name]: _dropped, ...rest } = valid;
      expect(reason(rest)).toBe('missing-header');
      expect(reason({ ...valid, [name]: '' })).toBe('missing-header');
    }
  });

  it('rejects timestamps that are not plain digits', () => {
    for (const ts of ['hello', '1e9', '-5', '+1750000000', '1750000000.5', '0x68', '9'.repeat(16)]) {
      expect(reason({ ...valid, 'webhook-timestamp': ts })).toBe('malformed');
    }
  });

  it('rejects ids with dots, spaces or absurd length', () => {
    for (const id of ['msg.1', 'msg 1', 'x'.repeat(256)]) {
      expect(reason({ ...valid, 'webhook-id': id })).toBe('malformed');
    }
  });

  it('rejects signature headers with no usable v1 entry', () => {
    const b64 = valid['webhook-signature']!.slice(3);
    for (const sig of [b64, `v2,${b64}`, 'v1,', 'v1,!!not-base64!!', `sha256=${b64}`, ' v1, ']) {
      expect(reason({ ...valid, 'webhook-signature': sig })).toBe('malformed');
    }
  });

  it('rejects a huge signature header without comparing anything', () => {
    const huge = `${'v1,AAAA '.repeat(400)}${valid['webhook-signature']}`;
    expect(reason({ ...valid, 'webhook-signature': huge })).toBe('malformed');
    expect(timingSafeEqual).not.toHaveBeenCalled();
  });

  it('returns a reason for every hostile header value instead of throwing', () => {
    const hostile = ['\u0000', 'v1,' + 'A'.repeat(5000), 'v1,=', 'v1,====', ',,,', 'v1,AA==,v1,AA=='];
    let checked = 0;
    for (const value of hostile) {
      for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) {
        let headers: Headers;
        try {
          headers = new Headers({ ...valid, [name]: value });
        } catch {
          continue; // Headers refuses some values before a handler sees them
        }
        const result = verifyWebhook({
          headers, rawBody: BODY, secrets: [SECRET], now: () => clock,
        });
        expect(result.ok).toBe(false);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(10);
  });
});
