// Counter console: polls the counter's state and sends the queue actions with the CSRF header.
(function () {
  "use strict";
  const root = document.querySelector(".counter");
  const counter = root.dataset.counter;
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const T = window.COUNTER_TEXT;
  let current = null;
  let busy = false;

  function say(text) { document.getElementById("message").textContent = text || ""; }

  async function post(url, body) {
    const r = await fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrf},
      body: JSON.stringify(body || {}),
    });
    const data = await r.json().catch(() => ({}));
    if (!r.ok) throw new Error((data.error && data.error.message) || r.statusText);
    return data;
  }

  function render(state) {
    current = state.current;
    document.getElementById("current-number").textContent = current ? current.number : "—";
    document.getElementById("current-status").textContent = current ? (T.statuses[current.status] || current.status) : "";
    const s = current ? current.status : null;
    document.getElementById("btn-recall").disabled = s !== "called";
    document.getElementById("btn-start").disabled = s !== "called";
    document.getElementById("btn-finish").disabled = !(s === "called" || s === "serving");
    document.getElementById("btn-no-show").disabled = s !== "called";
    document.getElementById("btn-transfer").disabled = !current;
    // one highlighted action: the step the clerk is most likely to take next
    const next = s === "called" ? "btn-start" : s === "serving" ? "btn-finish" : "btn-call-next";
    for (const id of ["btn-call-next", "btn-start", "btn-finish"]) {
      document.getElementById(id).classList.toggle("primary", id === next);
    }
    document.getElementById("waiting-total").textContent = state.waiting_total;
    const list = document.getElementById("waiting");
    list.replaceChildren(...state.waiting.map(t => {
      const li = document.createElement("li");
      li.textContent = t.number;
      li.dataset.id = t.id;
      if (t.priority) { const b = document.createElement("span"); b.className = "prio"; b.textContent = T.priority; li.appendChild(b); }
      return li;
    }));
  }

  function renderUnprinted(tickets) {
    const failed = tickets.length > 0;
    const box = document.getElementById("print-state");
    box.dataset.failed = failed ? "1" : "0";
    document.getElementById("print-title").textContent = failed ? T.failedTitle : T.printTitle;
    document.getElementById("all-printed").hidden = failed;
    const list = document.getElementById("unprinted");
    list.replaceChildren(...tickets.map(t => {
      const li = document.createElement("li");
      li.textContent = `${t.number} (${t.print_error || "?"}) `;
      const b = document.createElement("button");
      b.textContent = T.reprint;
      b.className = "reprint";
      b.addEventListener("click", () => run(async () => {
        const data = await post(`/staff/api/tickets/${t.id}/reprint`);
        say(data.printed ? "" : data.ticket.number + " " + T.printFailed + data.print_error);
      }));
      li.appendChild(b);
      return li;
    }));
  }

  async function refresh() {
    try {
      const u = await fetch("/staff/api/tickets/unprinted", {credentials: "same-origin"});
      if (u.ok) renderUnprinted((await u.json()).tickets);
      const r = await fetch(`/staff/api/counters/${counter}/state`, {credentials: "same-origin"});
      if (r.status === 401) { window.location = "/staff/login"; return; }
      if (!r.ok) return;
      render(await r.json());
      if (document.getElementById("message").textContent === T.offline) say("");
    } catch (e) { say(T.offline); }
  }

  async function run(fn) {
    if (busy) return;
    busy = true;
    try { await fn(); } catch (e) { say(T.failed + e.message); } finally { busy = false; refresh(); }
  }

  document.getElementById("btn-call-next").addEventListener("click", () => run(async () => {
    const data = await post(`/staff/api/counters/${counter}/call-next`);
    say(data.ticket ? "" : T.none);
  }));
  for (const btn of document.querySelectorAll(".walkin-service")) {
    btn.addEventListener("click", () => run(async () => {
      const priority = document.getElementById("walkin-priority").checked;
      const data = await post("/staff/api/tickets", {service: btn.dataset.service, priority});
      say(T.issued + data.ticket.number + (data.printed ? "" : " — " + T.printFailed + data.print_error));
    }));
  }
  for (const btn of document.querySelectorAll("[data-action]")) {
    btn.addEventListener("click", () => run(async () => {
      if (!current) return;
      const action = btn.dataset.action;
      const body = action === "transfer" ? {service: document.getElementById("transfer-service").value} : {};
      await post(`/staff/api/tickets/${current.id}/${action}`, body);
    }));
  }
  refresh();
  setInterval(refresh, 2000);
})();
