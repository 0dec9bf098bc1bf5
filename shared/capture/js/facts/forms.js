// Forms and their fields: type, accessible label (never the placeholder), required, autocomplete.

const NOT_FILLED = /^(hidden|submit|button|image|reset)$/;

function fieldLabel(el) {
  const byIds = textById(el.getAttribute("aria-labelledby"));
  if (byIds) return clean(byIds, 200);
  const aria = clean(el.getAttribute("aria-label"), 200);
  if (aria) return aria;
  const labels = el.labels ? [...el.labels] : [];
  const fromLabels = clean(labels.map((label) => label.innerText || label.textContent).join(" "), 200);
  if (fromLabels) return fromLabels;
  return clean(el.getAttribute("title"), 200) || null;
}

function submitText(form) {
  const submit = [...form.elements].find(
    (el) =>
      (el.tagName === "BUTTON" && (!el.getAttribute("type") || lower(el.getAttribute("type")) === "submit")) ||
      (el.tagName === "INPUT" && /^(submit|image)$/.test(lower(el.type))),
  );
  return submit ? accessibleText(submit) || null : null;
}

function collectForms() {
  return [...doc.forms].slice(0, limit).map((form, formIndex) => {
    const item = base(form, `form-${formIndex + 1}`);
    const fields = [...form.elements]
      .filter((el) => /^(INPUT|SELECT|TEXTAREA)$/.test(el.tagName) && !NOT_FILLED.test(lower(el.type)))
      .slice(0, limit)
      .map((el, fieldIndex) => {
        const tag = lower(el.tagName);
        return {
          ...base(el, `field-${formIndex + 1}-${fieldIndex + 1}`),
          tag,
          type: tag === "input" ? lower(el.getAttribute("type")) || "text" : tag,
          name: el.getAttribute("name") || el.id || null,
          label: fieldLabel(el),
          placeholder: el.getAttribute("placeholder") || null,
          required: el.required || lower(el.getAttribute("aria-required")) === "true",
          autocomplete: lower(el.getAttribute("autocomplete")) || null,
        };
      });
    const dialog = form.closest("dialog, [role=dialog], [role=alertdialog], [aria-modal=true], .modal");
    return {
      ...item,
      fields,
      submit_text: submitText(form),
      in_modal: !!dialog && !isVisible(dialog, boxOf(dialog)),
    };
  });
}
