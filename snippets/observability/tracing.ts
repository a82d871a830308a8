/**
 * OpenTelemetry tracing for one service: a tracer provider that names
 * the service, samples by trace id unless the caller already decided,
 * and hands finished spans to an exporter. In production the exporter
 * is OTLP behind a BatchSpanProcessor; tests and demos use the
 * in-memory one with a SimpleSpanProcessor, so spans can be read back.
 * The propagator reads and writes the W3C `traceparent`, `tracestate`
 * and `baggage` headers. AsyncLocalStorage carries the current span
 * across awaits, so a call made inside a request becomes its child.
 * @see https://opentelemetry.io/docs/languages/js/
 * @see https://www.w3.org/TR/trace-context/
 */
import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator,
} from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider, ParentBasedSampler, SimpleSpanProcessor,
  TraceIdRatioBasedSampler, type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';

export interface TracingOptions {
  serviceName: string;
  exporter: SpanExporter;
  /** Share of new traces to record, 0..1; callers' decisions are kept. */
  ratio?: number;
}

// #region setup
export function createTracing({ serviceName, exporter, ratio = 1 }:
  TracingOptions) {
  if (!/^[a-z][a-z0-9-]{0,62}$/.test(serviceName)) {
    throw new TypeError(`service name must be kebab-case: ${serviceName}`);
  }
  if (!(ratio >= 0 && ratio <= 1)) {
    throw new RangeError(`ratio must be between 0 and 1, got ${ratio}`);
  }
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: serviceName }),
    // OTEL_TRACES_SAMPLER=parentbased_traceidratio does the same.
    sampler: new ParentBasedSampler({
      root: new TraceIdRatioBasedSampler(ratio),
    }),
    // Production: new BatchSpanProcessor(new OTLPTraceExporter()).
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  return {
    tracer: provider.getTracer('handbook-http', '1.0.0'),
    shutdown: () => provider.shutdown(), // flushes what is buffered
  };
}

/** Reads and writes `traceparent`, `tracestate` and `baggage`. */
export const propagator = new CompositePropagator({
  propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()],
});

/** Makes the active span follow awaits; once per process. */
export function installContextManager(): () => void {
  const manager = new AsyncLocalStorageContextManager().enable();
  if (!context.setGlobalContextManager(manager)) {
    manager.disable();
    throw new Error('a global context manager is already installed');
  }
  return () => context.disable();
}
// #endregion setup

if (import.meta.main) {
  const { InMemorySpanExporter } = await import('@opentelemetry/sdk-trace-base');
  const uninstall = installContextManager();
  const exporter = new InMemorySpanExporter();
  const { tracer, shutdown } = createTracing({ serviceName: 'checkout',
    exporter });
  await tracer.startActiveSpan('place order', async (order) => {
    await Promise.resolve(); // an await: the context survives it
    tracer.startSpan('charge card').end(); // parent: the active span
    order.end();
  });
  const spans = exporter.getFinishedSpans();
  const nameOf = new Map(spans.map((s) => [s.spanContext().spanId, s.name]));
  for (const span of spans) {
    const parent = span.parentSpanContext?.spanId;
    console.log(`${span.name} (service ${
      span.resource.attributes[ATTR_SERVICE_NAME]}), parent: ${
      parent === undefined ? 'none, a root span' : nameOf.get(parent)}`);
  }
  await shutdown();
  uninstall();
}
