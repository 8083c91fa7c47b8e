// Progressive enhancement only: every page works without this script.
(function () {
  "use strict";
  // Sort menus submit themselves.
  document.querySelectorAll("select[data-autosubmit]").forEach(function (sel) {
    sel.addEventListener("change", function () { sel.form.submit(); });
  });

  // Suggestions of KB titles while typing, debounced.
  var input = document.querySelector("input[data-suggest]");
  var list = document.getElementById("suggestions");
  if (!input || !list) return;
  var timer = null, last = "", controller = null;
  function clear() { list.hidden = true; list.textContent = ""; }
  function show(items) {
    list.textContent = "";
    items.forEach(function (it) {
      var li = document.createElement("li");
      li.setAttribute("role", "option");
      var a = document.createElement("a");
      a.href = it.url;
      a.textContent = it.title; // text, never HTML
      li.appendChild(a);
      list.appendChild(li);
    });
    list.hidden = items.length === 0;
    var hint = document.getElementById("deflect-hint");
    if (hint) hint.hidden = items.length === 0;
  }
  input.addEventListener("input", function () {
    var q = input.value.trim();
    clearTimeout(timer);
    if (q.length < 2) { clear(); return; }
    timer = setTimeout(function () {
      if (q === last) return;
      last = q;
      if (controller) controller.abort();
      controller = new AbortController();
      fetch(input.dataset.suggest + "?q=" + encodeURIComponent(q), { signal: controller.signal, headers: { "Accept": "application/json" } })
        .then(function (r) { return r.ok ? r.json() : { items: [] }; })
        .then(function (data) { show(data.items || []); })
        .catch(function () {});
    }, 200);
  });
  input.addEventListener("keydown", function (e) { if (e.key === "Escape") clear(); });
  document.addEventListener("click", function (e) { if (!list.contains(e.target) && e.target !== input) clear(); });
})();
