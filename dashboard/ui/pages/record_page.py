"""Record page (team view only, signed-in editors and above): add an incident, edit one, add or correct a
source, and move it through the review workflow. Every write goes through :mod:`dashboard.team` (role checked on
the server, validated like an import, the record's version checked, a reason required); this page only draws the
forms and says what happened. An anonymous session sees a sentence and no form."""

from __future__ import annotations

import streamlit as st

from dashboard.data.engines import ConflictError, ValidationFailed
from dashboard.data.geocoder import Geocoder
from dashboard.data.schema import ATTRIBUTION_BASES, DATE_PRECISIONS, EVENT_TYPES, VERIFICATION_STATUSES
from dashboard.data.store import open_store
from dashboard.errors import UserError
from dashboard.history_words import shown_kind, shown_reason
from dashboard.i18n import N_
from dashboard.team.errors import TeamError
from dashboard.team.forms import FORM_FIELDS, field_messages, record_from_form, with_source
from dashboard.team.permissions import Account, may
from dashboard.team.workflow import STATUS_LABELS, TRANSITIONS, review_history, status_of, transition
from dashboard.team.writes import add_report, create_incident, edit_incident
from dashboard.ui import common, state
from dashboard.ui.context import PageContext
from dashboard.ui.lang import _, current

CHOICES = {"date_precision": DATE_PRECISIONS, "event_type": EVENT_TYPES, "attribution_basis": ATTRIBUTION_BASES,
           "verification": VERIFICATION_STATUSES}
ACTION_LABELS = {"submit": N_("Submit for review"), "publish": N_("Publish"), "send_back": N_("Send back to draft"),
                 "withdraw": N_("Withdraw"), "reopen": N_("Reopen as a draft")}


def render(ctx: PageContext) -> None:
    who = ctx.account
    common.header(ctx, _("Record incidents"), note=False)
    if ctx.data.public or who.anonymous or not may(who, "create"):
        st.info(_("Recording and reviewing incidents is for signed-in editors, reviewers and admins of the team "
                  "view: sign in from the sidebar."), icon=":material/lock:")
        state.publish(ctx.spec, ctx.state)
        return
    add, change, review = st.tabs([_("Add an incident"), _("Edit or add a source"), _("Review")])
    with add:
        _add(ctx, who)
    with change:
        _edit(ctx, who)
    with review:
        _review(ctx, who)
    state.publish(ctx.spec, ctx.state)


def _show_failure(exc: Exception) -> None:
    t = current()
    if isinstance(exc, ValidationFailed) and getattr(exc, "problems", None) is not None:
        st.error(_("Nothing was saved: the record would not be valid."), icon=":material/error:")
        for messages in field_messages(exc.problems, t).values():
            for message in messages:
                st.markdown(f"- {common.md_escape(message)}")
    elif isinstance(exc, TeamError):
        st.error(exc.said(t), icon=":material/block:")
    elif isinstance(exc, ConflictError):
        st.error(_("Nothing was saved: someone changed this incident since you opened it.") + " "
                 + common.md_escape(exc.message), icon=":material/sync_problem:")
    else:
        st.error(common.md_escape(exc.message if isinstance(exc, UserError) else str(exc)), icon=":material/error:")


def _place_lookup() -> None:
    """The geocoder's candidates for a place name; choosing one fills the place fields of the add form."""
    name = st.text_input(_("Look up a place in the village gazetteer"), key="add_lookup")
    if not name.strip():
        return
    found = Geocoder.default().geocode(name)
    places = [*found.candidates, *found.elsewhere]
    if not places:
        st.caption(_("No place of that name in the gazetteer: give the coordinates (or none) and the precision."))
        return
    chosen = st.selectbox(_("Candidates"), range(len(places)), format_func=lambda i: places[i].label(),
                          key="add_candidate")
    if st.button(_("Use this place"), key="add_use_place"):
        place = places[chosen]
        st.session_state.update({"add_location": place.name, "add_admin2": place.cercle, "add_admin3": place.commune,
                                 "add_latitude": f"{place.latitude:.5f}", "add_longitude": f"{place.longitude:.5f}",
                                 "add_geo_precision": "1" if found.verdict == "exact" else "2"})


def _fields(prefix: str, record: dict | None = None) -> dict[str, str]:
    values = {}
    for name, label in FORM_FIELDS.items():
        key = f"{prefix}_{name}"
        if record is not None and key not in st.session_state:
            value = record.get(name)
            st.session_state[key] = "" if value is None else str(value)
        if name in CHOICES:
            options = ["", *CHOICES[name]]
            if st.session_state.get(key) not in options:
                st.session_state[key] = ""
            values[name] = st.selectbox(_(label), options, key=key)
        elif name.startswith("summary") or name == "verification_note":
            values[name] = st.text_area(_(label), key=key, height=90)
        else:
            values[name] = st.text_input(_(label), key=key)
    return values


def _source_fields(prefix: str) -> tuple[str, str, str, str]:
    st.markdown("**" + _("Source") + "**")
    a, b = st.columns(2)
    organisation = a.text_input(_("Organisation"), key=f"{prefix}_src_org")
    title = b.text_input(_("Title"), key=f"{prefix}_src_title")
    url = a.text_input(_("Link (http or https)"), key=f"{prefix}_src_url")
    published = b.text_input(_("Published (YYYY-MM-DD)"), key=f"{prefix}_src_published")
    return organisation, title, url, published


