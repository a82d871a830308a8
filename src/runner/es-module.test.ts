import { expect, it } from 'vitest';
import { esModule } from './es-module.ts';

it('marks a namespace as an ES module and reads its names live', () => {
  const namespace: Record<string, unknown> = { count: 1, default: 'd' };
  const module = esModule(namespace);
  expect(module.__esModule).toBe(true);
  expect(Object.keys(module)).toEqual(['count', 'default']);
  namespace.count = 2;
  expect(module.count).toBe(2);
});
