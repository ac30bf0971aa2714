// The packet's print button. The Content-Security-Policy allows no inline
// script, so the button is shown and wired here; without JavaScript it stays
// hidden and the page names the keyboard shortcut instead.
"use strict";
document.querySelectorAll("button[data-print]").forEach((button) => {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
});
