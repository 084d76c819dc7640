// The one script reader pages load: fill a time-zone field with the browser's zone when the reader has not
// chosen one. Without JavaScript the field keeps its server-side default and stays editable.

export const timeZoneScript = `(function () {
  var zone;
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { return; }
  if (!zone) return;
  var fields = document.querySelectorAll('[data-detect-timezone]');
  for (var i = 0; i < fields.length; i++) {
    var field = fields[i];
    if (field.getAttribute('data-detect-timezone') !== 'auto') continue;
    for (var j = 0; j < field.options.length; j++) {
      if (field.options[j].value === zone) { field.value = zone; break; }
    }
    var note = document.getElementById(field.id + '-detected');
    if (note && field.value === zone) note.textContent = 'Detected from your browser: ' + zone + '. Change it if it is wrong.';
  }
})();
`;
