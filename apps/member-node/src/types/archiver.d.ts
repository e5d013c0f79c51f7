/* Minimal typings for archiver 5 and archiver-zip-encrypted (neither ships its own). */
declare module 'archiver' {
  import { Readable, Transform } from 'node:stream';

  interface EntryData {
    name: string;
    date?: Date;
  }
  interface Archiver extends Transform {
    append(source: Readable | Buffer | string, data: EntryData): this;
    finalize(): Promise<void>;
    abort(): this;
  }
  interface ArchiverStatic {
    create(format: string, options?: Record<string, unknown>): Archiver;
    registerFormat(format: string, module: unknown): void;
    isRegisteredFormat(format: string): boolean;
  }
  const archiver: ArchiverStatic;
  export = archiver;
}

declare module 'archiver-zip-encrypted' {
  const plugin: unknown;
  export = plugin;
}
