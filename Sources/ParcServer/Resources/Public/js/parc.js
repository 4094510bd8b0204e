/* Parc — progressive enhancement only. Every page works without this file.
   Load once in <head>: <script src="/js/parc.js" defer></script>
   No inline handlers, no eval, no dependencies. Markup contract: docs/ui-markup.md. */
(function () {
    'use strict';
    var doc = document;
    doc.documentElement.classList.add('js');

    function isTyping(el) {
        return !!el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
    }

    // Lower-case, accents stripped: "Éléments" matches "elements".
    function fold(text) {
        return text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
    }

    function init() {
        var body = doc.body;
        var toggle = doc.querySelector('.nav-toggle');
        var sidebar = doc.getElementById('sidebar');

        // Navigation drawer (small screens).
        function setNav(open, moveFocus) {
            if (!toggle) return;
            body.classList.add('nav-animate');
            body.classList.toggle('nav-open', open);
            toggle.setAttribute('aria-expanded', open ? 'true' : 'false');
            if (!moveFocus) return;
            var target = open && sidebar ? sidebar.querySelector('a[aria-current], a') : toggle;
            if (target) target.focus();
        }
        if (toggle) {
            toggle.addEventListener('click', function () { setNav(!body.classList.contains('nav-open'), true); });
        }

        function closeMenus(except) {
            doc.querySelectorAll('details.menu[open], .filter-bar details[open]').forEach(function (d) {
                if (d !== except && !d.contains(except)) d.removeAttribute('open');
            });
        }

        doc.addEventListener('click', function (e) {
            var t = e.target;
            var close = t.closest('.flash-close');
            if (close) {
                close.closest('.flash').remove();
                var main = doc.getElementById('main');
                if (main) main.focus({ preventScroll: true });
                return;
            }
            var copy = t.closest('[data-copy]');
            if (copy) copySecret(copy);
            if (t.closest('[data-print]')) { window.print(); return; }
            var link = t.closest('a[data-confirm]');
            if (link && !window.confirm(link.getAttribute('data-confirm'))) e.preventDefault();
            if (body.classList.contains('nav-open') && !t.closest('#sidebar, .nav-toggle')) setNav(false, false);
            closeMenus(t.closest('details'));
        });

        // data-confirm on a form or on its submit button.
        doc.addEventListener('submit', function (e) {
            var button = e.submitter;
            var message = (button && button.getAttribute('data-confirm')) || e.target.getAttribute('data-confirm');
            if (message && !window.confirm(message)) e.preventDefault();
        });

        // FAQ articles while a requester types a ticket's title (the form works without it).
        var suggestTimer = null;
        doc.addEventListener('input', function (e) {
            var input = e.target.closest ? e.target.closest('[data-suggest]') : null;
            if (!input) return;
            clearTimeout(suggestTimer);
            suggestTimer = setTimeout(function () {
                var box = doc.getElementById(input.getAttribute('aria-describedby'));
                var text = input.value.trim();
                if (!box) return;
                if (text.length < 3) { box.hidden = true; return; }
                fetch(input.getAttribute('data-suggest') + '?q=' + encodeURIComponent(text), { credentials: 'same-origin' })
                    .then(function (r) { return r.ok ? r.json() : []; })
                    .then(function (items) {
                        var list = box.querySelector('ul');
                        list.textContent = '';
                        items.forEach(function (item) {
                            var li = doc.createElement('li');
                            var a = doc.createElement('a');
                            a.href = item.url; a.textContent = item.title; a.target = '_blank'; a.rel = 'noopener';
                            var span = doc.createElement('span');
                            span.className = 'muted'; span.textContent = ' ' + item.snippet;
                            li.appendChild(a); li.appendChild(span); list.appendChild(li);
                        });
                        box.hidden = items.length === 0;
                    })
                    .catch(function () { box.hidden = true; });
            }, 250);
        });

        doc.addEventListener('change', function (e) {
            var t = e.target;
            if (t.matches('[data-autosubmit]') && t.form) {
                if (t.form.requestSubmit) t.form.requestSubmit(); else t.form.submit();
                return;
            }
            // "Select all" checkbox in a table header.
            var table = t.closest('table');
            if (!table || !t.matches('.col-check input[type="checkbox"]')) return;
            var boxes = table.querySelectorAll('tbody .col-check input[type="checkbox"]');
            if (t.closest('thead')) {
                boxes.forEach(function (b) { if (!b.closest('tr').hidden) b.checked = t.checked; });
            } else {
                var all = table.querySelector('thead .col-check input[type="checkbox"]');
                if (!all) return;
                var n = Array.prototype.filter.call(boxes, function (b) { return b.checked; }).length;
                all.checked = n === boxes.length;
                all.indeterminate = n > 0 && n < boxes.length;
            }
        });

        // SLA policy form: blank escalation levels show one at a time with "Add a level" (all show without JavaScript).
        var addLevel = doc.querySelector('[data-add-level]');
        if (addLevel) {
            doc.querySelectorAll('[data-spare-level]').forEach(function (level) { level.hidden = true; });
            addLevel.hidden = !doc.querySelector('[data-spare-level][hidden]');
            addLevel.addEventListener('click', function () {
                var next = doc.querySelector('[data-spare-level][hidden]');
                if (next) {
                    next.hidden = false;
                    var first = next.querySelector('input:not([type="hidden"]), select');
                    if (first) first.focus();
                }
                addLevel.hidden = !doc.querySelector('[data-spare-level][hidden]');
            });
        }

        // A value control that follows the select before it (a rule's field or action): the choices of
        // <template id="choices-KIND-VALUE"> in a select, else the text input (with <datalist id="list-KIND-VALUE">
        // when there is one). Both controls post the same name; the one not in use is disabled.
        doc.addEventListener('change', function (e) {
            var t = e.target;
            if (!t.matches('[data-picker]')) return;
            var row = t.closest('.field-row');
            if (!row) return;
            var kind = t.getAttribute('data-picker');
            var input = row.querySelector('input[data-value]');
            var select = row.querySelector('select[data-value]');
            var template = doc.getElementById('choices-' + kind + '-' + t.value);
            var list = doc.getElementById('list-' + kind + '-' + t.value);
            if (input) {
                if (list) input.setAttribute('list', list.id); else input.removeAttribute('list');
                input.hidden = input.disabled = !!template;
            }
            if (select) {
                if (template) select.innerHTML = template.innerHTML;
                select.hidden = select.disabled = !template;
            }
        });

        // Filter table rows as you type: <input data-filter-table="tickets">.
        var cache = new WeakMap();
        doc.addEventListener('input', function (e) {
            var input = e.target;
            if (!input.matches('[data-filter-table]')) return;
            var table = doc.getElementById(input.getAttribute('data-filter-table'));
            if (!table) return;
            var words = fold(input.value.trim()).split(/\s+/).filter(Boolean);
            Array.prototype.forEach.call(table.tBodies, function (tbody) {
                Array.prototype.forEach.call(tbody.rows, function (row) {
                    if (!cache.has(row)) cache.set(row, fold(row.textContent));
                    var text = cache.get(row);
                    row.hidden = !words.every(function (w) { return text.indexOf(w) !== -1; });
                });
            });
        });

        doc.addEventListener('keydown', function (e) {
            if (e.key === 'Escape') {
                if (body.classList.contains('nav-open')) setNav(false, true);
                var open = doc.querySelector('details.menu[open], .filter-bar details[open]');
                if (open) {
                    open.removeAttribute('open');
                    open.querySelector('summary').focus();
                }
                return;
            }
            if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target)) return;
            var search = doc.getElementById('global-q');
            if (!search) return;
            e.preventDefault();
            search.focus();
            search.select();
        });

        // Focus the error summary so keyboard and screen-reader users land on it.
        var errors = doc.querySelector('.form-errors');
        if (errors) { errors.tabIndex = -1; errors.focus(); }
    }

    function copySecret(button) {
        var box = button.closest('.token-reveal') || doc;
        var source = box.querySelector('code, .token-value, input');
        var text = button.getAttribute('data-copy') ||
            (source ? (source.value !== undefined ? source.value : source.textContent) : '');
        var done = function () {
            var label = button.querySelector('span') || button;
            var original = button.getAttribute('data-label') || label.textContent;
            button.setAttribute('data-label', original);
            button.classList.add('is-copied');
            label.textContent = button.getAttribute('data-copied') || original;
            window.setTimeout(function () {
                button.classList.remove('is-copied');
                label.textContent = original;
            }, 2000);
        };
        if (navigator.clipboard && window.isSecureContext) {
            navigator.clipboard.writeText(text.trim()).then(done, function () { selectText(source); });
        } else {
            selectText(source);
            if (doc.execCommand && doc.execCommand('copy')) done();
        }
    }

    function selectText(el) {
        if (!el) return;
        if (el.select) return el.select();
        window.getSelection().selectAllChildren(el);
    }

    if (doc.readyState === 'loading') doc.addEventListener('DOMContentLoaded', init); else init();
})();
