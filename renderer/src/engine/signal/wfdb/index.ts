export * from './annotations';
export * from './codes';
export * from './errors';
export * from './header';
export * from './record';
export * from './samples';
