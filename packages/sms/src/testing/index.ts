export * from './fakePlivo.ts';
