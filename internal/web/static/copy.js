// Copy buttons: a button with data-copy="ID" copies the text of the element
// with that id (the value of an input). The buttons are hidden until this script shows them, so
// without JavaScript the text stays selectable and no dead button shows.
document.querySelectorAll("button.copy[data-copy]").forEach(function (b) {
  var target = document.getElementById(b.getAttribute("data-copy"));
  if (!target || !navigator.clipboard) return;
  b.hidden = false;
  var label = b.firstChild.nodeValue;
  b.addEventListener("click", function () {
    navigator.clipboard.writeText((target.value !== undefined ? target.value : target.textContent).trim()).then(function () {
      b.firstChild.nodeValue = "Copied";
      setTimeout(function () { b.firstChild.nodeValue = label; }, 2000);
    });
  });
});
