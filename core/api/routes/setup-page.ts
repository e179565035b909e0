import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import '../access.js';

/**
 * The page the first-run setup link opens (issue 5), until the panel has its own: the token is
 * in the URL fragment, so it never reaches a server log or a Referer header, and this script
 * sends it to POST /api/v1/auth/setup.
 */
const SCRIPT = `
const token = new URLSearchParams(location.hash.slice(1)).get('token') ?? '';
const form = document.querySelector('form');
const out = document.querySelector('output');
form.addEventListener('submit', async (e) => {
  e.preventDefault();
  const data = new FormData(form);
  const res = await fetch('/api/v1/auth/setup', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token, username: data.get('username'), password: data.get('password') }),
  });
  const body = await res.json();
  out.textContent = res.ok ? 'Admin ' + body.user.username + ' created. You can sign in now.' : body.error.message;
  if (res.ok) { history.replaceState(null, '', '/setup'); form.remove(); }
});`;

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>RedFlag setup</title>
<style>body{font:16px system-ui;max-width:24rem;margin:4rem auto}label,input,button{display:block;width:100%;margin:.4rem 0}</style>
</head><body>
<h1>RedFlag: first admin</h1>
<form><label>Username <input name="username" required maxlength="64" autocomplete="username"></label>
<label>Password <input name="password" type="password" required minlength="8" autocomplete="new-password"></label>
<button>Create admin</button></form>
<output></output>
<script>${SCRIPT}</script>
</body></html>`;

const SCRIPT_HASH = createHash('sha256').update(SCRIPT).digest('base64');

export async function setupPageRoutes(app: FastifyInstance) {
  app.get('/setup', { config: { access: 'public' }, schema: { hide: true } }, async (_request, reply) =>
    reply
      .header('content-type', 'text/html; charset=utf-8')
      .header(
        'content-security-policy',
        `default-src 'none'; script-src 'sha256-${SCRIPT_HASH}'; style-src 'unsafe-inline'; connect-src 'self'; form-action 'none'; frame-ancestors 'none'`,
      )
      .header('referrer-policy', 'no-referrer')
      .send(PAGE),
  );
}
