"""Review page: pairs of reports that may describe the same event, with their evidence and a small map of both
places; a person links them (one incident) or keeps them apart, with a reason, and the decision is stored."""

from __future__ import annotations

import streamlit as st
from streamlit_folium import st_folium

from dashboard.data import decide
from dashboard.data.reconcile.evidence import AUTO_LINK, REVIEW, explain
from dashboard.errors import UserError
from dashboard.ui import cache, common, state, team
from dashboard.ui.context import PageContext
from dashboard.ui.lang import _, current, ngettext
from dashboard.viz.cards import incident_card_html
from dashboard.viz.pairmap import build_pair_map

PAIR_KEY = "review_pair"
AUTHOR_KEY = "review_author"
REASON_KEY = "review_reason"
LISTED = 200  # pairs offered in the chooser (best first)


def render(ctx: PageContext) -> None:
    common.header(ctx, _("Review: the same event?"))
    if ctx.data.public:
        st.info(_("Reviewing matches is turned off in the public view."))
        state.publish(ctx.spec, ctx.state)
        return
    queue = _queue(ctx)
    st.markdown(_("Reports from different datasets that may describe the same event. Pairs scoring at least "
                  "{auto} points were linked automatically; these scored {review}–{below} (or the rule "
                  "would not link them alone). **Link** them if they are one event (counted once), **keep them "
                  "apart** if not: the pair is never proposed again. Each decision is kept with your name, the time "
                  "and your reason.").format(auto=AUTO_LINK, review=REVIEW, below=AUTO_LINK - 1))
    if queue.empty:
        st.success(_("Nothing waits for review among the incidents selected."), icon=":material/done_all:")
        common.cite(ctx, "review")
        state.publish(ctx.spec, ctx.state)
        return
    st.caption(ngettext("{n} pair waits for review among the incidents selected, best first.",
                        "{n} pairs wait for review among the incidents selected, best first.", len(queue)).format(
        n=current().number(len(queue))))
    labels = [f"{r.score} · {r.a} ~ {r.b}" for r in queue.head(LISTED).itertuples(index=False)]
    chosen = st.selectbox(_("Pair"), range(len(labels)), format_func=labels.__getitem__, key=PAIR_KEY)
    pair = queue.iloc[chosen]
    reports = ctx.data.reports.reports
    # said in the page's language from the two reports (the stored decision keeps the English sentence)
    evidence = explain(reports, pair["a"], pair["b"], current()) or pair["evidence"]
    st.markdown(_("**Evidence** ({score} points): {evidence}").format(score=pair["score"],
                                                                       evidence=common.md_inline(evidence)))
    rows = reports.loc[reports["incident_id"].isin([pair["a"], pair["b"]])].set_index("incident_id", drop=False)
    two = rows.loc[[pair["a"], pair["b"]]]
    left, right = st.columns(2)
    for col, label, ident, incident in ((left, "A", pair["a"], pair["incident_a"]),
                                        (right, "B", pair["b"], pair["incident_b"])):
        with col:
            st.markdown(f"**{label}** · " + _("in incident {incident}").format(
                incident=f"`{common.md_inline(incident)}`"))
            st.html(incident_card_html(two.loc[ident].to_dict(), width=520, t=current()))
    st_folium(build_pair_map(two, basemap=cache.basemap(), t=current()), key=f"pair_map_{chosen}", height=300,
              use_container_width=True, returned_objects=[])
    _decide(ctx, pair)
    common.cite(ctx, "review")
    state.publish(ctx.spec, ctx.state)


def _queue(ctx: PageContext):
    """The pending pairs with at least one report in an incident of the current selection."""
    queue = decide.review_queue(ctx.data.reports, ctx.data.decisions)
    shown = set(ctx.view["incident_id"])
    return queue.loc[queue["incident_a"].isin(shown) | queue["incident_b"].isin(shown)].reset_index(drop=True)


def _decide(ctx: PageContext, pair) -> None:
    if team.refuse(ctx, "edit"):
        return
    if AUTHOR_KEY not in st.session_state:
        st.session_state[AUTHOR_KEY] = decide.default_author()
    c1, c2 = st.columns([1, 2])
    author = c1.text_input(_("Your name"), key=AUTHOR_KEY, help=_("Kept with the decision (a local name until "
                                                                  "accounts exist)"))
    reason = c2.text_input(_("Reason"), key=REASON_KEY, placeholder=_("e.g. same village, same day, same toll in both"),
                           help=_("Required: why they are (or are not) the same event"))
    b1, b2, _rest = st.columns([1, 1, 2])
    go_link = b1.button(_("Link: same event"), type="primary", key="review_link", icon=":material/link:",
                        width="stretch")
    go_apart = b2.button(_("Keep apart"), key="review_apart", icon=":material/link_off:", width="stretch")
    if not (go_link or go_apart):
        return
    action = decide.link if go_link else decide.keep_apart
    if not team.may_write(ctx, "edit"):  # checked again when it writes, not only when drawn
        return
    if not ctx.account.anonymous:
        author = ctx.account.name
    try:
        action(ctx.data.store, pair["a"], pair["b"], reason=reason, author=author)
    except UserError as exc:
        common.user_error(exc)
        return
    st.session_state.pop(REASON_KEY, None)
    st.session_state.pop(PAIR_KEY, None)
    st.toast((_("Linked: {a} and {b}") if go_link else _("Kept apart: {a} and {b}")).format(a=pair["a"], b=pair["b"]))
    st.rerun()
