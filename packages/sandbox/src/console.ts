/**
 * The sandbox's web console: one self-contained page over the `/sandbox` admin API — players and
 * balances, the live event stream, bet ledgers, fault buttons and the request log.
 *
 * The page is plain HTML, CSS and JS (no framework, no build step, no CDN). Its style and script live
 * beside this file in `console/` so they can be read and linted as what they are, and are inlined
 * into the one page served at `GET /console`. The script builds the DOM from text nodes only, and the
 * Content-Security-Policy allows exactly that inline script and style, so a hostile id in the data can
 * neither inject markup nor run code.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { errorCatalogue } from '@croupier/server';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { ADMIN_SESSION_COOKIE, type AdminGuard, sessionCookieOptions } from './admin-guard.ts';
import { FAULT_KINDS, type FaultKind } from './faults.ts';

/** One input of the fault form; `name` is the field of `POST /sandbox/faults`. */
export interface FaultParam {
  name: string;
  label: string;
  /** `int` and `number` are sent as JSON numbers, `text` and `code` as strings. */
  type: 'int' | 'number' | 'text' | 'code';
  required?: boolean;
  placeholder?: string;
  default?: string;
  hint?: string;
}

/** The parameters of each fault kind (see `parseFault`); a new kind fails the type check until it is listed. */
export const FAULT_PARAMS: Record<FaultKind, FaultParam[]> = {
  latency: [
    { name: 'delay_ms', label: 'delay ms (fixed)', type: 'int', placeholder: 'e.g. 500, or use a range' },
    { name: 'min_ms', label: 'min ms (uniform)', type: 'int', placeholder: 'e.g. 100' },
    { name: 'max_ms', label: 'max ms (uniform)', type: 'int', placeholder: 'e.g. 900' },
    { name: 'mean_ms', label: 'mean ms (normal)', type: 'int', placeholder: 'e.g. 300' },
    { name: 'stddev_ms', label: 'stddev ms (normal)', type: 'int', placeholder: 'e.g. 80' },
  ],
  error_rate: [
    { name: 'rate', label: 'rate (0–1)', type: 'number', required: true, default: '0.5' },
    {
      name: 'code',
      label: 'error code',
      type: 'code',
      required: true,
      default: 'PLATFORM_DEGRADED',
      hint: "one of the contract's error codes",
    },
  ],
  wallet_outage: [],
  duplicate_delivery: [],
  out_of_order: [{ name: 'window', label: 'window (events)', type: 'int', placeholder: '3 when empty' }],
  outbox_delay: [{ name: 'delay_ms', label: 'delay ms', type: 'int', required: true, default: '2000' }],
  clock_skew: [
    {
      name: 'skew_ms',
      label: 'skew ms (− = past)',
      type: 'int',
      required: true,
      default: '-60000',
    },
  ],
  region_outage: [{ name: 'region', label: 'region', type: 'text', required: true, default: 'EU' }],
  no_new_sessions: [],
  promo_off: [],
  jackpot_off: [],
};

/** Scope and lifetime, common to every kind. */
export const COMMON_FAULT_PARAMS: FaultParam[] = [
  { name: 'brand', label: 'brand', type: 'text', placeholder: 'every brand when empty' },
  { name: 'provider', label: 'provider', type: 'text', placeholder: 'every provider when empty' },
  { name: 'duration_s', label: 'duration s', type: 'int', placeholder: '600 when empty' },
];

const asset = (name: string) => readFileSync(new URL(`./console/${name}`, import.meta.url), 'utf8');
const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
/** JSON that is safe inside a `<script>` element (no `</script>`, no `<!--`). */
const scriptJson = (value: unknown) =>
  JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');

const commonInputs = COMMON_FAULT_PARAMS.map(
  (p) =>
    `<label>${p.label}<input name="${p.name}" data-testid="fault-${p.name}" type="${p.type === 'int' ? 'number' : 'text'}"${p.type === 'int' ? ' step="1" min="1"' : ''} placeholder="${p.placeholder ?? ''}"></label>`,
).join('\n            ');

