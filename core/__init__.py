"""Small pieces every domain shares: errors, pagination, money, time."""
