// Runs the extension's integration tests (test/suite/index.js exporting run(), the
// @vscode/test-electron format) inside a real VS Code: code-server's server and remote
// (Node) extension host, the workbench opened in headless Debian Chromium by playwright-core.
// Exit code = the extension-test exit code the workbench reports (window.codeAutomationExit),
// or 2 on a harness error or timeout. Logs are kept in the temp dir when the run fails.
//   node run-in-code-server.mjs --node NODE24 --code-server ENTRY --extensionDevelopmentPath DIR
//     --extensionTestsPath SUITE --workspace DIR [--timeout MS] [--browser /usr/bin/chromium]
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { chromium } from 'playwright-core';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
};
const node24 = arg('node', process.env.NODE24);
const codeServer = arg('code-server');
const extDev = path.resolve(arg('extensionDevelopmentPath'));
const extTests = path.resolve(arg('extensionTestsPath'));
const workspace = path.resolve(arg('workspace'));
const browserPath = arg('browser', '/usr/bin/chromium');
const timeoutMs = Number(arg('timeout', '240000'));
const verbose = !!process.env.VERBOSE;

const t0 = Date.now();
const log = (...a) => console.log(`[harness +${((Date.now() - t0) / 1000).toFixed(1)}s]`, ...a);

function freePort() {
  return new Promise((res, rej) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => res(p)); });
    s.on('error', rej);
  });
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vscode-it-'));
const userDataDir = path.join(tmp, 'user-data');
const extensionsDir = path.join(tmp, 'extensions');
fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
fs.mkdirSync(extensionsDir, { recursive: true });
// Settings that keep the workbench quiet and offline.
fs.writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify({
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'workbench.enableExperiments': false,
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'security.workspace.trust.enabled': false,
  'chat.disableAIFeatures': true,
  'npm.fetchOnlinePackageInfo': false,
  'workbench.localHistory.enabled': false,
}, null, 2));

const configFile = path.join(tmp, 'code-server-config.yaml');
fs.writeFileSync(configFile, 'auth: none\n');
const port = await freePort();
const host = `127.0.0.1:${port}`;
log(`starting code-server on ${host} (tmp ${tmp})`);
const server = spawn(node24, [codeServer,
  '--bind-addr', host,
  '--auth', 'none',
  '--disable-telemetry',
  '--disable-update-check',
  '--disable-workspace-trust',
  '--disable-getting-started-override',
  '--ignore-last-opened',
  // The built workbench only honours the URL `payload` (extensionDevelopmentPath /
  // extensionTestsPath) when the smoke-test driver is enabled; code-server passes
  // unknown VS Code server flags through with --vscode-option.
  '--vscode-option', 'enable-smoke-test-driver',
  '--vscode-option', 'disable-experiments',
  '--config', configFile,
  '--user-data-dir', userDataDir,
  '--extensions-dir', extensionsDir,
  // 'info' or more is needed: the ext host's console (mocha output) reaches the page via the log service.
  '--log', verbose ? 'trace' : 'info',
], {
  stdio: ['ignore', 'pipe', 'pipe'],
  env: {
    ...process.env,
    // No marketplace: nothing to contact.
    EXTENSIONS_GALLERY: JSON.stringify({ serviceUrl: '', itemUrl: '', resourceUrlTemplate: '' }),
    CS_DISABLE_FILE_DOWNLOADS: '1',
  },
});
const serverLog = fs.createWriteStream(path.join(tmp, 'code-server.log'));
for (const s of [server.stdout, server.stderr]) {
  s.on('data', (b) => {
    serverLog.write(b);
    const txt = b.toString();
    if (verbose) process.stderr.write(`[code-server] ${txt}`);
  });
}
let exited = false;
server.on('exit', (code, sig) => { exited = true; log(`code-server exited code=${code} sig=${sig}`); });

let browser;
let finish;
const done = new Promise((r) => (finish = r));
const timer = setTimeout(() => { log(`TIMEOUT after ${timeoutMs}ms`); finish(2); }, timeoutMs);

async function cleanup(code) {
  clearTimeout(timer);
  try { if (browser) await browser.close(); } catch {}
  if (!exited) { server.kill('SIGTERM'); }
  await new Promise((r) => setTimeout(r, 300));
  if (!exited) { try { server.kill('SIGKILL'); } catch {} }
  if (code !== 0) log(`code-server log + VS Code logs kept in ${tmp}`);
  else fs.rmSync(tmp, { recursive: true, force: true, maxRetries: 3 });
  process.exit(code);
}

try {
  // Wait until code-server answers /healthz (independent of its log level).
  let timedOut = false;
  done.then(() => { timedOut = true; });
  for (;;) {
    if (exited) throw new Error('code-server exited before listening');
    if (timedOut) throw new Error('timed out waiting for code-server');
    try {
      const r = await fetch(`http://${host}/healthz`);
      if (r.ok) break;
    } catch {}
    await new Promise((r) => setTimeout(r, 200));
  }
  log('code-server listening; launching chromium');
  const profile = path.join(tmp, 'chromium-profile');
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: browserPath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--no-first-run', '--disable-sync', '--disable-quic', '--disable-dev-shm-usage'],
  });
  const page = browser.pages()[0] ?? await browser.newPage();
  await page.exposeFunction('codeAutomationLog', (type, args) => {
    const f = console[type] ?? console.log;
    f(...args);
  });
  await page.exposeFunction('codeAutomationExit', (code) => {
    log(`workbench reported extension test exit code ${code}`);
    finish(code);
  });
  page.on('framenavigated', (f) => { if (f === page.mainFrame()) log('navigated to', f.url().slice(0, 300)); });
  page.on('pageerror', (e) => verbose && log('pageerror', e.message));
  page.on('console', (m) => {
    if (verbose || m.type() === 'error') log(`[browser ${m.type()}] ${m.text()}`.slice(0, process.env.VERBOSE ? 4000 : 400));
  });
  const remote = (p) => `vscode-remote://${host}${p}`;
  const payload = [
    ['extensionDevelopmentPath', remote(extDev)],
    ['extensionTestsPath', remote(extTests)],
    ['enableProposedApi', ''],
    ['skipWelcome', 'true'],
  ];
  const url = `http://${host}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  log(`opening ${url}`);
  await page.goto(url);
  const code = await done;
  await cleanup(typeof code === 'number' ? code : 2);
} catch (e) {
  log('harness error:', e?.stack ?? e);
  await cleanup(2);
}
