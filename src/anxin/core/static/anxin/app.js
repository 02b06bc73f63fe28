// Anxin page glue (htmx's settings are in core/base.html's htmx-config meta): errors, the screen pop's "fill the intake form" buttons and the triage panel's "accept the proposal", the intake panels' refresh events, selects that submit their form. No framework, no inline script: the Content-Security-Policy allows scripts from our own static files only, and no eval.
(function () {
  "use strict";

  function flash(message) {
    var box = document.getElementById("flash");
    if (!box) return;
    box.textContent = message;
    box.hidden = false;
  }

  document.addEventListener("htmx:beforeSwap", function (event) {
    // A request that ended on the login page (idle logout) reloads the whole page there.
    var xhr = event.detail.xhr;
    var login = document.body.dataset.loginUrl;
    if (login && xhr.responseURL && new URL(xhr.responseURL).pathname === login) {
      event.detail.shouldSwap = false;
      window.location.href = xhr.responseURL;
    }
  });

  document.addEventListener("htmx:responseError", function () {
    flash(document.body.dataset.msgServerError);
  });
  document.addEventListener("htmx:sendError", function () {
    flash(document.body.dataset.msgOffline);
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail.successful) {
      var box = document.getElementById("flash");
      if (box) box.hidden = true;
    }
  });

  // A select marked data-autosubmit (the language switch) submits its form when changed.
  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches("select[data-autosubmit]") && event.target.form) {
      event.target.form.submit();
    }
  });

  // The intake form's side panels refresh on these events rather than on htmx trigger filters
  // (input[target.name!='override_reason']), which htmx evaluates as code and the policy forbids:
  // anxin-triage-input after any field but the override reason, anxin-summary-input after the summary.
  function intakeEdited(event) {
    var form = event.target.form;
    if (!form || form.id !== "intake-form") return;
    var name = event.target.name;
    if (name !== "override_reason") form.dispatchEvent(new CustomEvent("anxin-triage-input"));
    if (name === "summary" && event.type === "input") form.dispatchEvent(new CustomEvent("anxin-summary-input"));
  }
  document.addEventListener("input", intakeEdited);
  document.addEventListener("change", intakeEdited);

  function setField(form, name, value) {
    var field = form.elements.namedItem(name);
    if (!field) return;
    field.value = value;
    field.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function setLabel(id, text) {
    var label = document.getElementById(id);
    if (label) label.textContent = text;
  }

  // Buttons in the screen pop carry data-fill="caller|subject|phone" with the resident's id, name and phone;
  // the triage panel's data-fill="proposal" carries the proposed codes for the three selects.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-fill]");
    if (!button) return;
    var form = document.getElementById("intake-form");
    if (!form) return;
    var data = button.dataset;
    if (data.fill === "caller" || data.fill === "phone") {
      if (data.phone) setField(form, "caller_phone", data.phone);
    }
    if (data.fill === "caller") {
      setField(form, "caller_resident", data.id);
      setField(form, "caller_resident_label", data.label);
      setField(form, "caller_name", data.name);
      setLabel("caller-resident-label", data.label);
    }
    if (data.fill === "subject") {
      setField(form, "subject_resident", data.id);
      setField(form, "subject_resident_label", data.label);
      setLabel("subject-resident-label", data.label);
    }
    if (data.fill === "clear-caller") {
      setField(form, "caller_resident", "");
      setField(form, "caller_resident_label", "");
      setLabel("caller-resident-label", "");
    }
    if (data.fill === "proposal") {
      setField(form, "category", data.category);
      setField(form, "urgency", data.urgency);
      setField(form, "disposition", data.disposition);
    }
    if (data.fill === "answer") {
      // One hidden input per question in the intake form; a change event lets the triage panel ask again.
      var box = document.getElementById("triage-answers");
      if (!box) return;
      var value = data.question + ":" + data.answer;
      var input = box.querySelector('input[data-question="' + data.question + '"]');
      if (!input) {
        input = document.createElement("input");
        input.type = "hidden";
        input.name = "answer";
        input.dataset.question = data.question;
        box.appendChild(input);
      }
      input.value = value;
      input.dispatchEvent(new Event("change", { bubbles: true }));
    }
    if (data.fill === "clear-subject") {
      setField(form, "subject_resident", "");
      setField(form, "subject_resident_label", "");
      setLabel("subject-resident-label", "");
    }
  });
})();
