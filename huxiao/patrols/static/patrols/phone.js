// 护学岗签到 on a phone: each check-in is written to IndexedDB first (key: a UUIDv7 made here, with the
// phone's own time), then sent in batches of up to 100 to the sync API. An item leaves the queue only
// when the server has answered for it: stored (201) or already stored (200) -> removed; refused
// (400/404/409) -> moved to the "rejected" store and shown with its reason, never silently dropped.
// Sent on load, on "online", on a timer and on demand; Background Sync is not relied on.
(function () {
  "use strict";
  var root = document.getElementById("phone");
  if (!root) { return; }
  var SYNC_URL = root.dataset.syncUrl;
  var BATCH = 100;
  var TIMER_MS = 30000;
  var HEARTBEAT_MS = 300000;  // with nothing to send, say so at most every 5 minutes
  var dbPromise = null;
  var sending = false;
  var lastContact = 0;

  function $(id) { return document.getElementById(id); }

  function openDb() {
    if (!dbPromise) {
      dbPromise = new Promise(function (resolve, reject) {
        var req = indexedDB.open("huxiao-patrols", 1);
        req.onupgradeneeded = function () {
          var db = req.result;
          db.createObjectStore("queue", { keyPath: "client_key" });
          db.createObjectStore("rejected", { keyPath: "client_key" });
        };
        req.onsuccess = function () { resolve(req.result); };
        req.onerror = function () { reject(req.error); };
      });
    }
    return dbPromise;
  }

  function tx(store, mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var t = db.transaction(store, mode);
        var result = work(t.objectStore(store));
        t.oncomplete = function () { resolve(result && "result" in result ? result.result : result); };
        t.onerror = function () { reject(t.error); };
        t.onabort = function () { reject(t.error); };
      });
    });
  }

  function all(store) { return tx(store, "readonly", function (s) { return s.getAll(); }); }

  // RFC 9562 UUIDv7: 48-bit Unix milliseconds, version 7, variant 10, the rest random
  function uuid7() {
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    var ms = Date.now();
    for (var i = 5; i >= 0; i--) { b[i] = ms % 256; ms = Math.floor(ms / 256); }
    b[6] = (b[6] & 0x0f) | 0x70;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function device() {  // this phone's own id, kept with its queue
    var id = localStorage.getItem("huxiao-patrols-device");
    if (!id) { id = uuid7(); localStorage.setItem("huxiao-patrols-device", id); }
    return id;
  }

  function csrf() {
    var m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : document.querySelector('meta[name="csrf-token"]').content;
  }

  function refresh() {
    return Promise.all([all("queue"), all("rejected")]).then(function (lists) {
      $("pending-count").textContent = String(lists[0].length);
      var rejected = lists[1];
      $("rejected").classList.toggle("d-none", rejected.length === 0);
      $("rejected-count").textContent = String(rejected.length);
      var ul = $("rejected-list");
      ul.textContent = "";
      rejected.forEach(function (r) {
        var li = document.createElement("li");
        li.textContent = r.item.device_time.slice(0, 16).replace("T", " ") + " " + (r.detail || "");
        ul.appendChild(li);
      });
    });
  }

  function position() {
    return new Promise(function (resolve) {
      if (!navigator.geolocation) { resolve(null); return; }
      navigator.geolocation.getCurrentPosition(function (p) { resolve(p.coords); }, function () { resolve(null); },
        { enableHighAccuracy: true, timeout: 10000, maximumAge: 30000 });
    });
  }

  function checkIn(kind, gateToken) {
    var made = new Date();
    return position().then(function (coords) {
      var item = {
        client_key: uuid7(), post_id: parseInt($("post").value, 10), kind: kind, mode: $("mode").value,
        device_time: made.toISOString()
      };
      if (gateToken) { item.gate_token = gateToken; }
      if (coords) {
        item.latitude = coords.latitude; item.longitude = coords.longitude;
        item.accuracy_m = Math.max(0, coords.accuracy || 0);
      }
      return tx("queue", "readwrite", function (s) { s.put(item); }).then(function () {
        $("last-check").textContent = made.toLocaleTimeString() + " " + kind;
        return refresh();
      });
    }).then(send);
  }

  function settle(items, results) {
    var byKey = {};
    results.forEach(function (r) { byKey[r.client_key] = r; });
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var t = db.transaction(["queue", "rejected"], "readwrite");
        items.forEach(function (item) {
          var r = byKey[item.client_key];
          if (!r) { return; }  // no answer for it: it stays queued
          if (r.status === 200 || r.status === 201) {
            t.objectStore("queue").delete(item.client_key);
          } else if (r.status === 400 || r.status === 404 || r.status === 409 || r.status === 422) {
            t.objectStore("rejected").put({ client_key: item.client_key, item: item, status: r.status, detail: r.detail });
            t.objectStore("queue").delete(item.client_key);
          }
        });
        t.oncomplete = resolve;
        t.onerror = function () { reject(t.error); };
      });
    });
  }

  function send() {
    if (sending) { return Promise.resolve(); }
    sending = true;
    return all("queue").then(function (queue) {
      if (!queue.length && Date.now() - lastContact < HEARTBEAT_MS) { return null; }
      var batch = queue.slice(0, BATCH);
      var sentAt = new Date().toISOString();
      var items = batch.map(function (i) { return Object.assign({}, i, { sent_at: sentAt }); });
      var at = parseInt($("post").value, 10);
      return fetch(SYNC_URL, {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
        body: JSON.stringify({ items: items, device: device(), pending: queue.length, post_id: at || null })
      }).then(function (response) {
        if (response.ok) { lastContact = Date.now(); }
        $("login-expired").classList.toggle("d-none", !(response.status === 401 || response.status === 403));
        if (response.status === 404) {  // every post of the batch out of reach: each is refused
          return response.json().then(function (body) {
            return settle(batch, batch.map(function (i) { return { client_key: i.client_key, status: 404, detail: body.detail }; }));
          });
        }
        if (response.status === 422) {  // items the API cannot read: refuse those (named in loc), keep the rest
          return response.json().then(function (body) {
            var refused = {};
            (body.detail || []).forEach(function (p) {
              var at = (p.loc || []).indexOf("items");
              if (at >= 0 && typeof p.loc[at + 1] === "number") { refused[p.loc[at + 1]] = p.msg; }
            });
            return settle(batch, batch.map(function (i, n) {
              return n in refused ? { client_key: i.client_key, status: 400, detail: refused[n] } : null;
            }).filter(Boolean));
          });
        }
        if (!response.ok) { return null; }
        return response.json().then(function (body) {
          $("last-sync").textContent = new Date().toLocaleTimeString();
          return settle(batch, body.results).then(function () { return queue.length > BATCH ? "more" : null; });
        });
      });
    }).catch(function () { return null; })  // offline or no answer: everything stays queued
      .then(function (more) {
        sending = false;
        return refresh().then(function () { if (more === "more") { return send(); } });
      });
  }

  // A gate QR code scanned with the camera opens this page with ?gate=<token>: queue a check-in carrying
  // it (the server verifies it on arrival). The server's verdict is on the page when it was online; a kept
  // offline copy has none for this token. The token leaves the address at once, so a reload does not
  // check in again, and the same code within two minutes on this phone is not a second check.
  var SCAN_REPEAT_MS = 120000;
  function scanned() {
    var token = new URLSearchParams(window.location.search).get("gate");
    if (!token) { return; }
    window.history.replaceState(null, "", window.location.pathname);
    var box = $("gate-scan");
    var verdict = box && box.dataset.token === token ? box.dataset.status : "unchecked";
    if (verdict === "error") { return; }
    var match = /^G1\.([1-9][0-9]{0,18})\.[1-9][0-9]{0,9}\.[A-Za-z0-9_-]{22}$/.exec(token);
    if (!match) {
      var bad = $("gate-offline");
      bad.textContent = bad.dataset.msgBad;
      bad.className = "alert alert-danger";
      return;
    }
    var last = JSON.parse(localStorage.getItem("huxiao-patrols-last-scan") || "null");
    if (last && last.token === token && Date.now() - last.at < SCAN_REPEAT_MS) {
      if (box) { box.querySelector(".gate-repeat").classList.remove("d-none"); }
      return;
    }
    localStorage.setItem("huxiao-patrols-last-scan", JSON.stringify({ token: token, at: Date.now() }));
    var select = $("post");
    if (!select.querySelector('option[value="' + match[1] + '"]')) {
      var option = document.createElement("option");
      option.value = match[1];
      option.textContent = token.slice(0, 12);
      select.prepend(option);
    }
    select.value = match[1];
    if (verdict === "ok") { box.querySelector(".gate-recorded").classList.remove("d-none"); }
    else { $("gate-offline").classList.remove("d-none"); }
    checkIn($("scan-kind").value, token);
  }

  function showNetwork() { $("net-offline").classList.toggle("d-none", navigator.onLine); }

  var secure = window.isSecureContext && "serviceWorker" in navigator;
  $("offline-unavailable").classList.toggle("d-none", secure);
  if (secure) {
    var controlled = function () { if (navigator.serviceWorker.controller) { root.dataset.offline = "ready"; } };
    navigator.serviceWorker.addEventListener("controllerchange", controlled);
    controlled();
    navigator.serviceWorker.register(root.dataset.swUrl, { scope: root.dataset.scope }).catch(function () {
      $("offline-unavailable").classList.remove("d-none");
    });
  }
  if (navigator.storage && navigator.storage.persist) { navigator.storage.persist(); }
  document.querySelectorAll(".check-btn").forEach(function (btn) {
    btn.disabled = !$("post").value;
    btn.addEventListener("click", function () { checkIn(btn.dataset.kind); });
  });
  $("sync-now").addEventListener("click", send);
  var scanKind = localStorage.getItem("huxiao-patrols-scan-kind");
  if (scanKind && $("scan-kind").querySelector('option[value="' + scanKind + '"]')) { $("scan-kind").value = scanKind; }
  $("scan-kind").addEventListener("change", function () { localStorage.setItem("huxiao-patrols-scan-kind", $("scan-kind").value); });
  window.addEventListener("online", function () { showNetwork(); send(); });
  window.addEventListener("offline", showNetwork);
  setInterval(send, TIMER_MS);
  showNetwork();
  scanned();
  refresh().then(send);
})();
