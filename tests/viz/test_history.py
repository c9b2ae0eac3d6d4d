"""The incident history under the card: every value is shown as text (escaped), newest change first."""

from __future__ import annotations

from html.parser import HTMLParser

from dashboard.viz.history import history_html
from tests.hardening.corpus import TEXT_PAYLOADS


class Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.attrs, self.text = [], [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs.extend(name for name, _ in attrs)

    def handle_data(self, data):
        self.text.append(data)


def doc(reason: str, author: str, before: object, after: object) -> dict:
    return {"record_id": "T-1", "current_version": 2, "changes": [
        {"changeset_id": "cs-1", "kind": "import", "author": "incident-map", "at": "2025-10-02T10:00:00.000000Z",
         "reason": "import of a.csv", "version": 1, "fields": [], "action": "created", "record": {}},
        {"changeset_id": "cs-2", "kind": "edit", "author": author, "at": "2025-10-03T11:30:00.000000Z",
         "reason": reason, "version": 2, "action": "changed",
         "fields": [{"field": "summary", "before": before, "after": after},
                    {"field": "fatalities_max", "before": 37, "after": None}]},
    ]}


def test_newest_first_with_who_when_why_and_each_field():
    html = history_html(doc("OHCHR gives 38", "alice", "Old.", "New."))
    parser = Tags()
    parser.feed(html)
    text = "".join(parser.text)
    assert text.index("2025-10-03 11:30:00 UTC") < text.index("2025-10-02 10:00:00 UTC")
    assert "edit by alice" in text and "OHCHR gives 38" in text and "Created the incident" in text
    assert "Old. → New." in text and "37 → (unknown)" in text


def test_hostile_reasons_names_and_values_are_text_not_markup():
    allowed_tags = {"div", "b", "i", "span", "ul", "li", "code"}
    for payload in TEXT_PAYLOADS:
        parser = Tags()
        parser.feed(history_html(doc(payload, payload, payload, payload)))
        assert set(parser.tags) <= allowed_tags, payload
        assert set(parser.attrs) <= {"class", "style"}, payload
        assert payload.strip()[:40] in "".join(parser.text)
