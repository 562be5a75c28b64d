// A PostgreSQL cluster of the test's own (initdb in a temporary folder, a free port, its socket in that folder),
// so a test may restart or stop it without touching the machine's shared server. Run as the `postgres` OS user
// when the test runs as root (PostgreSQL refuses to run as root). `unavailable()` says why none can be made here,
// for the test to skip with that reason.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Where Debian puts the server's binaries; LANYARD_TEST_PG_BIN names another folder. */
function binDir(): string | undefined {
  const candidates = [
    process.env.LANYARD_TEST_PG_BIN,
    ...['17', '16', '15', '14'].map((v) => `/usr/lib/postgresql/${v}/bin`),
  ];
  return candidates.find((dir) => dir && existsSync(join(dir, 'pg_ctl')) && existsSync(join(dir, 'initdb')));
}

/** The reason no private cluster can run on this machine, or undefined when one can. */
export function unavailable(): string | undefined {
  if (process.platform === 'win32') return 'a private PostgreSQL cluster is not set up on Windows';
  if (!binDir())
    return 'no PostgreSQL server binaries (initdb, pg_ctl) found in /usr/lib/postgresql/*/bin or LANYARD_TEST_PG_BIN';
  if (process.getuid?.() === 0 && !existsSync('/usr/sbin/runuser') && !existsSync('/sbin/runuser'))
    return 'running as root without runuser to start PostgreSQL as the postgres user';
  return undefined;
}

export interface PrivatePostgres {
  /** postgres://postgres@127.0.0.1:<port>/postgres */
  readonly url: string;
  readonly port: number;
  /** pg_ctl restart: `fast` ends sessions cleanly, `immediate` kills the server like a crash (recovery on start). */
  restart(mode: 'fast' | 'immediate'): Promise<void>;
  /** Stops the server and removes its folder. */
  destroy(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = binDir();
  if (!bin) throw new Error(unavailable());
  const root = process.getuid?.() === 0;
  const folder = await mkdtemp(join(tmpdir(), 'lanyard-pg-'));
  const data = join(folder, 'data');
  const log = join(folder, 'server.log');
  if (root) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    await chown(folder, Number(stdout.trim()), Number(gid.trim()));
    await chmod(folder, 0o700);
  }
  const as = (command: string, args: string[]) =>
    root
      ? run('runuser', ['-u', 'postgres', '--', join(bin, command), ...args], { cwd: folder })
      : run(join(bin, command), args, { cwd: folder });
  const port = await freePort();
  await as('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  // No durability wanted from a throwaway cluster; the socket in the folder, so it meets no other server's.
  const options = [
    `-p ${port}`,
    `-k ${folder}`,
    "-c listen_addresses='127.0.0.1'",
    '-c fsync=off',
    '-c full_page_writes=off',
    '-c shared_buffers=64MB',
  ].join(' ');
  const ctl = async (args: string[]) => {
    try {
      await as('pg_ctl', ['-D', data, '-l', log, '-w', '-t', '60', ...args]);
    } catch (error) {
      const tail = await run('tail', ['-n', '20', log]).then(
        (r) => r.stdout,
        () => '',
      );
      throw new Error(`pg_ctl ${args.join(' ')} failed: ${(error as Error).message}\n${tail}`);
    }
  };
  await ctl(['-o', options, 'start']);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    restart: (mode) => ctl(['-m', mode, '-o', options, 'restart']),
    async destroy() {
      await ctl(['-m', 'immediate', 'stop']).catch(() => undefined);
      await rm(folder, { recursive: true, force: true });
    },
  };
}
