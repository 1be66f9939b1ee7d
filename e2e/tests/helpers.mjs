// Starts `tolbooth demo` in a fresh directory on a free port and drives
// Debian's Chromium through playwright-core.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createHmac } from 'node:crypto';
import { chromium } from 'playwright-core';

const here = new URL('.', import.meta.url).pathname;
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export const BIN = process.env.TOLBOOTH_BIN || resolve(here, '../../target/debug/tolbooth');

/** Runs the demo and resolves once it has printed its URLs and logins. */
export async function startDemo(settings = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'tolbooth-e2e-'));
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('TOLBOOTH_')) delete env[k];
  Object.assign(env, settings);
  const child = spawn(BIN, ['demo', '--listen', '127.0.0.1:0'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.on('data', (d) => { err += d; });
  const ready = new Promise((resolveReady, reject) => {
    const timer = setTimeout(() => reject(new Error(`demo did not start:\n${out}\n${err}`)), 60000);
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('Press Ctrl-C to stop')) { clearTimeout(timer); resolveReady(); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`demo exited ${code}:\n${out}\n${err}`)); });
  });
  await ready;
  const base = out.match(/Staff console:\s+(http:\/\/\S+)\/login/)[1];
  const logins = {};
  for (const m of out.matchAll(/username (\S+)\s+one-time password (\S+)/g)) logins[m[1]] = m[2];
  return {
    base,
    logins,
    async stop() {
      child.removeAllListeners('exit');
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** Collects console errors (a CSP violation shows up here). */
export function watchConsole(page) {
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  return errors;
}

/** RFC 6238 TOTP, SHA-1, 6 digits, 30 s: what an authenticator app shows. */
export function totp(base32Secret, at = Date.now()) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of base32Secret.replace(/=+$/, '').toUpperCase()) {
    bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  }
  const bytes = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 1000 / 30)));
  const mac = createHmac('sha1', Buffer.from(bytes)).update(counter).digest();
  const offset = mac[mac.length - 1] & 0xf;
  const code = (mac.readUInt32BE(offset) & 0x7fffffff) % 1000000;
  return String(code).padStart(6, '0');
}

/** WCAG 2.2 A/AA violations found by axe-core on the page, or within `context`. */
export async function axe(page, context) {
  await page.evaluate(AXE);
  return page.evaluate(async (ctx) => {
    const result = await window.axe.run(ctx || document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] });
    return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  }, context);
}

/** Signs in with one of the demo's one-time passwords and chooses
 * `passphrase`, as staff do the first time; resolves on the page that
 * follows (the console, or the second-factor set-up for roles that need
 * one). */
export async function firstSignIn(page, demo, username, passphrase) {
  await page.goto(`${demo.base}/login`);
  await page.fill('#username', username);
  await page.fill('#password', demo.logins[username]);
  await page.click('button[type=submit]');
  await page.waitForURL('**/account/password');
  await page.fill('#current', demo.logins[username]);
  await page.fill('#new', passphrase);
  await page.fill('#confirm', passphrase);
  await page.click('button[type=submit]');
  await page.waitForURL((url) => !url.pathname.endsWith('/account/password'));
}
