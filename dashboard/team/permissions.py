"""Roles and the one permission check every write makes: :func:`require` (CLI and UI alike; hiding a button is
not security).

* ``viewer``: anyone, signed in or not; reads (the public view when the server runs public).
* ``editor``: adds incidents, edits them, adds or corrects their sources, submits drafts for review.
* ``reviewer``: what an editor may, and publishes, sends back with a comment, withdraws with a reason (never their
  own last change: :mod:`.workflow`).
* ``admin``: what a reviewer may, and manages accounts.
"""

from __future__ import annotations

from dataclasses import dataclass

from dashboard.i18n import N_, NP_, Phrase, Translator
from dashboard.team.errors import PermissionDenied

ROLES = ("viewer", "editor", "reviewer", "admin")  # each may do what the ones before it may
ROLE_LABELS = {"viewer": N_("viewer"), "editor": N_("editor"), "reviewer": N_("reviewer"), "admin": N_("admin")}

# the least role each action needs
ACTIONS: dict[str, str] = {
    "read": "viewer",
    "create": "editor",
    "edit": "editor",
    "submit": "editor",
    "import": "editor",
    "publish": "reviewer",
    "send_back": "reviewer",
    "withdraw": "reviewer",
    "reopen": "reviewer",
    "manage_accounts": "admin",
}


# what each action is called after "a reviewer or above may …" (an infinitive), in a refusal
ACTION_WORDS = {"read": NP_("may", "read"), "create": NP_("may", "add an incident"), "edit": NP_("may", "edit"),
                "submit": NP_("may", "submit for review"), "import": NP_("may", "import"),
                "publish": NP_("may", "publish"), "send_back": NP_("may", "send back to draft"),
                "withdraw": NP_("may", "withdraw"), "reopen": NP_("may", "reopen"),
                "manage_accounts": NP_("may", "manage accounts")}


@dataclass(frozen=True)
class Said:
    """An action's name as a field of a refusal, said in the refusal's language (picklable, unlike a closure)."""

    action: str

    def __call__(self, t: Translator) -> str:
        return t.pgettext("may", ACTION_WORDS[self.action]) if self.action in ACTION_WORDS else self.action


@dataclass(frozen=True)
class Account:
    """Who is acting: a stored account's name (a local name or an email for single sign-on) and its role."""

    name: str
    role: str = "viewer"

    @property
    def anonymous(self) -> bool:
        return self is ANONYMOUS or self.name == ANONYMOUS.name


ANONYMOUS = Account("anonymous", "viewer")


def may(account: Account | None, action: str) -> bool:
    """Whether ``account`` (None: anonymous) may do ``action`` (one of :data:`ACTIONS`)."""
    need = ACTIONS[action]  # an unknown action is a bug: KeyError
    account = account or ANONYMOUS
    if account.anonymous or account.role not in ROLES:
        return need == "viewer"
    return ROLES.index(account.role) >= ROLES.index(need)


def require(account: Account | None, action: str) -> Account:
    """The account, if it may do ``action``; otherwise :class:`PermissionDenied` (nothing is written)."""
    if not may(account, action):
        account = account or ANONYMOUS
        if account.anonymous:
            raise PermissionDenied(N_("Sign in first: an anonymous visitor can only read (the action was {action})."),
                                   action=Said(action))
        raise PermissionDenied(N_("{name} has the role {role}: only a {need} or above may {action}; nothing was changed."),
                               name=account.name, role=Phrase(account.role), need=Phrase(ACTIONS[action]),
                               action=Said(action))
    return account
