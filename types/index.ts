/** The contract between the mini-program and the backend. Types only. */
export type * from './domain';
export type * from './api';
export type * from './courses';
export type * from './events';
export type * from './notices';
export type * from './reports';
export type * from './imports';
export type * from './local';
export type * from './classes';
export type * from './authoring';