function page(css: string, script: string): string {
  const config = scriptJson({
    faultKinds: FAULT_KINDS,
    faultParams: FAULT_PARAMS,
    commonParams: COMMON_FAULT_PARAMS,
    errorCodes: Object.keys(errorCatalogue).sort(),
  });
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>croupier sandbox console</title>
<link rel="icon" href="data:,">
<style>${css}</style>
</head>
<body>
<header class="top">
  <h1>croupier <span>sandbox console</span></h1>
  <div class="defaults" id="defaults"></div>
  <div class="spacer"></div>
  <span class="live" id="live" data-testid="live">connecting</span>
</header>
<main>
  <section class="panel wide" data-testid="players-panel">
    <header>
      <h2>Players</h2><span class="hint" id="players-brand"></span>
      <span class="hint">test players of the seed, balances as the wallet holds them</span>
      <div class="tools"><button type="button" class="danger" id="reset-players" data-testid="players-reset" title="a fresh store with the seeded players; faults cleared">Reset to seed</button></div>
    </header>
    <div class="body">
      <table data-testid="players-table">
        <thead><tr><th>player</th><th><div class="balances head"><span></span><span class="cap">cash</span><span class="cap">bonus</span><span class="cap">held</span></div></th><th>kyc</th><th>region</th><th>rg profile</th><th>what it is for</th></tr></thead>
        <tbody id="players-body"><tr><td colspan="6" class="empty">loading…</td></tr></tbody>
      </table>
    </div>
  </section>

  <section class="panel" data-testid="events-panel">
    <header>
      <h2>Event stream</h2><span class="hint" id="events-count"></span>
      <div class="tools">
        <input type="search" id="events-filter" data-testid="events-filter" placeholder="filter events" aria-label="filter events">
        <label class="check"><input type="checkbox" id="events-pause" data-testid="events-pause">pause</label>
        <button type="button" id="events-clear" title="clear the view (the tap keeps its events)">clear</button>
      </div>
    </header>
    <div class="body scroll">
      <table class="events" data-testid="events-table">
        <thead><tr><th class="num">#</th><th>received</th><th>event</th><th>player</th><th>bet</th><th class="num">amount</th><th>trace id</th><th></th></tr></thead>
        <tbody id="events-body"></tbody>
      </table>
    </div>
  </section>

  <section class="panel" data-testid="faults-panel">
    <header>
      <h2>Faults</h2><span class="hint" id="faults-count"></span>
      <div class="tools"><button type="button" class="danger" id="faults-clear" data-testid="faults-clear">all off</button></div>
    </header>
    <form class="fault" id="fault-form" data-testid="fault-form" autocomplete="off">
      <div class="kind">
        <label>kind<select id="fault-kind" name="kind" data-testid="fault-kind-select"></select></label>
        <div class="desc" id="fault-desc" data-testid="fault-description"></div>
      </div>
      <div id="fault-params" class="contents"></div>
      ${commonInputs}
      <div class="actions"><button type="submit" class="primary" data-testid="fault-on">Switch on</button><span class="muted">expires by itself (default 10 min)</span></div>
    </form>
    <datalist id="error-codes"></datalist>
    <div class="body scroll">
      <table data-testid="faults-table">
        <thead><tr><th>kind</th><th>parameters</th><th>scope</th><th>left</th><th></th></tr></thead>
        <tbody id="faults-body"></tbody>
      </table>
    </div>
    <form class="fault" id="emulator-form" data-testid="emulator-form">
      <div class="actions">
        <span class="muted">wallet emulator delay</span>
        <input id="emulator-delay" data-testid="emulator-delay" type="number" min="0" max="60000" step="1" aria-label="wallet delay ms"> ms
        <button type="submit">set</button>
      </div>
    </form>
  </section>

  <section class="panel wide" data-testid="bet-panel">
    <header>
      <h2>Bet ledger</h2><span class="hint">click a bet id in the stream, or look one up</span>
      <form class="tools inline" id="bet-form"><input type="search" id="bet-input" data-testid="bet-input" placeholder="bet id" aria-label="bet id"><button type="submit">show</button></form>
    </header>
    <div class="body" id="bet-body" data-testid="bet-ledger"><div class="empty">no bet selected</div></div>
  </section>

  <section class="panel wide" id="requests-panel" data-testid="requests-panel">
    <header>
      <h2>Request log</h2><span class="hint" id="requests-count"></span>
      <form class="tools inline" id="requests-form">
        <input type="search" id="requests-trace" data-testid="requests-search" placeholder="trace id (or part of it)" aria-label="trace id">
        <button type="submit" data-testid="requests-search-button">search</button>
        <label class="check"><input type="checkbox" id="requests-auto" checked>auto-refresh</label>
      </form>
    </header>
    <div class="body scroll">
      <table data-testid="requests-table">
        <thead><tr><th>at</th><th>method</th><th>path</th><th>status</th><th class="num">took</th><th>trace id</th><th>idempotency key</th><th>code / fault</th></tr></thead>
        <tbody id="requests-body"></tbody>
      </table>
    </div>
  </section>
</main>
<div id="toasts" aria-live="polite"></div>
<script type="application/json" id="console-config">${config}</script>
<script>${script}</script>
</body>
</html>`;
}

let rendered: { html: string; csp: string } | undefined;

/** The page and its Content-Security-Policy (read and hashed once). */
export function consolePage(): { html: string; csp: string } {
  if (rendered) return rendered;
  const css = asset('console.css');
  const script = asset('console.js');
  // Inlined verbatim: a closing tag inside either would end the element early.
  if (/<\/(script|style)/i.test(script + css)) throw new Error('console/: no </script> or </style> inside');
  const csp = [
    "default-src 'none'",
    `script-src ${sha256(script)}`,
    `style-src ${sha256(css)}`,
    "connect-src 'self'",
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
  rendered = { html: page(css, script), csp };
  return rendered;
}

const LOGIN_CSS =
  'body{font:15px/1.5 system-ui,sans-serif;max-width:34rem;margin:4rem auto;padding:0 1rem;color:#1d232a}' +
  'h1{font-size:1.3rem}input{font:inherit;width:100%;padding:.4rem;margin:.3rem 0 .8rem;box-sizing:border-box}' +
  'button{font:inherit;padding:.4rem 1.2rem}code{background:#eef1f4;padding:0 .25rem}.error{color:#a4161a}';

/** The sign-in page of a secure sandbox's console: a form, no script. */
function loginPage(error?: string): { html: string; csp: string } {
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>croupier sandbox console: sign in</title>
<link rel="icon" href="data:,">
<style>${LOGIN_CSS}</style>
</head>
<body>
<h1>croupier sandbox console</h1>
<p>This sandbox runs with security on: its console and admin API answer only to the platform's admin.
Paste the admin token that <code>croupier sandbox --secure</code> wrote beside its CA
(<code>cat .croupier/sandbox/certs/admin.token</code> by default; the banner shows its fingerprint).</p>
${error ? `<p class="error" data-testid="login-error">${error}</p>` : ''}
<form method="post" action="/console/login" data-testid="login-form">
<label>admin token<input type="password" name="token" autocomplete="off" autofocus required data-testid="login-token"></label>
<button type="submit" data-testid="login-submit">sign in</button>
</form>
</body>
</html>`;
  const csp = [
    "default-src 'none'",
    `style-src ${sha256(LOGIN_CSS)}`,
    'img-src data:',
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
  return { html, csp };
}

const sendPage = (reply: FastifyReply, page: { html: string; csp: string }) =>
  reply
    .type('text/html; charset=utf-8')
    .header('content-security-policy', page.csp)
    .header('x-content-type-options', 'nosniff')
    .header('cache-control', 'no-store')
    .send(page.html);

export interface ConsoleOptions {
  /** Secure mode: the console opens only to an admin session, signed in at `/console/login`. */
  guard?: AdminGuard;
}

export function consoleRoutes(options: ConsoleOptions = {}) {
  const { guard } = options;
  return async (app: FastifyInstance): Promise<void> => {
    app.get('/', async (_request, reply) => reply.redirect('/console'));
    app.get('/console', async (request, reply) => {
      if (guard && !guard.admits(request)) return reply.redirect('/console/login', 303);
      return sendPage(reply, consolePage());
    });
    if (!guard) return;

    app.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: 4096 },
      (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(String(body)))),
    );
    app.get('/console/login', async (_request, reply) => sendPage(reply, loginPage()));
    app.post('/console/login', async (request, reply) => {
      const body = request.body as Record<string, unknown> | undefined;
      const token = typeof body?.token === 'string' ? body.token : '';
      const session = guard.signIn(token);
      if (!session) {
        reply.code(401);
        return sendPage(reply, loginPage('That is not the admin token of this sandbox.'));
      }
      return reply.setCookie(ADMIN_SESSION_COOKIE, session, sessionCookieOptions).redirect('/console', 303);
    });
  };
}
