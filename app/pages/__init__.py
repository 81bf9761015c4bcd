"""Server-rendered web pages (Jinja2), for phones first."""
