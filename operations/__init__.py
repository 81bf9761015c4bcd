"""Running an installation: backing the database up and restoring it (`fangzha backup`)."""
