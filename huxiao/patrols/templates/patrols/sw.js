// 护学岗签到 service worker: keeps the phone page and its assets for offline use. Check-ins are not
// queued here (IndexedDB, phone.js): a request the worker cannot send is answered as failed, and the
// page keeps the check-in until the server has answered for it.
const CACHE = "huxiao-patrols-v1";
const PAGE = "{{ page|escapejs }}";
const ASSETS = [{% for a in assets %}"{{ a|escapejs }}"{% if not forloop.last %}, {% endif %}{% endfor %}];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll([PAGE, ...ASSETS])).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys().then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") { return; }
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || url.pathname.startsWith("/api/")) { return; }
  if (request.mode === "navigate" && url.pathname === PAGE) {
    // the page: fresh from the network when there is one (and kept), the kept copy when there is not
    event.respondWith(fetch(request).then((response) => {
      if (response.ok && !response.redirected && !url.search) {  // a scanned code's page is not the kept copy
        const copy = response.clone();
        caches.open(CACHE).then((cache) => cache.put(PAGE, copy));
      }
      return response;
    }).catch(() => caches.match(PAGE)));
    return;
  }
  if (ASSETS.includes(url.pathname)) {
    event.respondWith(caches.match(url.pathname).then((hit) => hit || fetch(request)));
  }
});
