// assess.js enhances the candidate's pages; everything works without it.
// It saves the current answer a moment after typing stops and when the page
// is hidden, says so in a polite live region, and counts the time left down
// from the server's deadline, warning at 5 and 1 minutes and going back to
// the server (which decides what comes next) when the time is up.
(function () {
  'use strict';

  var form = document.querySelector('form[data-autosave]');
  var status = document.getElementById('save-status');
  var timer = document.querySelector('.a-timer[data-deadline]');
  var dirty = false;
  var pending = null;

  function say(text) {
    if (status) status.textContent = text;
  }

  function clock(iso) {
    var d = iso ? new Date(iso) : new Date();
    return d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  }

  function home() {
    if (timer) return timer.getAttribute('data-return');
    return form.getAttribute('data-autosave').replace(/\/autosave$/, '');
  }

  // body is the form without its file input: a file is sent only with the
  // form itself.
  function body() {
    var data = new FormData(form);
    var out = new URLSearchParams();
    data.forEach(function (value, key) {
      if (typeof value === 'string') out.append(key, value);
    });
    return out;
  }

  function save(keepalive) {
    if (!form || !dirty) return Promise.resolve();
    dirty = false;
    clearTimeout(pending);
    say('Saving…');
    return fetch(form.getAttribute('data-autosave'), {
      method: 'POST',
      body: body(),
      headers: { Accept: 'application/json' },
      credentials: 'same-origin',
      keepalive: !!keepalive
    }).then(function (resp) {
      return resp.json().then(function (json) {
        if (resp.ok) {
          say('Saved at ' + clock(json.saved_at) + '.');
          return;
        }
        say('Not saved: ' + (json.error || 'please try again.'));
        if (resp.status === 409) window.location.assign(home() + '?timeup=1');
      });
    }).catch(function () {
      dirty = true;
      say('Not saved: the connection was lost. Your answer is saved when you go to another question.');
    });
  }

  if (form) {
    var changed = function () {
      dirty = true;
      clearTimeout(pending);
      pending = setTimeout(save, 2000);
    };
    form.addEventListener('input', changed);
    form.addEventListener('change', changed);
    form.addEventListener('submit', function () {
      dirty = false; // the form's own request saves the answer
      clearTimeout(pending);
    });
    document.addEventListener('visibilitychange', function () {
      if (document.visibilityState === 'hidden') save(true);
    });
  }

  if (timer) {
    var deadline = Date.parse(timer.getAttribute('data-deadline'));
    // skew is how far the server's clock is ahead of this device's.
    var skew = Date.parse(timer.getAttribute('data-now')) - Date.now();
    var left = timer.querySelector('.a-timer-left');
    var label = left.textContent.split(':')[0];
    var ends = timer.querySelector('.a-timer-ends');
    var warning = document.getElementById('time-warning');
    var remaining = function () { return deadline - (Date.now() + skew); };
    var warned5 = remaining() <= 5 * 60000;
    var warned1 = remaining() <= 60000;
    var lastSave = false;
    if (ends) ends.textContent = clock(new Date(deadline).toISOString());
    var pad = function (n) { return (n < 10 ? '0' : '') + n; };
    var warn = function (text) {
      if (warning) {
        warning.textContent = text;
        warning.classList.add('a-warning-on');
      }
    };
    var tick = function () {
      var ms = remaining();
      if (ms <= 0) {
        left.textContent = label + ': 0:00';
        warn('The time is up.');
        // timeup asks the server to say what happened: the next section
        // opened, or the answers were submitted.
        window.location.assign(home() + '?timeup=1');
        return;
      }
      var s = Math.ceil(ms / 1000);
      var h = Math.floor(s / 3600);
      var m = Math.floor((s % 3600) / 60);
      left.textContent = label + ': ' + (h ? h + ':' + pad(m) : m) + ':' + pad(s % 60);
      if (!warned5 && ms <= 5 * 60000) {
        warned5 = true;
        warn('5 minutes left. Your answers are saved as you go.');
      }
      if (!warned1 && ms <= 60000) {
        warned1 = true;
        warn('1 minute left.');
      }
      if (!lastSave && ms <= 3000) {
        lastSave = true;
        save(true);
      }
      setTimeout(tick, Math.min(1000, ms));
    };
    tick();
  }
})();
