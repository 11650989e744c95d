(function () {
  var audio = document.getElementById("player");
  function seek(t) {
    if (!isFinite(t) || t < 0) return;
    audio.currentTime = t;
    var p = audio.play();
    if (p && p.catch) p.catch(function () {});
  }
  document.addEventListener("click", function (ev) {
    var a = ev.target && ev.target.closest ? ev.target.closest("a[data-t]") : null;
    if (!a) return;
    ev.preventDefault();
    var t = a.getAttribute("data-t");
    seek(parseFloat(t));
    try { history.replaceState(null, "", "#t=" + t); } catch (e) {}
  });
  function fromHash() {
    var m = /^#t=([0-9]+(?:\.[0-9]+)?)/.exec(location.hash);
    if (m) seek(parseFloat(m[1]));
  }
  window.addEventListener("hashchange", fromHash);
  if (location.hash) fromHash();
})();
