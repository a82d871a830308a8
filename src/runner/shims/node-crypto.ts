/**
 * `node:crypto` in the browser runner: only what Web Crypto does exactly.
 * `randomUUID` is the same RFC 9562 version 4 UUID from a CSPRNG, and
 * `webcrypto` is the same Web Crypto API. Hashes and HMACs (`createHash`,
 * `createHmac`) are synchronous in Node and asynchronous in Web Crypto, so
 * a module that uses them stays Node-only (shims.ts finds them and says why).
 */
export const randomUUID = (): string => globalThis.crypto.randomUUID();
export const webcrypto: Crypto = globalThis.crypto;
