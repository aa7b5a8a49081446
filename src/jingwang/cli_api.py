"""`jingwang serve`, `jingwang users …` and `jingwang audit`: the API server and its people."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy import select

from jingwang.cli_common import VersionOpt, app, db_url, fail, open_engine, out
from jingwang.store.db import session_scope
from jingwang.store.errors import Duplicate, NotFound
from jingwang.store.models import AuditEvent, Unit, User

users_app = typer.Typer(help="People and machines that use the API.", no_args_is_help=True)
app.add_typer(users_app, name="users")


@app.command()
def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option("--workers", help="Worker processes.")] = 1,
    escalate_every: Annotated[float, typer.Option(
        "--escalate-every", help="Seconds between escalation rounds (0: none).")] = 60.0,
    access_log: Annotated[bool, typer.Option(
        "--access-log/--no-access-log", help="Log every request.")] = True,
    version: VersionOpt = False,
) -> None:
    """Run the REST API (and, later, the console) with uvicorn; OpenAPI at /openapi.json."""
    import os

    import uvicorn

    from jingwang.clues.escalator import Escalator

    engine = open_engine(ctx)  # one clear line when the store is missing or not initialised
    os.environ["JINGWANG_DB"] = db_url(ctx)
    out.print(f"jingwang API on http://{host}:{port}/  (docs: /docs, spec: /openapi.json); "
              f"overdue clues escalated every {escalate_every:g} s")
    # One escalator for the store, here, whatever the number of workers.
    escalator = Escalator(engine, escalate_every).start() if escalate_every > 0 else None
    try:
        uvicorn.run("jingwang.api.server:app", host=host, port=port, workers=workers,
                    log_level="info", access_log=access_log)
    finally:
        if escalator is not None:
            escalator.stop()


@users_app.command("add")
def users_add(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(help="Login name.")],
    role: Annotated[str, typer.Option("--role", help="admin, analyst, unit_officer, platform "
                                      "or public.")],
    unit: Annotated[str | None, typer.Option("--unit", help="The unit's code (officers).")]
        = None,
    name: Annotated[str | None, typer.Option("--name", help="Display name.")] = None,
    password_stdin: Annotated[bool, typer.Option(
        "--password-stdin", help="Read the password from stdin (else it is asked for).")]
        = False,
    no_password: Annotated[bool, typer.Option(
        "--no-password", help="No password: the user signs in with tokens only.")] = False,
    version: VersionOpt = False,
) -> None:
    """Add a person or a machine account (passwords are hashed with Argon2id)."""
    from jingwang.api.access import ROLES
    from jingwang.api.security import hash_password
    from jingwang.store.directory import add_user

    if role not in ROLES:
        fail(f"unknown role {role!r}; one of {', '.join(ROLES)}", 2)
    if role == "unit_officer" and unit is None:
        fail("a unit officer needs --unit CODE", 2)
    password = None
    if not no_password:
        password = (sys.stdin.readline().rstrip("\n") if password_stdin
                    else typer.prompt("password", hide_input=True, confirmation_prompt=True))
    engine = open_engine(ctx)
    try:
        with session_scope(engine) as session:
            unit_row = None
            if unit is not None:
                unit_row = session.scalars(select(Unit).where(Unit.code == unit)).one_or_none()
                if unit_row is None:
                    fail(f"no unit with code {unit!r} (jingwang units import FILE first)")
            add_user(session, username, role, display_name=name, unit=unit_row,
                     password_hash=hash_password(password) if password else None)
            from jingwang.store.directory import record_audit
            record_audit(session, "cli", "user.create", "user", username,
                         {"new_role": role, "unit": unit})
    except (Duplicate, ValueError) as exc:
        fail(str(exc))
    out.print(f"added {role} {username}" + (f" of unit {unit}" if unit else ""))


@users_app.command("token")
def users_token(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(help="The user the token acts as.")],
    name: Annotated[str, typer.Option("--name", help="What the token is for.")] = "cli",
    version: VersionOpt = False,
) -> None:
    """Issue an API token (printed once; only its hash is kept)."""
    from jingwang.api.tokens import issue_token
    from jingwang.store.directory import record_audit

    engine = open_engine(ctx)
    try:
        with session_scope(engine) as session:
            token = issue_token(session, username, name)
            record_audit(session, "cli", "token.create", "user", username, {"name": name})
    except NotFound as exc:
        fail(str(exc))
    print(token)


@users_app.command("list")
def users_list(ctx: typer.Context, version: VersionOpt = False) -> None:
    """Every user with role and unit."""
    engine = open_engine(ctx)
    table = Table()
    for col in ("user", "role", "unit", "active"):
        table.add_column(col)
    with session_scope(engine) as session:
        for user in session.scalars(select(User).order_by(User.username)):
            table.add_row(user.username, user.role, user.unit.code if user.unit else "-",
                          "yes" if user.active else "no")
    out.print(table)


@app.command()
def audit(
    ctx: typer.Context,
    actor: Annotated[str | None, typer.Option("--actor", help="Only this user.")] = None,
    action: Annotated[str | None, typer.Option("--action", help="Only this action, "
                                               "e.g. read_pii, denied, clue.push.")] = None,
    limit: Annotated[int, typer.Option("--limit", help="How many, newest first.")] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON lines.")] = False,
    version: VersionOpt = False,
) -> None:
    """The audit trail: who read unmasked PII or changed what, newest first."""
    engine = open_engine(ctx)
    query = select(AuditEvent)
    if actor:
        query = query.where(AuditEvent.actor == actor)
    if action:
        query = query.where(AuditEvent.action == action)
    with session_scope(engine) as session:
        rows = session.scalars(query.order_by(AuditEvent.id.desc()).limit(max(limit, 1))).all()
    if as_json:
        for e in rows:
            print(json.dumps({"id": e.id, "at": e.at.isoformat(), "actor": e.actor,
                              "action": e.action, "object_type": e.object_type,
                              "object_id": e.object_id, "detail": e.detail},
                             ensure_ascii=False))
        return
    table = Table()
    for col in ("at (UTC)", "actor", "action", "object", "detail"):
        table.add_column(col, overflow="fold")
    for e in rows:
        table.add_row(f"{e.at:%Y-%m-%d %H:%M:%S}", e.actor, e.action,
                      f"{e.object_type} {e.object_id or ''}".strip(),
                      json.dumps(e.detail, ensure_ascii=False) if e.detail else "")
    out.print(table)
