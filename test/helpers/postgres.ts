/**
 * A private PostgreSQL cluster for a test file: a fresh `initdb` in a temporary directory, reached
 * only through a Unix socket in that directory (no TCP listener at all), trust authentication, and
 * durability switched off for speed. `stop()` kills it and removes the directory.
 *
 * Needs PostgreSQL's server binaries (Debian: `apt-get install -y postgresql`; `.ci/run` installs
 * them). When they cannot be used here, `postgresUnavailable()` and `startPostgres()` return the
 * reason, for the tests to skip and say so in their title.
 */
import { execFile, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { delimiter, join } from 'node:path';
import pg from 'pg';

export interface Postgres {
  /** The directory holding the server's socket (what libpq and `pg` take as the host). */
  host: string;
  /** Names the socket file (`.s.PGSQL.<port>`); nothing listens on a TCP port. */
  port: number;
  database: string;
  user: string;
  /** `postgresql://user@/database?host=<socket dir>&port=<port>`, accepted by `pg` and libpq. */
  url: string;
  stop(): Promise<void>;
}

const DATABASE = 'leadaudit';
const PORT = 5432;
/** How long `pg_ctl -w` waits for the server to accept connections, in seconds. */
const START_SECONDS = 30;
/** A child process (initdb, pg_ctl) is killed after this long, so a hung step fails the test instead of hanging it. */
const STEP_MS = 90_000;
/** A Unix socket path longer than this (sun_path is 108 bytes on Linux) cannot be bound. */
const SOCKET_PATH_MAX = 100;

interface Tools {
  bin: string;
  /** The command prefix that runs a program as the unprivileged owner of the cluster (empty when not root). */
  asOwner: string[];
  owner: { name: string; uid: number; gid: number };
  locale: string;
}

/** The directory holding initdb and pg_ctl: on PATH first, else Debian's newest /usr/lib/postgresql/<major>/bin. */
function findBin(): string | null {
  const onPath = (process.env.PATH ?? '').split(delimiter).filter((d) => d !== '');
  const debianRoot = '/usr/lib/postgresql';
  const debian = existsSync(debianRoot)
    ? readdirSync(debianRoot)
        .filter((v) => /^\d+(\.\d+)?$/.test(v))
        .sort((a, b) => Number(b) - Number(a))
        .map((v) => join(debianRoot, v, 'bin'))
    : [];
  return [...onPath, ...debian].find((d) => ['initdb', 'pg_ctl', 'postgres'].every((p) => existsSync(join(d, p)))) ?? null;
}

function onPath(program: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir !== '' && existsSync(join(dir, program))) return join(dir, program);
  }
  return null;
}

/**
 * The locale for initdb. C.UTF-8 gives UTF-8 case mapping (lower('É') is 'é') with byte-order
 * collation, the same on every glibc machine. Without it, another UTF-8 locale keeps the case
 * mapping (collation then follows that language); with none at all, plain C folds ASCII only, and
 * the tests that check non-ASCII case mapping fail rather than pass by accident.
 */
function pickLocale(): string {
  const r = spawnSync('locale', ['-a'], { encoding: 'utf8' });
  const all = r.status === 0 ? r.stdout.split('\n').map((l) => l.trim()).filter((l) => l !== '') : [];
  const utf8 = (l: string): boolean => /\.utf-?8$/i.test(l);
  const key = (l: string): string => l.toLowerCase().replace('utf-8', 'utf8');
  if (all.some((l) => key(l) === 'c.utf8')) return 'C.UTF-8';
  return all.find((l) => key(l) === 'en_us.utf8') ?? all.find(utf8) ?? 'C';
}

/** Who owns and runs the cluster: initdb and postgres refuse to run as root, so root hands them to `nobody`. */
function pickOwner(): Pick<Tools, 'asOwner' | 'owner'> | string {
  if (process.getuid?.() !== 0) {
    const me = userInfo();
    return { asOwner: [], owner: { name: me.username, uid: me.uid, gid: me.gid } };
  }
  const name = 'nobody';
  const uid = Number(spawnSync('id', ['-u', name], { encoding: 'utf8' }).stdout);
  const gid = Number(spawnSync('id', ['-g', name], { encoding: 'utf8' }).stdout);
  if (!Number.isInteger(uid) || !Number.isInteger(gid) || uid <= 0) return `running as root and there is no user '${name}' to run PostgreSQL as`;
  const runuser = onPath('runuser');
  if (runuser) return { asOwner: [runuser, '-u', name, '--'], owner: { name, uid, gid } };
  const setpriv = onPath('setpriv');
  if (setpriv) return { asOwner: [setpriv, `--reuid=${uid}`, `--regid=${gid}`, '--clear-groups', '--'], owner: { name, uid, gid } };
  return `running as root and neither runuser nor setpriv is installed to run PostgreSQL as '${name}'`;
}

