import { describe, expect, it } from 'vitest';
import { jobThread } from './job-thread.ts';

const SHOUT = new URL('../../../tests/fixtures/job-thread/shout-thread.ts', import.meta.url);
const shout = () => jobThread<unknown, string>({ module: SHOUT, idleMs: 50, endedBy: 'the word "exit"' });

describe('jobThread', () => {
  it('runs jobs side by side in one thread and answers each', async () => {
    const run = shout();
    expect(await Promise.all(['a', 'b', 'c'].map((word) => run(word, `shout ${word}`)))).toEqual(['A', 'B', 'C']);
  });

  it('fails a job with what it threw, naming the thread and the task, and runs the next', async () => {
    const run = shout();
    await expect(run('throw', 'shout throw')).rejects.toThrow(/^shout-thread\.ts could not shout throw: Error: asked to throw\n\s+at /);
    expect(await run('d', 'shout d')).toBe('D');
  });

  it('fails every job waiting on a thread that ends, naming each task, and starts a new thread for the next', async () => {
    const run = shout();
    const waiting = [run('exit', 'shout exit'), run('e', 'shout e')];
    await expect(waiting[0]).rejects.toThrow('shout-thread.ts could not shout exit: its thread ended (code 3); the word "exit" ended it');
    await expect(waiting[1]).rejects.toThrow('shout-thread.ts could not shout e: its thread ended (code 3); the word "exit" ended it');
    expect(await run('f', 'shout f')).toBe('F');
  });

  it('fails a job it cannot send, and runs the next', async () => {
    const run = shout();
    await expect(run(() => 'a function', 'shout a function')).rejects.toThrow(/^shout-thread\.ts could not shout a function: .*could not be cloned/);
    expect(await run('g', 'shout g')).toBe('G');
  });

  it('fails a job whose result cannot be sent back, naming the task, and keeps the thread for the others', async () => {
    const run = shout();
    const [fn, other] = await Promise.allSettled([run('function', 'shout a function back'), run('id', 'say its id')]);
    expect(fn).toMatchObject({ status: 'rejected', reason: { message: expect.stringMatching(/^shout-thread\.ts could not shout a function back: .*could not be cloned/) } });
    expect(other).toMatchObject({ status: 'fulfilled' });
    expect(await run('id', 'say its id')).toBe((other as PromiseFulfilledResult<string>).value);
  });

  it('keeps one thread while jobs come, ends it once idle, and starts another for a later job', async () => {
    const run = shout();
    const first = await run('id', 'say its id');
    expect(await run('id', 'say its id')).toBe(first);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await run('id', 'say its id')).not.toBe(first);
  });
});
