// Progressive enhancement only: every page works without this script.
// A set-password link carries its secret after the # (never sent to the server, never
// in a log): copy it into the form's code field and take it out of the address bar.
(function () {
  var field = document.querySelector('input[data-fragment="code"]');
  if (!field || location.hash.length < 2) return;
  field.value = decodeURIComponent(location.hash.slice(1));
  history.replaceState(null, "", location.pathname + location.search);
})();
