// Forms and their fields: type (the attribute as written, so an invalid `type="num"` stays visible where
// `el.type` would say "text"), accessible label (never the placeholder), required, autocomplete.
//
// Fields outside any <form> (a footer newsletter box, a search field wired up by script) are form-like
// groups too: each rendered one joins the nearest ancestor, at most FORMLESS_DEPTH levels up, that holds a
// submit-like control outside any form (a button of any type, a submit/button/image input, role=button,
// a button-styled link; not a control such as a menu toggle). Fields sharing that ancestor are one group,
// marked `formless`. A field with no such control near it (a sort select) is in no group: nothing
// suggests a visitor submits it. Hidden fields count only inside a closed modal (like a form there, it is
// what a visitor will fill in), so a CSS-only menu's hidden checkbox is none.

const NOT_FILLED = /^(hidden|submit|button|image|reset)$/;
const FORMLESS_DEPTH = 5;
const SUBMIT_LIKE = "button, input[type=submit i], input[type=button i], input[type=image i], [role=button], a[href]";

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

const isFillable = (el) => /^(INPUT|SELECT|TEXTAREA)$/.test(el.tagName) && !NOT_FILLED.test(lower(el.type));

function fieldFacts(el, id) {
  const tag = lower(el.tagName);
  return {
    ...base(el, id),
    tag,
    type: tag === "input" ? lower(el.getAttribute("type")).slice(0, 40) || "text" : tag,
    name: clean(el.getAttribute("name") || el.id, 200) || null,
    label: fieldLabel(el),
    placeholder: clean(el.getAttribute("placeholder"), 200) || null,
    required: el.required || lower(el.getAttribute("aria-required")) === "true",
    autocomplete: clean(lower(el.getAttribute("autocomplete")), 100) || null,
  };
}

function inClosedModal(el) {
  const dialog = el.closest("dialog, [role=dialog], [role=alertdialog], [aria-modal=true], .modal");
  return !!dialog && !isVisible(dialog, boxOf(dialog));
}

function submitText(form) {
  const submit = [...form.elements].find(
    (el) =>
      (el.tagName === "BUTTON" && (!el.getAttribute("type") || lower(el.getAttribute("type")) === "submit")) ||
      (el.tagName === "INPUT" && /^(submit|image)$/.test(lower(el.type))),
  );
  return submit ? accessibleText(submit) || null : null;
}

// A menu toggle or a close button submits nothing; an icon-only button (a paper plane) may well.
function isSubmitLike(el) {
  if (el.form || el.closest("form")) return false;
  const control = controlKind(el);
  if (control !== null && control !== "icon_button") return false;
  return el.tagName !== "A" || looksLikeButton(el);
}

function formlessGroups() {
  const groups = new Map();
  for (const el of doc.querySelectorAll("input, select, textarea")) {
    if (el.form || el.closest("form") || !isFillable(el)) continue;
    if (!isVisible(el, boxOf(el)) && !inClosedModal(el)) continue;
    let container = el.parentElement;
    for (let depth = 0; container && container !== body && depth < FORMLESS_DEPTH; depth += 1) {
      const submit = [...container.querySelectorAll(SUBMIT_LIKE)].find(isSubmitLike);
      if (submit) {
        if (!groups.has(container)) {
          if (groups.size >= limit) break;
          groups.set(container, { submit, fields: [] });
        }
        groups.get(container).fields.push(el);
        break;
      }
      container = container.parentElement;
    }
  }
  return [...groups.entries()].sort((a, b) => byDocumentOrder(a[0], b[0]));
}

// The group's box spans its fields and its control, not the whole container (a footer column, a hero);
// a group with nothing rendered (in a closed modal) keeps the container's box.
function spanning(container, elements) {
  const boxes = elements.map(boxOf).filter((box) => box.w * box.h > 0);
  if (!boxes.length) return boxOf(container);
  const left = Math.min(...boxes.map((box) => box.x));
  const top = Math.min(...boxes.map((box) => box.y));
  const right = Math.max(...boxes.map((box) => box.x + box.w));
  const bottom = Math.max(...boxes.map((box) => box.y + box.h));
  return { x: round(left), y: round(top), w: round(right - left), h: round(bottom - top) };
}

function collectForms() {
  const forms = [...doc.forms].slice(0, limit).map((form, formIndex) => ({
    ...base(form, `form-${formIndex + 1}`),
    fields: [...form.elements]
      .filter(isFillable)
      .slice(0, limit)
      .map((el, fieldIndex) => fieldFacts(el, `field-${formIndex + 1}-${fieldIndex + 1}`)),
    submit_text: submitText(form),
    in_modal: inClosedModal(form),
    formless: false,
  }));
  const formless = formlessGroups().map(([container, group], groupIndex) => {
    const item = base(container, `formless-${groupIndex + 1}`);
    const box = spanning(container, [...group.fields, group.submit]);
    return {
      ...item,
      box,
      above_fold: item.visible && box.y < foldHeight && box.y + box.h > 0,
      fields: group.fields
        .slice(0, limit)
        .map((el, fieldIndex) => fieldFacts(el, `field-formless-${groupIndex + 1}-${fieldIndex + 1}`)),
      submit_text: accessibleText(group.submit) || null,
      in_modal: inClosedModal(container),
      formless: true,
    };
  });
  return [...forms, ...formless];
}
