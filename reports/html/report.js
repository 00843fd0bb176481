// Filters: one status at a time, any number of tags (a case shows when it
// has one of the chosen tags; none chosen shows all). The state lives in the
// URL's #fragment so a filtered view can be linked.
(function () {
  var status = "all", tags = {};
  var cases = Array.prototype.slice.call(document.querySelectorAll(".case"));
  var statusButtons = document.querySelectorAll("[data-filter-status]");
  var tagButtons = document.querySelectorAll("[data-filter-tag]");
  var shown = document.getElementById("shown");

  function apply() {
    var chosen = Object.keys(tags), n = 0;
    cases.forEach(function (c) {
      var caseTags = JSON.parse(c.getAttribute("data-tags") || "[]");
      var ok = (status === "all" || c.getAttribute("data-status") === status) &&
        (chosen.length === 0 || chosen.some(function (t) { return caseTags.indexOf(t) >= 0; }));
      c.hidden = !ok;
      if (ok) n++;
    });
    Array.prototype.forEach.call(statusButtons, function (b) {
      b.setAttribute("aria-pressed", String(b.getAttribute("data-filter-status") === status));
    });
    Array.prototype.forEach.call(tagButtons, function (b) {
      b.setAttribute("aria-pressed", String(!!tags[b.getAttribute("data-filter-tag")]));
    });
    shown.textContent = "showing " + n + " of " + cases.length;
    var h = [];
    if (status !== "all") h.push("status=" + encodeURIComponent(status));
    if (chosen.length) h.push("tags=" + chosen.map(encodeURIComponent).join(","));
    if (history.replaceState) history.replaceState(null, "", h.length ? "#" + h.join("&") : location.pathname + location.search);
  }

  Array.prototype.forEach.call(statusButtons, function (b) {
    b.addEventListener("click", function () { status = b.getAttribute("data-filter-status"); apply(); });
  });
  Array.prototype.forEach.call(tagButtons, function (b) {
    b.addEventListener("click", function () {
      var t = b.getAttribute("data-filter-tag");
      if (tags[t]) delete tags[t]; else tags[t] = true;
      apply();
    });
  });

  location.hash.replace(/^#/, "").split("&").forEach(function (kv) {
    var p = kv.split("=");
    if (p[0] === "status" && p[1]) status = decodeURIComponent(p[1]);
    if (p[0] === "tags" && p[1]) p[1].split(",").forEach(function (t) { tags[decodeURIComponent(t)] = true; });
  });
  apply();
})();
