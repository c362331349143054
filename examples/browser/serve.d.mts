import type { Server } from 'node:http';
/** The two headers that make a page cross-origin isolated. */
export const ISOLATION_HEADERS: Record<string, string>;
/** A static file server for `root` that sends the isolation headers with every answer. */
export function createExampleServer(root?: string): Server;
