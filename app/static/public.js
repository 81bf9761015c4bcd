// The copy button of /subscribe: without script the address stays selectable in its field.
for (const button of document.querySelectorAll("button.copy")) {
  const field = document.getElementById(button.dataset.copy);
  const status = button.parentElement.querySelector(".copied");
  button.hidden = false;
  button.addEventListener("click", async () => {
    field.select();
    try {
      await navigator.clipboard.writeText(field.value);
    } catch {
      document.execCommand("copy");
    }
    status.textContent = document.documentElement.lang === "en" ? "Copied" : "已复制";
  });
}
