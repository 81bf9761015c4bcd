// Interceptions kept on the phone until the server confirms them (IndexedDB).
// Loaded by the staff page and by the service worker (importScripts), so both
// send the same queue; the server answers a repeated client_ref with the first
// record, so two senders never make a duplicate.
(function (scope) {
  const DB_NAME = "fangzha-staff";
  const STORE = "outbox";
  const DRAFTS = "drafts";

  function open() {
    return new Promise((resolve, reject) => {
      const request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = () => {
        request.result.createObjectStore(STORE, {keyPath: "client_ref"});
        request.result.createObjectStore(DRAFTS);
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }

  async function run(storeName, mode, work) {
    const db = await open();
    try {
      return await new Promise((resolve, reject) => {
        const tx = db.transaction(storeName, mode);
        const result = work(tx.objectStore(storeName));
        tx.oncomplete = () => resolve(result && "result" in result ? result.result : undefined);
        tx.onerror = () => reject(tx.error);
      });
    } finally {
      db.close();
    }
  }

  // A random key from crypto.getRandomValues: unlike crypto.randomUUID it also
  // exists on pages served over plain HTTP on a LAN address.
  function newClientRef() {
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  const outbox = {
    newClientRef,
    all: () => run(STORE, "readonly", (store) => store.getAll()),
    put: (entry) => run(STORE, "readwrite", (store) => store.put(entry)),
    remove: (clientRef) => run(STORE, "readwrite", (store) => store.delete(clientRef)),
    draft: () => run(DRAFTS, "readonly", (store) => store.get("interception")),
    saveDraft: (draft) => run(DRAFTS, "readwrite", (store) => store.put(draft, "interception")),
    clearDraft: () => run(DRAFTS, "readwrite", (store) => store.delete("interception")),

    // Sends one entry. Answers {state: "sent", record} | {state: "refused", status, answer}
    // | {state: "waiting"} (no connection, or signed out: try again later).
    async send(entry) {
      let response;
      try {
        response = await fetch("/api/interceptions", {
          method: "POST",
          credentials: "same-origin",
          headers: {"Content-Type": "application/json"},
          body: JSON.stringify(entry.body),
        });
      } catch (error) {
        return {state: "waiting"};
      }
      let answer = {};
      try {
        answer = await response.json();
      } catch (error) {
        answer = {};
      }
      if (response.ok) {
        await outbox.remove(entry.client_ref);
        return {state: "sent", record: answer};
      }
      if (response.status === 401) return {state: "waiting", signedOut: true};
      if (response.status >= 500) return {state: "waiting"};
      return {state: "refused", status: response.status, answer};
    },

    // Sends every queued entry once; refused ones stay, marked, for the person to fix.
    async flush() {
      const results = [];
      for (const entry of await outbox.all()) {
        if (entry.state === "refused") continue;
        const result = await outbox.send(entry);
        if (result.state === "refused") {
          await outbox.put({...entry, state: "refused", detail: result.answer.detail || ""});
        } else if (result.state === "waiting") {
          await outbox.put({...entry, state: "waiting", signedOut: Boolean(result.signedOut)});
        }
        results.push({entry, result});
      }
      return results;
    },
  };
  scope.FangzhaOutbox = outbox;
})(self);
