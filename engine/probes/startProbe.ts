import { startClientProbe, type ClientProbeConfig } from './clientProbe.ts';
import { startDnsAnswerWatch, type DnsAnswerWatchConfig } from './dnsAnswerWatch.ts';
import type { ProbeRuntime, RunningProbe } from './fixedRate.ts';
import { startHealthCheckWatch, type HealthCheckWatchConfig } from './healthCheckWatch.ts';
import { startWriterProbe, type WriterProbe, type WriterProbeConfig } from './writerProbe.ts';

/**
 * When a probe runs, in Litmus's vocabulary: for the whole drill (`continuous`), only while the
 * fault is applied (`onChaos`: from fault start to fault stop), or once at the start or the end
 * of the test (`startOfTest`, `endOfTest`: started and stopped around a single tick).
 */
export const ProbeMode = {
  CONTINUOUS: 'continuous',
  ON_CHAOS: 'onChaos',
  START_OF_TEST: 'startOfTest',
  END_OF_TEST: 'endOfTest',
} as const;
export type ProbeMode = (typeof ProbeMode)[keyof typeof ProbeMode];

/** A probe as a workflow declares it, its templates already resolved. */
export type ProbeSpec =
  | ({ type: 'client'; mode: ProbeMode } & ClientProbeConfig)
  | ({ type: 'writer'; mode: ProbeMode } & WriterProbeConfig)
  | ({ type: 'healthCheck'; mode: ProbeMode } & HealthCheckWatchConfig)
  | ({ type: 'dnsAnswer'; mode: ProbeMode } & DnsAnswerWatchConfig);

/** A started probe; writer probes can also read their ledger back. */
export type StartedProbe = RunningProbe & { readBack?: WriterProbe['readBack'] };

/** Starts one probe of any type. */
export function startProbe(runtime: ProbeRuntime, spec: ProbeSpec): StartedProbe {
  switch (spec.type) {
    case 'client':
      return startClientProbe(runtime, spec);
    case 'writer':
      return startWriterProbe(runtime, spec);
    case 'healthCheck':
      return startHealthCheckWatch(runtime, spec);
    case 'dnsAnswer':
      return startDnsAnswerWatch(runtime, spec);
  }
}
