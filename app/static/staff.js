// The staff desk: log an interception (kept on the phone until the server has it),
// record attendance. The page's words come from the data attributes of #staff-desk.
const words = document.getElementById("staff-desk").dataset;
const outbox = self.FangzhaOutbox;
const form = document.getElementById("interception");
const result = document.getElementById("interception-result");
const saveButton = form.querySelector("button[type=submit]");
const FIELDS = ["occurred_at", "amount_saved", "channel", "fraud_type", "victim_age_band",
  "event_id", "police_case_no", "description"];
const MAX_AMOUNT = 100000000;
// On /staff/records/{id} the same form corrects a record that awaits review.
const editId = form.dataset.editId;
let clientRef = outbox.newClientRef();

// "86,000", "８６０００", "¥86000", "86000元" → "86000.00"; null when it is not an amount.
function normaliseAmount(text) {
  let value = text.replace(/[\uff10-\uff19]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));
  value = value.replace(/[\uff0c,\s\u00a5\uffe5\u5143]/g, "").replace(/[\uff0e\u3002]/g, ".");
  if (value.startsWith("CNY")) value = value.slice(3);
  if (!/^\d+(\.\d{1,2})?$/.test(value)) return null;
  const [whole, cents = ""] = value.split(".");
  return `${whole.replace(/^0+(?=\d)/, "")}.${cents.padEnd(2, "0")}`;
}

function shownAmount(amount) {
  const [whole, cents] = amount.split(".");
  return `¥${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",")}.${cents}`;
}

function localNow() {
  const now = new Date();
  now.setMinutes(now.getMinutes() - now.getTimezoneOffset());
  return now.toISOString().slice(0, 16);
}

function showFieldError(name, message) {
  const box = document.getElementById(`${name}-error`);
  const input = form.elements[name];
  if (!box || !input) return false;
  box.textContent = message;
  box.hidden = !message;
  if (message) input.setAttribute("aria-invalid", "true");
  else input.removeAttribute("aria-invalid");
  return true;
}

function clearErrors() {
  for (const name of FIELDS) showFieldError(name, "");
}

function announce(kind, text) {
  result.hidden = false;
  result.className = kind;
  result.textContent = text;
  // The outcome must be seen on a phone, not drawn below the bottom of the screen.
  result.scrollIntoView({block: "center"});
  result.focus({preventScroll: true});
}

function echoAmount() {
  const echo = document.getElementById("amount_saved-echo");
  const amount = normaliseAmount(form.amount_saved.value);
  echo.textContent = amount ? `${words.willSave} ${shownAmount(amount)}` : "";
}

// Checks in the browser, with the words the person reads; the server checks again.
function validate() {
  const problems = {};
  if (!form.occurred_at.value) problems.occurred_at = words.required;
  else if (new Date(form.occurred_at.value) > new Date(Date.now() + 5 * 60 * 1000)) {
    problems.occurred_at = words.future;
  }
  const raw = form.amount_saved.value.trim();
  const amount = normaliseAmount(raw);
  if (!raw) problems.amount_saved = words.required;
  else if (amount === null) problems.amount_saved = words.badAmount;
  else if (Number(amount) > MAX_AMOUNT) problems.amount_saved = words.tooLarge;
  if (!form.channel.value) problems.channel = words.choose;
  if (!form.fraud_type.value) problems.fraud_type = words.choose;
  return {problems, amount};
}

function values() {
  const kept = {};
  for (const name of FIELDS) kept[name] = form.elements[name].value;
  return kept;
}

function bodyOf(amount) {
  const body = {
    client_ref: clientRef,
    occurred_at: new Date(form.occurred_at.value).toISOString(),
    amount_saved: amount,
    channel: form.channel.value,
    fraud_type: form.fraud_type.value,
    victim_age_band: form.victim_age_band.value || "unknown",
    description: form.description.value,
    police_case_no: form.police_case_no.value.trim(),
  };
  if (form.event_id.value) body.event_id = Number(form.event_id.value);
  return body;
}

async function keepDraft() {
  if (editId) return;
  await outbox.saveDraft({client_ref: clientRef, values: values()});
}

async function startNewForm() {
  form.reset();
  clientRef = outbox.newClientRef();
  form.occurred_at.value = localNow();
  echoAmount();
  await outbox.clearDraft();
}

