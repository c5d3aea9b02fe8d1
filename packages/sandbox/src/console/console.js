// The sandbox console's script, inlined into GET /console by console.ts. Plain DOM, no framework:
// every string from the API reaches the page as a text node or an attribute value, never as HTML.
{
  const config = JSON.parse(document.getElementById('console-config').textContent);
  const $ = (id) => document.getElementById(id);

  /** Builds an element; children that are strings become text nodes, so nothing is parsed as HTML. */
  const h = (tag, attrs, ...children) => {
    const el = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs ?? {})) {
      if (value === undefined || value === null || value === false) continue;
      if (key === 'class') el.className = value;
      else if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
      else if (key === 'testid') el.setAttribute('data-testid', value);
      else el.setAttribute(key, value === true ? '' : String(value));
    }
    for (const child of children.flat()) {
      if (child === undefined || child === null || child === false) continue;
      el.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return el;
  };
  const str = (value) => (value === undefined || value === null ? '' : String(value));
  const clock = (iso) => {
    const d = new Date(iso);
    if (Number.isNaN(d.getTime())) return str(iso);
    return d.toTimeString().slice(0, 8) + '.' + String(d.getMilliseconds()).padStart(3, '0');
  };

  // ── API ───────────────────────────────────────────────────────────────────────────────────────
  class ApiError extends Error {}
  const api = async (method, url, body) => {
    const init = { method, headers: {} };
    if (body !== undefined) {
      init.headers['content-type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    const response = await fetch(url, init);
    // A secure sandbox forgot the session (it restarted, or a day passed): sign in again.
    if (response.status === 401 && location.pathname === '/console') location.assign('/console/login');
    const text = await response.text();
    let data;
    try {
      data = text ? JSON.parse(text) : undefined;
    } catch {
      data = text;
    }
    if (!response.ok) {
      const code = data && typeof data === 'object' ? data.code : undefined;
      const message = data && typeof data === 'object' ? data.message : text;
      throw new ApiError(
        method + ' ' + url + ' → ' + response.status + (code ? ' ' + code : '') + ': ' + str(message),
      );
    }
    return data;
  };
  const toast = (message, kind) => {
    const el = h('div', { class: 'toast' + (kind === 'error' ? ' error' : ''), role: 'status' }, message);
    $('toasts').append(el);
    setTimeout(() => el.remove(), kind === 'error' ? 7000 : 3500);
  };
  const failed = (error) => toast(error instanceof Error ? error.message : String(error), 'error');

  const linkTo = (text, testid, onclick, attrs) =>
    h('button', { type: 'button', class: 'link', testid, title: text, onclick, ...attrs }, text);

  // ── players ───────────────────────────────────────────────────────────────────────────────────
  const KYC = ['verified', 'pending', 'denied'];
  let rgProfiles = [];

  const balanceGrid = (balances) => {
    const grid = h('div', { class: 'balances' });
    for (const [currency, b] of Object.entries(balances ?? {})) {
      const cell = (field) =>
        h(
          'span',
          {
            class: 'amt' + (/^0(\.0+)?$/.test(str(b[field])) ? ' zero' : ''),
            testid: 'balance-' + field,
            'data-currency': currency,
          },
          str(b[field]),
        );
      grid.append(h('span', { class: 'cur' }, currency), cell('cash'), cell('bonus'), cell('held'));
    }
    return grid;
  };

  const renderPlayers = (data) => {
    rgProfiles = data.rg_profiles ?? rgProfiles;
    $('players-brand').textContent = 'brand ' + str(data.brand);
    const rows = (data.players ?? []).map((p) => {
      const id = str(p.player_id);
      const kyc = h(
        'select',
        {
          testid: 'player-kyc',
          'aria-label': 'KYC status of ' + id,
          onchange: (event) => {
            const status = event.target.value;
            event.target.blur();
            api('PUT', '/sandbox/players/' + encodeURIComponent(id) + '/kyc', { status })
              .then(() => toast('KYC of ' + id + ' → ' + status))
              .catch(failed)
              .then(refreshPlayers);
          },
        },
        KYC.map((k) => h('option', { value: k, selected: k === p.kyc }, k)),
      );
      if (!KYC.includes(p.kyc)) kyc.prepend(h('option', { selected: true }, str(p.kyc)));
      const rg = h(
        'select',
        {
          testid: 'player-rg',
          'aria-label': 'RG profile of ' + id,
          onchange: (event) => {
            const profile = event.target.value;
            event.target.value = '';
            event.target.blur();
            api('PUT', '/sandbox/players/' + encodeURIComponent(id) + '/rg', { profile })
              .then(() => toast('RG profile of ' + id + ' → ' + profile))
              .catch(failed);
          },
        },
        h('option', { value: '' }, 'apply…'),
        rgProfiles.map((name) => h('option', { value: name }, name)),
      );
      return h(
        'tr',
        { testid: 'player-row', 'data-player-id': id },
        h('td', {}, h('code', { testid: 'player-id' }, id)),
        h('td', {}, balanceGrid(p.balances)),
        h('td', {}, kyc),
        h('td', {}, h('span', { class: 'pill' }, str(p.region))),
        h('td', {}, rg),
        h('td', { class: 'purpose' }, str(p.purpose)),
      );
    });
    const body = $('players-body');
    body.replaceChildren(...rows);
    if (rows.length === 0) body.append(h('tr', {}, h('td', { colspan: 6, class: 'empty' }, 'no players')));
  };

  let playersBusy = false;
  let playersJson = '';
  const refreshPlayers = async () => {
    // Keep the focus in a select the user is using: the table is replaced only when it is not.
    if (playersBusy || document.activeElement?.closest?.('#players-body')) return;
    playersBusy = true;
    try {
      const data = await api('GET', '/sandbox/players');
      const json = JSON.stringify(data);
      if (json === playersJson) return;
      playersJson = json;
      renderPlayers(data);
    } catch (error) {
      failed(error);
    } finally {
      playersBusy = false;
    }
  };

  $('reset-players').addEventListener('click', async (event) => {
    const button = event.currentTarget;
    if (button.dataset.armed !== 'yes') {
      button.dataset.armed = 'yes';
      button.textContent = 'Click again to reset';
      setTimeout(() => {
        button.dataset.armed = '';
        button.textContent = 'Reset to seed';
      }, 3000);
      return;
    }
    button.dataset.armed = '';
    button.textContent = 'Reset to seed';
    try {
      const result = await api('POST', '/sandbox/players/reset');
      toast('reset: ' + (result.players ?? []).length + ' test players, faults cleared');
      await Promise.all([refreshPlayers(), refreshFaults()]);
    } catch (error) {
      failed(error);
    }
  });

  // ── events ────────────────────────────────────────────────────────────────────────────────────
  const MAX_EVENTS = 500;
  const events = [];
  const seenEventIds = new Set();
  let lastSeq = 0;
  let eventsPaused = false;
  let openRaw = null;

  const typeClass = (type) => {
    const head = str(type).split('.')[0];
    if (head === 'bet' || head === 'wager') return 'pill bet';
    if (head === 'wallet' || head === 'bonus') return 'pill wallet';
    if (head === 'session') return 'pill session';
    if (head === 'rg') return 'pill rg';
    return 'pill';
  };
  const moneyText = (m) =>
    m && typeof m === 'object' && m.amount !== undefined ? str(m.amount) + ' ' + str(m.currency) : '';
  const summary = (payload) => {
    if (!payload || typeof payload !== 'object') return '';
    if (payload.win) return 'win ' + moneyText(payload.win);
    if (payload.amount) return moneyText(payload.amount);
    return '';
  };

  const eventMatches = (entry, needle) => {
    if (!needle) return true;
    const e = entry.event ?? {};
    const p = e.payload ?? {};
    return [e.event_type, entry.topic, e.player_id, p.bet_id, e.trace_id, e.event_id, p.round_id]
      .map(str)
      .some((value) => value.toLowerCase().includes(needle));
  };

  const eventRow = (entry, fresh) => {
    const e = entry.event && typeof entry.event === 'object' ? entry.event : {};
    const p = e.payload && typeof e.payload === 'object' ? e.payload : {};
    const type = str(e.event_type || entry.topic);
    const betId = p.bet_id === undefined ? '' : str(p.bet_id);
    const trace = str(e.trace_id);
    const classes = [
      entry.duplicate ? 'duplicate' : '',
      fresh ? 'fresh' : '',
      betId && betId === selectedBet ? 'selected' : '',
    ];
    const row = h(
      'tr',
      {
        testid: 'event-row',
        class: classes.filter(Boolean).join(' '),
        'data-seq': entry.seq,
        'data-event-type': type,
        'data-duplicate': entry.duplicate ? 'true' : 'false',
      },
      h('td', { class: 'num muted mono' }, str(entry.seq)),
      h('td', { class: 'mono muted' }, clock(entry.received_at)),
      h(
        'td',
        {},
        h('span', { class: typeClass(type), testid: 'event-type' }, type),
        entry.duplicate
          ? h(
              'span',
              { class: 'dup', testid: 'event-duplicate', title: 'same event_id delivered again' },
              'DUP',
            )
          : null,
        entry.topic && entry.topic !== 'wallet'
          ? h('span', { class: 'muted' }, ' ' + str(entry.topic))
          : null,
      ),
      h('td', {}, h('code', { testid: 'event-player' }, str(e.player_id))),
      h(
        'td',
        {},
        betId
          ? linkTo(betId, 'event-bet', () => showBet(betId), {
              class: 'link clip',
              'data-bet-id': betId,
              title: 'show the ledger of ' + betId,
            })
          : h('span', { class: 'muted' }, '—'),
      ),
      h('td', { class: 'num mono' }, summary(p)),
      h(
        'td',
        {},
        trace
          ? linkTo(trace, 'event-trace', () => searchTrace(trace), {
              class: 'link clip',
              title: 'requests with trace ' + trace,
            })
          : '',
      ),
      h(
        'td',
        {},
        h(
          'button',
          {
            type: 'button',
            class: 'link',
            title: 'the envelope as JSON',
            onclick: () => {
              openRaw = openRaw === entry.seq ? null : entry.seq;
              renderEvents();
            },
          },
          openRaw === entry.seq ? 'hide' : '{…}',
        ),
      ),
    );
    if (openRaw !== entry.seq) return [row];
    return [
      row,
      h('tr', {}, h('td', { colspan: 8 }, h('pre', { class: 'json' }, JSON.stringify(e, null, 2)))),
    ];
  };

  let freshFrom = Number.POSITIVE_INFINITY;
  const renderEvents = () => {
    const needle = $('events-filter').value.trim().toLowerCase();
    const shown = events.filter((entry) => eventMatches(entry, needle));
    const body = $('events-body');
    body.replaceChildren(...shown.flatMap((entry) => eventRow(entry, entry.seq >= freshFrom)));
    if (shown.length === 0) {
      body.append(
        h(
          'tr',
          {},
          h(
            'td',
            { colspan: 8, class: 'empty' },
            needle ? 'no event matches the filter' : 'waiting for events…',
          ),
        ),
      );
    }
    const dups = events.filter((entry) => entry.duplicate).length;
    $('events-count').textContent = events.length + ' events' + (dups ? ' · ' + dups + ' duplicates' : '');
    freshFrom = Number.POSITIVE_INFINITY;
  };

  let eventsBusy = false;
  let eventsAgain = false;
  const pollEvents = async () => {
    if (eventsBusy) {
      eventsAgain = true;
      return;
    }
    eventsBusy = true;
    try {
      const data = await api('GET', '/sandbox/events?limit=1000&after=' + lastSeq);
      const fresh = (data.events ?? []).filter((entry) => Number(entry.seq) > lastSeq);
      if (fresh.length > 0) {
        for (const entry of fresh) {
          const id = entry.event?.event_id;
          // The tap flags the copy a duplicate_delivery fault made; a repeated event_id is the same thing seen by a consumer.
          if (id !== undefined && seenEventIds.has(id)) entry.duplicate = true;
          if (id !== undefined) seenEventIds.add(id);
          lastSeq = Math.max(lastSeq, Number(entry.seq));
        }
        if (lastSeq > 0 && events.length > 0) freshFrom = Number(fresh[0].seq);
        events.unshift(...fresh.reverse());
        events.splice(MAX_EVENTS);
        if (!eventsPaused) renderEvents();
      }
      setLive('events', true);
    } catch {
      setLive('events', false);
    } finally {
      eventsBusy = false;
      if (eventsAgain) {
        eventsAgain = false;
        pollEvents();
      }
    }
  };

  $('events-filter').addEventListener('input', renderEvents);
  $('events-pause').addEventListener('change', (event) => {
    eventsPaused = event.target.checked;
    if (!eventsPaused) renderEvents();
  });
  $('events-clear').addEventListener('click', () => {
    events.length = 0;
    renderEvents();
  });

  // Each SSE message wakes the poll, which pulls the tapped entries (with seq and the duplicate flag).
  const liveState = { sse: false, events: true };
  const setLive = (what, on) => {
    liveState[what] = on;
    const el = $('live');
    el.className = 'live ' + (liveState.sse ? 'on' : liveState.events ? '' : 'off');
    el.textContent = liveState.sse ? 'live' : liveState.events ? 'polling' : 'disconnected';
  };
  let stream = null;
  const openStream = () => {
    if (typeof EventSource === 'undefined') return;
    stream = new EventSource('/sandbox/events/stream');
    stream.onopen = () => setLive('sse', true);
    stream.onerror = () => setLive('sse', false);
    // Each message is one delivered envelope; the list itself comes from /sandbox/events (seq, duplicate flag).
    stream.onmessage = () => pollEvents();
  };

  // ── bet ledger ────────────────────────────────────────────────────────────────────────────────
  let selectedBet = '';
  const showBet = async (betId) => {
    selectedBet = betId;
    $('bet-input').value = betId;
    renderEvents();
    const out = $('bet-body');
    out.replaceChildren(h('div', { class: 'empty' }, 'loading the ledger of ' + betId + '…'));
    try {
      const data = await api('GET', '/sandbox/bets/' + encodeURIComponent(betId) + '/ledger');
      const entries = data.entries ?? [];
      const traces = [...new Set(entries.map((entry) => str(entry.trace_id)).filter(Boolean))];
      const rows = entries.map((entry) =>
        h(
          'tr',
          { testid: 'ledger-row', 'data-transfer-id': str(entry.transfer_id) },
          h('td', { class: 'mono muted' }, clock(entry.created_at)),
          h('td', {}, h('span', { class: 'pill' }, str(entry.kind))),
          h(
            'td',
            {},
            h('span', { class: 'account' }, str(entry.debit)),
            h('span', { class: 'arrow' }, '→'),
            h('span', { class: 'account' }, str(entry.credit)),
          ),
          h(
            'td',
            { class: 'num mono', testid: 'ledger-amount' },
            str(entry.amount) + ' ' + str(entry.currency),
          ),
          h(
            'td',
            {},
            entry.trace_id
              ? linkTo(str(entry.trace_id), 'ledger-trace', () => searchTrace(str(entry.trace_id)))
              : h('span', { class: 'muted' }, '—'),
          ),
          h('td', { class: 'mono muted' }, str(entry.transfer_id)),
        ),
      );
      out.replaceChildren(
        h(
          'div',
          { class: 'bet-title' },
          h('span', { class: 'muted' }, 'bet'),
          h('strong', { testid: 'bet-id' }, str(data.bet_id)),
          h(
            'span',
            { class: 'muted' },
            entries.length + ' ledger transfers · ' + traces.length + ' trace ids',
          ),
        ),
        h(
          'div',
          { class: 'scroll' },
          h(
            'table',
            { testid: 'ledger-table' },
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                ['at', 'kind', 'debit → credit', 'amount', 'trace id', 'transfer'].map((t) =>
                  h('th', { class: t === 'amount' ? 'num' : '' }, t),
                ),
              ),
            ),
            h('tbody', {}, rows),
          ),
        ),
      );
    } catch (error) {
      out.replaceChildren(
        h(
          'div',
          { class: 'empty', testid: 'bet-error' },
          error instanceof Error ? error.message : String(error),
        ),
      );
    }
  };
  $('bet-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const betId = $('bet-input').value.trim();
    if (betId) showBet(betId);
  });

  // ── faults ────────────────────────────────────────────────────────────────────────────────────
  let kinds = [];
  let faults = [];
  const PARAM_KEYS = new Set(Object.values(config.faultParams).flatMap((list) => list.map((p) => p.name)));
  const paramsOf = (fault) =>
    Object.entries(fault)
      .filter(([key]) => PARAM_KEYS.has(key))
      .map(([key, value]) => h('span', { class: 'kv-item' }, key + '=' + str(value)));

  const renderKindForm = () => {
    const kind = $('fault-kind').value;
    const found = kinds.find((k) => k.kind === kind);
    $('fault-desc').textContent = found ? str(found.description) : '';
    const params = config.faultParams[kind] ?? [];
    $('fault-params').replaceChildren(
      ...params.map((param) =>
        h(
          'label',
          {},
          param.label + (param.required ? ' *' : ''),
          h('input', {
            name: param.name,
            testid: 'fault-param-' + param.name,
            type: param.type === 'text' || param.type === 'code' ? 'text' : 'number',
            step: param.type === 'number' ? 'any' : '1',
            placeholder: param.placeholder ?? '',
            value: param.default ?? '',
            list: param.type === 'code' ? 'error-codes' : undefined,
            title: param.hint ?? '',
          }),
        ),
      ),
    );
  };

  const renderKinds = () => {
    const select = $('fault-kind');
    const current = select.value;
    select.replaceChildren(...kinds.map((k) => h('option', { value: k.kind }, str(k.kind))));
    if (current) select.value = current;
    renderKindForm();
  };

  const remaining = (fault) => {
    const ms = Date.parse(fault.expires_at) - Date.now();
    if (!(ms > 0)) return { text: 'expiring', low: true };
    const s = Math.ceil(ms / 1000);
    const text =
      s >= 3600
        ? Math.floor(s / 3600) + 'h ' + String(Math.floor((s % 3600) / 60)).padStart(2, '0') + 'm'
        : Math.floor(s / 60) + ':' + String(s % 60).padStart(2, '0');
    return { text, low: s <= 30 };
  };

  const renderFaults = () => {
    const body = $('faults-body');
    $('faults-count').textContent = faults.length ? faults.length + ' active' : 'none active';
    $('faults-clear').disabled = faults.length === 0;
    if (faults.length === 0) {
      body.replaceChildren(
        h('tr', {}, h('td', { colspan: 5, class: 'empty' }, 'no fault is on: the sandbox behaves')),
      );
      return;
    }
    body.replaceChildren(
      ...faults.map((fault) => {
        const left = remaining(fault);
        const scope = [
          fault.brand ? 'brand ' + fault.brand : '',
          fault.provider ? 'provider ' + fault.provider : '',
        ]
          .filter(Boolean)
          .join(' · ');
        return h(
          'tr',
          { testid: 'fault-row', 'data-fault-id': str(fault.id), 'data-kind': str(fault.kind) },
          h(
            'td',
            {},
            h('span', { class: 'pill bad', testid: 'fault-kind' }, str(fault.kind)),
            h('div', { class: 'muted mono' }, str(fault.id)),
          ),
          h(
            'td',
            {},
            paramsOf(fault).length
              ? h('div', { class: 'kv' }, paramsOf(fault))
              : h('span', { class: 'muted' }, '—'),
          ),
          h('td', { class: scope ? '' : 'muted' }, scope || 'everyone'),
          h('td', { class: 'countdown' + (left.low ? ' low' : ''), testid: 'fault-remaining' }, left.text),
          h(
            'td',
            { class: 'num' },
            h(
              'button',
              {
                type: 'button',
                class: 'danger',
                testid: 'fault-off',
                onclick: () =>
                  api('DELETE', '/sandbox/faults/' + encodeURIComponent(str(fault.id)))
                    .then(() => toast(str(fault.kind) + ' off'))
                    .catch(failed)
                    .then(refreshFaults),
              },
              'off',
            ),
          ),
        );
      }),
    );
  };

  // The countdowns tick in place; the rows are rebuilt only when the list changed, so a button is
  // never replaced under the pointer.
  const tickFaults = () => {
    for (const cell of document.querySelectorAll('[data-testid="fault-remaining"]')) {
      const fault = faults.find((f) => str(f.id) === cell.closest('tr')?.getAttribute('data-fault-id'));
      if (!fault) continue;
      const left = remaining(fault);
      cell.textContent = left.text;
      cell.className = 'countdown' + (left.low ? ' low' : '');
    }
  };
  let faultsJson = '';
  const refreshFaults = async () => {
    try {
      const list = (await api('GET', '/sandbox/faults')).faults ?? [];
      const json = JSON.stringify(list);
      if (json === faultsJson) return;
      faultsJson = json;
      faults = list;
      renderFaults();
    } catch (error) {
      failed(error);
    }
  };

  $('fault-kind').addEventListener('change', renderKindForm);
  $('fault-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const form = event.currentTarget;
    const kind = $('fault-kind').value;
    const body = { kind };
    for (const param of [...(config.faultParams[kind] ?? []), ...config.commonParams]) {
      const input = form.elements.namedItem(param.name);
      const raw = input ? input.value.trim() : '';
      if (raw === '') continue;
      body[param.name] = param.type === 'text' || param.type === 'code' ? raw : Number(raw);
    }
    try {
      const fault = await api('POST', '/sandbox/faults', body);
      toast(str(fault.kind) + ' on (' + str(fault.id) + ')');
      await refreshFaults();
    } catch (error) {
      failed(error);
    }
  });
  $('faults-clear').addEventListener('click', () =>
    api('DELETE', '/sandbox/faults')
      .then((result) => toast(str(result.cleared) + ' faults off'))
      .catch(failed)
      .then(refreshFaults),
  );

  // Wallet emulator: a delay added to every wallet call, on top of any latency fault.
  const refreshEmulator = () =>
    api('GET', '/sandbox/emulators/wallet')
      .then((data) => {
        if (document.activeElement !== $('emulator-delay')) $('emulator-delay').value = str(data.delay_ms);
      })
      .catch(failed);
  $('emulator-form').addEventListener('submit', (event) => {
    event.preventDefault();
    api('PUT', '/sandbox/emulators/wallet', { delay_ms: Number($('emulator-delay').value || '0') })
      .then((data) => toast('wallet delay ' + str(data.delay_ms) + ' ms'))
      .catch(failed);
  });

  // ── request log ───────────────────────────────────────────────────────────────────────────────
  const searchTrace = (trace) => {
    $('requests-trace').value = trace;
    refreshRequests();
    $('requests-panel').scrollIntoView({ behavior: 'smooth', block: 'start' });
  };
  let requestsBusy = false;
  let requestsJson = '';
  const refreshRequests = async () => {
    if (requestsBusy) return;
    requestsBusy = true;
    const trace = $('requests-trace').value.trim();
    try {
      const data = await api(
        'GET',
        '/sandbox/requests?limit=200' + (trace ? '&trace_id=' + encodeURIComponent(trace) : ''),
      );
      const list = data.requests ?? [];
      const json = trace + JSON.stringify(list);
      if (json === requestsJson) return;
      requestsJson = json;
      $('requests-count').textContent = list.length + (trace ? ' matching' : ' recent');
      const body = $('requests-body');
      body.replaceChildren(
        ...list.map((r) =>
          h(
            'tr',
            { testid: 'request-row', 'data-trace-id': str(r.trace_id), 'data-status': str(r.status) },
            h('td', { class: 'mono muted' }, clock(r.at)),
            h('td', { class: 'mono' }, str(r.method)),
            h('td', { class: 'mono', testid: 'request-path' }, str(r.path)),
            h(
              'td',
              {},
              h(
                'span',
                { class: 'status s' + str(r.status).charAt(0), testid: 'request-status' },
                str(r.status),
              ),
            ),
            h('td', { class: 'num mono' }, str(r.duration_ms) + ' ms'),
            h(
              'td',
              { testid: 'request-trace' },
              r.trace_id
                ? linkTo(str(r.trace_id), 'request-trace-link', () => searchTrace(str(r.trace_id)))
                : '',
            ),
            h('td', { class: 'mono muted' }, str(r.idempotency_key)),
            h(
              'td',
              {},
              r.code ? h('span', { class: 'pill warn', testid: 'request-code' }, str(r.code)) : null,
              r.fault
                ? h(
                    'span',
                    { class: 'pill bad', testid: 'request-fault', title: 'shaped by a fault' },
                    '⚡ ' + str(r.fault),
                  )
                : null,
            ),
          ),
        ),
      );
      if (list.length === 0) {
        body.append(
          h(
            'tr',
            {},
            h(
              'td',
              { colspan: 8, class: 'empty' },
              trace ? 'no request carried trace ' + trace : 'no contract call yet',
            ),
          ),
        );
      }
    } catch (error) {
      failed(error);
    } finally {
      requestsBusy = false;
    }
  };
  $('requests-form').addEventListener('submit', (event) => {
    event.preventDefault();
    refreshRequests();
  });
  $('requests-trace').addEventListener('search', () => refreshRequests());

  // ── start ─────────────────────────────────────────────────────────────────────────────────────
  const start = async () => {
    try {
      const info = await api('GET', '/sandbox/');
      const d = info.defaults ?? {};
      $('defaults').replaceChildren(
        'brand',
        h('code', {}, str(d.brand)),
        'provider',
        h('code', {}, str(d.provider)),
        'region',
        h('code', {}, str(d.region)),
      );
    } catch (error) {
      failed(error);
    }
    try {
      kinds = (await api('GET', '/sandbox/faults/kinds')).kinds ?? [];
      renderKinds();
    } catch (error) {
      failed(error);
    }
    $('error-codes').replaceChildren(...config.errorCodes.map((code) => h('option', { value: code })));
    openStream();
    await Promise.all([
      refreshPlayers(),
      refreshFaults(),
      pollEvents(),
      refreshRequests(),
      refreshEmulator(),
    ]);
    renderEvents();
    let tick = 0;
    setInterval(() => {
      tick += 1;
      tickFaults();
      if (document.hidden) return;
      pollEvents();
      if (tick % 2 === 0) {
        refreshPlayers();
        refreshFaults();
        if ($('requests-auto').checked) refreshRequests();
      }
    }, 1000);
  };
  start();
}
