// assess.js enhances the candidate's pages; everything works without it.
// It saves the current answer a moment after typing stops and when the page
// is hidden, says so in a polite live region, and counts the time left down
// from the server's deadline, warning at 5 and 1 minutes and going back to
// the server (which decides what comes next) when the time is up.
//
// On an open answer it also records, for the reviewer's integrity signals
// (docs/scoring.md), the size of large pastes and how long the page lost
// focus, and sends them with each save in hidden fields. They inform a
// person; they never change a score. A code answer gets an editor: Tab
// indents, Escape then Tab leaves the box, line numbers beside the text.
(function () {
  'use strict';

  var form = document.querySelector('form[data-autosave]');
  var status = document.getElementById('save-status');
  var timer = document.querySelector('.a-timer[data-deadline]');
  var dirty = false;
  var pending = null;
  var answer = form && form.querySelector('textarea#answer');
  var activity = recorder(form, answer, function () {
    if (!form) return;
    dirty = true;
    clearTimeout(pending);
    pending = setTimeout(save, 2000);
  });
  if (answer && answer.classList.contains('code')) editor(answer);

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
    activity.fill(true);
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
        activity.done(resp.ok);
        if (resp.ok) {
          say('Saved at ' + clock(json.saved_at) + '.');
          return;
        }
        say('Not saved: ' + (json.error || 'please try again.'));
        if (resp.status === 409) window.location.assign(home() + '?timeup=1');
      });
    }).catch(function () {
      activity.done(false);
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
      activity.fill(false);
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

  // recorder keeps what the page saw since the last save: the characters of
  // each large paste into the answer and the seconds of each spell away from
  // the page. fill(inflight) writes it into the form's hidden fields (act=1
  // says the script ran); an autosave moves the entries in flight and
  // done(ok) forgets them once saved or puts them back when it failed, so
  // nothing is counted twice nor lost. changed() is called when the
  // candidate comes back, so the spell is saved soon.
  function recorder(form, answer, changed) {
    var none = { fill: function () {}, done: function () {} };
    if (!form || !answer) return none;
    var MIN_PASTE = 20; // characters: a word or two pasted is not worth a signal
    var pastes = [], spells = [];
    var sentPastes = [], sentSpells = [];
    var away = null;
    var field = function (name) {
      var el = form.querySelector('input[type=hidden][name="' + name + '"]');
      if (!el) {
        el = document.createElement('input');
        el.type = 'hidden';
        el.name = name;
        form.appendChild(el);
      }
      return el;
    };
    var act = field('act'), actPastes = field('act_pastes'), actFocus = field('act_focus');
    act.value = '1';
    var chars = function (text) {
      return Array.from((text || '').replace(/\r\n/g, '\n')).length;
    };
    var pasted = function (text) {
      var n = chars(text);
      if (n >= MIN_PASTE) pastes.push(n);
    };
    answer.addEventListener('paste', function (e) {
      if (e.clipboardData) pasted(e.clipboardData.getData('text/plain'));
    });
    answer.addEventListener('drop', function (e) {
      if (e.dataTransfer) pasted(e.dataTransfer.getData('text/plain'));
    });
    var leave = function () {
      if (away === null) away = Date.now();
    };
    var back = function () {
      if (away === null) return;
      var secs = Math.round((Date.now() - away) / 100) / 10;
      away = null;
      if (secs > 0) {
        spells.push(secs);
        changed();
      }
    };
    window.addEventListener('blur', leave);
    window.addEventListener('focus', back);
    document.addEventListener('visibilitychange', function () {
      if (document.visibilityState === 'hidden') leave();
      else if (document.hasFocus()) back();
    });
    return {
      fill: function (inflight) {
        actPastes.value = pastes.join(',');
        actFocus.value = spells.join(',');
        if (inflight) {
          sentPastes = sentPastes.concat(pastes);
          sentSpells = sentSpells.concat(spells);
          pastes = [];
          spells = [];
        }
      },
      done: function (ok) {
        if (!ok) {
          pastes = sentPastes.concat(pastes);
          spells = sentSpells.concat(spells);
        }
        sentPastes = [];
        sentSpells = [];
      }
    };
  }

  // editor turns a code answer's textarea into a small code editor, with
  // the textarea itself still the field: Tab inserts indentation (or
  // indents the selected lines), Escape then Tab (or Shift+Tab) moves on as usual, so keyboard users are
  // never trapped; a visible hint says so. Line numbers sit beside it.
  function editor(ta) {
    var indent = ta.getAttribute('data-indent') === 'tab' ? '\t' : '    ';
    var escaped = false;
    var hint = document.createElement('p');
    hint.className = 'hint a-editor-hint';
    hint.id = 'answer-keys';
    hint.textContent = 'In this code box, Tab inserts indentation. To leave the box with the keyboard, press Escape, then Tab.';
    var wrap = document.createElement('div');
    wrap.className = 'a-editor';
    var gutter = document.createElement('div');
    gutter.className = 'a-gutter';
    gutter.setAttribute('aria-hidden', 'true');
    ta.parentNode.insertBefore(hint, ta);
    ta.parentNode.insertBefore(wrap, ta);
    wrap.appendChild(gutter);
    wrap.appendChild(ta);
    ta.setAttribute('aria-describedby', (ta.getAttribute('aria-describedby') || '') + ' answer-keys');
    ta.setAttribute('wrap', 'off');
    var lines = 0;
    var number = function () {
      var n = ta.value.split('\n').length;
      if (n !== lines) {
        var out = [];
        for (var i = 1; i <= n; i++) out.push(i);
        gutter.textContent = out.join('\n');
        lines = n;
      }
      gutter.scrollTop = ta.scrollTop;
    };
    var insert = function (text) {
      // execCommand keeps the browser's undo history and fires input.
      if (!document.execCommand || !document.execCommand('insertText', false, text)) {
        ta.setRangeText(text, ta.selectionStart, ta.selectionEnd, 'end');
        ta.dispatchEvent(new Event('input', { bubbles: true }));
      }
    };
    ta.addEventListener('keydown', function (e) {
      if (e.key === 'Escape') {
        escaped = true;
        return;
      }
      if (e.key === 'Tab') {
        if (escaped || e.shiftKey || e.ctrlKey || e.altKey || e.metaKey) {
          escaped = false;
          return; // move focus as usual
        }
        e.preventDefault();
        var v = ta.value, start = ta.selectionStart, end = ta.selectionEnd;
        var first = v.lastIndexOf('\n', start - 1) + 1;
        if (v.slice(start, end).indexOf('\n') < 0) {
          insert(indent);
          return;
        }
        var block = v.slice(first, end);
        ta.setSelectionRange(first, end);
        insert(block.replace(/^/gm, indent));
        ta.setSelectionRange(first, first + block.length + indent.length * block.split('\n').length);
        return;
      }
      escaped = false;
    });
    ta.addEventListener('blur', function () { escaped = false; });
    ta.addEventListener('input', number);
    ta.addEventListener('scroll', number);
    number();
  }
})();
