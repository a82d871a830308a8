import { STATUS_CODES as node } from 'node:http';
import { expect, it } from 'vitest';
import { STATUS_CODES } from './node-http.ts';

it("holds exactly Node's reason phrases", () => {
  expect(STATUS_CODES).toEqual(node);
});