def _add(ctx: PageContext, who: Account) -> None:
    st.caption(_("A new incident is a draft: a reviewer publishes it. Every field is checked as an import checks "
                 "it; nothing is saved when one is wrong."))
    _place_lookup()
    with st.form("record_add"):
        of_report = st.selectbox(_("A new report of an incident already recorded (optional)"), _report_ids(ctx),
                                 index=None, key="add_of_report",
                                 help=_("Choose the incident's report: the new report is linked to it (one "
                                        "incident, counted once)"))
        values = _fields("add")
        source = _source_fields("add")
        reason = st.text_input(_("Reason for this change (required, kept in the history)"), key="add_reason")
        go = st.form_submit_button(_("Save as a draft"), type="primary")
    if not go:
        return
    record = record_from_form(values)
    if any(source):
        record["sources"] = with_source(None, *source)
    try:
        if of_report:
            new_id = add_report(ctx.data.store, who, of_report, record, reason=reason, now=_now())
            st.success(_("Saved as draft {id}, a report of the incident of {of}.").format(id=new_id, of=of_report),
                       icon=":material/done:")
            return
        applied = create_incident(open_store(ctx.data.store), who, record, reason=reason, now=_now())
    except (UserError, ValueError) as exc:
        _show_failure(exc)
        return
    st.success(_("Saved as draft {id} (change set {changeset}).").format(
        id=applied.inserted[0], changeset=applied.changeset_id), icon=":material/done:")


def _report_ids(ctx: PageContext) -> list[str]:
    return sorted(ctx.data.reports.reports["incident_id"].astype(str))


def _edit(ctx: PageContext, who: Account) -> None:
    ids = _report_ids(ctx)
    chosen = st.selectbox(_("Incident (report) to edit"), ids, index=None, key="edit_id")
    if not chosen:
        return
    store = open_store(ctx.data.store)
    found = store.current([chosen])
    if chosen not in found:
        st.warning(_("This incident is no longer in the store."))
        return
    base = st.session_state.get("edit_base")
    if not base or base[0] != chosen:  # the version the editor opened: a later change makes the edit stale
        st.session_state["edit_base"] = base = (chosen, found[chosen][0])
    version, record = base[1], found[chosen][1]
    st.caption(_("Editing version {version}; a published incident goes back to draft for review.").format(
        version=version))
    prefix = f"edit_{chosen}_{version}"
    with st.form("record_edit"):
        values = _fields(prefix, record)
        st.caption(_("Add a source, or correct one: a source with the same link replaces it."))
        source = _source_fields(prefix)
        reason = st.text_input(_("Reason for this change (required, kept in the history)"), key=f"{prefix}_reason")
        go = st.form_submit_button(_("Save the changes"), type="primary")
    if not go:
        return
    new = record_from_form(values)
    changed = {k: v for k, v in new.items() if ("" if record.get(k) is None else str(record.get(k))) != (v or "")}
    if any(source):
        changed["sources"] = with_source(record.get("sources"), *source)
    try:
        applied = edit_incident(store, who, chosen, changed, reason=reason, expected_version=version)
    except (UserError, ValueError) as exc:
        _show_failure(exc)
        return
    st.session_state.pop("edit_base", None)
    st.success(_("Saved (change set {changeset}).").format(changeset=applied.changeset_id), icon=":material/done:")


def _review(ctx: PageContext, who: Account) -> None:
    ids = _report_ids(ctx)
    chosen = st.selectbox(_("Incident (report) to review"), ids, index=None, key="review_id")
    if not chosen:
        return
    store = open_store(ctx.data.store)
    status, _v, note = status_of(store, chosen)
    st.markdown(_("Status: **{status}**").format(status=_(STATUS_LABELS[status]))
                + (" · " + common.md_escape(note) if note else ""))
    for r in review_history(store, chosen):
        st.caption(f"{r['at'][:16]} · {common.md_escape(shown_kind(r['kind'], current()))} · "
                   f"{common.md_escape(r['author'])} · {common.md_escape(shown_reason(r['reason'], current()))}")
    possible = [a for a, step in TRANSITIONS.items() if status in step.sources and may(who, a)]
    if not possible:
        st.caption(_("Nothing you may do with this incident in its status."))
        return
    with st.form("record_review"):
        action = st.radio(_("Action"), possible, format_func=lambda a: _(ACTION_LABELS[a]), key="review_action")
        reason = st.text_input(_("Reason or comment (required; a comment to the editor when sending back)"),
                               key="review_comment")
        go = st.form_submit_button(_("Record"), type="primary")
    if not go:
        return
    try:
        applied = transition(store, who, chosen, action, reason=reason)
    except (UserError, ValueError) as exc:
        _show_failure(exc)
        return
    st.success(_("Recorded (change set {changeset}).").format(changeset=applied.changeset_id), icon=":material/done:")


def _now():
    from datetime import UTC, datetime

    return datetime.now(UTC)
