// Attendance of each held occurrence: PUT is idempotent, so Save again after a
// dropped connection is safe. Words come from #attendance-words (translated there).
const words = document.getElementById("attendance-words").dataset;

function count(input) {
  const value = input.value.trim();
  return value === "" ? 0 : Number(value);
}

document.querySelectorAll("section.held").forEach((section) => {
  const form = section.querySelector("form");
  const result = form.querySelector(".result");
  const button = form.querySelector("button[type=submit]");
  const headcountError = form.querySelector(`[id$="-headcount-error"]`);
  const audienceError = form.querySelector(`[id$="-audience-error"]`);

  function show(kind, text) {
    result.hidden = false;
    result.className = `result ${kind}`;
    result.textContent = text;
    result.scrollIntoView({block: "center"});
    result.focus({preventScroll: true});
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    headcountError.hidden = audienceError.hidden = true;
    const byAudience = {};
    for (const input of form.querySelectorAll("[data-audience]")) {
      if (input.value.trim() !== "") byAudience[input.dataset.audience] = count(input);
    }
    if (form.headcount.value.trim() === "") {
      headcountError.textContent = words.required;
      headcountError.hidden = false;
      form.headcount.focus();
      return;
    }
    const headcount = count(form.headcount);
    if (Object.values(byAudience).reduce((a, b) => a + b, 0) > headcount) {
      audienceError.textContent = words.tooMany;
      audienceError.hidden = false;
      return;
    }
    button.disabled = true;
    try {
      const response = await fetch(`/api/events/${section.dataset.eventId}/attendance`, {
        method: "PUT",
        headers: {"Content-Type": "application/json"},
        body: JSON.stringify({
          occurrence_start: section.dataset.start,
          headcount,
          by_audience: byAudience,
          materials_distributed: count(form.materials_distributed),
          app_installs: count(form.app_installs),
          notes: form.notes.value,
        }),
      });
      const answer = await response.json().catch(() => ({}));
      if (response.ok) {
        show("ok", words.saved);
        const recorded = section.querySelector(".recorded");
        recorded.dataset.headcount = String(answer.headcount);
      } else {
        show("error", answer.detail || words.noConnection);
      }
    } catch (error) {
      show("error", words.noConnection);
    } finally {
      button.disabled = false;
    }
  });
});
