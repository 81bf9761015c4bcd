// Signs in through the API, so a wrong password shows its reason on the page.
// The page's words come from the form's data attributes (they are translated there);
// data-next is the page that asked for the sign-in (the server keeps it to local paths).
const form = document.getElementById("login");
form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const error = document.getElementById("login-error");
  error.hidden = true;
  const response = await fetch("/api/auth/login", {
    method: "POST",
    headers: {"Content-Type": "application/json"},
    body: JSON.stringify({username: form.username.value, password: form.password.value}),
  });
  if (response.ok) {
    window.location.assign(form.dataset.next || "/staff");
    return;
  }
  const body = await response.json().catch(() => ({}));
  error.textContent = body.detail || form.dataset.failed;
  error.hidden = false;
});
