"""Web wiring: settings, the app factory, auth middleware, CLI and pages."""
