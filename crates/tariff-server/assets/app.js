// The calculator page: a form over the JSON API of `tariff serve`, a stack table with
// citations, and two SVG charts (origins compared; the line over time with its legal events).
// Plain script, no build step, nothing fetched from another host. Money stays decimal text
// from the API to the screen; numbers are parsed only to size the charts.
'use strict';
(() => {
  const $ = (id) => document.getElementById(id);
  const SVG = 'http://www.w3.org/2000/svg';
  const FIELDS = ['hts', 'origin', 'date', 'value', 'qty', 'spi', 'us_content', 'steel_content',
    'aluminum_content', 'copper_content', 'metal_weight_percent', 'loaded_on', 'export_country',
    'mode', 'declare', 'chapter98', 'processing_value', 'us_components', 'transshipped',
    'metal_melted_in_us'];
  const CHECKS = new Set(['transshipped', 'metal_melted_in_us']);
  const REQUIRED = { hts: 'HTS number', origin: 'country of origin', date: 'entry date', value: 'customs value' };
  const PALETTE = ['#2e86c1', '#8e44ad', '#d35400', '#c0392b', '#16a085', '#b7950b', '#5d6d7e', '#e84393', '#27ae60'];
  const colors = new Map([['base', '#95a5a6']]);
  let meta = null;
  let quoteSeq = 0;

  const colorOf = (authority) => {
    const key = authority.startsWith('base_') ? 'base' : authority;
    if (!colors.has(key)) colors.set(key, PALETTE[(colors.size - 1) % PALETTE.length]);
    return colors.get(key);
  };

  class ApiError extends Error {
    constructor(message, field) { super(message); this.field = field; }
  }

  async function api(path, params) {
    const url = path + (params ? '?' + params.toString() : '');
    const r = await fetch(url, { headers: { accept: 'application/json' } });
    const body = await r.json().catch(() => null);
    if (!r.ok) {
      const e = body && body.error;
      throw new ApiError(e ? (e.field ? e.field + ': ' : '') + e.message : 'HTTP ' + r.status, e && e.field);
    }
    return body;
  }

  // "1234567.5" → "$1,234,567.5" without going through a float.
  function money(s) {
    const text = String(s);
    const neg = text.startsWith('-');
    const [i, f] = (neg ? text.slice(1) : text).split('.');
    const grouped = i.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
    return (neg ? '-' : '') + '$' + grouped + (f !== undefined ? '.' + f : '');
  }

  function el(tag, attrs, text) {
    const e = tag.startsWith('svg:') ? document.createElementNS(SVG, tag.slice(4)) : document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'style') e.style.cssText = v; // CSSOM: allowed under the page's CSP
      else e.setAttribute(k, v);
    }
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function showError(err) {
    const box = $('error');
    box.textContent = err.message;
    box.hidden = false;
    if (err.field && $(err.field)) $(err.field).setAttribute('aria-invalid', 'true');
  }

  function clearError() {
    $('error').hidden = true;
    for (const k of FIELDS) if ($(k)) $(k).removeAttribute('aria-invalid');
  }

  function formParams(except) {
    const p = new URLSearchParams();
    for (const k of FIELDS) {
      if (except && except.includes(k)) continue;
      const e = $(k);
      if (CHECKS.has(k)) { if (e.checked) p.set(k, 'true'); continue; }
      const v = e.value.trim();
      if (v) p.set(k, v);
    }
    return p;
  }

  function fillForm(p) {
    let more = false;
    for (const k of FIELDS) {
      if (!p.has(k)) continue;
      const e = $(k);
      if (CHECKS.has(k)) e.checked = ['true', '1', 'yes', 'on'].includes(p.get(k));
      else e.value = p.get(k);
      if (!(k in REQUIRED)) more = true;
    }
    if (p.has('origins')) $('origins').value = p.get('origins');
    if (more) $('more').open = true;
  }

  // ---- autocomplete ----------------------------------------------------------------------
  let acTimer = 0;
  let acSeq = 0;
  let acItems = [];
  let acIndex = -1;

  function closeList() {
    $('hts-list').hidden = true;
    $('hts').setAttribute('aria-expanded', 'false');
    acIndex = -1;
  }

  function pick(hit) {
    $('hts').value = hit.code;
    $('hts-desc').textContent = hit.description + (hit.general ? ' — general rate ' + hit.general : '');
    closeList();
  }

  function renderList() {
    const list = $('hts-list');
    list.replaceChildren();
    acItems.forEach((h, i) => {
      const li = el('li', { role: 'option', id: 'hts-opt-' + i, 'aria-selected': String(i === acIndex), 'data-code': h.code });
      li.append(el('span', { class: 'code' }, h.code), document.createTextNode(h.description));
      if (h.context) li.append(el('span', { class: 'ctx' }, h.context));
      li.addEventListener('mousedown', (ev) => { ev.preventDefault(); pick(h); });
      list.append(li);
    });
    list.hidden = acItems.length === 0;
    $('hts').setAttribute('aria-expanded', String(!list.hidden));
  }

  async function suggest() {
    const q = $('hts').value.trim();
    if (q.length < 2) { acItems = []; renderList(); return; }
    const seq = ++acSeq;
    const p = new URLSearchParams({ q, limit: '12' });
    if ($('date').value) p.set('date', $('date').value);
    try {
      const r = await api('/api/search', p);
      if (seq !== acSeq) return;
      acItems = r.hits;
      acIndex = -1;
      renderList();
    } catch (_) { acItems = []; renderList(); }
  }

  function wireAutocomplete() {
    const input = $('hts');
    input.addEventListener('input', () => {
      $('hts-desc').textContent = '';
      clearTimeout(acTimer);
      acTimer = setTimeout(suggest, 150);
    });
    input.addEventListener('keydown', (ev) => {
      if ($('hts-list').hidden) return;
      if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
        ev.preventDefault();
        const n = acItems.length;
        acIndex = ev.key === 'ArrowDown' ? (acIndex + 1) % n : (acIndex - 1 + n) % n;
        renderList();
        input.setAttribute('aria-activedescendant', 'hts-opt-' + acIndex);
      } else if (ev.key === 'Enter' && acIndex >= 0) {
        ev.preventDefault();
        pick(acItems[acIndex]);
      } else if (ev.key === 'Escape') {
        closeList();
      }
    });
    input.addEventListener('blur', () => setTimeout(closeList, 100));
  }

  // ---- the quote -------------------------------------------------------------------------
  function shortRate(l) {
    if (l.authority.startsWith('base_')) return l.rate;
    if (l.rate_percent !== null && l.rate === 'no additional duty') return 'exempt ($0)';
    if (l.rate_percent !== null) return '+' + l.rate_percent + '%' + (l.rate.includes('floor') ? ' (floor)' : '');
    return l.rate;
  }

  function renderQuote(q, p) {
    $('result-title').textContent = q.hts + ' ' + q.description;
    $('result-sub').textContent = 'origin ' + q.origin + ' · entered ' + q.entry_date + ' · value ' +
      money(q.value) + ' · HTS ' + q.revision +
      (q.chapter98 ? ' · claimed under chapter 98 provision ' + q.chapter98 : '');
    $('total').textContent = money(q.total_duty);
    $('total').dataset.amount = q.total_duty;
    $('stack-total').textContent = money(q.total_duty);
    $('rate').textContent = q.effective_rate + '%';
    $('ieepa').textContent = money(q.ieepa_duty);
    $('fees').textContent = money(q.fees.total);
    const body = $('stack').tBodies[0];
    body.replaceChildren();
    for (const l of q.lines) {
      const tr = el('tr', { class: 'main', 'data-heading': l.heading, 'data-amount': l.amount });
      tr.append(el('td', { class: 'heading' }, l.heading));
      const auth = el('td', { class: 'auth-cell' });
      auth.append(el('span', { class: 'auth', style: 'background:' + colorOf(l.authority) }), document.createTextNode(l.authority));
      tr.append(auth, el('td', {}, shortRate(l)));
      tr.append(el('td', { class: 'num hide-narrow' }, money(l.basis_value) + (l.basis === 'full_value' ? '' : ' ' + l.basis.replace(/_/g, ' '))));
      tr.append(el('td', { class: 'num' }, money(l.amount)));
      const cite = el('tr', { class: 'cite' });
      cite.append(el('td', { colspan: '5' }, l.description + ' — ' + l.citation + (l.note ? ' — note: ' + l.note : '')));
      body.append(tr, cite);
    }
    const fees = $('fee-lines');
    fees.replaceChildren();
    for (const f of q.fees.lines) {
      fees.append(el('li', {}, f.fee.toUpperCase() + ' ' + f.percent + '% = ' + money(f.amount) +
        (f.note ? ' (' + f.note + ')' : '') + ' — ' + f.citation));
    }
    const warns = $('warnings');
    warns.replaceChildren();
    for (const w of q.warnings) warns.append(el('li', {}, w));
    $('permalink').href = '/?' + p.toString();
    $('json-link').href = '/api/quote?' + p.toString();
    $('result').hidden = false;
  }

  async function runQuote() {
    clearError();
    const p = formParams();
    for (const [k, name] of Object.entries(REQUIRED)) {
      if (!p.has(k)) { showError(new ApiError(k + ': give the ' + name, k)); return; }
    }
    const seq = ++quoteSeq;
    document.body.dataset.state = 'loading';
    try {
      const q = await api('/api/quote', p);
      if (seq !== quoteSeq) return;
      renderQuote(q, p);
      const url = new URLSearchParams(p);
      url.set('origins', $('origins').value.trim());
      history.replaceState(null, '', '?' + url.toString());
      document.body.dataset.state = 'quoted';
      $('compare').hidden = false;
      $('history').hidden = false;
      await Promise.all([runCompare(seq), runHistory(seq)]);
    } catch (err) {
      if (seq !== quoteSeq) return;
      document.body.dataset.state = 'error';
      showError(err);
    }
  }

  // ---- compare origins -------------------------------------------------------------------
  async function runCompare(seq) {
    const chart = $('compare-chart');
    chart.dataset.ready = 'false';
    const p = formParams();
    p.set('origins', $('origins').value);
    let r;
    try { r = await api('/api/quote/compare', p); } catch (err) {
      chart.replaceChildren(el('p', { class: 'muted' }, err.message));
      return;
    }
    if (seq !== undefined && seq !== quoteSeq) return;
    drawCompare(r.quotes, $('origin').value);
    chart.dataset.ready = 'true';
  }

  function drawCompare(quotes, current) {
    const chart = $('compare-chart');
    const rowH = 26;
    const left = 46;
    const right = 120;
    const width = 720;
    const height = quotes.length * rowH + 10;
    const max = Math.max(...quotes.map((q) => Number(q.total_duty)), 1e-9);
    const scale = (width - left - right) / max;
    const svg = el('svg:svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': 'Total duty by country of origin' });
    const seen = new Set();
    quotes.forEach((q, i) => {
      const y = 5 + i * rowH;
      const g = el('svg:g', { class: 'bar', 'data-origin': q.origin, 'data-total': q.total_duty });
      const label = el('svg:text', { x: 4, y: y + 17, 'font-weight': q.origin === current ? '700' : '400' }, q.origin);
      g.append(label);
      let x = left;
      const parts = new Map();
      for (const l of q.lines) {
        const key = l.authority.startsWith('base_') ? 'base' : l.authority;
        parts.set(key, (parts.get(key) || 0) + Number(l.amount));
      }
      for (const [auth, amount] of parts) {
        if (amount <= 0) continue;
        seen.add(auth);
        const w = amount * scale;
        const rect = el('svg:rect', { x, y: y + 3, width: Math.max(w, 0.5), height: rowH - 8, fill: colorOf(auth === 'base' ? 'base_' : auth) });
        rect.append(el('svg:title', {}, `${q.origin} ${auth}: ${money(amount.toFixed(2))}`));
        g.append(rect);
        x += w;
      }
      g.append(el('svg:text', { x: x + 6, y: y + 17 }, money(q.total_duty) + ' · ' + Number(q.effective_rate).toFixed(1) + '%'));
      svg.append(g);
    });
    const legend = el('div', { class: 'legend' });
    for (const a of seen) {
      const item = el('span');
      item.append(el('span', { class: 'auth', style: 'background:' + colorOf(a === 'base' ? 'base_' : a) }), document.createTextNode(a));
      legend.append(item);
    }
    chart.replaceChildren(svg, legend);
  }

  // ---- the line over time ----------------------------------------------------------------
  const day = (s) => Date.UTC(+s.slice(0, 4), +s.slice(5, 7) - 1, +s.slice(8, 10));
  const iso = (ms) => new Date(ms).toISOString().slice(0, 10);

  async function runHistory(seq) {
    const chart = $('history-chart');
    chart.dataset.ready = 'false';
    const p = formParams(['date']);
    let r;
    try { r = await api('/api/quote/history', p); } catch (err) {
      chart.replaceChildren(el('p', { class: 'muted' }, err.message));
      $('events').replaceChildren();
      return;
    }
    if (seq !== undefined && seq !== quoteSeq) return;
    drawHistory(r);
    chart.dataset.ready = 'true';
  }

  function drawHistory(h) {
    const width = 720;
    const height = 260;
    const m = { l: 44, r: 12, t: 56, b: 26 };
    const x0 = day(h.from);
    const x1 = day(h.to) + 86400000;
    const rates = h.periods.map((p) => Number(p.quote.effective_rate));
    const ymax = Math.max(...rates, 1) * 1.15;
    const X = (ms) => m.l + (ms - x0) / (x1 - x0) * (width - m.l - m.r);
    const Y = (v) => height - m.b - v / ymax * (height - m.t - m.b);
    const svg = el('svg:svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': 'Effective duty rate over time' });
    for (let i = 0; i <= 4; i++) {
      const v = ymax * i / 4;
      svg.append(el('svg:line', { class: 'grid', x1: m.l, x2: width - m.r, y1: Y(v), y2: Y(v) }));
      svg.append(el('svg:text', { x: m.l - 4, y: Y(v) + 4, 'text-anchor': 'end' }, v.toFixed(v < 10 ? 1 : 0) + '%'));
    }
    // Month ticks: the first of each quarter within the range.
    const start = new Date(x0);
    for (let y = start.getUTCFullYear(), mo = start.getUTCMonth(); ; mo++) {
      const t = Date.UTC(y, mo, 1);
      if (t > x1) break;
      if (t >= x0 && new Date(t).getUTCMonth() % 3 === 0) {
        svg.append(el('svg:line', { class: 'axis', x1: X(t), x2: X(t), y1: height - m.b, y2: height - m.b + 4 }));
        svg.append(el('svg:text', { x: X(t), y: height - 8, 'text-anchor': 'middle' }, iso(t).slice(0, 7)));
      }
    }
    svg.append(el('svg:line', { class: 'axis', x1: m.l, x2: width - m.r, y1: height - m.b, y2: height - m.b }));
    let d = '';
    h.periods.forEach((p, i) => {
      const a = X(day(p.from));
      const b = X(day(p.to) + 86400000);
      const y = Y(Number(p.quote.effective_rate));
      d += (i === 0 ? `M${a},${y}` : `V${y}`) + `H${b}`;
    });
    svg.append(el('svg:path', { d, fill: 'none', stroke: '#1f4e79', 'stroke-width': 2, class: 'rate-line' }));
    for (const p of h.periods) {
      const a = X(day(p.from));
      const b = X(day(p.to) + 86400000);
      const hit = el('svg:rect', { x: a, y: m.t, width: Math.max(b - a, 1), height: height - m.t - m.b, fill: 'transparent' });
      hit.append(el('svg:title', {}, `${p.from} to ${p.to}: ${money(p.quote.total_duty)} (${p.quote.effective_rate}%)`));
      svg.append(hit);
    }
    const list = $('events');
    list.replaceChildren();
    // Labels go in the first of four rows where they clear the previous label.
    const rowEnds = [-Infinity, -Infinity, -Infinity, -Infinity];
    h.events.forEach((ev, i) => {
      const x = X(day(ev.date));
      const label = String(i + 1);
      let row = rowEnds.findIndex((end) => x - label.length * 3.5 > end + 3);
      if (row < 0) row = rowEnds.indexOf(Math.min(...rowEnds));
      rowEnds[row] = x + label.length * 3.5;
      const g = el('svg:g', { class: 'event-mark', 'data-date': ev.date });
      g.append(el('svg:line', { class: 'event', x1: x, x2: x, y1: 14 + row * 12, y2: height - m.b }));
      g.append(el('svg:text', { class: 'event-label', x, y: 11 + row * 12, 'text-anchor': 'middle' }, label));
      g.append(el('svg:title', {}, `${i + 1}. ${ev.date} ${ev.kind} ${ev.heading}: ${ev.description}`));
      svg.append(g);
      const li = el('li', { 'data-date': ev.date });
      li.append(document.createTextNode(`${ev.date} — ${ev.kind} — ${ev.heading}${ev.authority ? ' (' + ev.authority + ')' : ''}: ${ev.description}`));
      li.append(el('span', { class: 'cite' }, ev.citation));
      list.append(li);
    });
    $('history-chart').replaceChildren(svg);
  }

  // ---- start -----------------------------------------------------------------------------
  async function init() {
    wireAutocomplete();
    $('entry').addEventListener('submit', (ev) => { ev.preventDefault(); runQuote(); });
    $('compare-form').addEventListener('submit', (ev) => { ev.preventDefault(); runCompare(); });
    try {
      meta = await api('/api/meta');
    } catch (err) { showError(err); return; }
    $('coverage').textContent = `HTS from ${meta.first_date}: ${meta.revisions.length} revisions, ` +
      `the newest (${meta.last_revision}) known in force through ${meta.covered_through}; ` +
      `the law known through ${meta.law_known_through}. Later dates are quoted with a warning. ` +
      `${meta.measures} Chapter 99 measures, each cited. Works offline.`;
    const origin = $('origin');
    origin.append(el('option', { value: '' }, '(choose)'));
    const countries = [...meta.countries].sort((a, b) => a.name.localeCompare(b.name));
    for (const c of countries) origin.append(el('option', { value: c.code }, `${c.name} (${c.code})`));
    for (const id of ['date', 'loaded_on']) { $(id).min = meta.first_date; }
    // Users ask about today: the page starts on the browser's date (past the dataset's
    // horizons the quote says so in its warnings).
    const now = new Date();
    const pad = (n) => String(n).padStart(2, '0');
    $('date').value = `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
    const p = new URLSearchParams(location.search);
    fillForm(p);
    document.body.dataset.state = 'ready';
    if (Object.keys(REQUIRED).every((k) => p.has(k))) runQuote();
  }

  document.addEventListener('DOMContentLoaded', init);
})();
