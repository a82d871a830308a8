import { describe, expect, it } from 'vitest';
import { moduleUrl, OutputMeter, shownOutput, stopMessage, workerEvent } from './run-protocol.ts';

describe('OutputMeter', () => {
  it('passes output through until the limit, then cuts it and reports full', () => {
    const meter = new OutputMeter(10);
    expect(meter.accept('12345')).toBe('12345');
    expect(meter.full).toBe(false);
    expect(meter.accept('678901234')).toBe('67890');
    expect(meter.full).toBe(true);
    expect(meter.accept('more')).toBe('');
  });

  it('is full at exactly the limit', () => {
    const meter = new OutputMeter(3);
    meter.accept('abc');
    expect(meter.full).toBe(true);
  });
});

describe('stopMessage', () => {
  it('names the limit that stopped the run', () => {
    expect(stopMessage('time')).toBe('Stopped after 5 s: the code was still running.');
    expect(stopMessage('time', 30_000)).toBe('Stopped after 30 s: the code was still running.');
    expect(stopMessage('output')).toBe('Output cut at 1 MB: the code printed more than that.');
  });
});

describe('shownOutput', () => {
  it('drops trailing whitespace, as the build does with a demo output', () => {
    expect(shownOutput('a\n  b \n\n')).toBe('a\n  b');
  });
});

describe('workerEvent', () => {
  it('keeps output and exit events, with only their own fields', () => {
    expect(workerEvent({ type: 'out', stream: 'stderr', text: 'a', extra: 1 })).toEqual({ type: 'out', stream: 'stderr', text: 'a' });
    expect(workerEvent({ type: 'exit', code: 7 })).toEqual({ type: 'exit', code: 7 });
  });

  it('refuses what the reader\'s code could post that is no event', () => {
    for (const data of [null, 'text', 3, {}, { type: 'out', stream: 'stdout', text: {} }, { type: 'out', stream: 'stdout', text: 5 },
      { type: 'out', stream: 'stdin', text: 'a' }, { type: 'exit' }, { type: 'exit', code: '0' }, { type: 'exit', code: 1.5 },
      { type: 'stopped', reason: 'time' }, { type: 'nonsense' }]) {
      expect(workerEvent(data), JSON.stringify(data)).toBeUndefined();
    }
  });
});

describe('moduleUrl', () => {
  it('is a URL ending in the module path, on one line however the path is spelled', () => {
    expect(moduleUrl('snippets/http/etag.ts')).toBe('https://run.invalid/snippets/http/etag.ts');
    expect(moduleUrl('snippets/a b\n.ts')).toBe('https://run.invalid/snippets/a%20b%0A.ts');
  });
});
