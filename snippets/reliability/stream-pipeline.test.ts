import { getDefaultHighWaterMark, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { exportNdjson, MAX_LINE_BYTES, writeAll } from './stream-pipeline.ts';

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/** How a promise settled within a few turns of the event loop. */
async function outcome(p: Promise<unknown>): Promise<string> {
  let state = 'still pending';
  p.then(() => { state = 'resolved'; },
    (err: Error) => { state = `rejected: ${err.message}`; });
  for (let i = 0; i < 20 && state === 'still pending'; i++) await tick();
  return state;
}

/** A fast producer that counts what it made and whether it was closed. */
function producer(total: number, progress: { written: number }) {
  const state = { produced: 0, peakAhead: 0, closed: false };
  async function* rows() {
    try {
      for (let id = 1; id <= total; id++) {
        state.produced++;
        state.peakAhead = Math.max(state.peakAhead, state.produced - progress.written);
        yield { id, pad: 'x'.repeat(20) }; // 33-byte lines
      }
    } finally {
      state.closed = true; // pipeline cleanup reaches the source
    }
  }
  return { state, rows };
}

/** A sink that finishes each write on a later turn of the event loop. */
function slowSink(highWaterMark: number, opts: { failAt?: number } = {}) {
  const progress = { written: 0, lines: [] as string[] };
  const sink = new Writable({
    highWaterMark,
    write(chunk: Buffer, _enc, done) {
      progress.written++;
      progress.lines.push(chunk.toString());
      if (progress.written === opts.failAt) { done(new Error('disk full')); return; }
      setImmediate(done);
    },
  });
  return { sink, progress };
}

describe('stream back-pressure', () => {
  it('defaults: 64 KiB for byte streams (16 KiB on Windows), 16 objects in object mode (Node 22+)', () => {
    const bytes = process.platform === 'win32' ? 16_384 : 65_536;
    expect(getDefaultHighWaterMark(false)).toBe(bytes);
    expect(getDefaultHighWaterMark(true)).toBe(16);
    expect(new Writable().writableHighWaterMark).toBe(bytes);
  });

  it('ignoring write() === false buffers everything a fast producer makes', () => {
    const { sink } = slowSink(256);
    let refused = 0;
    for (let i = 0; i < 10_000; i++) if (!sink.write('x'.repeat(32) + '\n')) refused++;
    expect(refused).toBeGreaterThan(9_990); // write() kept saying "stop"
    expect(sink.writableLength).toBeGreaterThan(300_000); // ~1,300 times the mark
    sink.destroy();
  });

  it('writeAll waits for drain: the sink never holds much more than its mark', async () => {
    const { sink, progress } = slowSink(256);
    let made = 0, peakBuffered = 0;
    function* lines() {
      for (let i = 0; i < 2_000; i++) {
        made++;
        peakBuffered = Math.max(peakBuffered, sink.writableLength);
        yield 'x'.repeat(32) + '\n';
      }
    }
    await writeAll(lines(), sink);
    expect([made, progress.written]).toEqual([2_000, 2_000]);
    expect(peakBuffered).toBeLessThanOrEqual(256); // at most one chunk past the mark
  });

  it('writeAll rejects when the sink fails while it waits for drain', async () => {
    const { sink } = slowSink(64, { failAt: 3 });
    await expect(writeAll(Array.from({ length: 100 }, () => 'y'.repeat(40)), sink))
      .rejects.toThrow('disk full');
  });

  it('writeAll rejects when the sink is closed without an error while it waits', async () => {
    // A response whose client hung up: destroyed, no 'error', no 'drain'.
    const sink = new Writable({ highWaterMark: 8, write() { /* never done */ } });
    const run = writeAll(['a'.repeat(16), 'b'], sink);
    await tick();
    sink.destroy();
    expect(await outcome(run)).toMatch(/rejected: .*premature close/i);
  });

  it('writeAll rejects, without an uncaught error event, when the sink fails between writes', async () => {
    const { promise: slowQuery, resolve: release } = Promise.withResolvers<void>();
    async function* slowSource() { yield 'first'; await slowQuery; yield 'second'; }
    const sink = new Writable({ // the write fails later, as real I/O does
      write(_c, _e, done) { setImmediate(() => done(new Error('disk full'))); },
    });
    const result = outcome(writeAll(slowSource(), sink));
    // An 'error' event nobody listens for crashes the process.
    expect(sink.listenerCount('error')).toBeGreaterThan(0);
    await tick(); await tick(); // 'first' was accepted; now its write fails
    expect(sink.destroyed).toBe(true);
    release();
    expect(await result).toBe('rejected: disk full');
  });

  it('exportNdjson pulls rows only as fast as the sink takes them', async () => {
    const { sink, progress } = slowSink(256);
    const { state, rows } = producer(10_000, progress);
    await exportNdjson(rows(), sink);
    expect(progress.written).toBe(10_000);
    expect(JSON.parse(progress.lines[9_999]!)).toMatchObject({ id: 10_000 });
    // 256 bytes hold 8 lines of 33 bytes; a few more sit between stages.
    expect(state.peakAhead).toBeLessThanOrEqual(12);
  });

  it('an error in the sink rejects, destroys the stages and stops the source', async () => {
    const { sink, progress } = slowSink(256, { failAt: 5 });
    const { state, rows } = producer(10_000, progress);
    await expect(exportNdjson(rows(), sink)).rejects.toThrow('disk full');
    expect(state.closed).toBe(true); // the generator's finally ran
    expect(state.produced).toBeLessThan(20); // it did not run on to 10,000
    expect(sink.destroyed).toBe(true);
  });

  it('an abort (client gone, deadline) stops the export the same way', async () => {
    const { sink, progress } = slowSink(256);
    const { state, rows } = producer(10_000, progress);
    const controller = new AbortController();
    const run = exportNdjson(rows(), sink, controller.signal);
    while (progress.written < 3) await new Promise((r) => setImmediate(r));
    controller.abort();
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(state.closed).toBe(true);
    expect(state.produced).toBeLessThan(20);
  });

  it('refuses a row that is not JSON or is too large, after writing the rows before it', async () => {
    for (const [bad, message] of [
      [undefined, 'row is not JSON'],
      [() => 1, 'row is not JSON'],
      [10n, /BigInt/],
      ['z'.repeat(MAX_LINE_BYTES), `row over ${MAX_LINE_BYTES} bytes`],
    ] as const) {
      const { sink, progress } = slowSink(1_024);
      async function* rows() { yield { ok: 1 }; yield bad; yield { never: 1 }; }
      await expect(exportNdjson(rows(), sink)).rejects.toThrow(message);
      expect(progress.lines).toEqual(['{"ok":1}\n']);
    }
  });
});
