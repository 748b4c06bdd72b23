"""rooms: the department as a column, and (PostgreSQL) the document as `json` text

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 05:10:00

contacts.history sends 25 whole room documents per page. On PostgreSQL, a `jsonb` document is
turned back into text for every row sent, which cost about as much as the rest of the page's query
(10k rooms, in-process: 600-685 µs per page against 380-430 µs with `json` documents and the
department joined on a column). `json` keeps the text as written, so it also returns a room's fields
in their stored order, as SQLite and MongoDB do. No query filters or joins on a room's document:
they read copied-out columns, now including `department_id` (history joins the department's name
on it instead of extracting `departmentId` from each document).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("rooms", sa.Column("department_id", sa.String(length=64), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "UPDATE rooms SET department_id = doc ->> 'departmentId' "
            "WHERE jsonb_typeof(doc -> 'departmentId') = 'string' AND doc ->> 'departmentId' <> ''"
        )
        op.execute("ALTER TABLE rooms ALTER COLUMN doc TYPE json USING doc::json")
    else:
        op.execute(
            "UPDATE rooms SET department_id = json_extract(doc, '$.departmentId') "
            "WHERE json_type(doc, '$.departmentId') = 'text' AND json_extract(doc, '$.departmentId') <> ''"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE rooms ALTER COLUMN doc TYPE jsonb USING doc::jsonb")
    with op.batch_alter_table("rooms", schema=None) as batch_op:
        batch_op.drop_column("department_id")