// The API's reason, or, on a Chinese page while the API still answers in English,
// what to check in this field, in Chinese.
function fieldMessage(field, reason) {
  const chinesePage = document.documentElement.lang.startsWith("zh");
  if (!chinesePage || /[\u4e00-\u9fff]/.test(reason)) return reason;
  const key = `server${field.replace(/(^|_)(\w)/g, (m, sep, c) => c.toUpperCase())}`;
  return words[key] || words.serverField;
}

// The API says which field is wrong: in `extra` (400) or as "field: reason" (422).
function showServerErrors(answer) {
  let placed = false;
  const extra = Array.isArray(answer.extra) ? answer.extra : [];
  for (const item of extra) {
    const key = String(item.key || "").split(".")[0];
    if (!FIELDS.includes(key)) continue;
    // The translated detail speaks of this field when it is the only one named.
    const reason = extra.length === 1 && answer.detail ? answer.detail : item.message || "";
    placed = showFieldError(key, fieldMessage(key, reason)) || placed;
  }
  const match = /^(\w+)\s*[:：]\s*(.+)$/s.exec(answer.detail || "");
  if (!placed && match && FIELDS.includes(match[1])) {
    placed = showFieldError(match[1], fieldMessage(match[1], match[2]));
  }
  announce("error", placed ? words.fixFields : answer.detail || words.noConnection);
}

function stateText(entry) {
  if (entry.state === "refused") return `${words.stateRefused}: ${entry.detail || ""}`;
  if (entry.signedOut) return words.signInAgain;
  return entry.state === "sending" ? words.stateSending : words.stateWaiting;
}

function optionLabel(select, code) {
  const option = Array.from(select.options).find((o) => o.value === code);
  return option ? option.textContent : code;
}

async function showOutbox() {
  const entries = await outbox.all();
  const list = document.getElementById("outbox");
  document.getElementById("outbox-card").hidden = entries.length === 0;
  list.replaceChildren(...entries.map((entry) => {
    const item = document.createElement("li");
    item.dataset.clientRef = entry.client_ref;
    item.dataset.state = entry.state;
    const when = new Date(entry.body.occurred_at).toLocaleString(document.documentElement.lang);
    const what = document.createElement("span");
    what.textContent = `${shownAmount(entry.body.amount_saved)} · ${optionLabel(form.fraud_type, entry.body.fraud_type)} · ${when}`;
    const state = document.createElement("strong");
    state.className = "state";
    state.textContent = stateText(entry);
    item.append(what, " — ", state);
    if (entry.state === "refused") {
      const back = document.createElement("button");
      back.type = "button";
      back.textContent = words.putBack;
      back.addEventListener("click", () => putBack(entry));
      item.append(" ", back);
    }
    return item;
  }));
}

function fill(body) {
  for (const name of FIELDS) form.elements[name].value = "";
  const local = new Date(body.occurred_at);
  local.setMinutes(local.getMinutes() - local.getTimezoneOffset());
  form.occurred_at.value = local.toISOString().slice(0, 16);
  form.amount_saved.value = body.amount_saved;
  for (const name of ["channel", "fraud_type", "description", "police_case_no"]) {
    form.elements[name].value = body[name] || "";
  }
  form.victim_age_band.value = body.victim_age_band === "unknown" ? "" : body.victim_age_band;
  form.event_id.value = body.event_id ? String(body.event_id) : "";
  echoAmount();
}

async function putBack(entry) {
  await outbox.remove(entry.client_ref);
  fill(entry.body);
  clientRef = entry.client_ref;
  echoAmount();
  await keepDraft();
  await showOutbox();
  if (entry.detail) showServerErrors({detail: entry.detail});
}

let flushing = false;
async function sendQueued() {
  if (flushing) return;
  flushing = true;
  try {
    for (const {entry, result: sent} of await outbox.flush()) {
      if (sent.state === "sent") {
        announce("ok", `${words.sent} ${sent.record.id}`);
        const draft = await outbox.draft();
        if (draft && draft.client_ref === entry.client_ref) await startNewForm();
      }
    }
  } finally {
    flushing = false;
    await showOutbox();
  }
}

