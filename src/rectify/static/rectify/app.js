// Small behaviours without inline scripts (the Content-Security-Policy forbids them).
document.addEventListener("DOMContentLoaded", () => {
  // <button data-confirm="..."> asks before submitting its form.
  document.body.addEventListener("click", (event) => {
    const button = event.target.closest("[data-confirm]");
    if (button && !window.confirm(button.dataset.confirm)) {
      event.preventDefault();
    }
  });
  // <input data-copy> selects its whole value on focus (one-time tokens, TOTP secrets).
  for (const input of document.querySelectorAll("input[data-copy]")) {
    input.addEventListener("focus", () => input.select());
  }
});
