// Doorstep's service worker: keeps this build's files so the app opens with no signal.
//
// BUILD and PRECACHE are written at build time by scripts/sw-precache.sh from the files
// trunk produced, so the list is exactly this build's; this file never guesses.
// It never touches LocalStorage (service workers cannot), so an update keeps all data.
"use strict";

const BUILD = "__DOORSTEP_BUILD__";
const PRECACHE = __DOORSTEP_PRECACHE__;

const CACHE_PREFIX = "doorstep-shell-";
const CACHE = CACHE_PREFIX + BUILD;
const SHELL = "/index.html";

self.addEventListener("install", (event) => {
  // cache: "reload" skips the HTTP cache, so the files cached are the server's current ones.
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(PRECACHE.map((path) => new Request(path, { cache: "reload" })))),
  );
  // No skipWaiting() here: a new version waits until the worker presses "Update now".
});

self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "SKIP_WAITING") {
    self.skipWaiting();
  }
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      const names = await caches.keys();
      await Promise.all(
        names
          .filter((name) => name.startsWith(CACHE_PREFIX) && name !== CACHE)
          .map((name) => caches.delete(name)),
      );
      // The first install takes control of the open page, so it works offline at once.
      await self.clients.claim();
    })(),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  // Other sites and the collector's API go to the network, never to the cache.
  if (url.origin !== self.location.origin || url.pathname.startsWith("/api/")) return;
  // The coordinators' console is pages of the collector, not screens of the app.
  if (url.pathname === "/console" || url.pathname.startsWith("/console/")) return;

  if (request.mode === "navigate") {
    // Every screen of the app is the same shell: serve it from the cache first.
    event.respondWith(fromCache(SHELL).then((hit) => hit || fetch(request)));
    return;
  }
  event.respondWith(fromCache(request).then((hit) => hit || fetch(request)));
});

function fromCache(request) {
  return caches.open(CACHE).then((cache) => cache.match(request, { ignoreSearch: true }));
}
