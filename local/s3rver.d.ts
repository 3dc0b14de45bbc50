// The parts of s3rver 3.x the local runtime uses; the package ships no types.
declare module 's3rver' {
  import type { Server } from 'node:http';
  import type { EventEmitter } from 'node:events';

  interface S3rverOptions {
    address?: string;
    port?: number;
    silent?: boolean;
    directory: string;
    resetOnClose?: boolean;
    allowMismatchedSignatures?: boolean;
    vhostBuckets?: boolean;
    configureBuckets?: { name: string; configs?: (string | Buffer)[] }[];
  }

  interface S3rverStore {
    getBucket(name: string): Promise<unknown>;
    putBucket(name: string): Promise<unknown>;
  }

  class S3rver extends EventEmitter {
    constructor(options: S3rverOptions);
    readonly store: S3rverStore;
    httpServer?: Server;
    run(): Promise<{ address: string; port: number }>;
    close(): Promise<void>;
  }
  export default S3rver;
}
