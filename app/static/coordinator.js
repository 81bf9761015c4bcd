// The event editor: the repeat rule's next dates follow the fields as they change.
// Without this script (or without htmx) the "show the next dates" button does the same.
const repeatFields = document.getElementById("repeat-fields");
const eventForm = document.getElementById("event-form");
if (repeatFields && eventForm) {
  const refresh = async () => {
    const body = new URLSearchParams(new FormData(eventForm));
    try {
      const response = await fetch("/coordinator/events/preview", {method: "POST", body});
      if (!response.ok) return;
      const html = await response.text();
      const holder = document.createElement("div");
      holder.innerHTML = html;
      const fresh = holder.querySelector("#repeat-preview");
      const current = document.getElementById("repeat-preview");
      if (fresh && current) current.replaceWith(fresh);
    } catch (error) {
      // Offline: the button still works once the connection is back.
    }
  };
  for (const id of ["starts_at", "ends_at", "timezone"]) {
    document.getElementById(id)?.addEventListener("change", refresh);
  }
  repeatFields.addEventListener("change", refresh);
}
