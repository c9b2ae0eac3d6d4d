"""The team's side of the record (issue 14): accounts and roles (:mod:`.accounts`), the permission every write
checks (:mod:`.permissions`), the review workflow (:mod:`.workflow`) and the writes the forms and the CLI make as a
signed-in account (:mod:`.writes`). Pure of Streamlit: the UI and the CLI call the same functions, so a check made
here holds whatever surface asks."""
