from piccolo.columns import ForeignKey, Serial, Timestamptz
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from accounts.tables import User


class DemoAccount(Table, tablename="demo_account"):
    """A user the demo loader created: the marker that demo data is present.

    The demo password command resets exactly these accounts (never a real user
    who happens to share a demo username), the pages show the demo banner while
    any exist, and `fangzha serve` keeps the app on loopback while any is active.
    """

    id = Serial(primary_key=True)
    user: ForeignKey[User] = ForeignKey(User, unique=True, on_delete=OnDelete.cascade)
    loaded_at = Timestamptz()
