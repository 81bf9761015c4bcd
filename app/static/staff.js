// The staff desk: log an interception, record attendance.
// The page's words come from the data attributes of #staff-desk (translated there).
const words = document.getElementById("staff-desk").dataset;

// A retry after a dropped connection must not log the interception twice:
// the client_ref is chosen once per filled-in form and reused until it is saved.
const form = document.getElementById("interception");
const result = document.getElementById("interception-result");
let clientRef = crypto.randomUUID();
form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const body = {
    client_ref: clientRef,
    occurred_at: new Date(form.occurred_at.value).toISOString(),
    amount_saved: form.amount_saved.value.trim(),
    channel: form.channel.value,
    fraud_type: form.fraud_type.value,
    victim_age_band: form.victim_age_band.value,
    description: form.description.value,
  };
  if (form.event_id.value) body.event_id = Number(form.event_id.value);
  result.hidden = false;
  try {
    const response = await fetch("/api/interceptions", {
      method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(body),
    });
    const answer = await response.json();
    if (response.ok) {
      result.className = "ok";
      result.textContent = words.savedNumber + " " + answer.id;
      form.reset();
      clientRef = crypto.randomUUID();
    } else {
      result.className = "error";
      result.textContent = answer.detail;
    }
  } catch (error) {
    result.className = "error";
    result.textContent = words.noConnection;
  }
});

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
