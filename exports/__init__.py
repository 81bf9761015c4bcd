"""Data out: iCalendar feeds, CSV and XLSX exports, reports."""
