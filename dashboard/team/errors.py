"""Errors of the team package: a message template marked for translation and its values, so the UI and the CLI
can say it in the reader's language (:meth:`TeamError.said`) while logs and tests read it in English."""

from __future__ import annotations

from dashboard.errors import StoreError
from dashboard.i18n import Translator


class TeamError(StoreError):
    """A refused team action: ``template`` (English, marked with ``N_``) formatted with ``params``."""

    def __init__(self, template: str, **params: object) -> None:
        super().__init__(template, **params)  # UserError keeps the template and fields: text(t) says it in t's language
        self.params = params

    def said(self, t: Translator) -> str:
        return self.text(t)


class PermissionDenied(TeamError):
    """The account's role does not allow the action (checked on the server, whatever the surface shows)."""


class SignInFailed(TeamError):
    """Wrong name or password, a locked account, an expired session."""


class WorkflowError(TeamError):
    """A transition the workflow does not allow (publishing one's own change, a draft that is not in review...)."""
