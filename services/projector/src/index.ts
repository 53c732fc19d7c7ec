export { createProjector, type Projector, type ProjectorOptions } from './application/projector.ts';
export { createBatchProjector, type BatchProjector } from './application/batchProjector.ts';
export * from './application/projections.ts';
export * from './application/projectedEvent.ts';
export { PROJECTOR_CHECKPOINT } from './application/viewWriter.ts';
export * from './application/rebuild.ts';
export * from './composeProjector.ts';
