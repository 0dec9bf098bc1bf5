"""Form rules and the field-purpose guess they share."""

from __future__ import annotations

import pytest

from shared.models.facts import FormField
from shared.rules.field_purpose import field_purpose
from tests.support.facts_builders import both, device, field, findings_for, form, hit, page

FORM_RULES = ("form.too_many_fields", "form.missing_labels", "form.input_type", "form.autocomplete_missing")


def text_fields(count: int) -> list[FormField]:
    return [
        field(f"field-{n}", "text", name=f"answer{n}", label=f"Question {n}", autocomplete=None)
        for n in range(1, count + 1)
    ]


def radios(count: int, name: str = "plan") -> list[FormField]:
    return [field(f"radio-{n}", "radio", name=name, label=f"Plan {n}", autocomplete=None) for n in range(1, count + 1)]


class TestTooManyFields:
    def test_five_fields_pass_six_fire(self) -> None:
        assert hit("form.too_many_fields", device(forms=[form(fields=text_fields(5))])) is None
        result = hit("form.too_many_fields", device(forms=[form(fields=text_fields(6))]))
        assert result is not None and result.severity is None
        assert result.values["fields_per_form"] == {"form-1": 6}
        assert result.detail.startswith('The "Get my guide" form asks for 6 fields')

    def test_more_than_eight_is_high(self) -> None:
        assert hit("form.too_many_fields", device(forms=[form(fields=text_fields(8))])).severity is None  # type: ignore[union-attr]
        assert hit("form.too_many_fields", device(forms=[form(fields=text_fields(9))])).severity == "high"  # type: ignore[union-attr]

    def test_a_radio_group_is_one_question(self) -> None:
        assert hit("form.too_many_fields", device(forms=[form(fields=text_fields(4) + radios(3))])) is None
        assert hit("form.too_many_fields", device(forms=[form(fields=text_fields(5) + radios(3))])) is not None

    def test_a_modal_form_counts(self) -> None:
        result = hit("form.too_many_fields", device(forms=[form(fields=text_fields(7), in_modal=True)]))
        assert result is not None


def test_a_page_without_forms_has_no_form_findings() -> None:
    facts = both(forms=[])
    assert [f for rule in FORM_RULES for f in findings_for(rule, facts)] == []


class TestMissingLabels:
    def test_placeholder_only_form_is_high(self) -> None:
        fields = [
            field("field-1", "text", name="name", label=None, placeholder="Your Name *", autocomplete=None),
            field("field-2", "email", name="email", label=None, placeholder="Your Email *", autocomplete=None),
            field("field-3", "tel", name="phone", label=None, placeholder="Your Phone *", autocomplete=None),
            field("field-4", "textarea", tag="textarea", name="message", label=None, placeholder="Your Message *"),
        ]
        (finding,) = findings_for("form.missing_labels", both(forms=[form(fields=fields)]))
        assert finding.severity == "high"
        assert finding.evidence.device is None
        assert finding.evidence.elements == ["field-1", "field-2", "field-3", "field-4"]
        assert finding.evidence.values == {"unlabeled": 4, "fields": 4, "placeholder_only": 4}
        assert finding.detail.startswith("4 of 4 form fields have no label")

    def test_some_unlabeled_is_medium(self) -> None:
        fields = [field("field-1"), field("field-2", "text", name="q", label="  ", autocomplete=None)]
        result = hit("form.missing_labels", device(forms=[form(fields=fields)]))
        assert result is not None and result.severity is None
        assert result.elements == ("field-2",)
        assert result.values["placeholder_only"] == 0

    def test_labelled_fields_pass(self) -> None:
        assert hit("form.missing_labels", device(forms=[form(fields=text_fields(3))])) is None


