export * from './audit.ts';
export * from './auth.ts';
export * from './common.ts';
export * from './devices.ts';
export * from './errors.ts';
export * from './roles.ts';
export * from './sites.ts';
export * from './users.ts';
