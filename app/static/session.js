// When a session ends while someone is filling in a form, nothing they typed is lost.
//
// - Submitting a form keeps a copy of its fields in this tab's sessionStorage.
// - When the server answers 401 to a signed-in page (a fetch, an htmx request, or a
//   plain form post answered by the sign-in page), the page's forms are kept and the
//   browser goes to the sign-in page with ?next= this page.
// - After signing in, the sign-in page returns here and the forms are filled in again,
//   with a note saying so. Any other page load forgets the copies.
//
// Passwords, files and hidden fields are never kept; forms marked data-no-draft
// (sign-in, sign-out) are left alone. Forms are told apart by their id.
(() => {
  const DRAFTS = "fangzha:drafts";
  const RETURN_TO = "fangzha:return-to";
  const SENT_FROM = "fangzha:sent-from";
  const here = () => window.location.pathname + window.location.search;

  const keepable = (form) => form.id && !form.hasAttribute("data-no-draft");
  const skipped = (field) =>
    !field.name || field.disabled || ["password", "file", "hidden", "submit", "button"].includes(field.type);

  function read(key) {
    try {
      return JSON.parse(window.sessionStorage.getItem(key) || "null");
    } catch (error) {
      return null;
    }
  }

  function write(key, value) {
    try {
      window.sessionStorage.setItem(key, JSON.stringify(value));
    } catch (error) {
      // Storage full or refused (private mode): the form simply is not kept.
    }
  }

  function fieldsOf(form) {
    const values = [];
    for (const field of form.elements) {
      if (skipped(field)) continue;
      if (field.type === "checkbox" || field.type === "radio") {
        values.push([field.name, field.value, field.checked]);
      } else if (field.type === "select-multiple") {
        values.push([field.name, [...field.selectedOptions].map((o) => o.value), true]);
      } else {
        values.push([field.name, field.value, true]);
      }
    }
    return values;
  }

  function keep(forms) {
    const drafts = read(DRAFTS) || {};
    const page = (drafts[here()] = drafts[here()] || {});
    for (const form of forms) {
      if (keepable(form)) page[form.id] = fieldsOf(form);
    }
    write(DRAFTS, drafts);
  }

  function fill(form, values) {
    for (const [name, value, on] of values) {
      const named = form.elements.namedItem(name);
      const fields = named instanceof RadioNodeList ? [...named] : named ? [named] : [];
      for (const field of fields) {
        if (field.type === "checkbox" || field.type === "radio") {
          if (field.value === value) field.checked = on;
        } else if (field.type === "select-multiple") {
          for (const option of field.options) option.selected = value.includes(option.value);
        } else {
          field.value = value;
        }
        // Page scripts that show previews or totals hear about it as if typed.
        field.dispatchEvent(new Event("input", {bubbles: true}));
        field.dispatchEvent(new Event("change", {bubbles: true}));
      }
    }
  }

  function restore() {
    const drafts = read(DRAFTS) || {};
    const page = drafts[here()] || {};
    let restored = false;
    for (const [id, values] of Object.entries(page)) {
      const form = document.getElementById(id);
      if (form instanceof HTMLFormElement && keepable(form)) {
        fill(form, values);
        restored = true;
      }
    }
    if (restored) {
      const note = document.createElement("p");
      note.className = "notice";
      note.id = "draft-restored";
      note.setAttribute("role", "status");
      note.textContent = document.body.dataset.restored;
      const main = document.querySelector("main") || document.body;
      main.prepend(note);
    }
  }

  function signInAgain() {
    keep(document.forms);
    write(RETURN_TO, here());
    const query = new URLSearchParams({next: here(), expired: "1"});
    window.location.assign("/login?" + query.toString());
  }

  // An answer that means "this session is over", on a page someone was signed in to.
  function sessionEnded(status, url) {
    if (status !== 401 || !document.body.hasAttribute("data-signed-in")) return false;
    const target = new URL(url, window.location.href);
    return target.origin === window.location.origin && target.pathname !== "/api/auth/login";
  }

  const originalFetch = window.fetch.bind(window);
  window.fetch = async (input, init) => {
    const response = await originalFetch(input, init);
    const url = typeof input === "string" || input instanceof URL ? String(input) : input.url;
    if (sessionEnded(response.status, url)) signInAgain();
    return response;
  };
  document.addEventListener("htmx:responseError", (event) => {
    const xhr = event.detail && event.detail.xhr;
    if (xhr && sessionEnded(xhr.status, xhr.responseURL || window.location.href)) signInAgain();
  });

  // Plain forms: keep a copy as they are sent, in case the answer is the sign-in page.
  document.addEventListener(
    "submit",
    (event) => {
      if (event.target instanceof HTMLFormElement && keepable(event.target)) {
        keep([event.target]);
        write(SENT_FROM, here());
      }
    },
    true,
  );

  function start() {
    const login = document.getElementById("login");
    if (login && login.dataset.next) {
      // The sign-in page, asked for by a page: keep the copies for that page. A form
      // posted to another address (action="…") comes back to the page it was on.
      const sentFrom = read(SENT_FROM);
      const drafts = read(DRAFTS) || {};
      if (sentFrom && sentFrom !== login.dataset.next && drafts[sentFrom]) {
        login.dataset.next = sentFrom;
      }
      write(RETURN_TO, login.dataset.next);
      return;
    }
    if (login) return;
    const returnTo = read(RETURN_TO);
    if (returnTo === here()) restore();
    for (const key of [RETURN_TO, DRAFTS, SENT_FROM]) window.sessionStorage.removeItem(key);
  }

  // After the page's own deferred scripts, so they hear the restored values.
  if (document.readyState === "complete") {
    start();
  } else {
    document.addEventListener("DOMContentLoaded", start);
  }
})();
