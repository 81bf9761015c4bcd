// Keeps the staff desk usable without signal: the pages and their files are
// served from a cache when the network fails, and queued interceptions are
// sent when the connection returns (Background Sync where the browser has it;
// the page also sends on its `online` event).
importScripts("/static/staff-outbox.js");

const CACHE = "fangzha-staff-v1";
const SHELL = ["/staff", "/static/fonts.css", "/static/site.css", "/static/staff.css", "/static/staff.js", "/static/staff-outbox.js"];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(names.filter((n) => n !== CACHE).map((n) => caches.delete(n))))
      .then(() => self.clients.claim()),
  );
});

function cacheable(request) {
  const url = new URL(request.url);
  return request.method === "GET" && url.origin === self.location.origin &&
    (url.pathname === "/staff" || url.pathname.startsWith("/static/"));
}

// Network first, so that a page with signal is always current; the cache only
// answers when the network does not.
self.addEventListener("fetch", (event) => {
  if (!cacheable(event.request)) return;
  event.respondWith(
    fetch(event.request)
      .then((response) => {
        if (response.ok) {
          const copy = response.clone();
          caches.open(CACHE).then((cache) => cache.put(event.request, copy));
        }
        return response;
      })
      .catch(() => caches.match(event.request, {ignoreSearch: true}).then((hit) => hit || Response.error())),
  );
});

self.addEventListener("sync", (event) => {
  if (event.tag === "outbox") event.waitUntil(self.FangzhaOutbox.flush());
});
