export * from './application/projector.ts';
export * from './application/projections.ts';
export * from './application/views.ts';
export * from './application/rebuild.ts';
