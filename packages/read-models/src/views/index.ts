export * from './viewDocuments.ts';
export * from './openViews.ts';
