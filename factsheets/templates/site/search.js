(function () {
  "use strict";
  var box = document.getElementById("q");
  var shown = document.getElementById("shown");
  var groups = Array.prototype.slice.call(document.querySelectorAll("section.group"));
  var total = document.querySelectorAll("li.sheet").length;
  document.getElementById("search").hidden = false;

  function filter() {
    var words = box.value.toLowerCase().split(/\s+/).filter(function (word) { return word.length > 0; });
    var matching = 0;
    groups.forEach(function (group) {
      var visible = 0;
      Array.prototype.forEach.call(group.querySelectorAll("li.sheet"), function (item) {
        var text = item.getAttribute("data-search") || "";
        var match = words.every(function (word) { return text.indexOf(word) !== -1; });
        item.hidden = !match;
        visible += match ? 1 : 0;
      });
      group.hidden = visible === 0;
      var link = document.querySelector('nav.groups a[href="#' + group.getAttribute("aria-labelledby") + '"]');
      if (link) {
        link.parentNode.hidden = group.hidden;
      }
      matching += visible;
    });
    shown.textContent = words.length
      ? matching + " of " + total + " sheets match \u201c" + box.value.trim() + "\u201d"
      : total + " sheets";
  }

  box.addEventListener("input", filter);
  var asked = new URLSearchParams(window.location.search).get("q");
  if (asked) {
    box.value = asked;
  }
  filter();
})();
