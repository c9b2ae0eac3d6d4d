"""Streamlit entry point: ``incident-map serve`` runs this file (its folder holds the static/ assets)."""

from dashboard.ui.main import main

main()
