import { describe, expect, it } from 'vitest';
import { SAMPLE_USERS } from './user-repository.ts';
import {
  decodeUser, encodeUser, forwardUser, grpcFrame, grpcPath, loadUserContract,
  MAX_USER_BYTES, USER_PROTO_V1, USER_PROTO_V2,
} from './user-protobuf.ts';

const v1 = loadUserContract(USER_PROTO_V1);
const v2 = loadUserContract(USER_PROTO_V2);
const [ada, grace] = [SAMPLE_USERS[0]!, SAMPLE_USERS[1]!];
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const roles = (bytes: Uint8Array) =>
  v2.User.toObject(v2.User.decode(bytes), { arrays: true }).roles as unknown;

describe('the wire format', () => {
  it('encodes each field as tag, length, bytes: 41 bytes for Grace', () => {
    const bytes = encodeUser(v1.User, grace);
    // tag = (field_number << 3) | wire type 2 (LEN): 0x0a, 0x12, 0x1a, 0x22
    expect(hex(bytes)).toBe([
      '0a02', hex(Buffer.from('u2')),
      '120c', hex(Buffer.from('Grace Hopper')),
      '1a11', hex(Buffer.from('grace@example.com')),
      '2202', hex(Buffer.from('u1')),
    ].join(''));
    expect(bytes.length).toBe(41);
  });

  it('leaves an absent optional field off the wire entirely', () => {
    const bytes = encodeUser(v1.User, ada);
    expect(bytes.length).toBe(2 + 2 + 2 + 12 + 2 + 15);
    expect(decodeUser(v1.User, bytes).managerId).toBeNull();
  });

  it('writes lengths as base-128 varints: 200 is c8 01', () => {
    const long = { ...grace, name: 'x'.repeat(200) };
    const bytes = encodeUser(v1.User, long);
    expect(hex(bytes.subarray(4, 7))).toBe('12c801');
  });

  it('is smaller than the same user as JSON, for every sample user', () => {
    for (const user of SAMPLE_USERS) {
      const json = Buffer.byteLength(JSON.stringify(user));
      expect(encodeUser(v1.User, user).length).toBeLessThan(json);
    }
    expect(Buffer.byteLength(JSON.stringify(grace))).toBe(78);
  });

  it('round-trips every sample user', () => {
    for (const user of SAMPLE_USERS) {
      expect(decodeUser(v1.User, encodeUser(v1.User, user))).toEqual(user);
    }
  });
});

describe('schema evolution', () => {
  const newer = encodeUser(v2.User, { ...grace, roles: ['admin', 'ops'] });

  it('lets an old reader decode a newer message, skipping the new field', () => {
    expect(newer.length).toBeGreaterThan(encodeUser(v1.User, grace).length);
    expect(decodeUser(v1.User, newer)).toEqual(grace);
  });

  it('drops unknown fields by default when an old reader re-encodes', () => {
    const message = v1.User.decode(newer);
    expect(hex(v1.User.encode(message).finish())).toBe(hex(encodeUser(v1.User, grace)));
  });

  it('forwards the unknown field byte for byte from an old relay', () => {
    const forwarded = forwardUser(v1.User, newer);
    expect(hex(forwarded)).toBe(hex(newer));
    expect(roles(forwarded)).toEqual(['admin', 'ops']);
  });

  it('lets a new reader decode an old message, with the new field empty', () => {
    const fromOld = encodeUser(v1.User, grace);
    expect(decodeUser(v2.User, fromOld)).toEqual(grace);
    expect(roles(fromOld)).toEqual([]);
  });

  it('survives a rename, because names never go on the wire', () => {
    const renamed = loadUserContract(USER_PROTO_V1.replace('string name = 2', 'string full_name = 2'));
    const read = renamed.User.toObject(renamed.User.decode(encodeUser(v1.User, grace)));
    expect(read.fullName).toBe('Grace Hopper');
  });

  it('silently corrupts data if field numbers are swapped: numbers are the contract', () => {
    const swapped = loadUserContract(USER_PROTO_V1
      .replace('string name = 2', 'string name = 3')
      .replace('string email = 3', 'string email = 2'));
    const read = decodeUser(swapped.User, encodeUser(v1.User, grace));
    expect(read.name).toBe('grace@example.com'); // no error, wrong data
  });
});

