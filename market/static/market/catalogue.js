// Filters start folded on phones; wide screens have room to show them open.
if (window.matchMedia("(min-width: 900px)").matches) {
  document.querySelectorAll("details[data-open-wide]").forEach(function (d) { d.open = true; });
}
