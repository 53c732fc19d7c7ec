export * from './smsSenderContract.ts';