async function askForSync() {
  if (!("serviceWorker" in navigator)) return;
  try {
    const registration = await navigator.serviceWorker.ready;
    if (registration.sync) await registration.sync.register("outbox");
  } catch (error) {
    // No Background Sync here: the `online` listener sends the queue instead.
  }
}

form.addEventListener("input", (event) => {
  if (event.target.name === "amount_saved") echoAmount();
  if (event.target.name) showFieldError(event.target.name, "");
  keepDraft();
});

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  clearErrors();
  const {problems, amount} = validate();
  const wrong = Object.keys(problems);
  if (wrong.length) {
    for (const name of wrong) showFieldError(name, problems[name]);
    announce("error", words.fixFields);
    form.elements[wrong[0]].focus();
    return;
  }
  form.amount_saved.value = amount;
  echoAmount();
  if (editId) {
    await saveChanges(amount);
    return;
  }
  const entry = {client_ref: clientRef, body: bodyOf(amount), state: "sending", queued_at: Date.now()};
  saveButton.disabled = true;
  try {
    await keepDraft();
    await outbox.put(entry);
    const sent = await outbox.send(entry);
    if (sent.state === "sent") {
      await startNewForm();
      announce("ok", `${words.savedNumber} ${sent.record.id}`);
    } else if (sent.state === "refused") {
      await outbox.remove(entry.client_ref);
      showServerErrors(sent.answer);
    } else {
      await outbox.put({...entry, state: "waiting", signedOut: Boolean(sent.signedOut)});
      await startNewForm();
      announce("queued", words.queued);
      await askForSync();
    }
  } finally {
    saveButton.disabled = false;
    await showOutbox();
  }
});

async function saveChanges(amount) {
  const body = bodyOf(amount);
  delete body.client_ref;
  if (!body.event_id) body.event_id = null;
  saveButton.disabled = true;
  try {
    const response = await fetch(`/api/interceptions/${editId}`, {
      method: "PATCH", headers: {"Content-Type": "application/json"}, body: JSON.stringify(body),
    });
    const answer = await response.json().catch(() => ({}));
    if (response.ok) announce("ok", words.updated);
    else showServerErrors(answer);
  } catch (error) {
    announce("error", words.noConnection);
  } finally {
    saveButton.disabled = false;
  }
}

async function start() {
  if (editId) {
    fill(JSON.parse(form.dataset.record));
    return;
  }
  const draft = await outbox.draft();
  const queued = new Set((await outbox.all()).map((entry) => entry.client_ref));
  if (draft && !queued.has(draft.client_ref)) {
    clientRef = draft.client_ref;
    for (const name of FIELDS) form.elements[name].value = draft.values[name] || "";
    echoAmount();
  } else {
    // Nothing kept: a fresh key, and "now" unless the person has already typed a time.
    clientRef = outbox.newClientRef();
    if (!form.occurred_at.value) form.occurred_at.value = localNow();
  }
  await showOutbox();
  if (navigator.onLine) sendQueued();
}

if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("/staff-sw.js", {scope: "/"}).catch(() => {});
}
if (!editId) {
  window.addEventListener("online", sendQueued);
  setInterval(() => { if (navigator.onLine) sendQueued(); }, 30000);
}
start();

const attendance = document.getElementById("attendance");
if (attendance) {
  const saved = document.getElementById("attendance-result");
  attendance.addEventListener("submit", async (event) => {
    event.preventDefault();
    const [eventId, occurrenceStart] = attendance.occurrence.value.split("|");
    saved.hidden = false;
    try {
      // PUT is idempotent: pressing Save again after a dropped connection is safe.
      const response = await fetch(`/api/events/${eventId}/attendance`, {
        method: "PUT",
        headers: {"Content-Type": "application/json"},
        body: JSON.stringify({
          occurrence_start: occurrenceStart,
          headcount: Number(attendance.headcount.value),
          materials_distributed: Number(attendance.materials_distributed.value || 0),
          app_installs: Number(attendance.app_installs.value || 0),
        }),
      });
      const answer = await response.json();
      saved.className = response.ok ? "ok" : "error";
      saved.textContent = response.ok ? words.attendanceSaved : answer.detail;
    } catch (error) {
      saved.className = "error";
      saved.textContent = words.noConnection;
    }
  });
}