function findTools(): Tools | string {
  const bin = findBin();
  if (!bin) return 'PostgreSQL is not installed (no initdb on PATH or under /usr/lib/postgresql/*/bin; apt-get install -y postgresql)';
  const owner = pickOwner();
  if (typeof owner === 'string') return owner;
  return { bin, ...owner, locale: pickLocale() };
}

/** Why PostgreSQL cannot run here, or null when it can; cheap and synchronous, for a describe title. */
export function postgresUnavailable(): string | null {
  const tools = findTools();
  return typeof tools === 'string' ? tools : null;
}

function run(tools: Tools, program: string, args: string[], cwd: string): Promise<void> {
  const [command, ...prefix] = [...tools.asOwner, join(tools.bin, program)];
  return new Promise((resolve, reject) => {
    execFile(command!, [...prefix, ...args], { cwd, timeout: STEP_MS, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (!error) return resolve();
      const how = error.killed ? `was killed after ${STEP_MS / 1000} s` : `exited with ${String(error.code)}`;
      reject(new Error(`${[command, ...prefix, ...args].join(' ')} ${how}:\n${(stderr || stdout).trimEnd()}`));
    });
  });
}

function tail(file: string, lines = 25): string {
  if (!existsSync(file)) return '(no server log was written)';
  return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}

/** Single-quoted for the shell pg_ctl starts postgres through. */
function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Clusters still running, stopped synchronously if the process exits before their stop() (a crashed test file). */
const running = new Set<() => void>();
process.on('exit', () => {
  for (const kill of running) kill();
});

/** Starts a fresh cluster, or returns why PostgreSQL cannot run here. Throws, with the server log's tail, when it should run and does not. */
export async function startPostgres(): Promise<Postgres | string> {
  const tools = findTools();
  if (typeof tools === 'string') return tools;

  const dir = mkdtempSync(join(tmpdir(), 'leadaudit-pg-'));
  const data = join(dir, 'data');
  const socketDir = join(dir, 'socket');
  const log = join(dir, 'server.log');
  mkdirSync(socketDir);
  if (join(socketDir, `.s.PGSQL.${PORT}`).length > SOCKET_PATH_MAX) {
    rmSync(dir, { recursive: true, force: true });
    return `the temporary directory ${tmpdir()} is too long a path for a Unix socket (set TMPDIR=/tmp)`;
  }
  // The owner creates the data directory and the socket and log files in these.
  chownSync(dir, tools.owner.uid, tools.owner.gid);
  chownSync(socketDir, tools.owner.uid, tools.owner.gid);

  let started = false;
  const stopSync = (): void => {
    if (started) {
      const [command, ...prefix] = [...tools.asOwner, join(tools.bin, 'pg_ctl')];
      spawnSync(command!, [...prefix, '-D', data, '-m', 'immediate', '-w', 'stop'], { cwd: dir, timeout: STEP_MS, stdio: 'ignore' });
      started = false;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  running.add(stopSync);

  try {
    await run(tools, 'initdb', ['-D', data, '-U', tools.owner.name, '-A', 'trust', '-E', 'UTF8', `--locale=${tools.locale}`, '--no-sync'], dir);
    // listen_addresses '' opens no TCP socket; the port only names the socket file.
    const options = [
      `-c listen_addresses=''`,
      `-k ${shellQuote(socketDir)}`,
      `-p ${PORT}`,
      '-c fsync=off',
      '-c synchronous_commit=off',
      '-c full_page_writes=off',
    ].join(' ');
    // Set before the start: a start that times out may leave a server running, which stopSync then stops.
    started = true;
    await run(tools, 'pg_ctl', ['-D', data, '-l', log, '-w', '-t', String(START_SECONDS), '-o', options, 'start'], dir).catch((error: Error) => {
      throw new Error(`${error.message}\nthe server's log, last lines:\n${tail(log)}`);
    });

    const client = new pg.Client({ host: socketDir, port: PORT, user: tools.owner.name, database: 'postgres' });
    await client.connect();
    try {
      await client.query(`CREATE DATABASE ${DATABASE}`);
    } finally {
      await client.end();
    }
  } catch (error) {
    stopSync();
    running.delete(stopSync);
    throw error;
  }

  const user = tools.owner.name;
  return {
    host: socketDir,
    port: PORT,
    database: DATABASE,
    user,
    url: `postgresql://${encodeURIComponent(user)}@/${DATABASE}?host=${encodeURIComponent(socketDir)}&port=${PORT}`,
    stop: async () => {
      if (!running.has(stopSync)) return;
      running.delete(stopSync);
      try {
        await run(tools, 'pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop'], dir);
        started = false;
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
