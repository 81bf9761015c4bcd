"""The coordinators' workspace: campaigns, events calendar and editor, import, review."""
