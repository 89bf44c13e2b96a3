// The GOV.UK timeout-warning pattern: two minutes before an idle session ends,
// a modal dialog offers to keep the person signed in, so nothing typed is lost.
const WARNING_SECONDS = 120;

export function initTimeoutWarning(body) {
  const idleSeconds = Number(body.dataset.idleSeconds);
  const dialog = document.getElementById("timeout-warning");
  if (!idleSeconds || !dialog || typeof dialog.showModal !== "function") return;

  const countdown = dialog.querySelector("[data-countdown]");
  const stay = dialog.querySelector("[data-stay-signed-in]");
  let warnTimer;
  let tick;
  // Typing in a form not yet sent: at the end it stays on the page (the server keeps it when it is sent).
  let typed = false;
  document.querySelectorAll("form[method=post]").forEach((form) => {
    form.addEventListener("input", () => { typed = true; });
  });

  function keepTyping() {
    dialog.querySelector("#timeout-warning-title").textContent = "You have been signed out";
    dialog.querySelector("#timeout-warning-text").textContent =
      "What you typed is still on this page. Select Save: you will be asked to sign in again, and then to save it.";
    stay.textContent = "Back to the page";
    stay.addEventListener("click", () => dialog.close(), { once: true });
    stay.dataset.signedOut = "true";
  }

  function schedule() {
    clearTimeout(warnTimer);
    warnTimer = setTimeout(warn, Math.max(idleSeconds - WARNING_SECONDS, 1) * 1000);
  }

  function warn() {
    let remaining = WARNING_SECONDS;
    countdown.textContent = "2 minutes";
    dialog.showModal();
    tick = setInterval(() => {
      remaining -= 1;
      if (remaining <= 0) {
        clearInterval(tick);
        if (typed) {
          keepTyping();
        } else {
          window.location.href = body.dataset.signedOutUrl + "?timeout=1";
        }
        return;
      }
      // Announce whole minutes only: a per-second countdown floods screen readers.
      if (remaining % 60 === 0 || remaining < 60 && remaining % 20 === 0) {
        countdown.textContent = remaining >= 60 ? `${remaining / 60} minute${remaining === 60 ? "" : "s"}` : `${remaining} seconds`;
      }
    }, 1000);
  }

  stay.addEventListener("click", async () => {
    if (stay.dataset.signedOut) return;
    clearInterval(tick);
    const token = document.querySelector("input[name=csrfmiddlewaretoken]");
    await fetch(body.dataset.keepAliveUrl, {
      method: "POST",
      headers: { "X-CSRFToken": token ? token.value : "" },
      credentials: "same-origin",
    });
    dialog.close();
    schedule();
  });

  schedule();
}
