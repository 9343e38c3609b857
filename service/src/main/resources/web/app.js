// The web UI: one page per route of the location hash, each rendered into <main>.
import { setToken, token } from './api.js';
import { status } from './util.js';
import { experimentsPage } from './experiments.js';
import { experimentPage } from './experiment.js';
import { componentPage } from './component.js';
import { lineagePage } from './lineage.js';
import { cypherPage } from './cypher.js';

let cleanup = null;

const routes = [
  [/^#?\/?$/, () => experimentsPage()],
  [/^#\/experiments\/([^/?]+)$/, m => experimentPage(decodeURIComponent(m[1]))],
  [/^#\/components\/([^/?]+)$/, m => componentPage(decodeURIComponent(m[1]))],
  [/^#\/lineage(?:\?(.*))?$/, m => lineagePage(new URLSearchParams(m[1] || ''))],
  [/^#\/cypher$/, () => cypherPage()],
];

async function render() {
  if (cleanup) { try { cleanup(); } catch (e) { /* the old page is gone anyway */ } cleanup = null; }
  const main = document.getElementById('app');
  main.replaceChildren();
  status('');
  const hash = location.hash || '#/';
  for (const [pattern, page] of routes) {
    const m = hash.match(pattern);
    if (m) {
      try {
        cleanup = await page(m) || null;
      } catch (e) {
        status(e.message, true);
      }
      return;
    }
  }
  status('No such page: ' + hash, true);
}

document.getElementById('login').addEventListener('submit', event => {
  event.preventDefault();
  setToken(document.getElementById('token').value.trim());
  render();
});
document.getElementById('token').value = token();
document.addEventListener('unauthenticated', () => {
  status('The server needs a bearer token: enter it at the top right.', true);
  document.getElementById('token').focus();
});
window.addEventListener('hashchange', render);
render();
