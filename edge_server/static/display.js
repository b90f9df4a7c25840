// The TV queue board: listens to /display/events, shows each call, speaks it once, and heals itself.
// Calls are announced one after another (never cut off, never dropped); a board that lost its connection
// re-creates the stream from the last id it saw and re-reads /display/state.
(function () {
  "use strict";
  const B = window.BOARD;
  const T = B.text;
  const RECENT_MAX = 10;
  const SPEAK_IF_YOUNGER_MS = 90 * 1000;  // after an outage, show old calls but do not announce them
  const AUDIO_WATCHDOG_MS = 30 * 1000;
  const RESYNC_MS = 60 * 1000;
  const RELOAD_AFTER_MS = 12 * 3600 * 1000;  // a fresh page twice a day keeps a TV browser healthy

  const counters = document.getElementById("counters");
  const recentList = document.getElementById("recent-calls");
  const tickerText = document.getElementById("ticker-text");
  const connection = document.getElementById("connection");
  const unlock = document.getElementById("sound-unlock");
  const loadedAt = Date.now();

  let lastId = 0;
  let serverOffset = 0;  // server clock minus this browser's clock, in ms
  let zone = B.state.timezone || "Asia/Jakarta";
  let recent = [];
  const seen = new Set();
  const log = window.boardLog = [];  // what happened, for diagnostics and the browser test

  function note(entry) {
    log.push(Object.assign({t: Date.now()}, entry));
    if (log.length > 200) log.splice(0, log.length - 200);
  }

  // ---- rendering ------------------------------------------------------------------------------------------
  function counterLabel(n) { return T.counter.replace("{n}", String(n)); }

  function counterBox(n) {
    let box = counters.querySelector(`[data-counter="${n}"]`);
    if (!box) {
      box = document.createElement("article");
      box.className = "counter-box";
      box.dataset.counter = n;
      const h = document.createElement("h2");
      h.className = "counter-label";
      h.textContent = counterLabel(n);
      const p = document.createElement("p");
      p.className = "counter-number";
      p.dataset.role = "number";
      p.textContent = "—";
      box.append(h, p);
      const after = [...counters.children].find(b => Number(b.dataset.counter) > n);
      counters.insertBefore(box, after || null);
      sizeCounters();
    }
    return box;
  }

  function sizeCounters() {
    const n = counters.children.length;
    counters.dataset.count = n;
    if (n > 6) counters.dataset.many = ""; else delete counters.dataset.many;
  }

  function flash(el) {
    el.classList.remove("flash");
    void el.offsetWidth;  // restart the animation
    el.classList.add("flash");
  }

  function showCurrent(ev, highlight) {
    const box = counterBox(ev.counter);
    if (Number(box.dataset.eventId || 0) > ev.id) return;
    box.dataset.eventId = ev.id;
    box.querySelector("[data-role=number]").textContent = ev.number;
    if (highlight) flash(box);
  }

  function renderRecent(freshId) {
    recentList.replaceChildren(...recent.map(ev => {
      const li = document.createElement("li");
      li.dataset.event = ev.id;
      const num = document.createElement("span");
      num.className = "num";
      num.textContent = ev.number;
      const to = document.createElement("span");
      to.className = "to";
      to.textContent = counterLabel(ev.counter);
      li.append(num, to);
      if (ev.id === freshId) li.classList.add("fresh");
      return li;
    }));
  }

  function renderTicker(announcements) {
    const parts = (announcements || []).map(a => a.body ? `${a.title}: ${a.body}` : a.title);
    const text = parts.length ? parts.join("  \u2022  ") : T.welcome;
    if (tickerText.textContent === text) return;  // do not restart a running marquee for nothing
    tickerText.textContent = text;
    tickerText.style.setProperty("--ticker-seconds", Math.max(15, Math.round(text.length * 0.22)) + "s");
  }

  function tick() {
    const now = new Date(Date.now() + serverOffset);
    try {
      document.getElementById("clock-time").textContent =
        now.toLocaleTimeString(T.locale, {timeZone: zone, hour: "2-digit", minute: "2-digit"}) +
        (B.state.zone_name ? " " + B.state.zone_name : "");
      document.getElementById("clock-date").textContent =
        now.toLocaleDateString(T.locale, {timeZone: zone, weekday: "long", day: "numeric", month: "long", year: "numeric"});
    } catch (e) { document.getElementById("clock-time").textContent = now.toTimeString().slice(0, 5); }
  }

  // ---- calls ----------------------------------------------------------------------------------------------
  function handleCall(ev, live) {
    if (seen.has(ev.id)) return;
    seen.add(ev.id);
    if (ev.id > lastId) lastId = ev.id;
    showCurrent(ev, live);
    recent = recent.concat([ev]).sort((a, b) => b.id - a.id).slice(0, RECENT_MAX);
    renderRecent(live ? ev.id : null);
    const age = Date.now() + serverOffset - Date.parse(ev.at);
    note({type: "call", id: ev.id, number: ev.number, counter: ev.counter, live: live});
    if (live && !(age > SPEAK_IF_YOUNGER_MS)) speak(ev);
  }

  function applyState(state) {
    if (state.server_time) serverOffset = Date.parse(state.server_time) - Date.now();
    if (state.timezone) zone = state.timezone;
    if (state.last_event_id < lastId) {  // the server's database was replaced: start over from its numbers
      lastId = state.last_event_id;
      seen.clear();
    }
    for (const c of state.counters || []) {
      const box = counterBox(c.number);
      if (c.current) {
        showCurrent(c.current, false);
      } else if (Number(box.dataset.eventId || 0) <= state.last_event_id) {  // a new day: no call yet
        delete box.dataset.eventId;
        box.querySelector("[data-role=number]").textContent = "—";
      }
    }
    const missed = (state.recent || []).filter(ev => ev.id > lastId).sort((a, b) => a.id - b.id);
    for (const ev of state.recent || []) if (ev.id <= lastId) seen.add(ev.id);
    recent = (state.recent || []).filter(ev => ev.id <= lastId).sort((a, b) => b.id - a.id);
    renderRecent(null);
    for (const ev of missed) handleCall(ev, true);
    if (state.last_event_id > lastId) lastId = state.last_event_id;
    renderTicker(state.announcements);
  }

  // ---- sound: one call at a time, in order ------------------------------------------------------------------
  const audio = new Audio();
  audio.preload = "auto";
  const queue = [];
  let playing = null;  // the item being played
  let blocked = false;  // the browser refused to play without a click

  function speak(ev) {
    queue.push({id: ev.id, url: ev.audio_url});
    pump();
  }

  function finish(item, result) {
    if (playing !== item) return;  // a late event of an item already given up on
    clearTimeout(item.watchdog);
    playing = null;
    note({type: "audio", id: item.id, url: item.url, result: result});
    setTimeout(pump, 300);  // a short breath between two calls
  }

  function pump() {
    if (playing || blocked || !queue.length) return;
    const item = queue.shift();
    playing = item;
    item.watchdog = setTimeout(() => finish(item, "timeout"), AUDIO_WATCHDOG_MS);
    audio.onended = () => finish(item, "ended");
    audio.onerror = () => finish(item, "error");
    audio.src = item.url;
    note({type: "audio", id: item.id, url: item.url, result: "start"});
    const started = audio.play();
    if (started && started.catch) {
      started.catch(err => {
        if (playing !== item) return;
        if (err && err.name === "NotAllowedError") {
          clearTimeout(item.watchdog);
          playing = null;
          blocked = true;
          queue.unshift(item);
          note({type: "audio", id: item.id, url: item.url, result: "blocked"});
          unlock.hidden = false;
        } else {
          finish(item, "error");
        }
      });
    }
  }

  unlock.addEventListener("click", () => {
    unlock.hidden = true;
    blocked = false;
    pump();
  });

  // ---- the stream and its healing ---------------------------------------------------------------------------
  let source = null;
  let reopenTimer = null;
  let troubleSince = null;

  function showTrouble(on) {
    if (on && troubleSince === null) troubleSince = Date.now();
    if (!on) troubleSince = null;
    connection.hidden = !(on && Date.now() - troubleSince > 4000);
  }

  function openStream() {
    clearTimeout(reopenTimer);
    if (source) source.close();
    source = new EventSource(`/display/events?after=${lastId}`);
    source.addEventListener("open", () => { showTrouble(false); resync(); });
    source.addEventListener("call", msg => {
      try { handleCall(JSON.parse(msg.data), true); } catch (e) { note({type: "bad-event", data: msg.data}); }
    });
    source.addEventListener("error", () => {
      showTrouble(true);
      if (source.readyState === EventSource.CLOSED) {  // e.g. a 503 while the server restarts: the browser gave up
        reopenTimer = setTimeout(openStream, 5000);
      }
    });
  }

  async function resync() {
    try {
      const r = await fetch("/display/state", {cache: "no-store"});
      if (!r.ok) throw new Error(r.status);
      const state = await r.json();
      const serverNow = Date.parse(state.server_time) || Date.now();
      const stuck = (state.recent || []).some(ev => ev.id > lastId && serverNow - Date.parse(ev.at) > 5000);
      applyState(state);
      if (stuck && source && source.readyState !== EventSource.CONNECTING) {
        openStream();  // the stream missed calls the state has: it is stuck, make a new one
      }
      if (source && source.readyState === EventSource.OPEN) showTrouble(false);
    } catch (e) {
      showTrouble(true);
      if (!source || source.readyState === EventSource.CLOSED) {
        clearTimeout(reopenTimer);
        reopenTimer = setTimeout(openStream, 5000);
      }
    }
    if (Date.now() - loadedAt > RELOAD_AFTER_MS && !playing && !queue.length) window.location.reload();
  }

  sizeCounters();
  lastId = B.state.last_event_id || 0;  // what the page was rendered with is shown, not announced
  applyState(B.state);
  tick();
  setInterval(tick, 1000);
  setInterval(() => { showTrouble(troubleSince !== null); }, 1000);
  setInterval(resync, RESYNC_MS);
  openStream();
})();
