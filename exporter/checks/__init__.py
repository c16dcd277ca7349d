"""Validators and accessibility checks of finished outputs (used by the tests and by `exporter check`)."""
