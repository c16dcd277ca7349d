"""Running builds: where each input is exported (`executors`), apart from what exporting means (`pipeline`)."""
