import 'reflect-metadata';
import { run } from './paivand-node';

/**
 * `npm run node:rotate-keys [-- --help | --batch-size n | --lock-timeout ms]`: the CLI's
 * `rotate-keys` command (its help gives the procedure and the exit codes).
 */
void run([...process.argv.slice(0, 2), 'rotate-keys', ...process.argv.slice(2)]).then((code) => process.exit(code));
