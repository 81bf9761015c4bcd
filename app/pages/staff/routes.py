"""The staff workspace's page controllers, registered together in the app factory."""

from typing import Any

from app.pages.staff.attendance import AttendancePage
from app.pages.staff.desk import StaffDesk
from app.pages.staff.records import MyRecords

staff_pages: list[Any] = [StaffDesk, MyRecords, AttendancePage]
