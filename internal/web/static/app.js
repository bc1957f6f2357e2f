// Small enhancements of the dashboard; every page works without them.
document.addEventListener("DOMContentLoaded", () => {
  // Times a candidate reads (written in UTC by the server, who does not know
  // their zone) are shown in the browser's own zone, naming it.
  for (const t of document.querySelectorAll("time[data-local]")) {
    const d = new Date(t.getAttribute("datetime"));
    if (isNaN(d)) continue;
    t.textContent = d.toLocaleString([], {day: "numeric", month: "short", year: "numeric",
      hour: "2-digit", minute: "2-digit", timeZoneName: "short"});
  }
  // Sign-in and sign-up send the browser's time zone: a user without one
  // gets it as the zone their pages show times in (Settings changes it).
  for (const input of document.querySelectorAll("input[data-time-zone]")) {
    try {
      input.value = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
    } catch (e) {
      // No Intl: the server keeps UTC.
    }
  }
  // "Add a row" in the question form: a new empty row at once, instead of
  // the round trip the button makes without JavaScript.
  for (const button of document.querySelectorAll("button[data-add-row]")) {
    button.addEventListener("click", (event) => {
      const rows = button.closest("fieldset").querySelectorAll("[data-row]");
      const count = button.form.querySelector("input[name=rows]");
      if (!rows.length || !count) return;
      event.preventDefault();
      const last = rows[rows.length - 1];
      const n = rows.length;
      const row = last.cloneNode(true);
      row.id = "row-" + n;
      const renumber = (value) => value.replace(/_\d+$/, "_" + n);
      for (const el of row.querySelectorAll("[id], [name], [for]")) {
        if (el.id) el.id = renumber(el.id);
        if (el.name) el.name = renumber(el.name);
        if (el.htmlFor) el.htmlFor = renumber(el.htmlFor);
        if (el.type === "checkbox") el.checked = false;
        else if ("value" in el && el.tagName !== "BUTTON") el.value = "";
        el.removeAttribute("autofocus");
      }
      // Labels say the row's number: "Text of option 4", "Item 4".
      for (const el of row.querySelectorAll("label, .sr-only")) {
        for (const node of el.childNodes) {
          if (node.nodeType === Node.TEXT_NODE) node.textContent = node.textContent.replace(/\d+/, String(n + 1));
        }
      }
      last.after(row);
      count.value = String(Math.max(Number(count.value) || 0, n + 1));
      const first = row.querySelector("input, textarea");
      if (first) first.focus();
    });
  }
  // A new competency's key is made from its name when left empty: show it.
  for (const key of document.querySelectorAll("input[data-key-from]")) {
    const name = document.getElementById(key.dataset.keyFrom);
    if (!name) continue;
    const fill = () => {
      key.placeholder = name.value.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "")
        .replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, "").slice(0, 56);
    };
    name.addEventListener("input", fill);
    fill();
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
