"""Coordinator reports: GSP regions, action-plan indicators, charts and data exports, as pure functions.

Nothing here imports aiogram or SQLAlchemy: the app layer loads rows from SQL and passes plain data in.
"""
