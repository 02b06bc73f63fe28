// The compound map's household panel (places/map.html). A household on the map is an SVG link, which htmx does
// not take over (its click handling knows HTML anchors only), so a click here loads the link into the panel;
// the chosen household stays marked when the map's poll swaps in a fresh SVG. Without script the link opens
// the household's own page.
(function () {
  "use strict";
  var chosen = null;

  function mark() {
    document.querySelectorAll(".epimap-unit.chosen").forEach(function (unit) {
      unit.classList.remove("chosen");
    });
    if (!chosen) return;
    var unit = document.querySelector('.epimap-unit[data-unit="' + chosen + '"]');
    if (unit) unit.classList.add("chosen");
  }

  document.addEventListener("click", function (event) {
    var unit = event.target.closest ? event.target.closest("a.epimap-unit") : null;
    var panel = document.getElementById("epimap-household");
    if (!unit || !panel || !window.htmx) return;
    if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    chosen = unit.dataset.unit;
    mark();
    window.htmx.ajax("GET", unit.getAttribute("href"), { target: panel, swap: "innerHTML" }).then(function () {
      // On a phone the panel is below the map; on a desk it is beside it and already in view.
      panel.scrollIntoView({ block: "nearest" });
    });
  });

  // A map keeps a readable size on a phone (it scrolls sideways instead of shrinking): the server says how
  // narrow it may get in data-min-width, applied here since the policy allows no style attribute.
  function size() {
    document.querySelectorAll("svg.epimap-svg[data-min-width]").forEach(function (svg) {
      svg.style.minWidth = svg.dataset.minWidth + "px";
    });
  }

  document.addEventListener("htmx:afterSettle", function () {
    mark();
    size();
  });
  size();
})();
