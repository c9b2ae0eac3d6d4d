"""An incident's history as escaped HTML (shown under its card): one block per change set, newest first, with
when (UTC), the kind, who and why, and each field's value before → after.

Every value is untrusted text (reasons, author names and field values come from people and imported files): jinja2
autoescapes them, and no value ever becomes a link.

The labels are in the reader's language (``t``); a reason is shown as stored, except the tool's own default reasons,
said in the reader's language (:func:`dashboard.history_words.shown_reason`, which says why).
"""

from __future__ import annotations

import json

from jinja2 import Environment

from dashboard.data.captures import custody_line
from dashboard.data.engines.records import CAPTURE, CUSTODY
from dashboard.history_words import shown_kind, shown_reason
from dashboard.i18n import N_, Translator, tr

_ENV = Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)
MAX_VALUE_CHARS = 300

HISTORY = _ENV.from_string(
    """\
<div class="incident-history" style="font-family:system-ui,sans-serif;font-size:12px;line-height:1.35">
{% for c in changes %}
<div class="change" style="margin:0 0 8px 0">
<div><b>{{ c.at }}</b> · {{ c.who }} · <span style="color:#666">{{ c.changeset_id }} \
{{ c.version }}</span></div>
<div><i>{{ why }}</i> {{ c.reason }}</div>
{% if c.action %}<div>{{ c.action }}</div>{% endif %}
{% if c.fields %}<ul style="margin:2px 0 0 16px;padding:0">
{% for f in c.fields %}<li><code>{{ f.field }}</code>: {{ f.before }} → {{ f.after }}</li>
{% endfor %}</ul>{% endif %}
</div>
{% endfor %}
</div>"""
)

ACTIONS = {"created": N_("Created the incident"), "re-created": N_("Brought the incident back"),
           "deleted": N_("Deleted the incident")}


def _shown(value: object, t: Translator) -> str:
    if value is None:
        return t.gettext("(unknown)")
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= MAX_VALUE_CHARS else text[:MAX_VALUE_CHARS] + "…"


def history_html(doc: dict, t: Translator | None = None) -> str:
    """``doc`` as :func:`dashboard.data.engines.editing.history_document` makes it; newest change set first; in
    ``t``'s language (English without)."""
    t = t or tr()
    changes = []
    for c in reversed(doc.get("changes", [])):
        at = str(c["at"]).replace("T", " ")[:19] + " UTC"
        changes.append({
            "at": at, "who": t.gettext("{kind} by {author}").format(kind=shown_kind(c["kind"], t), author=c["author"]),
            "changeset_id": c["changeset_id"],
            "version": t.gettext("(version {version})").format(version=c["version"]),
            "reason": shown_reason(c["reason"], t),
            "action": custody_line(c, t) if c.get("record_type") in (CAPTURE.name, CUSTODY.name)
            else t.gettext(ACTIONS[c["action"]]) if c.get("action") in ACTIONS else "",
            "fields": [{"field": f["field"], "before": _shown(f["before"], t), "after": _shown(f["after"], t)}
                       for f in c["fields"]],
        })
    return HISTORY.render(changes=changes, why=t.gettext("Why:"))
