// Small enhancements of the dashboard; every page works without them.
document.addEventListener("DOMContentLoaded", () => {
  // Sign-in and sign-up send the browser's time zone: a user without one
  // gets it as the zone their pages show times in (Settings changes it).
  for (const input of document.querySelectorAll("input[data-time-zone]")) {
    try {
      input.value = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
    } catch (e) {
      // No Intl: the server keeps UTC.
    }
  }
  // Settings offers the browser's zone with one click.
  const hint = document.querySelector("[data-browser-zone]");
  const zoneInput = document.getElementById("time_zone");
  if (hint && zoneInput) {
    let zone = "";
    try {
      zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
    } catch (e) {
      zone = "";
    }
    const use = hint.querySelector("[data-use-zone]");
    if (zone && use) {
      use.textContent = "use " + zone;
      use.addEventListener("click", () => { zoneInput.value = zone; zoneInput.focus(); });
      hint.hidden = false;
    }
  }
  for (const b of document.querySelectorAll("[data-print]")) {
    b.hidden = false;
    b.addEventListener("click", () => window.print());
  }
});
