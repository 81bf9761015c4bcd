// Admins' forms send JSON to the account API and show its answer next to the form.
// After a change the page reloads so that every list shows the new state; the
// message survives the reload in sessionStorage.
const words = document.getElementById("admin-words").dataset;
const banner = document.getElementById("admin-result");
const kept = sessionStorage.getItem("admin-saved");
if (kept) {
  sessionStorage.removeItem("admin-saved");
  banner.textContent = kept;
  banner.hidden = false;
  banner.focus();
}

function valueOf(element) {
  const text = element.value.trim();
  switch (element.dataset.type) {
    case "int": return text === "" ? null : Number(text);
    case "bool": return text === "true";
    case "list": return text.split(/[\s,，、]+/).filter(Boolean);
    default: return element.type === "password" ? element.value : text;
  }
}

document.querySelectorAll("form.admin-form").forEach((form) => {
  const result = form.querySelector(".result");
  const button = form.querySelector("button[type=submit]");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = {};
    for (const element of form.elements) {
      if (!element.name) continue;
      const value = valueOf(element);
      if ("optional" in element.dataset && (value === "" || value === null)) continue;
      body[element.name] = value;
    }
    button.disabled = true;
    try {
      const response = await fetch(form.dataset.url, {
        method: form.dataset.method,
        headers: {"Content-Type": "application/json"},
        body: JSON.stringify(body),
      });
      const answer = await response.json().catch(() => ({}));
      if (response.ok) {
        sessionStorage.setItem("admin-saved", words.saved);
        window.location.reload();
        return;
      }
      result.className = "result error";
      result.textContent = answer.detail || String(response.status);
    } catch (error) {
      result.className = "result error";
      result.textContent = words.noConnection;
    }
    result.hidden = false;
    result.scrollIntoView({block: "center"});
    button.disabled = false;
  });
});