class TestInputType:
    def test_email_in_a_text_input(self) -> None:
        wrong = field("field-1", "text", name="email", label="Email", autocomplete="email")
        facts = page(device("desktop", forms=[form(fields=[wrong])]), device("mobile", forms=[form(fields=[wrong])]))
        desktop, mobile = findings_for("form.input_type", facts)
        assert (desktop.evidence.device, desktop.severity) == ("desktop", "low")
        assert (mobile.evidence.device, mobile.severity) == ("mobile", "medium")
        assert mobile.evidence.values["fields"] == [
            {"id": "field-1", "type": "text", "problem": "plain_text", "expected": "email"}
        ]
        assert mobile.detail == '1 field has the wrong input type: "Email" is type=text, not type=email.'

    def test_phone_from_the_placeholder(self) -> None:
        wrong = field("field-1", "text", name="f2", label=None, placeholder="Phone number", autocomplete=None)
        result = hit("form.input_type", device("mobile", forms=[form(fields=[wrong])]))
        assert result is not None and "type=tel" in result.detail

    def test_right_types_and_free_text_pass(self) -> None:
        fields = [
            field("field-1"),
            field("field-2", "tel", name="phone", label="Phone", autocomplete="tel"),
            field("field-3", "textarea", tag="textarea", name="message", label="Message", autocomplete=None),
            field("field-4", "text", name="topic", label="Topic", autocomplete=None),
        ]
        assert hit("form.input_type", device("mobile", forms=[form(fields=fields)])) is None

    def test_types_browsers_do_not_know(self) -> None:
        fields = [
            field("field-1", "num", name="guests", label="Guests", autocomplete=None),
            field("field-2", "datetime", name="when", label="When", autocomplete=None),
            field("field-3", "phone", name="f3", label="Mobile", autocomplete=None),
            field("field-4", "colour", name="shade", label="Shade", autocomplete=None),
        ]
        result = hit("form.input_type", device("mobile", forms=[form(fields=fields)]))
        assert result is not None and result.severity == "medium"
        assert [(item["problem"], item["expected"]) for item in result.values["fields"]] == [
            ("invalid", "number"),
            ("obsolete", "datetime-local"),
            ("invalid", "tel"),
            ("invalid", None),
        ]
        assert result.detail == (
            '4 fields have the wrong input type: "Guests" is type="num" (no such type: a text field), not '
            'type=number, "When" is type="datetime" (obsolete: a text field, no picker), not type=datetime-local, '
            '"Mobile" is type="phone" (no such type: a text field), not type=tel and "Shade" is type="colour" '
            "(no such type: a text field)."
        )

    @pytest.mark.parametrize("kind", ["checkbox", "date", "datetime-local", "number", "search", "week"])
    def test_every_type_html_defines_passes(self, kind: str) -> None:
        valid = field("field-1", kind, name="choice", label="Choice", autocomplete=None)
        assert hit("form.input_type", device(forms=[form(fields=[valid])])) is None

    def test_fields_outside_a_form_count(self) -> None:
        newsletter = field(
            "field-formless-1-1", "text", name="newsletter", label=None, placeholder="Your email", autocomplete=None
        )
        group = form("formless-1", [newsletter], submit_text="Subscribe").model_copy(update={"formless": True})
        for rule in ("form.input_type", "form.missing_labels", "form.autocomplete_missing"):
            result = hit(rule, device(forms=[form(), group]))
            assert result is not None and result.elements == ("field-formless-1-1",), rule


class TestAutocompleteMissing:
    def test_personal_fields_without_autocomplete(self) -> None:
        fields = [
            field("field-1", autocomplete=None),
            field("field-2", "text", name="company", label="Company name", autocomplete="off"),
            field("field-3", "textarea", tag="textarea", name="message", label="Message", autocomplete=None),
        ]
        result = hit("form.autocomplete_missing", device(forms=[form(fields=fields)]))
        assert result is not None
        assert result.values["fields"] == [
            {"id": "field-1", "expected": "email"},
            {"id": "field-2", "expected": "organization"},
        ]

    def test_declared_tokens_pass(self) -> None:
        fields = [
            field("field-1", autocomplete="shipping email"),
            field("field-2", "text", name="x", label="Name", autocomplete="name"),
        ]
        assert hit("form.autocomplete_missing", device(forms=[form(fields=fields)])) is None


@pytest.mark.parametrize(
    ("kwargs", "purpose"),
    [
        ({"type": "text", "name": "firstName", "label": None}, "given-name"),
        ({"type": "text", "name": "last_name", "label": None}, "family-name"),
        ({"type": "text", "name": "f1", "label": None, "placeholder": "E-mail"}, "email"),
        ({"type": "text", "name": "f1", "label": "Email address"}, "email"),
        ({"type": "text", "name": "f1", "label": "Company name"}, "organization"),
        ({"type": "text", "name": "zip", "label": None}, "postal-code"),
        ({"type": "text", "name": "f1", "label": "Your Name *"}, "name"),
        ({"type": "url", "name": "f1", "label": "Link"}, "url"),
        ({"type": "text", "name": "f1", "label": "Topic"}, None),
        ({"type": "search", "name": "q", "label": "Search"}, None),
        # The name attribute first: every label of a template's form points at its first input.
        ({"type": "text", "name": "name", "label": "Your Name Your Email Subject Message"}, "name"),
        ({"type": "text", "name": "contact[phone]", "label": "Email or phone"}, "tel"),
    ],
)
def test_field_purpose(kwargs: dict, purpose: str | None) -> None:
    assert field_purpose(field("field-1", autocomplete=None, **kwargs)) == purpose
