import { context, trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTracing, installContextManager, propagator } from './tracing.ts';

let uninstall: () => void;
beforeAll(() => { uninstall = installContextManager(); });
afterAll(() => uninstall());

describe('createTracing', () => {
  it('a span started inside another, after an await, is its child', async () => {
    const exporter = new InMemorySpanExporter();
    const { tracer, shutdown } = createTracing({ serviceName: 'checkout', exporter });
    await tracer.startActiveSpan('outer', async (outer) => {
      await new Promise((r) => setImmediate(r));
      tracer.startSpan('inner').end();
      outer.end();
    });
    const [inner, outer] = exporter.getFinishedSpans();
    expect(inner!.name).toBe('inner');
    expect(inner!.parentSpanContext?.spanId).toBe(outer!.spanContext().spanId);
    expect(outer!.resource.attributes['service.name']).toBe('checkout');
    await shutdown();
  });

  it('ratio 0 records no new trace; ratio 1 records all', async () => {
    for (const [ratio, expected] of [[0, 0], [1, 20]] as const) {
      const exporter = new InMemorySpanExporter();
      const { tracer } = createTracing({ serviceName: 'checkout', exporter, ratio });
      for (let i = 0; i < 20; i++) tracer.startSpan('root').end();
      expect(exporter.getFinishedSpans()).toHaveLength(expected);
    }
  });

  it('the propagator writes traceparent and baggage, and reads them back', () => {
    const exporter = new InMemorySpanExporter();
    const { tracer } = createTracing({ serviceName: 'checkout', exporter });
    const span = tracer.startSpan('call');
    let ctx = trace.setSpan(context.active(), span);
    ctx = propagationWithBaggage(ctx);
    const carrier: Record<string, string> = {};
    propagator.inject(ctx, carrier, { set: (c, k, v) => { c[k] = v; } });
    expect(carrier.traceparent).toBe(`00-${span.spanContext().traceId}-${span.spanContext().spanId}-01`);
    expect(carrier.baggage).toBe('plan=pro');
    const back = propagator.extract(context.active(), carrier, {
      keys: (c) => Object.keys(c), get: (c, k) => c[k] });
    expect(trace.getSpanContext(back)?.spanId).toBe(span.spanContext().spanId);
    // Malformed headers are ignored, never thrown on.
    const bad = propagator.extract(context.active(), { traceparent: '00-XYZ-1-01' }, {
      keys: (c) => Object.keys(c), get: (c, k) => c[k] });
    expect(trace.getSpanContext(bad)).toBeUndefined();
    span.end();
  });

  it('rejects bad options', () => {
    const exporter = new InMemorySpanExporter();
    expect(() => createTracing({ serviceName: '', exporter })).toThrow(/kebab-case/);
    expect(() => createTracing({ serviceName: 'a', exporter, ratio: -0.1 })).toThrow(/ratio/);
  });
});

import { propagation } from '@opentelemetry/api';
function propagationWithBaggage(ctx: ReturnType<typeof context.active>) {
  return propagation.setBaggage(ctx, propagation.createBaggage({ plan: { value: 'pro' } }));
}
