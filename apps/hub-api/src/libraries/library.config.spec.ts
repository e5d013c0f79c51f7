import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadLibraryConfig } from './library.config';

describe('loadLibraryConfig', () => {
  it('reads each variable from FOO or from the file FOO_FILE names, as every other variable of the hub', () => {
    expect(loadLibraryConfig({}).LIBRARY_MAX_FILE_BYTES).toBe(20 * 1024 * 1024);
    expect(loadLibraryConfig({ LIBRARY_PDF_TIMEOUT_MS: '5000' }).LIBRARY_PDF_TIMEOUT_MS).toBe(5000);
    const dir = mkdtempSync(join(tmpdir(), 'library-config-'));
    try {
      writeFileSync(join(dir, 'max'), '1048576\n');
      expect(loadLibraryConfig({ LIBRARY_MAX_FILE_BYTES_FILE: join(dir, 'max') }).LIBRARY_MAX_FILE_BYTES).toBe(1_048_576);
      expect(() => loadLibraryConfig({ LIBRARY_MAX_FILE_BYTES_FILE: join(dir, 'absent') })).toThrow(/LIBRARY_MAX_FILE_BYTES_FILE/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(() => loadLibraryConfig({ LIBRARY_MAX_FILE_BYTES: '12' })).toThrow(/LIBRARY_MAX_FILE_BYTES/);
  });
});