describe('untrusted input', () => {
  it('refuses to encode a value of the wrong type', () => {
    expect(() => encodeUser(v1.User, { ...grace, name: 42 as unknown as string })).toThrow(TypeError);
  });

  it('turns truncated bytes into a TypeError, in the decoder and the relay', () => {
    const cut = encodeUser(v1.User, grace).subarray(0, 10);
    expect(() => decodeUser(v1.User, cut)).toThrow(/not a User message/);
    expect(() => forwardUser(v1.User, cut)).toThrow(TypeError);
  });

  it('rejects a field sent with the wrong wire type: skipped as unknown, then missing', () => {
    // id, then field 2 as a varint (tag 0x10) where the schema expects LEN
    const bytes = Uint8Array.from([0x0a, 0x02, 0x75, 0x32, 0x10, 0x01]);
    expect(v1.User.toObject(v1.User.decode(bytes))).toEqual({ id: 'u2' });
    expect(() => decodeUser(v1.User, bytes)).toThrow(/lacks an id, name or email/);
  });

  it('rejects a string field that is not valid UTF-8', () => {
    const bytes = Uint8Array.from([0x0a, 0x02, 0x75, 0x32, 0x12, 0x01, 0xff]);
    expect(() => decodeUser(v1.User, bytes)).toThrow(/not a User message: .*utf-8/);
  });

  it('rejects a message without an id: proto3 has no required fields', () => {
    expect(() => decodeUser(v1.User, new Uint8Array())).toThrow(/lacks an id/);
    const noId = encodeUser(v1.User, grace).subarray(4); // drop field 1
    expect(v1.User.decode(noId)).toBeTruthy(); // the schema accepts it
    expect(() => decodeUser(v1.User, noId)).toThrow(/lacks an id/);
  });

  it.each(['', '../u1', 'x'.repeat(65)])('rejects a present manager_id that is not a user id: %j', (managerId) => {
    const bytes = v1.User.encode(v1.User.create({ ...grace, managerId })).finish();
    expect(() => decodeUser(v1.User, bytes)).toThrow(/manager_id/);
    expect(() => forwardUser(v1.User, bytes)).toThrow(/manager_id/);
  });

  it('refuses an oversized message before parsing it', () => {
    const huge = new Uint8Array(MAX_USER_BYTES + 1);
    expect(() => decodeUser(v1.User, huge)).toThrow(RangeError);
    expect(() => forwardUser(v1.User, huge)).toThrow(RangeError);
  });
});

describe('the gRPC contract', () => {
  it('declares GetUser(GetUserRequest) returns (User)', () => {
    const method = v1.service.methods.GetUser!;
    expect([method.requestType, method.responseType]).toEqual(['GetUserRequest', 'User']);
  });

  it('names the method in :path as /package.Service/Method', () => {
    expect(grpcPath(v1.service, 'GetUser')).toBe('/handbook.users.v1.UserService/GetUser');
    expect(() => grpcPath(v1.service, 'DeleteUser')).toThrow(RangeError);
  });

  it('frames a message with a 0 flag byte and a big-endian 4-byte length', () => {
    const frame = grpcFrame(new Uint8Array(300).fill(7));
    expect(hex(frame.subarray(0, 5))).toBe('000000012c');
    expect(frame.length).toBe(305);
    expect(frame[5]).toBe(7);
  });

  it('refuses a contract source without the User types', () => {
    expect(() => loadUserContract('syntax = "proto3"; package other; message X {}')).toThrow();
  });
});
