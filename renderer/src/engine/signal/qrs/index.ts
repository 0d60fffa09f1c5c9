export * from './detect';
export * from './detector';
export * from './filters';
