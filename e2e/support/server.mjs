// Starts a real `inbeeld serve --demo` on a fresh SQLite database in a temporary folder, on a free port of
// 127.0.0.1, and waits until GET /health/ready answers 200.
//
// The binary is $INBEELD_BIN, or ../target/debug/inbeeld relative to this e2e/ folder.
// Set INBEELD_E2E_BASE_URL (e.g. http://127.0.0.1:8080) to run the tests against a server you started yourself.

import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const E2E_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const RESULTS_DIR = join(E2E_DIR, 'test-results');

const READY_TIMEOUT_MS = 60_000;
const POLL_INTERVAL_MS = 100;
const STOP_TIMEOUT_MS = 5_000;

/** The inbeeld binary to test. */
export function binaryPath() {
  return resolve(E2E_DIR, process.env.INBEELD_BIN ?? '../target/debug/inbeeld');
}

/** A TCP port on 127.0.0.1 that nothing listens on right now. */
export function freePort() {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolvePort(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts the server. Resolves to { baseURL, stop(), log() } once /health/ready answers 200; rejects with the server's
 * output if it exits first or is not ready within 60 seconds.
 *
 * @param {string} name  used to name the server's log file in test-results/
 */
export async function startServer(name = 'server') {
  if (process.env.INBEELD_E2E_BASE_URL) {
    const baseURL = process.env.INBEELD_E2E_BASE_URL.replace(/\/$/, '');
    await waitForHealth(baseURL, () => null);
    return { baseURL, stop: async () => {}, log: () => '(external server: no log)' };
  }

  const bin = binaryPath();
  if (!existsSync(bin)) {
    throw new Error(
      `inbeeld binary not found at ${bin}. Build it with \`cargo build\` or set INBEELD_BIN to its path.`,
    );
  }

  const dataDir = mkdtempSync(join(tmpdir(), 'inbeeld-e2e-'));
  const database = `sqlite://${join(dataDir, 'e2e.sqlite')}`;
  prepareAccounts(bin, database, dataDir);
  const port = await freePort();
  const baseURL = `http://127.0.0.1:${port}`;
  const args = [
    'serve',
    '--demo',
    '--database',
    database,
    '--addr',
    `127.0.0.1:${port}`,
  ];

  const output = [];
  const child = spawn(bin, args, {
    cwd: dataDir,
    env: { ...process.env, RUST_LOG: process.env.RUST_LOG ?? 'info', NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (chunk) => output.push(chunk));
  child.stderr.on('data', (chunk) => output.push(chunk));
  const log = () => Buffer.concat(output).toString('utf8');

  let exit = null;
  const exited = new Promise((r) =>
    child.on('exit', (code, signal) => {
      exit = { code, signal };
      r(exit);
    }),
  );
  child.on('error', (err) => {
    output.push(Buffer.from(`\n[e2e] could not start ${bin}: ${err.message}\n`));
    exit ??= { code: null, signal: null, error: err };
  });
  // If this test process dies without running `after`, do not leave the server behind.
  const killOnExit = () => child.kill('SIGKILL');
  process.on('exit', killOnExit);

  const command = `${bin} ${args.join(' ')}`;
  try {
    await waitForHealth(baseURL, () => exit);
  } catch (err) {
    child.kill('SIGKILL');
    await Promise.race([exited, sleep(STOP_TIMEOUT_MS)]);
    process.off('exit', killOnExit);
    saveLog(name, command, log());
    rmSync(dataDir, { recursive: true, force: true });
    throw new Error(`${err.message}\ncommand: ${command}\n--- server output ---\n${log()}`);
  }

  async function stop() {
    if (exit === null) {
      child.kill('SIGTERM');
      const stopped = await Promise.race([exited, sleep(STOP_TIMEOUT_MS).then(() => null)]);
      if (stopped === null) {
        child.kill('SIGKILL');
        await exited;
      }
    }
    process.off('exit', killOnExit);
    saveLog(name, command, log());
    rmSync(dataDir, { recursive: true, force: true });
  }

  return { baseURL, stop, log };
}

/** The accounts every test server has, made with `inbeeld user add` as an operator would. */
export const ACCOUNTS = {
  admin: { email: 'beheer@instituut.nl', password: 'een lange zin als wachtwoord', role: 'admin' },
  respondent: { email: 'respondent@amsterdam.nl', password: 'een andere lange zin', role: 'respondent', organisation: 'GM0363' },
  interviewer: { email: 'interviewer@instituut.nl', password: 'nog een lange zin hier', role: 'interviewer' },
  analyst: { email: 'analist@instituut.nl', password: 'een zin die alleen de analist kent', role: 'analyst' },
};

/** An open wave on today's division beside the demo's closed, simulated one, so that respondents can answer. */
export const OPEN_WAVE = { id: 'proefmeting', title: 'Proefmeting', questionnaire: 'eerste-meting-2010', catalogue: 'nup-2008' };

function prepareAccounts(bin, database, cwd) {
  const run = (args, password) =>
    execFileSync(bin, ['--database', database, ...args], {
      cwd,
      env: { ...process.env, INBEELD_PASSWORD: password ?? '', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  run(['demo']);
  for (const account of Object.values(ACCOUNTS)) {
    const args = ['user', 'add', '--email', account.email, '--role', account.role];
    if (account.organisation) args.push('--organisation', account.organisation);
    run(args, account.password);
  }
  const { id, title, questionnaire, catalogue } = OPEN_WAVE;
  run(['wave', 'create', '--id', id, '--title', title, '--catalogue', catalogue, '--questionnaire', questionnaire,
    '--opens', '2026-10-01', '--closes', '2027-03-31']);
  run(['wave', 'open', id]);
  // Contact addresses, so that the monitor team's invitations have somewhere to go (the outbox folder in `cwd`).
  const contacts = join(cwd, 'contacts.csv');
  writeFileSync(contacts, 'organisation_code,name,email\nGM0344,,info@utrecht.example\nGM0599,,info@rotterdam.example\n');
  run(['import', 'contacts', contacts]);
}

async function waitForHealth(baseURL, exitState) {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    const exit = exitState();
    if (exit) {
      throw new Error(
        `inbeeld exited before it was ready (code ${exit.code}, signal ${exit.signal})`,
      );
    }
    try {
      const res = await fetch(`${baseURL}/health/ready`, { signal: AbortSignal.timeout(2_000) });
      if (res.status === 200) return;
      last = `GET /health/ready answered ${res.status}`;
    } catch (err) {
      last = `GET /health/ready failed: ${err.cause?.code ?? err.message}`;
    }
    await sleep(POLL_INTERVAL_MS);
  }
  throw new Error(`inbeeld was not ready within ${READY_TIMEOUT_MS / 1000} s (${last})`);
}

function saveLog(name, command, text) {
  try {
    mkdirSync(RESULTS_DIR, { recursive: true });
    writeFileSync(join(RESULTS_DIR, `${name}.server.log`), `$ ${command}\n${text}`);
  } catch {
    // The log is a convenience; never fail a run because it could not be written.
  }
}
