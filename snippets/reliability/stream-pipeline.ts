/**
 * Back-pressure inside one process, with Node streams. A Writable
 * buffers what it cannot pass on yet; `write()` returns false once that
 * buffer reaches `highWaterMark`, and 'drain' fires when it has room
 * again. A producer that ignores the false keeps filling memory. Two
 * ways to get it right: wait for 'drain' by hand (writeAll), or let
 * `stream.pipeline` do it and also tear every stage down on error or
 * abort (exportNdjson), which `.pipe()` does not.
 * @see https://nodejs.org/api/stream.html#writablewritechunk-encoding-callback
 * @see https://nodejs.org/api/stream.html#streampipelinesource-transforms-destination-options
 */
import { once } from 'node:events';
import { Writable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';

// #region drain
/** Writes every chunk, pausing whenever the sink's buffer is full. */
export async function writeAll(source: AsyncIterable<string | Uint8Array>
  | Iterable<string | Uint8Array>, sink: Writable): Promise<void> {
  // Rejects on an error or an early close, whenever either happens;
  // listening from the start keeps an 'error' from crashing the process.
  const closed = finished(sink);
  closed.catch(() => {}); // awaited below
  for await (const chunk of source) {
    if (!sink.write(chunk)) {
      // 'drain' never comes from a dead sink: wait for either.
      await Promise.race([once(sink, 'drain'), closed]);
    }
  }
  sink.end();
  await closed;
}
// #endregion drain

/** Largest NDJSON line we will write; a bigger row is a bug upstream. */
export const MAX_LINE_BYTES = 1 << 20;

// #region pipeline
/**
 * Streams rows as NDJSON (one JSON value per line) into `out`: a file,
 * a socket or an HTTP response. Rows are pulled only as fast as `out`
 * accepts them; an error or abort anywhere destroys every stage and
 * stops the source (its `finally` blocks run).
 */
export async function exportNdjson(rows: AsyncIterable<unknown>,
  out: Writable, signal?: AbortSignal): Promise<void> {
  await pipeline(rows, async function* toLines(source) {
    for await (const row of source) {
      const line = JSON.stringify(row);
      if (line === undefined) throw new TypeError('row is not JSON');
      if (Buffer.byteLength(line) >= MAX_LINE_BYTES) {
        throw new RangeError(`row over ${MAX_LINE_BYTES} bytes`);
      }
      yield `${line}\n`;
    }
  }, out, signal ? { signal } : {});
}
// #endregion pipeline

if (import.meta.main) {
  let produced = 0, written = 0, peak = 0;
  async function* rows() { // a fast producer: 1,000 rows, no waiting
    for (let id = 1; id <= 1_000; id++) {
      produced++;
      peak = Math.max(peak, produced - written);
      yield { id, name: `row ${id}` };
    }
  }
  const slowSink = () => new Writable({
    highWaterMark: 256, // bytes; the default is 64 KiB (Windows: 16)
    write(_chunk, _enc, done) { written++; setImmediate(done); },
  });
  await exportNdjson(rows(), slowSink());
  console.log(`pipeline: ${written} rows written,`
    + ` at most ${peak} produced ahead of the sink`);
  const naive = slowSink(); // ignoring write()'s false return value
  for (let id = 1; id <= 1_000; id++) naive.write(`{"id":${id}}\n`);
  console.log(`ignoring write() === false: ${naive.writableLength} bytes`
    + ` buffered (highWaterMark ${naive.writableHighWaterMark})`);
  naive.destroy();
}
