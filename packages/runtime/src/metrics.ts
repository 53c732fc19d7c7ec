/**
 * Prometheus metrics every service exposes on /metrics: process defaults plus
 * request rate and latency, command outcomes, relay position and consumer lag.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export type Metrics = ReturnType<typeof createMetrics>;

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

export function createMetrics(service: string) {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    httpRequestDuration: new Histogram({
      name: 'tessera_http_request_duration_seconds',
      help: 'HTTP requests by route and status (rate from _count)',
      labelNames: ['method', 'route', 'status'],
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    commandDuration: new Histogram({
      name: 'tessera_command_duration_seconds',
      help: 'Identity commands handled, by type and outcome',
      labelNames: ['command', 'outcome'],
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    relayPosition: new Gauge({
      name: 'tessera_relay_position',
      help: 'Global position of the last event the relay published',
      registers,
    }),
    consumedPosition: new Gauge({
      name: 'tessera_consumer_position',
      help: 'Global position of the last event a consumer group handled',
      labelNames: ['group'],
      registers,
    }),
    consumerLag: new Gauge({
      name: 'tessera_consumer_lag_seconds',
      help: 'Age of the last event a consumer group handled when it handled it',
      labelNames: ['group'],
      registers,
    }),
    smsDispatches: new Counter({
      name: 'tessera_sms_dispatches_total',
      help: 'SMS hand-offs to the provider by outcome',
      labelNames: ['outcome'],
      registers,
    }),
  };
}
