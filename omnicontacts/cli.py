"""The `omnicontacts` command: one sub-command per job."""

from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path

import click

from omnicontacts.config import Config


def _engine(config: Config):  # type: ignore[no-untyped-def]
    from omnicontacts.db.engine import make_engine

    return make_engine(config.database_url)


@click.group()
def main() -> None:
    """omnicontacts: a Rocket.Chat-compatible omnichannel contact center server."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")


@main.command()
def migrate() -> None:
    """Apply pending migrations and seed roles, permissions and settings."""
    from omnicontacts.bootstrap import prepare

    config = Config.from_env()
    prepare(_engine(config), config)
    click.echo("database is up to date")


@main.command("create-admin")
@click.option("--username", required=True)
@click.option("--password", required=True)
@click.option("--email", default=None)
@click.option("--name", default="Administrator")
def create_admin(username: str, password: str, email: str | None, name: str) -> None:
    """Create a user with the admin role."""
    from omnicontacts.bootstrap import prepare
    from omnicontacts.db.engine import WRITE
    from omnicontacts.errors import ApiError
    from omnicontacts.users.service import create_user

    config = Config.from_env()
    engine = _engine(config)
    prepare(engine, config)
    with engine.connect() as conn:
        conn.execution_options(**WRITE)
        try:
            with conn.begin():
                user = create_user(
                    conn, username=username, name=name, password=password, email=email, roles=["admin"]
                )
        except ApiError as error:
            raise click.ClickException(str(error.body().get("error"))) from None
    click.echo(f"created admin {user['username']} ({user['_id']})")


@main.command("demo-data")
def demo_data() -> None:
    """Load a small, realistic contact center (idempotent: skipped when already loaded)."""
    from omnicontacts import demo
    from omnicontacts.bootstrap import prepare

    config = Config.from_env()
    engine = _engine(config)
    prepare(engine, config)
    click.echo(demo.load(engine))


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=None, help="default: $PORT or 3000")
@click.option("--workers", type=int, default=1, show_default=True)
def serve(host: str, port: int | None, workers: int) -> None:
    """Migrate, create the initial admin when ADMIN_PASS asks for one, and serve."""
    import uvicorn

    from omnicontacts.bootstrap import prepare

    config = Config.from_env()
    engine = _engine(config)
    prepare(engine, config)
    engine.dispose()
    uvicorn.run(
        "omnicontacts.app:app_from_env",
        factory=True,
        host=host,
        port=port or config.port,
        workers=workers,
        log_level="warning",
        access_log=False,
    )


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=None)
def quickstart(host: str, port: int | None) -> None:
    """`make run`: migrate, ensure an admin (credentials kept in data/), load demo data on first
    run, print how to log in, and serve."""
    from omnicontacts import demo
    from omnicontacts.bootstrap import prepare

    secret_file = Path("data/admin-password.txt")
    secret_file.parent.mkdir(parents=True, exist_ok=True)
    if not os.environ.get("ADMIN_PASS"):
        if not secret_file.exists():
            secret_file.write_text(secrets.token_urlsafe(12) + "\n")
            secret_file.chmod(0o600)
        os.environ["ADMIN_PASS"] = secret_file.read_text().strip()
    os.environ.setdefault("ADMIN_USERNAME", "admin")
    config = Config.from_env()
    engine = _engine(config)
    prepare(engine, config)
    click.echo(demo.load(engine))
    engine.dispose()
    port = port or config.port
    base = f"http://{host}:{port}"
    user, password = os.environ["ADMIN_USERNAME"], os.environ["ADMIN_PASS"]
    click.echo(
        f"""
omnicontacts is serving on {base}  (API docs: {base}/api/v1/docs)
  admin user: {user}
  password:   {password}

Log in and call an endpoint:
  TOKEN=$(curl -s {base}/api/v1/login -H 'Content-Type: application/json' \\
      -d '{{"user":"{user}","password":"{password}"}}')
  USER_ID=$(echo "$TOKEN" | python3 -c 'import json,sys;print(json.load(sys.stdin)["data"]["userId"])')
  AUTH=$(echo "$TOKEN" | python3 -c 'import json,sys;print(json.load(sys.stdin)["data"]["authToken"])')
  curl -s {base}/api/v1/me -H "X-User-Id: $USER_ID" -H "X-Auth-Token: $AUTH"
"""
    )
    import uvicorn

    uvicorn.run("omnicontacts.app:app_from_env", factory=True, host=host, port=port, log_level="warning")


if __name__ == "__main__":
    main()
