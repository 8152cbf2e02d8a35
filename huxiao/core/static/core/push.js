// 护校安园 — live page events (huxiao.core.push): one WebSocket per signed-in page at /ws/events/.
// Each message {kind, data} is dispatched as the DOM events "hx:push" and "hx:push:<kind>" (detail: data);
// "hello" and "notification" also update the navbar's unread badge, and <html data-hx-push> says the
// socket's state. Reconnects with exponential back-off (1 s doubling to 60 s, with jitter); stops for good
// when the server says the session ended (4401) or refused it (4403). No inline script: the CSP forbids them.
(function () {
  "use strict";
  if (!("WebSocket" in window)) { return; }
  var ENDED = 4401, REFUSED = 4403, MIN_DELAY = 1000, MAX_DELAY = 60000, PING_EVERY = 25000;
  var delay = MIN_DELAY, socket = null, pinger = null, timer = null, stopped = false;

  function badge(unread) {
    var bell = document.getElementById("hx-bell");
    if (!bell) { return; }
    var el = document.getElementById("hx-unread");
    var n = parseInt(unread, 10) || 0;
    if (n <= 0) { if (el) { el.remove(); } return; }
    if (!el) {
      el = document.createElement("span");
      el.id = "hx-unread";
      el.className = "badge text-bg-danger ms-1";
      bell.appendChild(el);
    }
    el.textContent = n > 99 ? "99+" : String(n);
  }

  function state(value) {  // <html data-hx-push="open|retrying|ended">: for styles and browser tests
    document.documentElement.setAttribute("data-hx-push", value);
  }

  function dispatch(message) {
    var detail = message.data || {};
    if (message.kind === "hello") { state("open"); }
    if ((message.kind === "hello" || message.kind === "notification") && "unread" in detail) {
      badge(detail.unread);
    }
    document.dispatchEvent(new CustomEvent("hx:push", { detail: message }));
    document.dispatchEvent(new CustomEvent("hx:push:" + message.kind, { detail: detail }));
  }

  function schedule() {
    if (stopped) { return; }
    var wait = delay / 2 + Math.random() * delay / 2;
    delay = Math.min(delay * 2, MAX_DELAY);
    timer = window.setTimeout(function () { timer = null; connect(); }, wait);
  }

  function connect() {
    if (stopped) { return; }
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    try {
      socket = new WebSocket(scheme + window.location.host + "/ws/events/");
    } catch (err) {
      schedule();
      return;
    }
    socket.onopen = function () {
      delay = MIN_DELAY;
      pinger = window.setInterval(function () {
        if (socket && socket.readyState === WebSocket.OPEN) { socket.send('{"type":"ping"}'); }
      }, PING_EVERY);
    };
    socket.onmessage = function (evt) {
      var message;
      try { message = JSON.parse(evt.data); } catch (err) { return; }
      if (message && message.kind) { dispatch(message); }
    };
    socket.onclose = function (evt) {
      if (pinger) { window.clearInterval(pinger); pinger = null; }
      socket = null;
      if (evt.code === ENDED || evt.code === REFUSED) {
        stopped = true;
        state("ended");
        document.dispatchEvent(new CustomEvent("hx:push:closed", { detail: { code: evt.code } }));
        return;
      }
      state("retrying");
      schedule();
    };
  }

  window.addEventListener("online", function () {
    if (socket || stopped) { return; }
    if (timer) { window.clearTimeout(timer); timer = null; }
    delay = MIN_DELAY;
    connect();
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", connect);
  } else {
    connect();
  }
})();
