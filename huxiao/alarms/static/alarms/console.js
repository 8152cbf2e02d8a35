// Police console: live alarms over WebSocket with catch-up from the last seen event id, polling fallback.
(function () {
  "use strict";
  const root = document.getElementById("hx-console");
  if (!root) return;
  const list = document.getElementById("hx-alarms");
  const empty = document.getElementById("hx-empty");
  const tpl = document.getElementById("hx-alarm-tpl");
  const conn = document.getElementById("hx-conn");
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const cards = new Map();
  let cursor = 0, socket = null, failures = 0, pollTimer = null, audio = null;
  window.hxAlarmConsole = { received: [], cursor: () => cursor };

  const CAT = { emergency: "text-bg-danger", intrusion: "text-bg-warning", fire: "text-bg-danger",
                fault: "text-bg-secondary", arming: "text-bg-info", test: "text-bg-light", other: "text-bg-primary" };

  function setConn(state) {
    conn.className = "badge " + ({ live: "text-bg-success", poll: "text-bg-warning", off: "text-bg-danger",
                                   ended: "text-bg-dark" }[state]);
    conn.textContent = conn.dataset["label" + state.charAt(0).toUpperCase() + state.slice(1)];
    conn.dataset.state = state;
  }

  function beep() {
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      [0, 0.35, 0.7].forEach(function (t) {
        const osc = audio.createOscillator(), gain = audio.createGain();
        osc.frequency.value = 880; osc.connect(gain); gain.connect(audio.destination);
        gain.gain.setValueAtTime(0.2, audio.currentTime + t);
        osc.start(audio.currentTime + t); osc.stop(audio.currentTime + t + 0.25);
      });
    } catch (e) { /* no audio device */ }
  }
  document.getElementById("hx-sound").addEventListener("click", function () { beep(); });

  // The site's time format, Y-m-d H:i:s in Beijing time (UTC+8, no daylight saving) whatever the browser's zone
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function beijing(iso) {
    const t = Date.parse(iso);
    if (isNaN(t)) return "";
    const d = new Date(t + 8 * 3600 * 1000);
    return d.getUTCFullYear() + "-" + pad(d.getUTCMonth() + 1) + "-" + pad(d.getUTCDate()) + " " +
      pad(d.getUTCHours()) + ":" + pad(d.getUTCMinutes()) + ":" + pad(d.getUTCSeconds());
  }
  window.hxAlarmConsole.formatTime = beijing;

  function text(el, sel, value) { el.querySelector(sel).textContent = value || "—"; }

  function render(a) {
    let card = cards.get(a.id);
    const open = ["received", "acknowledged", "dispatched", "arrived"].indexOf(a.status) >= 0;
    if (!open || !a.needs_response) {
      if (card) { card.remove(); cards.delete(a.id); }
      refreshCount();
      return;
    }
    if (!card) {
      card = tpl.content.firstElementChild.cloneNode(true);
      card.dataset.alarmId = a.id;
      card.querySelectorAll("[data-step]").forEach(function (btn) {
        btn.addEventListener("click", function () { step(a.id, btn.dataset.step, card); });
      });
      card.querySelector(".hx-near-btn").addEventListener("click", function () { near(card); });
      list.prepend(card);
      cards.set(a.id, card);
    }
    const cat = card.querySelector(".hx-cat");
    cat.className = "badge hx-cat " + (CAT[a.category] || "text-bg-primary");
    cat.textContent = a.category_label;
    const where = [a.area ? root.dataset.msgArea + " " + a.area : "", a.zone ? root.dataset.msgZone + " " + a.zone : ""]
      .filter(Boolean).join(" ");
    text(card, ".hx-label", a.label + (where ? "（" + where + "）" : ""));
    const restored = card.querySelector(".hx-restored");
    restored.classList.toggle("d-none", !a.restored_at);
    text(card, ".hx-time", beijing(a.received_at));
    text(card, ".hx-school", a.school.name);
    text(card, ".hx-address", a.school.address + (a.school.station ? " · " + a.school.station : ""));
    text(card, ".hx-device", a.device ? a.device.name + "（" + a.device.location + "）" : "");
    text(card, ".hx-contacts", [a.school.principal, a.school.principal_phone, a.school.security,
                                a.school.security_phone].filter(Boolean).join(" "));
    text(card, ".hx-guards", a.guards.map(function (g) { return g.name + (g.phone ? " " + g.phone : ""); }).join("；"));
    const cams = card.querySelector(".hx-cameras");
    cams.textContent = a.cameras.length ? "" : "—";
    a.cameras.forEach(function (c) {
      const link = document.createElement("a");
      link.href = c.url; link.textContent = c.name + " "; link.target = "_blank"; cams.appendChild(link);
    });
    text(card, ".hx-status", a.status_label);
    const esc = card.querySelector(".hx-esc");
    esc.classList.toggle("d-none", !a.escalation_level);
    esc.textContent = a.escalation_level ? root.dataset.msgEscalated + " " + a.escalation_level + " " + root.dataset.msgLevel : "";
    card.querySelector(".card").classList.toggle("border-danger", a.status === "received");
    card.querySelector(".hx-link").href = a.url;
    card.querySelectorAll("[data-step]").forEach(function (btn) {
      btn.classList.toggle("d-none", a.steps.indexOf(btn.dataset.step) < 0);
    });
    card.querySelector('[data-field="officer"]').classList.toggle("d-none", a.steps.indexOf("dispatch") < 0);
    card.querySelector('[data-field="unit"]').classList.toggle("d-none", a.steps.indexOf("dispatch") < 0);
    card.querySelector('[data-field="disposition"]').classList.toggle("d-none", a.steps.indexOf("close") < 0);
    card.querySelector('[data-field="notes"]').classList.toggle("d-none", a.steps.indexOf("close") < 0);
    card.dataset.status = a.status;
    card.dataset.schoolId = a.school.id;
    card.dataset.receivedAt = a.received_at;
    refreshCount();
  }

  // Selecting an alarm asks the patrols app, on its own request, for the nearest manned 护学岗 and the
  // patrols near the school at the alarm's time (the alarm path itself never waits for patrols).
  function near(card) {
    const box = card.querySelector(".hx-near");
    box.classList.remove("d-none");
    box.textContent = box.dataset.loading;
    const url = "/api/v1/patrols/near?school_id=" + encodeURIComponent(card.dataset.schoolId) +
      "&at=" + encodeURIComponent(card.dataset.receivedAt);
    fetch(url, { credentials: "same-origin" }).then(function (r) {
      if (!r.ok) throw new Error(String(r.status));
      return r.json();
    }).then(function (data) {
      box.textContent = "";
      const metres = function (d) { return d === null ? "" : "（" + Math.round(d) + " " + box.dataset.metres + "）"; };
      const head = document.createElement("div");
      head.className = "hx-near-post";
      if (data.nearest) {
        const n = data.nearest;
        head.textContent = box.dataset.nearest + "：" + n.school_name + " · " + n.post_name + metres(n.distance_m) + " " +
          n.people.map(function (p) { return p.name + "（" + p.kind_label + "）"; }).join("、");
      } else {
        head.textContent = box.dataset.none;
      }
      box.appendChild(head);
      const patrols = document.createElement("div");
      patrols.className = "hx-near-patrols";
      patrols.textContent = data.patrols.length ? box.dataset.patrols + "：" + data.patrols.map(function (p) {
        return beijing(p.at).slice(11, 16) + " " + p.person_name + " " + p.mode_label + " " + p.school_name + metres(p.distance_m);
      }).join("；") : box.dataset.noPatrols;
      box.appendChild(patrols);
    }).catch(function () { box.textContent = root.dataset.msgNetwork; });
  }

  function refreshCount() {
    document.getElementById("hx-open-count").textContent = cards.size;
    empty.classList.toggle("d-none", cards.size > 0);
  }

  // WebSocket messages name each school and device once ("schools", "devices" by id); the alarms refer to
  // them by id. The polling API sends them inside each alarm.
  function expand(batch) {
    if (!batch.schools) return;
    (batch.events || []).forEach(function (e) {
      const a = e.alarm;
      if (typeof a.school === "object") return;  // events of one alarm share it
      const school = batch.schools[a.school];
      a.school = school.card; a.cameras = school.cameras; a.guards = school.guards;
      a.device = a.device === null ? null : batch.devices[a.device];
    });
  }

  function apply(batch) {
    expand(batch);
    (batch.events || []).forEach(function (e) {
      if (e.id <= cursor) return;
      const isNew = e.kind === "received" && e.alarm.needs_response && e.alarm.status === "received";
      render(e.alarm);
      if (isNew) {
        window.hxAlarmConsole.received.push({ id: e.alarm.id, at: Date.now() });
        beep();
      }
      cursor = Math.max(cursor, e.id);
    });
    if (batch.last) cursor = Math.max(cursor, batch.last);
  }

  function step(id, name, card) {
    const body = {};
    if (name === "dispatch") {  // picked, not typed: ids of the unit (none: the school's station) and officer
      const unit = card.querySelector('[data-field="unit"]').value, officer = card.querySelector('[data-field="officer"]').value;
      body.unit_id = unit ? Number(unit) : null;
      body.officer_id = officer ? Number(officer) : null;
    }
    if (name === "close") {
      body.disposition = card.querySelector('[data-field="disposition"]').value;
      body.notes = card.querySelector('[data-field="notes"]').value;
    }
    const err = card.querySelector(".hx-error");
    err.textContent = "";
    fetch(root.dataset.api + id + "/" + name, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf }, body: JSON.stringify(body),
    }).then(function (r) {
      return r.json().then(function (data) {
        if (!r.ok) {  // the messages themselves (Chinese), not the API's field names
          const messages = data.errors ? Object.values(data.errors).flat() : [];
          err.textContent = messages.length ? messages.join("；")
            : (typeof data.detail === "string" ? data.detail : root.dataset.msgError + " " + r.status);
          return;
        }
        render(data);
      });
    }).catch(function () { err.textContent = root.dataset.msgNetwork; });
  }

  // The session ended (signed out, deactivated, roles changed): the server closes the socket with 4401 /
  // 4403 and the feed answers 401 / 403. Stop everything and say so; a new sign-in reopens the console.
  let ended = false;
  function end() {
    if (ended) return;
    ended = true;
    if (pollTimer) { clearInterval(pollTimer); pollTimer = null; }
    if (socket) { const s = socket; socket = null; s.onclose = null; s.close(); }
    setConn("ended");
    cards.forEach(function (card) { card.remove(); });  // contacts and phones leave the screen with the session
    cards.clear();
    refreshCount();
    empty.classList.add("d-none");
    document.getElementById("hx-ended").classList.remove("d-none");
    window.hxAlarmConsole.ended = true;
  }

  function poll() {
    fetch(root.dataset.feedUrl + "?after=" + cursor, { credentials: "same-origin" })
      .then(function (r) {
        if (r.status === 401 || r.status === 403) { end(); return null; }
        return r.json();
      }).then(function (data) { if (data) apply(data); }).catch(function () {});
  }

  function startPolling() {
    if (pollTimer) return;
    setConn("poll");
    pollTimer = setInterval(poll, 1000);
  }

  function connect() {
    if (!("WebSocket" in window)) { startPolling(); return; }
    const scheme = location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + location.host + root.dataset.wsPath + "?after=" + cursor);
    socket.onopen = function () {
      failures = 0; setConn("live");
      if (pollTimer) { clearInterval(pollTimer); pollTimer = null; }
    };
    socket.onmessage = function (msg) {
      const data = JSON.parse(msg.data);
      if (data.type === "events") apply(data);
    };
    socket.onclose = function (ev) {
      socket = null;
      if (ended) return;
      if (ev.code === 4401 || ev.code === 4403) { end(); return; }
      failures += 1;
      if (failures >= 3) startPolling(); else setConn("off");
      setTimeout(connect, Math.min(5000, 500 * failures));
    };
  }

  fetch(root.dataset.stateUrl, { credentials: "same-origin" }).then(function (r) {
    if (r.status === 401 || r.status === 403) { end(); return null; }
    return r.json();
  }).then(function (state) {
      if (!state) return;
      cursor = state.last;
      state.alarms.slice().reverse().forEach(render);
      refreshCount();
      connect();
    });
})();
