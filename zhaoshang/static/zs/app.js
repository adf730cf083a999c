// Background requests do not keep a session alive (等保: log out after the idle time).
//
// htmx hands every request's triggering event to htmx:configRequest. A person's click,
// change, input or submit is a trusted browser event; a poll ("every 60s"), a "load"
// trigger and a request fired by a script have no event or an untrusted one. Those are
// marked with X-ZS-Background, and the idle-logout middleware does not count them as
// activity. Marking here, once, covers every poll a page adds later (badge, import and
// export progress) without each template remembering to. The mark can only make a
// session end sooner, never keep one alive, so a client that sends it on purpose gains
// nothing.
document.addEventListener("htmx:configRequest", function (event) {
  var trigger = event.detail.triggeringEvent;
  if (!trigger || !trigger.isTrusted) {
    event.detail.headers["X-ZS-Background"] = "1";
  }
});

// List filters (the list_filter tag, common/templatetags/zs_ui.py) fire on submit only.
// A choice made in a select, date, checkbox or radio applies at once by submitting the
// form; a text box is left to Enter (the browser's own submit) or the 查询 button, so
// Enter in it sends one request, not a change and a submit.
var ZS_FILTER_AUTOSUBMIT = ["select-one", "select-multiple", "checkbox", "radio", "date", "month"];
document.addEventListener("change", function (event) {
  var control = event.target;
  var form = control.form;
  if (form && form.hasAttribute("data-zs-filter") && ZS_FILTER_AUTOSUBMIT.indexOf(control.type) >= 0) {
    form.requestSubmit();
  }
});
