/**
 * "Get user" as a gRPC contract: a `.proto` service and message, parsed at
 * runtime with protobufjs, encoded to the binary wire format and framed the
 * way gRPC puts it in an HTTP/2 DATA frame. No gRPC server runs here; that
 * takes an HTTP/2 stack such as @grpc/grpc-js, which this module avoids.
 * @see https://protobuf.dev/programming-guides/encoding/
 * @see https://github.com/grpc/grpc/blob/master/doc/PROTOCOL-HTTP2.md
 */
import protobuf from 'protobufjs';
import { isUserId, SAMPLE_USERS, type User } from './user-repository.ts';

// #region proto
export const USER_PROTO_V1 = `
syntax = "proto3";
package handbook.users.v1;

service UserService {
  rpc GetUser(GetUserRequest) returns (User);
}

message GetUserRequest {
  string id = 1;
}

message User {
  string id = 1;
  string name = 2;
  string email = 3;
  optional string manager_id = 4;
}`;

/** A later release: a field added under a new number, nothing renumbered. */
export const USER_PROTO_V2 = USER_PROTO_V1.replace(
  'optional string manager_id = 4;',
  'optional string manager_id = 4;\n  repeated string roles = 5;');
// #endregion proto

const PACKAGE = 'handbook.users.v1';
/** A User is tens of bytes; refuse anything absurd before parsing it. */
export const MAX_USER_BYTES = 64 * 1024;

export interface UserContract {
  User: protobuf.Type;
  service: protobuf.Service;
}

/** Parses a `.proto` source; throws if it lacks the User contract. */
export function loadUserContract(source: string): UserContract {
  const { root } = protobuf.parse(source);
  return {
    User: root.lookupType(`${PACKAGE}.User`),
    service: root.lookupService(`${PACKAGE}.UserService`),
  };
}

// #region codec
/** Encodes `user`, plus any newer fields the schema knows, as bytes. */
export function encodeUser<T extends User>(
  User: protobuf.Type, user: T,
): Uint8Array {
  const { managerId, ...rest } = user;
  // proto3 `optional`: absent on the wire, never an empty-string stand-in.
  const wire = managerId === null ? rest : { ...rest, managerId };
  const problem = User.verify(wire);
  if (problem) throw new TypeError(`cannot encode User: ${problem}`);
  return User.encode(User.create(wire)).finish();
}

/** Bytes from the network: bounded, parsed, then checked. */
function readUser(User: protobuf.Type, bytes: Uint8Array, keep: boolean) {
  if (bytes.length > MAX_USER_BYTES) {
    throw new RangeError(`User message of ${bytes.length} bytes refused`);
  }
  const reader = protobuf.Reader.create(bytes);
  reader.discardUnknown = !keep; // protobufjs drops unknowns by default
  let message: protobuf.Message & Partial<User>;
  try {
    message = User.decode(reader);
  } catch (error) {
    throw new TypeError(`not a User message: ${(error as Error).message}`);
  }
  // proto3 has no required fields: what must be there is checked here.
  if (!isUserId(message.id) || !message.name || !message.email) {
    throw new TypeError('User message lacks an id, name or email');
  }
  // Optional, but when present it must name a user like `id` does.
  if (message.managerId != null && !isUserId(message.managerId)) {
    throw new TypeError('User message has a malformed manager_id');
  }
  return message;
}

/** Decodes to the domain type; fields this schema lacks are skipped. */
export function decodeUser(User: protobuf.Type, bytes: Uint8Array): User {
  const m = readUser(User, bytes, false) as protobuf.Message & User;
  return { id: m.id, name: m.name, email: m.email,
    managerId: m.managerId ?? null };
}

/** A relay on an older schema: keeps unknown fields and passes them on. */
export function forwardUser(User: protobuf.Type, bytes: Uint8Array) {
  return User.encode(readUser(User, bytes, true)).finish();
}
// #endregion codec

/** gRPC's `:path` for a method: `/{package.Service}/{Method}`. */
export function grpcPath(service: protobuf.Service, method: string): string {
  if (!service.methods[method]) throw new RangeError(`no method ${method}`);
  return `/${service.fullName.replace(/^\./, '')}/${method}`;
}

/** A Length-Prefixed-Message: flag byte 0 (uncompressed), 4-byte length. */
export function grpcFrame(message: Uint8Array): Uint8Array {
  const frame = new Uint8Array(5 + message.length);
  new DataView(frame.buffer).setUint32(1, message.length); // big-endian
  frame.set(message, 5);
  return frame;
}

if (import.meta.main) {
  const v1 = loadUserContract(USER_PROTO_V1);
  const v2 = loadUserContract(USER_PROTO_V2);
  const grace = SAMPLE_USERS[1]!;
  const bytes = encodeUser(v1.User, grace);
  const json = new TextEncoder().encode(JSON.stringify(grace));
  console.log(`protobuf ${bytes.length} bytes, JSON ${json.length} bytes`);
  const [tag, length] = [bytes[0]!, bytes[1]!];
  console.log(`first record ${Buffer.from(bytes.subarray(0, 4)).toString('hex')}:` +
    ` field ${tag >> 3}, wire type ${tag & 7} (LEN), ${length} bytes`);
  console.log(`gRPC :path ${grpcPath(v1.service, 'GetUser')}, ` +
    `framed ${grpcFrame(bytes).length} bytes`);

  const newer = encodeUser(v2.User, { ...grace, roles: ['admin'] });
  const old = decodeUser(v1.User, newer);
  console.log(`v2 message (${newer.length} bytes) read by v1: ` +
    `${old.name} <${old.email}>`);
  const forwarded = forwardUser(v1.User, newer);
  const roles = v2.User.toObject(v2.User.decode(forwarded)).roles;
  console.log(`v1 relay forwards ${forwarded.length} bytes; ` +
    `v2 reads roles ${JSON.stringify(roles)}`);
}
