"""``serve``: the read-only web view (``web/``) on loopback, or elsewhere only with a token."""

from __future__ import annotations

import os

import click

from .context import guarded, settings


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8765, show_default=True, type=click.IntRange(0, 65535), help="Port to listen on.")
@click.option(
    "--token-file",
    default=None,
    metavar="FILE",
    type=click.Path(dir_okay=False),
    help="A file holding the access token (16+ characters); or set GRANTLEDGER_WEB_TOKEN. Required beyond loopback.",
)
@guarded
def serve(host: str, port: int, token_file: str | None) -> None:
    """Serve a read-only dashboard in Chinese: funds, awards, approvals, units, equity, integrity.

    Listens on 127.0.0.1 unless told otherwise; any other address needs a
    token, which every request must then present (as the password of the
    browser's login prompt, or as "Authorization: Bearer TOKEN"). The database
    is opened read-only.

    \b
    Examples:
      grantledger serve
      grantledger --db sqlite:///ledger.db serve --port 8080
      GRANTLEDGER_WEB_TOKEN=$(cat token) grantledger serve --host 0.0.0.0
      grantledger serve --host 10.0.0.5 --token-file /etc/grantledger/web-token
    """
    from ledger import errors

    s = settings()
    token = os.environ.get("GRANTLEDGER_WEB_TOKEN")
    if token_file:
        try:
            with open(token_file, encoding="utf-8") as handle:
                token = handle.read()
        except OSError as error:
            raise errors.invalid(f"--token-file {token_file}: 无法读取 ({errors.os_words(error)})") from None
    import uvicorn

    from web.app import create_app
    from web.guard import credential
    from web.source import check_initialised

    token = credential(token, host)
    app = create_app(s.read_db or s.db, token, host)  # a read replica, when given, serves the pages
    check_initialised(app.state.engine)
    shown = f"[{host}]" if ":" in host else host
    click.echo(
        f"grantledger 网页 (只读): http://{shown}:{port}/" + (" — 须带访问令牌" if token else "") + " — 按 Ctrl-C 停止",
        err=True,
    )
    uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False)
