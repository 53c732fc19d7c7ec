/**
 * Hook for the pipeline figures (events through the relay, projector and
 * notifier). Not measured yet: `measurePipeline` answers undefined and the
 * pipeline section of docs/benchmarks.md keeps its placeholder. A module that
 * measures it fills `PipelineFigures` and returns it from here; bench/run.ts
 * renders it between the `bench:pipeline` markers.
 */
import type { FigureRow } from './report.ts';

export interface PipelineFigures {
  /** What was measured and how, in a sentence or two, shown above the table. */
  description: string;
  /** The exact command, if it differs from the harness's own. */
  command?: string;
  rows: FigureRow[];
}

export async function measurePipeline(): Promise<PipelineFigures | undefined> {
  return undefined;
}
